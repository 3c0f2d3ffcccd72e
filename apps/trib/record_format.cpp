// kcat-style record templates (see record_format.hpp).

#include "record_format.hpp"

#include <nlohmann/json.hpp>

namespace tributary::trib {

std::optional<record_format> record_format::parse(const std::string& text, std::string* why) {
  record_format f;
  auto literal = [&f](char c) {
    if (f.pieces_.empty() || f.pieces_.back().what != kind::literal)
      f.pieces_.push_back({kind::literal, {}});
    f.pieces_.back().text += c;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c != '%' && c != '\\') {
      literal(c);
      continue;
    }
    if (i + 1 == text.size()) {
      if (why)
        *why = std::string("--format ends with a lone '") + c + "'; write " +
               (c == '%' ? "%%" : "\\\\") + " for the character itself";
      return std::nullopt;
    }
    char t = text[++i];
    if (c == '\\') {
      switch (t) {
      case 'n':
        literal('\n');
        break;
      case 't':
        literal('\t');
        break;
      case 'r':
        literal('\r');
        break;
      case '\\':
        literal('\\');
        break;
      default:
        if (why)
          *why =
              std::string("--format has an unknown escape '\\") + t + "'; known: \\n \\t \\r \\\\";
        return std::nullopt;
      }
      continue;
    }
    kind k;
    switch (t) {
    case '%':
      literal('%');
      continue;
    case 't':
      k = kind::topic;
      break;
    case 'p':
      k = kind::partition;
      break;
    case 'o':
      k = kind::offset;
      break;
    case 'k':
      k = kind::key;
      break;
    case 's':
      k = kind::value;
      break;
    case 'T':
      k = kind::timestamp;
      break;
    case 'h':
      k = kind::headers;
      break;
    case 'K':
      k = kind::key_size;
      break;
    case 'S':
      k = kind::value_size;
      break;
    default:
      if (why)
        *why = std::string("--format has an unknown token '%") + t +
               "'; known: %t %p %o %k %s %T %h %K %S %%";
      return std::nullopt;
    }
    f.pieces_.push_back({k, {}});
  }
  return f;
}

void record_format::render(const client::consumer_record& r, std::string& out) const {
  auto size_of = [](const std::optional<std::string>& s) {
    return s ? std::to_string(s->size()) : std::string("-1");
  };
  for (const auto& p : pieces_) {
    switch (p.what) {
    case kind::literal:
      out += p.text;
      break;
    case kind::topic:
      out += r.topic;
      break;
    case kind::partition:
      out += std::to_string(r.partition);
      break;
    case kind::offset:
      out += std::to_string(r.offset);
      break;
    case kind::key:
      out += r.key.value_or("");
      break;
    case kind::value:
      out += r.value.value_or("");
      break;
    case kind::timestamp:
      out += std::to_string(r.timestamp);
      break;
    case kind::key_size:
      out += size_of(r.key);
      break;
    case kind::value_size:
      out += size_of(r.value);
      break;
    case kind::headers:
      for (size_t i = 0; i < r.headers.size(); ++i) {
        if (i > 0)
          out += ',';
        out += r.headers[i].key;
        out += '=';
        out += r.headers[i].value.value_or("");
      }
      break;
    }
  }
}

nlohmann::json record_to_json(const client::consumer_record& r) {
  auto optional = [](const std::optional<std::string>& s) {
    return s ? nlohmann::json(*s) : nlohmann::json(nullptr);
  };
  auto headers = nlohmann::json::array();
  for (const auto& h : r.headers)
    headers.push_back({{"key", h.key}, {"value", optional(h.value)}});
  return {{"topic", r.topic},         {"partition", r.partition}, {"offset", r.offset},
          {"timestamp", r.timestamp}, {"key", optional(r.key)},   {"value", optional(r.value)},
          {"headers", headers}};
}

} // namespace tributary::trib
