#pragma once
// Private: the static rows behind broker_registry() and topic_registry(), and a small builder
// that keeps each row on a few readable lines.

#include "tributary/config/setting.hpp"

#include <string>
#include <utility>
#include <vector>

namespace tributary::config::detail {

/// Builds one setting_def fluently: def("segment.ms", int64, "604800000", "...").at_least(1).
class def_builder {
public:
  def_builder(std::string name, setting_type type, std::string default_text, std::string doc) {
    def_.name = std::move(name);
    def_.type = type;
    def_.default_text = std::move(default_text);
    def_.doc = std::move(doc);
  }

  def_builder& at_least(int64_t lo) {
    def_.min = lo;
    return *this;
  }
  def_builder& between(int64_t lo, int64_t hi) {
    def_.min = lo;
    def_.max = hi;
    return *this;
  }
  def_builder& ratio(double lo, double hi) {
    def_.min_double = lo;
    def_.max_double = hi;
    return *this;
  }
  def_builder& or_unlimited() {
    def_.allows_minus_one = true;
    return *this;
  }
  def_builder& allowed(std::vector<std::string> values) {
    def_.allowed = std::move(values);
    return *this;
  }
  def_builder& alias(std::string name, int64_t scale = 1) {
    def_.aliases.push_back({std::move(name), scale});
    return *this;
  }
  def_builder& check(value_check fn) {
    def_.check = fn;
    return *this;
  }
  /// Topic settings: the broker-level key that holds the default, and that key's own aliases.
  def_builder& broker(std::string name, std::vector<setting_alias> broker_aliases = {}) {
    def_.broker_name = std::move(name);
    broker_aliases_ = std::move(broker_aliases);
    return *this;
  }

  setting_def def_;
  std::vector<setting_alias> broker_aliases_;
};

/// Kafka's topic settings (scope topic), with their broker-level names and aliases.
std::vector<def_builder> topic_rows();

/// Broker settings, including the log.* defaults derived from topic_rows().
std::vector<setting_def> broker_defs();

/// Topic settings.
std::vector<setting_def> topic_defs();

} // namespace tributary::config::detail
