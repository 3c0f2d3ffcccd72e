#pragma once
// registry: the immutable set of setting_defs of one scope (broker or topic), with lookup by
// name, alias and TRIB_* environment variable, and "did you mean" suggestions for typos.

#include "tributary/config/setting.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::config {

/// A name resolved to its setting: `scale` is the alias multiplier (1 for the own name).
struct setting_match {
  const setting_def* def = nullptr;
  int64_t scale = 1;
};

/// Built once per scope (see broker_registry(), topic_registry()); immutable afterwards and
/// safe to share between threads. Construction asserts that names, aliases and environment
/// variable names are unique.
class registry {
public:
  explicit registry(std::vector<setting_def> defs);

  registry(const registry&) = delete;
  registry& operator=(const registry&) = delete;

  const std::vector<setting_def>& defs() const noexcept { return defs_; }

  /// The index of `name` (own name only) in defs(), or nullopt.
  std::optional<std::size_t> index_of(std::string_view name) const;

  /// Own name or alias.
  std::optional<setting_match> resolve(std::string_view name) const;

  /// A TRIB_* variable (TRIB_LOG_RETENTION_MS) matched against every name and alias, so a
  /// setting whose name contains '_' is still found exactly.
  std::optional<setting_match> resolve_env(std::string_view variable) const;

  /// The closest own name or alias to `typo` (Damerau-Levenshtein), or "" when nothing is close.
  std::string suggest(std::string_view typo) const;

  /// "unknown setting 'x' (from --x): did you mean 'y'?".
  std::string unknown_message(std::string_view typed, std::string_view where) const;

private:
  std::vector<setting_def> defs_;
  std::map<std::string, std::size_t, std::less<>> own_;
  std::map<std::string, setting_match, std::less<>> names_; // own names and aliases
  std::map<std::string, setting_match, std::less<>> env_;
};

/// Every broker setting, including the log.* defaults for topic settings.
const registry& broker_registry();

/// Every topic setting (Kafka's TopicConfig keys).
const registry& topic_registry();

/// "log.retention.ms" -> "TRIB_LOG_RETENTION_MS".
std::string env_name(std::string_view setting_name);

/// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions).
std::size_t edit_distance(std::string_view a, std::string_view b);

} // namespace tributary::config
