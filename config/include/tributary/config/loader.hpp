#pragma once
// load_broker_config: what the node's main calls. Defaults, then the TOML file (--config, else
// TRIB_CONFIG), then TRIB_* variables, then --flags; validated; typed. See sources.hpp for the
// naming rules of each layer.

#include "tributary/common/result.hpp"
#include "tributary/config/broker_config.hpp"
#include "tributary/config/sources.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::config {

/// The inputs, explicit so tests need neither files nor a real environment.
struct load_request {
  std::vector<std::string> args; // command-line arguments after the program name
  env_map env;                   // current_environment() in the node
};

/// Owned by the node's main; a plain value.
struct loaded_config {
  broker_config config;
  std::optional<std::string> config_file; // the file that was read, if any
  std::vector<std::string> warnings;      // e.g. ignored TRIB_* variables; log them at startup
  bool wants_help = false;                // --help: print usage() and exit (config = defaults)
};

/// Fails with the first problem; `why` holds the sentence to print (key, value, origin, what
/// is allowed, or the file's line and column).
result<loaded_config> load_broker_config(const load_request& request, std::string* why = nullptr);

/// The same over main()'s arguments and this process's environment.
result<loaded_config> load_broker_config(int argc, const char* const* argv,
                                         std::string* why = nullptr);

/// --help text: the layering rules, then every broker setting with its default and doc line.
std::string usage(std::string_view program);

} // namespace tributary::config
