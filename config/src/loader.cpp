// load_broker_config: defaults < file < environment < flags.

#include "tributary/config/loader.hpp"

namespace tributary::config {

result<loaded_config> load_broker_config(const load_request& request, std::string* why) {
  loaded_config out;
  auto flags = parse_command_line(request.args, broker_registry(), why);
  if (!flags)
    return unexpected(flags.error());
  if (flags->wants_help) {
    out.wants_help = true;
    return out;
  }
  settings values(broker_registry());
  out.config_file = flags->config_file;
  if (!out.config_file)
    if (auto it = request.env.find("TRIB_CONFIG"); it != request.env.end() && !it->second.empty())
      out.config_file = it->second;
  if (out.config_file)
    TRIB_TRY(apply_toml_file(values, *out.config_file, why));
  TRIB_TRY(apply_environment(values, request.env, &out.warnings, why));
  TRIB_TRY(apply_command_line(values, *flags, why));
  auto config = broker_config::from_settings(std::move(values), why);
  if (!config)
    return unexpected(config.error());
  out.config = std::move(*config);
  return out;
}

result<loaded_config> load_broker_config(int argc, const char* const* argv, std::string* why) {
  load_request request;
  for (int i = 1; i < argc; ++i)
    request.args.emplace_back(argv[i]);
  request.env = current_environment();
  return load_broker_config(request, why);
}

std::string usage(std::string_view program) {
  std::string text = "usage: " + std::string(program) +
                     " [--config <file.toml>] [--<setting>=<value> | --<setting> <value>]...\n\n"
                     "Settings come from, lowest precedence first: built-in defaults, the TOML\n"
                     "file (--config, else $TRIB_CONFIG), TRIB_* environment variables\n"
                     "(log.retention.ms -> TRIB_LOG_RETENTION_MS), then flags.\n\nSettings:\n";
  for (const auto& def : broker_registry().defs()) {
    text += "  --" + def.name + " (" + std::string(to_string(def.type)) + ", default '" +
            def.default_text + "')\n      " + def.doc + "\n";
    if (!def.allowed.empty()) {
      text += "      allowed:";
      for (const auto& a : def.allowed)
        text += " " + a;
      text += "\n";
    }
  }
  return text;
}

} // namespace tributary::config
