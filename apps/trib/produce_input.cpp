// Input lines for `trib produce` (see produce_input.hpp).

#include "produce_input.hpp"

#include <cstdlib>

namespace tributary::trib {

std::optional<line_record> split_line(const std::string& line, uint64_t line_no,
                                      const line_rules& rules, std::string* why) {
  line_record out;
  std::string value = line;
  if (rules.key_separator) {
    auto at = line.find(*rules.key_separator);
    if (at == std::string::npos) {
      if (why)
        *why = "line " + std::to_string(line_no) + " has no key separator '" +
               *rules.key_separator + "' (every line must be key" + *rules.key_separator + "value)";
      return std::nullopt;
    }
    out.key = line.substr(0, at);
    value = line.substr(at + rules.key_separator->size());
  }
  if (!(rules.null_value && value == *rules.null_value))
    out.value = std::move(value);
  return out;
}

std::optional<client::header> parse_assignment(const std::string& text, const char* what,
                                               std::string* why) {
  auto eq = text.find('=');
  client::header h;
  h.key = text.substr(0, eq);
  if (eq != std::string::npos)
    h.value = text.substr(eq + 1);
  if (h.key.empty()) {
    if (why)
      *why = std::string(what) + " '" + text + "' has an empty name; write name=value";
    return std::nullopt;
  }
  return h;
}

line_reader::~line_reader() {
  std::free(buffer_);
}

std::optional<std::string> line_reader::next() {
  ssize_t n = getline(&buffer_, &capacity_, in_);
  if (n < 0)
    return std::nullopt;
  auto size = static_cast<size_t>(n);
  if (size > 0 && buffer_[size - 1] == '\n')
    --size;
  return std::string(buffer_, size);
}

bool line_reader::failed() const noexcept {
  return std::ferror(in_) != 0;
}

} // namespace tributary::trib
