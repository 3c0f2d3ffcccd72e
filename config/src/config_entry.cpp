// describe(): settings -> DescribeConfigs rows.

#include "tributary/config/config_entry.hpp"

namespace tributary::config {

int8_t kafka_config_type(setting_type t) noexcept {
  switch (t) {
  case setting_type::boolean:
    return 1;
  case setting_type::string:
  case setting_type::choice:
    return 2;
  case setting_type::int32:
    return 3;
  case setting_type::int64:
    return 5;
  case setting_type::float64:
    return 6;
  case setting_type::list:
    return 7;
  }
  return 0;
}

std::vector<config_entry> describe(const settings& values, bool is_read_only) {
  std::vector<config_entry> out;
  out.reserve(values.entries().size());
  for (const auto& entry : values.entries()) {
    config_entry row;
    row.name = entry.def->name;
    row.value = entry.text;
    row.source = entry.from.source;
    row.origin = entry.from.where;
    if (!entry.from.as_name.empty())
      row.origin += " as '" + entry.from.as_name + "'";
    row.documentation = entry.def->doc;
    row.type = entry.def->type;
    row.is_read_only = is_read_only;
    if (entry.from.source != config_source::default_value)
      row.synonyms.push_back({row.name, row.value, row.source});
    row.synonyms.push_back({row.name, entry.def->default_text, config_source::default_value});
    out.push_back(std::move(row));
  }
  return out;
}

} // namespace tributary::config
