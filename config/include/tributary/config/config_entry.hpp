#pragma once
// config_entry: one row of DescribeConfigs -- a setting's name, value as text, where the value
// came from, and its synonyms (topic override > broker setting > default), as Kafka reports.

#include "tributary/config/setting.hpp"
#include "tributary/config/settings.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace tributary::config {

/// Another name holding a value for the same setting (DescribeConfigs include_synonyms).
struct config_synonym {
  std::string name;
  std::string value;
  config_source source = config_source::default_value;
};

/// A plain value, built on demand by describe(); safe to copy to any actor.
struct config_entry {
  std::string name;
  std::string value;
  config_source source = config_source::default_value;
  std::string origin; // "default", "/etc/tributary.toml:7", "TRIB_X", "--x", "topic override"
  std::string documentation;
  setting_type type = setting_type::string;
  bool is_read_only = false;            // broker settings are static: read-only
  std::vector<config_synonym> synonyms; // highest precedence first, this entry included
};

/// Kafka's DescribeConfigs config_type: BOOLEAN 1, STRING 2, INT 3, LONG 5, DOUBLE 6, LIST 7.
int8_t kafka_config_type(setting_type t) noexcept;

/// One entry per setting, in registry order; `origin` says "as 'alias'" when an alias set it.
std::vector<config_entry> describe(const settings& values, bool is_read_only);

} // namespace tributary::config
