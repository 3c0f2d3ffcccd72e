// The config error category and the names of value sources.

#include "tributary/config/errc.hpp"
#include "tributary/config/setting.hpp"

#include <string>

namespace tributary::config {

namespace {

class category final : public std::error_category {
public:
  const char* name() const noexcept override { return "tributary.config"; }

  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
    case errc::ok:
      return "ok";
    case errc::unknown_setting:
      return "unknown setting";
    case errc::wrong_scope:
      return "setting not valid at this level (broker vs topic)";
    case errc::invalid_value:
      return "invalid setting value";
    case errc::out_of_range:
      return "setting value out of range";
    case errc::conflicting_values:
      return "conflicting setting values";
    case errc::duplicate_setting:
      return "setting given twice in one source";
    case errc::file_not_found:
      return "config file not found or unreadable";
    case errc::syntax_error:
      return "config file syntax error";
    case errc::bad_argument:
      return "malformed command line";
    }
    return "unknown config error";
  }
};

} // namespace

const std::error_category& config_category() noexcept {
  static const category instance;
  return instance;
}

std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), config_category()};
}

std::string_view to_string(config_source s) noexcept {
  switch (s) {
  case config_source::default_value:
    return "default";
  case config_source::config_file:
    return "config file";
  case config_source::environment:
    return "environment";
  case config_source::command_line:
    return "command line";
  case config_source::topic_override:
    return "topic override";
  }
  return "unknown";
}

int8_t kafka_config_source(config_source s) noexcept {
  switch (s) {
  case config_source::default_value:
    return 5; // DEFAULT_CONFIG
  case config_source::config_file:
  case config_source::environment:
  case config_source::command_line:
    return 4; // STATIC_BROKER_CONFIG
  case config_source::topic_override:
    return 1; // TOPIC_CONFIG
  }
  return 0; // UNKNOWN
}

std::string_view to_string(setting_type t) noexcept {
  switch (t) {
  case setting_type::boolean:
    return "boolean";
  case setting_type::int32:
    return "int";
  case setting_type::int64:
    return "long";
  case setting_type::float64:
    return "double";
  case setting_type::string:
    return "string";
  case setting_type::choice:
    return "string";
  case setting_type::list:
    return "list";
  }
  return "unknown";
}

} // namespace tributary::config
