// settings: values of one registry with their origins; parsing goes through value_parse.

#include "tributary/config/settings.hpp"

#include "tributary/config/errc.hpp"
#include "value_parse.hpp"

#include <cassert>

namespace tributary::config {

namespace {

setting_entry default_entry(const setting_def& def) {
  setting_entry entry;
  entry.def = &def;
  errc code{};
  std::string reason;
  [[maybe_unused]] bool ok =
      detail::parse_value(def, def.default_text, 1, entry.value, code, reason);
  assert(ok && "a built-in default fails its own validation");
  entry.text = detail::to_text(def, entry.value);
  entry.from = origin{config_source::default_value, "default", {}};
  return entry;
}

std::string describe_place(const origin& from) {
  if (from.as_name.empty())
    return from.where;
  return from.where + " as '" + from.as_name + "'";
}

// The alias multiplier the held value was given with (1 for the own name): a smaller scale
// is a more precise alias (log.retention.ms = 1, .minutes = 60000, .hours = 3600000).
int64_t scale_of(const registry& reg, const origin& from, const setting_def& def) {
  if (from.as_name.empty())
    return 1;
  auto match = reg.resolve(from.as_name);
  return match && match->def == &def ? match->scale : 1;
}

} // namespace

std::string invalid_value_message(std::string_view key, std::string_view raw,
                                  std::string_view where, std::string_view reason) {
  return "invalid value '" + std::string(raw) + "' for '" + std::string(key) + "' (from " +
         std::string(where) + "): " + std::string(reason);
}

settings::settings(const registry& reg) : registry_(&reg) {
  entries_.reserve(reg.defs().size());
  for (const auto& def : reg.defs())
    entries_.push_back(default_entry(def));
}

result<void> settings::set(std::string_view key, std::string_view raw, const origin& from,
                           std::string* why) {
  auto match = registry_->resolve(key);
  if (!match) {
    if (why)
      *why = registry_->unknown_message(key, from.where);
    return unexpected(errc::unknown_setting);
  }
  const setting_def& def = *match->def;
  auto index = static_cast<std::size_t>(&def - registry_->defs().data());
  auto& entry = entries_[index];
  bool is_same_source =
      from.source != config_source::default_value && entry.from.source == from.source;
  int64_t held_scale = is_same_source ? scale_of(*registry_, entry.from, def) : 0;
  if (is_same_source && held_scale == match->scale) {
    if (why)
      *why = "'" + def.name + "' is set twice in the " + std::string(to_string(from.source)) +
             ": at " + describe_place(entry.from) + " and at " + std::string(from.where) +
             (key == def.name ? "" : " as '" + std::string(key) + "'") + "; keep one";
    return unexpected(errc::duplicate_setting);
  }
  setting_value value;
  errc code{};
  std::string reason;
  if (!detail::parse_value(def, raw, match->scale, value, code, reason)) {
    if (why)
      *why = invalid_value_message(key, raw, from.where, reason);
    return unexpected(code);
  }
  // Kafka: log.retention.ms beats .minutes beats .hours whatever the order in one source.
  if (is_same_source && held_scale < match->scale)
    return {}; // valid, but the value already held is more precise
  entry.value = std::move(value);
  entry.text = detail::to_text(def, entry.value);
  entry.from = from;
  if (key != def.name)
    entry.from.as_name = std::string(key);
  return {};
}

void settings::assign(std::size_t index, const setting_entry& entry) {
  assert(index < entries_.size());
  const setting_def* def = entries_[index].def;
  entries_[index] = entry;
  entries_[index].def = def;
}

void settings::reset(std::string_view name) {
  auto index = registry_->index_of(name);
  assert(index);
  entries_[*index] = default_entry(*entries_[*index].def);
}

const setting_entry& settings::at(std::string_view name) const {
  auto index = registry_->index_of(name);
  assert(index && "no such setting");
  return entries_[*index];
}

bool settings::get_bool(std::string_view name) const {
  return std::get<bool>(at(name).value);
}

int64_t settings::get_int(std::string_view name) const {
  return std::get<int64_t>(at(name).value);
}

double settings::get_double(std::string_view name) const {
  return std::get<double>(at(name).value);
}

const std::string& settings::get_string(std::string_view name) const {
  return std::get<std::string>(at(name).value);
}

const std::vector<std::string>& settings::get_list(std::string_view name) const {
  return std::get<std::vector<std::string>>(at(name).value);
}

bool settings::is_set(std::string_view name) const {
  return at(name).from.source != config_source::default_value;
}

} // namespace tributary::config
