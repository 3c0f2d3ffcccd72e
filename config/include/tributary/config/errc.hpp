#pragma once
// Errors of the config module. The error_code says which kind of failure; the sentence a user
// reads (key, bad value, where it came from, what is allowed) goes to the caller's `why`
// string, because a std::error_code cannot carry it.

#include <system_error>

namespace tributary::config {

/// Kafka maps every value error here to INVALID_CONFIG (40); unknown topic keys too.
enum class errc {
  ok = 0,
  unknown_setting,    // the name is not in the registry (the message carries "did you mean")
  wrong_scope,        // a broker-only setting given for a topic, or the reverse
  invalid_value,      // not parseable as the setting's type, or not one of the allowed values
  out_of_range,       // a number outside the setting's limits (or overflowing its type)
  conflicting_values, // two settings that must agree do not (min > max)
  duplicate_setting,  // the same setting given twice in one source (file, environment, flags)
  file_not_found,     // the --config file is missing or unreadable
  syntax_error,       // the config file is not valid TOML
  bad_argument,       // a malformed command line (missing value, stray argument)
};

const std::error_category& config_category() noexcept;
std::error_code make_error_code(errc e) noexcept;

} // namespace tributary::config

template <>
struct std::is_error_code_enum<tributary::config::errc> : std::true_type {};
