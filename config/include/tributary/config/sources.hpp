#pragma once
// The three inputs layered over the defaults, lowest precedence first:
//   1. a TOML file. A setting's name is its TOML key path joined with dots, so these three
//      lines all set log.retention.ms (write whichever reads best; one of them per setting):
//        "log.retention.ms" = 86400000        # quoted key
//        log.retention.ms = 86400000          # dotted key
//        [log]                                # table
//        retention.ms = 86400000
//      Lists are TOML arrays of strings or one comma-separated string.
//   2. TRIB_* environment variables: the name upper-cased with dots as underscores
//      (TRIB_LOG_RETENTION_MS), matched against every name and alias in the registry.
//   3. --name=value or --name value flags; a boolean flag alone means true.
// Each value keeps its origin (file:line, variable, flag) for describe() and error messages.

#include "tributary/common/result.hpp"
#include "tributary/config/registry.hpp"
#include "tributary/config/settings.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tributary::config {

using env_map = std::map<std::string, std::string>;

/// The TRIB_* variables of this process (read from `environ`; call before starting threads).
env_map current_environment();

/// Applies a TOML document named `file_name` (for messages). Fails with syntax_error (with
/// line and column), unknown_setting, invalid_value, out_of_range or duplicate_setting.
result<void> apply_toml_text(settings& values, std::string_view text, const std::string& file_name,
                             std::string* why = nullptr);

/// Reads and applies a TOML file; file_not_found when it cannot be read.
result<void> apply_toml_file(settings& values, const std::string& path, std::string* why = nullptr);

/// Applies every TRIB_* variable except TRIB_CONFIG. An unknown TRIB_* variable close to a
/// setting's variable is a typo and an error ("did you mean TRIB_LOG_RETENTION_MS?"); others
/// (TRIB_JOBS from the scripts) are skipped with a line in `warnings`.
result<void> apply_environment(settings& values, const env_map& env,
                               std::vector<std::string>* warnings = nullptr,
                               std::string* why = nullptr);

/// A parsed command line.
struct command_line {
  std::optional<std::string> config_file;                  // --config <file>
  bool wants_help = false;                                 // --help or -h
  std::vector<std::pair<std::string, std::string>> values; // name as typed, raw value
};

/// Parses `args` (without the program name) against `reg`: unknown flags fail with a hint,
/// a flag missing its value and stray arguments fail with bad_argument.
result<command_line> parse_command_line(const std::vector<std::string>& args, const registry& reg,
                                        std::string* why = nullptr);

/// Applies parsed flags; origins read "--name".
result<void> apply_command_line(settings& values, const command_line& flags,
                                std::string* why = nullptr);

} // namespace tributary::config
