// Kafka's ConfigDef parsing rules, with the error sentences users read.

#include "value_parse.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

namespace tributary::config::detail {

namespace {

constexpr int64_t k_int32_min = std::numeric_limits<int32_t>::min();
constexpr int64_t k_int32_max = std::numeric_limits<int32_t>::max();

bool fail(errc& code, std::string& reason, errc c, std::string text) {
  code = c;
  reason = std::move(text);
  return false;
}

// Shortest exact text; Kafka prints doubles as 0.5, 1.0.
std::string double_text(double v) {
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
  std::string text(buf, ec == std::errc{} ? ptr : buf);
  if (text.find_first_of(".e") == std::string::npos)
    text += ".0";
  return text;
}

// The limits a value must respect: the def's, clamped to the type.
std::pair<int64_t, int64_t> limits(const setting_def& def) {
  if (def.type == setting_type::int32)
    return {std::max(def.min, k_int32_min), std::min(def.max, k_int32_max)};
  return {def.min, def.max};
}

std::string range_text(const setting_def& def) {
  auto [lo, hi] = limits(def);
  auto type_min =
      def.type == setting_type::int32 ? k_int32_min : std::numeric_limits<int64_t>::min();
  // int32 settings show their upper bound: a value may be a valid long but not a valid int.
  bool has_hi = hi != std::numeric_limits<int64_t>::max();
  std::string text;
  if (lo != type_min && has_hi)
    text = "must be between " + std::to_string(lo) + " and " + std::to_string(hi);
  else if (lo != type_min)
    text = "must be at least " + std::to_string(lo);
  else
    text = "must be at most " + std::to_string(hi);
  if (def.allows_minus_one)
    text += ", or -1 for unlimited";
  return text;
}

bool parse_integer(const setting_def& def, std::string_view s, int64_t scale, setting_value& out,
                   errc& code, std::string& reason) {
  auto digits = s; // Java's Long.parseLong accepts one leading '+', so does Kafka
  if (digits.size() > 1 && digits.front() == '+' && digits[1] != '-')
    digits.remove_prefix(1);
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (digits.empty() || (ec != std::errc{} && ec != std::errc::result_out_of_range) ||
      (ec == std::errc{} && ptr != digits.data() + digits.size()))
    return fail(code, reason, errc::invalid_value, "not an integer; " + range_text(def));
  if (ec == std::errc::result_out_of_range)
    return fail(code, reason, errc::out_of_range,
                "does not fit a 64-bit integer; " + range_text(def));
  bool is_unlimited = def.allows_minus_one && v == -1;
  if (scale != 1 && !is_unlimited) {
    if (v > std::numeric_limits<int64_t>::max() / scale ||
        v < std::numeric_limits<int64_t>::min() / scale)
      return fail(code, reason, errc::out_of_range,
                  "overflows when converted to " + std::string(def.name));
    v *= scale;
  }
  auto [lo, hi] = limits(def);
  if (!is_unlimited && (v < lo || v > hi))
    return fail(code, reason, errc::out_of_range, range_text(def));
  out = v;
  return true;
}

bool parse_double(const setting_def& def, std::string_view s, setting_value& out, errc& code,
                  std::string& reason) {
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || ptr != s.data() + s.size() || !std::isfinite(v))
    return fail(code, reason, errc::invalid_value,
                "not a number; must be between " + double_text(def.min_double) + " and " +
                    double_text(def.max_double));
  if (v < def.min_double || v > def.max_double)
    return fail(code, reason, errc::out_of_range,
                "must be between " + double_text(def.min_double) + " and " +
                    double_text(def.max_double));
  out = v;
  return true;
}

// Matches `item` case-insensitively against the allowed values; returns the canonical one.
const std::string* find_allowed(const setting_def& def, std::string_view item) {
  for (const auto& a : def.allowed)
    if (iequals(a, item))
      return &a;
  return nullptr;
}

bool parse_list(const setting_def& def, std::string_view s, setting_value& out, errc& code,
                std::string& reason) {
  std::vector<std::string> items;
  while (!s.empty()) {
    auto comma = s.find(',');
    auto item = trim(s.substr(0, comma));
    if (item.empty())
      return fail(code, reason, errc::invalid_value, "empty item in a comma-separated list");
    std::string value(item);
    if (!def.allowed.empty()) {
      auto* canonical = find_allowed(def, item);
      if (!canonical)
        return fail(code, reason, errc::invalid_value, "allowed values are " + join(def.allowed));
      value = *canonical;
    }
    for (const auto& seen : items)
      if (seen == value)
        return fail(code, reason, errc::invalid_value, "'" + value + "' is listed twice");
    items.push_back(std::move(value));
    s = comma == std::string_view::npos ? std::string_view{} : s.substr(comma + 1);
  }
  if (items.empty() && !def.allowed.empty())
    return fail(code, reason, errc::invalid_value,
                "must list at least one of " + join(def.allowed));
  out = std::move(items);
  return true;
}

bool parse_typed(const setting_def& def, std::string_view s, int64_t scale, setting_value& out,
                 errc& code, std::string& reason) {
  switch (def.type) {
  case setting_type::boolean:
    if (iequals(s, "true") || iequals(s, "false")) {
      out = iequals(s, "true");
      return true;
    }
    return fail(code, reason, errc::invalid_value, "must be true or false");
  case setting_type::int32:
  case setting_type::int64:
    return parse_integer(def, s, scale, out, code, reason);
  case setting_type::float64:
    return parse_double(def, s, out, code, reason);
  case setting_type::choice:
    if (auto* canonical = find_allowed(def, s)) {
      out = *canonical;
      return true;
    }
    return fail(code, reason, errc::invalid_value, "allowed values are " + join(def.allowed));
  case setting_type::list:
    return parse_list(def, s, out, code, reason);
  case setting_type::string:
    out = std::string(s);
    return true;
  }
  return fail(code, reason, errc::invalid_value, "unsupported type");
}

} // namespace

bool parse_value(const setting_def& def, std::string_view raw, int64_t scale, setting_value& out,
                 errc& code, std::string& reason) {
  setting_value parsed;
  if (!parse_typed(def, trim(raw), scale, parsed, code, reason))
    return false;
  if (def.check && !def.check(parsed, reason)) {
    code = errc::invalid_value;
    return false;
  }
  out = std::move(parsed);
  return true;
}

std::string to_text(const setting_def& def, const setting_value& value) {
  switch (def.type) {
  case setting_type::boolean:
    return std::get<bool>(value) ? "true" : "false";
  case setting_type::int32:
  case setting_type::int64:
    return std::to_string(std::get<int64_t>(value));
  case setting_type::float64:
    return double_text(std::get<double>(value));
  case setting_type::list:
    return join(std::get<std::vector<std::string>>(value), ",");
  case setting_type::choice:
  case setting_type::string:
    return std::get<std::string>(value);
  }
  return {};
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty())
      out += separator;
    out += item;
  }
  return out;
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

} // namespace tributary::config::detail
