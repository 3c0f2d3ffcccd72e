// topic_config: broker defaults + per-topic overrides, validated, typed, describable.

#include "tributary/config/topic_config.hpp"

#include "tributary/config/broker_config.hpp"
#include "tributary/config/errc.hpp"
#include "value_parse.hpp"

#include <algorithm>

namespace tributary::config {

namespace {

template <class T>
result<T> fail(std::string* why, errc code, std::string text) {
  if (why)
    *why = std::move(text);
  return unexpected(code);
}

// A key that is not a topic setting: explain broker keys, else suggest the closest topic key.
std::string unknown_topic_key_message(const std::string& key) {
  if (auto broker = broker_registry().resolve(key)) {
    if (!broker->def->topic_name.empty())
      return "'" + key + "' is the broker-wide default; the topic setting is '" +
             broker->def->topic_name + "'";
    return "'" + key + "' is a broker setting, not a topic setting";
  }
  auto hint = topic_registry().suggest(key);
  return "unknown topic setting '" + key + "'" +
         (hint.empty() ? std::string{} : ": did you mean '" + hint + "'?");
}

compression_type to_compression(const std::string& s) {
  if (s == "uncompressed")
    return compression_type::uncompressed;
  if (s == "gzip")
    return compression_type::gzip;
  if (s == "snappy")
    return compression_type::snappy;
  if (s == "lz4")
    return compression_type::lz4;
  if (s == "zstd")
    return compression_type::zstd;
  return compression_type::producer;
}

} // namespace

topic_config::topic_config() : defaults_(topic_registry()), settings_(topic_registry()) {
  load_fields();
}

result<topic_config> topic_config::build(const settings& defaults, const string_map& overrides,
                                         std::string* why) {
  topic_config out;
  out.defaults_ = defaults;
  out.settings_ = defaults;
  for (const auto& [key, value] : overrides) {
    if (!topic_registry().resolve(key)) {
      bool is_broker_key = broker_registry().resolve(key).has_value();
      return fail<topic_config>(why, is_broker_key ? errc::wrong_scope : errc::unknown_setting,
                                unknown_topic_key_message(key));
    }
    auto set =
        out.settings_.set(key, value, {config_source::topic_override, "topic override", {}}, why);
    if (!set)
      return unexpected(set.error());
  }
  auto min_lag = out.settings_.get_int("min.compaction.lag.ms");
  auto max_lag = out.settings_.get_int("max.compaction.lag.ms");
  if (min_lag > max_lag)
    return fail<topic_config>(why, errc::conflicting_values,
                              "min.compaction.lag.ms (" + std::to_string(min_lag) +
                                  ") must not exceed max.compaction.lag.ms (" +
                                  std::to_string(max_lag) + ")");
  out.load_fields();
  return out;
}

result<topic_config> topic_config::with_overrides(const string_map& overrides,
                                                  std::string* why) const {
  return build(defaults_, overrides, why);
}

result<topic_config> topic_config::altered(const std::vector<config_alteration>& ops,
                                           std::string* why) const {
  auto next = overrides();
  for (const auto& op : ops) {
    auto match = topic_registry().resolve(op.name);
    if (!match)
      return fail<topic_config>(why, errc::unknown_setting, unknown_topic_key_message(op.name));
    const auto& name = match->def->name;
    if (op.op == alter_op::set) {
      next[name] = op.value;
      continue;
    }
    if (op.op == alter_op::remove) {
      next.erase(name);
      continue;
    }
    if (match->def->type != setting_type::list)
      return fail<topic_config>(why, errc::invalid_value,
                                "'" + name + "' is not a list; append and subtract work on " +
                                    "list settings such as cleanup.policy");
    // Work on the current effective value, as Kafka does when no override exists yet.
    std::vector<std::string> items;
    if (auto it = next.find(name); it != next.end()) {
      for (auto rest = std::string_view(it->second); !rest.empty();) {
        auto comma = rest.find(',');
        items.emplace_back(detail::trim(rest.substr(0, comma)));
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      }
    } else {
      items = settings_.get_list(name);
    }
    for (auto rest = std::string_view(op.value); !rest.empty();) {
      auto comma = rest.find(',');
      std::string item(detail::trim(rest.substr(0, comma)));
      auto found = std::find(items.begin(), items.end(), item);
      if (op.op == alter_op::append && found == items.end())
        items.push_back(item);
      if (op.op == alter_op::subtract && found != items.end())
        items.erase(found);
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
    next[name] = detail::join(items, ",");
  }
  return with_overrides(next, why);
}

std::vector<config_entry> topic_config::describe() const {
  auto entries = config::describe(settings_, false);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& own = settings_.entries()[i];
    const auto& broker = defaults_.entries()[i];
    auto& synonyms = entries[i].synonyms;
    synonyms.clear();
    if (own.from.source == config_source::topic_override)
      synonyms.push_back({own.def->name, own.text, own.from.source});
    if (broker.from.source != config_source::default_value)
      synonyms.push_back({own.def->broker_name, broker.text, broker.from.source});
    synonyms.push_back({own.def->broker_name, own.def->default_text, config_source::default_value});
  }
  return entries;
}

string_map topic_config::overrides() const {
  string_map out;
  for (const auto& entry : settings_.entries())
    if (entry.from.source == config_source::topic_override)
      out.emplace(entry.def->name, entry.text);
  return out;
}

void topic_config::load_fields() {
  const auto& s = settings_;
  retention_ms = s.get_int("retention.ms");
  retention_bytes = s.get_int("retention.bytes");
  segment_bytes = s.get_int("segment.bytes");
  segment_ms = s.get_int("segment.ms");
  segment_jitter_ms = s.get_int("segment.jitter.ms");
  segment_index_bytes = s.get_int("segment.index.bytes");
  index_interval_bytes = s.get_int("index.interval.bytes");
  const auto& policy = s.get_list("cleanup.policy");
  cleanup_delete = std::find(policy.begin(), policy.end(), "delete") != policy.end();
  cleanup_compact = std::find(policy.begin(), policy.end(), "compact") != policy.end();
  min_compaction_lag_ms = s.get_int("min.compaction.lag.ms");
  max_compaction_lag_ms = s.get_int("max.compaction.lag.ms");
  delete_retention_ms = s.get_int("delete.retention.ms");
  min_cleanable_dirty_ratio = s.get_double("min.cleanable.dirty.ratio");
  max_message_bytes = s.get_int("max.message.bytes");
  message_timestamp_type = s.get_string("message.timestamp.type") == "LogAppendTime"
                               ? timestamp_type::log_append_time
                               : timestamp_type::create_time;
  message_timestamp_difference_max_ms = s.get_int("message.timestamp.difference.max.ms");
  flush_messages = s.get_int("flush.messages");
  flush_ms = s.get_int("flush.ms");
  compression = to_compression(s.get_string("compression.type"));
  min_insync_replicas = static_cast<int32_t>(s.get_int("min.insync.replicas"));
  file_delete_delay_ms = s.get_int("file.delete.delay.ms");
  unclean_leader_election_enable = s.get_bool("unclean.leader.election.enable");
  preallocate = s.get_bool("preallocate");
}

result<topic_config> make_topic_config(const broker_config& broker, const string_map& overrides,
                                       std::string* why) {
  return broker.topic_defaults().with_overrides(overrides, why);
}

} // namespace tributary::config
