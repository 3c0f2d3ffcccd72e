#pragma once
// listener: one parsed endpoint of `listeners`, `advertised.listeners` ("NAME://host:port", as
// Kafka writes them) or `native.listener` ("host:port", the CAF middleman endpoint).

#include "tributary/common/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace tributary::config {

/// A plain value. An empty host means every interface; port 0 means any free port.
struct listener {
  std::string name; // PLAINTEXT or a custom name (treated as PLAINTEXT); empty for host:port
  std::string host; // "127.0.0.1", "broker-1.example", "::1" (brackets removed)
  uint16_t port = 0;

  /// Back to the text form ("PLAINTEXT://[::1]:9092" or "[::1]:9092").
  std::string to_string() const;
};

/// True for the addresses that mean "every interface" (0.0.0.0, ::): a listener may bind
/// them, but clients cannot connect to them, so they are never advertised.
bool is_wildcard_host(std::string_view host) noexcept;

/// Parses "NAME://host:port". Rejects SSL and SASL_* (Tributary speaks plaintext only), a
/// missing or non-numeric port and ports above 65535; `why` names the problem.
result<listener> parse_listener(std::string_view text, std::string* why = nullptr);

/// Parses "host:port" or "[v6]:port".
result<listener> parse_host_port(std::string_view text, std::string* why = nullptr);

} // namespace tributary::config
