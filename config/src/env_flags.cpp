// The environment (TRIB_*) and command-line (--name=value) layers.

#include "tributary/config/errc.hpp"
#include "tributary/config/sources.hpp"
#include "value_parse.hpp"

#include <cctype>

extern char** environ; // POSIX

namespace tributary::config {

namespace {

constexpr std::string_view k_prefix = "TRIB_";
constexpr std::string_view k_config_variable = "TRIB_CONFIG";

template <class T = void>
result<T> fail(std::string* why, errc code, std::string text) {
  if (why)
    *why = std::move(text);
  return unexpected(code);
}

// The name or alias whose variable is `variable` ("TRIB_LOG_RETENTION_HOURS" -> alias name).
std::string typed_name(const setting_def& def, std::string_view variable) {
  for (const auto& alias : def.aliases)
    if (env_name(alias.name) == variable)
      return alias.name;
  return def.name;
}

// "TRIB_LOG_RETENTON_MS" -> "log.retenton.ms", to compare with setting names.
std::string dotted(std::string_view variable) {
  std::string out;
  for (char c : variable.substr(k_prefix.size()))
    out += c == '_' ? '.' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

} // namespace

env_map current_environment() {
  env_map out;
  for (char** entry = environ; entry && *entry; ++entry) {
    std::string_view text(*entry);
    auto eq = text.find('=');
    if (eq != std::string_view::npos && starts_with(text, k_prefix))
      out.emplace(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
  }
  return out;
}

result<void> apply_environment(settings& values, const env_map& env,
                               std::vector<std::string>* warnings, std::string* why) {
  const auto& reg = values.reg();
  for (const auto& [variable, raw] : env) {
    if (!starts_with(variable, k_prefix) || variable == k_config_variable)
      continue;
    auto match = reg.resolve_env(variable);
    if (!match) {
      if (auto hint = reg.suggest(dotted(variable)); !hint.empty())
        return fail(why, errc::unknown_setting,
                    "unknown setting " + variable + ": did you mean " + env_name(hint) + " ('" +
                        hint + "')?");
      if (warnings)
        warnings->push_back("ignoring " + variable + ": not a Tributary setting");
      continue;
    }
    auto name = typed_name(*match->def, variable);
    TRIB_TRY(values.set(name, raw, {config_source::environment, variable, {}}, why));
  }
  return {};
}

result<command_line> parse_command_line(const std::vector<std::string>& args, const registry& reg,
                                        std::string* why) {
  command_line out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") {
      out.wants_help = true;
      continue;
    }
    if (!starts_with(arg, "--") || arg.size() == 2)
      return fail<command_line>(why, errc::bad_argument,
                                "unexpected argument '" + std::string(arg) +
                                    "': give settings as --name=value or --name value");
    arg.remove_prefix(2);
    auto eq = arg.find('=');
    std::string name(arg.substr(0, eq));
    std::optional<std::string> value;
    if (eq != std::string_view::npos)
      value = std::string(arg.substr(eq + 1));
    auto match = name == "config" ? std::nullopt : reg.resolve(name);
    if (name != "config" && !match)
      return fail<command_line>(why, errc::unknown_setting, reg.unknown_message(name, "--" + name));
    bool is_bool = match && match->def->type == setting_type::boolean;
    bool next_is_value = i + 1 < args.size() && !starts_with(args[i + 1], "--");
    if (!value && is_bool) {
      // "--delete.topic.enable" alone is true; "--delete.topic.enable false" reads the value.
      if (next_is_value &&
          (detail::iequals(args[i + 1], "true") || detail::iequals(args[i + 1], "false")))
        value = args[++i];
      else
        value = "true";
    }
    if (!value && next_is_value)
      value = args[++i];
    if (!value)
      return fail<command_line>(why, errc::bad_argument,
                                "--" + name + " needs a value: --" + name + "=<value>");
    if (name == "config") {
      if (out.config_file)
        return fail<command_line>(why, errc::bad_argument,
                                  "--config is given twice; Tributary reads one config file");
      out.config_file = *value;
    } else {
      out.values.emplace_back(std::move(name), std::move(*value));
    }
  }
  return out;
}

result<void> apply_command_line(settings& values, const command_line& flags, std::string* why) {
  for (const auto& [name, raw] : flags.values)
    TRIB_TRY(values.set(name, raw, {config_source::command_line, "--" + name, {}}, why));
  return {};
}

} // namespace tributary::config
