#pragma once
// setting_def: one row of the settings registry -- name (Kafka's where Kafka has one), type,
// default, documentation line, limits and aliases. Also the value variant and `origin`, the
// record of where a value came from that DescribeConfigs and error messages report.

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tributary::config {

/// The value kinds of Kafka's ConfigDef that Tributary uses.
enum class setting_type {
  boolean, // true | false
  int32,   // Kafka INT
  int64,   // Kafka LONG (all *.ms durations are int64 milliseconds)
  float64, // Kafka DOUBLE
  string,  // free text (checked by `check` when set)
  choice,  // one of `allowed` (matched case-insensitively, stored as spelled in `allowed`)
  list,    // comma-separated strings; each one of `allowed` when `allowed` is not empty
};

/// Broker settings are read at startup; topic settings are per topic (CreateTopics, AlterConfigs).
enum class setting_scope { broker, topic };

/// Where a value came from, lowest precedence first.
enum class config_source {
  default_value,  // the built-in (Kafka) default
  config_file,    // the TOML file given by --config or TRIB_CONFIG
  environment,    // a TRIB_* variable
  command_line,   // a --flag
  topic_override, // a per-topic value (CreateTopics / AlterConfigs)
};

std::string_view to_string(config_source s) noexcept;

/// Kafka's DescribeConfigs ConfigSource number: TOPIC_CONFIG 1, STATIC_BROKER_CONFIG 4,
/// DEFAULT_CONFIG 5.
int8_t kafka_config_source(config_source s) noexcept;

/// Where one value came from. A plain value.
struct origin {
  config_source source = config_source::default_value;
  std::string where;   // "default", "/etc/tributary.toml:7", "TRIB_LOG_RETENTION_MS", "--x"
  std::string as_name; // the alias the user wrote, when it is not the setting's own name
};

using setting_value = std::variant<bool, int64_t, double, std::string, std::vector<std::string>>;

/// An extra check after parsing; returns false and sets `why` ("must not be empty").
using value_check = bool (*)(const setting_value& value, std::string& why);

/// Another name that sets the same setting; `scale` multiplies integers (log.retention.hours
/// sets log.retention.ms with scale 3600000).
struct setting_alias {
  std::string name;
  int64_t scale = 1;
};

/// One setting. Owned by the static tables behind broker_registry() / topic_registry();
/// immutable after start-up, so safe to read from any thread.
struct setting_def {
  std::string name;
  setting_type type = setting_type::string;
  std::string default_text; // canonical text of the default ("" for an empty list or string)
  std::string doc;          // one line
  setting_scope scope = setting_scope::broker;
  int64_t min = std::numeric_limits<int64_t>::min(); // integer limits (clamped to the type)
  int64_t max = std::numeric_limits<int64_t>::max();
  bool allows_minus_one = false; // -1 means unlimited even though it is below `min`
  double min_double = 0.0;       // float64 limits
  double max_double = 0.0;
  std::vector<std::string> allowed; // choice and list values
  std::vector<setting_alias> aliases;
  std::string broker_name; // topic settings: the broker key holding the default (log.*)
  std::string topic_name;  // broker-level topic defaults: the topic key they feed
  value_check check = nullptr;
};

std::string_view to_string(setting_type t) noexcept;

} // namespace tributary::config
