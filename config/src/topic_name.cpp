// Topic name rules, as Kafka's org.apache.kafka.common.internals.Topic.

#include "tributary/config/topic_name.hpp"

#include "tributary/config/errc.hpp"

#include <cstdio>

namespace tributary::config {

namespace {

result<void> fail(std::string* why, std::string text) {
  if (why)
    *why = std::move(text);
  return unexpected(errc::invalid_value);
}

bool is_legal_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

// "'/'" for a printable character, "byte 0xc3" for anything else (UTF-8, controls).
std::string describe_char(char c) {
  auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x20 && byte < 0x7f)
    return "'" + std::string(1, c) + "'";
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02x", byte);
  return std::string("byte ") + hex;
}

char unify(char c) noexcept {
  return c == '.' ? '_' : c;
}

} // namespace

result<void> validate_topic_name(std::string_view name, std::string* why) {
  if (name.empty())
    return fail(why, "a topic name must not be empty");
  if (name.size() > k_max_topic_name_length)
    return fail(why, "a topic name has at most " + std::to_string(k_max_topic_name_length) +
                         " characters; '" + std::string(name.substr(0, 20)) + "...' has " +
                         std::to_string(name.size()));
  if (name == "." || name == "..")
    return fail(why, "topic name '" + std::string(name) + "' is not allowed: '.' and '..' " +
                         "are reserved");
  for (char c : name)
    if (!is_legal_char(c))
      return fail(why, "topic name '" + std::string(name) + "' contains " + describe_char(c) +
                           ": allowed characters are ASCII letters, digits, '.', '_' and '-'");
  return {};
}

bool has_collision_chars(std::string_view name) noexcept {
  return name.find_first_of("._") != std::string_view::npos;
}

bool topic_names_collide(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (unify(a[i]) != unify(b[i]))
      return false;
  return true;
}

} // namespace tributary::config
