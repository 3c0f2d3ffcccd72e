#pragma once
// settings: the current value of every setting of one registry, each with its origin. The
// loader and topic_config fill it layer by layer; broker_config / topic_config read it typed.

#include "tributary/common/result.hpp"
#include "tributary/config/registry.hpp"
#include "tributary/config/setting.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::config {

/// One setting's value: parsed, its canonical text, and where it came from.
struct setting_entry {
  const setting_def* def = nullptr;
  setting_value value;
  std::string text;
  config::origin from;
};

/// A value type owned by whoever builds a configuration (the loader, a topic's partition
/// actors via topic_config); not synchronised -- copy it to share. Starts with every default.
/// Failing calls leave the value unchanged and explain in `why`.
class settings {
public:
  explicit settings(const registry& reg);

  const registry& reg() const noexcept { return *registry_; }
  const std::vector<setting_entry>& entries() const noexcept { return entries_; }

  /// Parses and validates `raw` for `key` (own name or alias) and stores it. Fails with
  /// unknown_setting, invalid_value, out_of_range or duplicate_setting (the setting twice
  /// from one source other than the defaults, through names of the same precision). Within
  /// one source the most precise alias wins, as in Kafka: log.retention.ms over
  /// log.retention.minutes over log.retention.hours, in any order; a less precise value is
  /// still validated, then dropped.
  result<void> set(std::string_view key, std::string_view raw, const origin& from,
                   std::string* why = nullptr);

  /// Stores an already validated value with its origin (copying broker defaults into topics).
  void assign(std::size_t index, const setting_entry& entry);

  /// Back to the default value (IncrementalAlterConfigs DELETE).
  void reset(std::string_view name);

  /// Lookups by own name; the name must exist and the type must match (asserted).
  const setting_entry& at(std::string_view name) const;
  bool get_bool(std::string_view name) const;
  int64_t get_int(std::string_view name) const;
  double get_double(std::string_view name) const;
  const std::string& get_string(std::string_view name) const;
  const std::vector<std::string>& get_list(std::string_view name) const;

  /// True when the value did not come from the built-in default.
  bool is_set(std::string_view name) const;

private:
  const registry* registry_;
  std::vector<setting_entry> entries_;
};

/// "invalid value 'fast' for 'cleanup.policy' (from TRIB_CLEANUP_POLICY): <reason>".
std::string invalid_value_message(std::string_view key, std::string_view raw,
                                  std::string_view where, std::string_view reason);

} // namespace tributary::config
