// Parsing of listener endpoints ("PLAINTEXT://127.0.0.1:9092", "[::1]:19092").

#include "tributary/config/listener.hpp"

#include "tributary/config/errc.hpp"

#include <cctype>
#include <charconv>

namespace tributary::config {

namespace {

result<listener> fail(std::string* why, std::string text) {
  if (why)
    *why = std::move(text);
  return unexpected(errc::invalid_value);
}

bool is_valid_name(std::string_view name) {
  if (name.empty())
    return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-')
      return false;
  return true;
}

} // namespace

std::string listener::to_string() const {
  std::string text = name.empty() ? std::string{} : name + "://";
  if (host.find(':') != std::string::npos)
    text += "[" + host + "]";
  else
    text += host;
  return text + ":" + std::to_string(port);
}

bool is_wildcard_host(std::string_view host) noexcept {
  return host == "0.0.0.0" || host == "::";
}

result<listener> parse_host_port(std::string_view text, std::string* why) {
  listener out;
  std::string_view rest = text;
  if (!rest.empty() && rest.front() == '[') {
    auto close = rest.find(']');
    if (close == std::string_view::npos)
      return fail(why, "'" + std::string(text) + "' has '[' without ']'");
    out.host = std::string(rest.substr(1, close - 1));
    rest.remove_prefix(close + 1);
    if (rest.empty() || rest.front() != ':')
      return fail(why, "'" + std::string(text) + "' needs ':port' after the address");
    rest.remove_prefix(1);
  } else {
    auto colon = rest.rfind(':');
    if (colon == std::string_view::npos)
      return fail(why, "'" + std::string(text) + "' needs a port (host:port)");
    out.host = std::string(rest.substr(0, colon));
    if (out.host.find(':') != std::string::npos)
      return fail(why, "'" + std::string(text) + "': write IPv6 addresses in brackets, [::1]:9092");
    rest.remove_prefix(colon + 1);
  }
  unsigned port = 0;
  auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), port);
  if (rest.empty() || ec != std::errc{} || ptr != rest.data() + rest.size() || port > 65535)
    return fail(why, "'" + std::string(text) + "' has port '" + std::string(rest) +
                         "'; a port is a number from 0 to 65535");
  out.port = static_cast<uint16_t>(port);
  return out;
}

result<listener> parse_listener(std::string_view text, std::string* why) {
  auto sep = text.find("://");
  if (sep == std::string_view::npos)
    return fail(why, "'" + std::string(text) + "' is not NAME://host:port (e.g. " +
                         "PLAINTEXT://127.0.0.1:9092)");
  auto name = text.substr(0, sep);
  if (!is_valid_name(name))
    return fail(why, "'" + std::string(text) + "' has an invalid listener name '" +
                         std::string(name) + "' (letters, digits, '_' and '-')");
  if (name == "SSL" || name.substr(0, 5) == "SASL_")
    return fail(why, "'" + std::string(text) + "': " + std::string(name) +
                         " is not supported; Tributary listeners speak PLAINTEXT only");
  auto endpoint = parse_host_port(text.substr(sep + 3), why);
  if (!endpoint)
    return endpoint;
  endpoint->name = std::string(name);
  return endpoint;
}

} // namespace tributary::config
