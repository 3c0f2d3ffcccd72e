// broker_config: typed fields from settings, cross-setting checks, topic defaults.

#include "tributary/config/broker_config.hpp"

#include "tributary/config/errc.hpp"

#include <set>

#include <unistd.h>

namespace tributary::config {

namespace {

std::vector<listener> parse_all(const std::vector<std::string>& texts) {
  std::vector<listener> out;
  for (const auto& text : texts)
    out.push_back(*parse_listener(text)); // validated when set
  return out;
}

result<void> conflict(std::string* why, std::string text) {
  if (why)
    *why = std::move(text);
  return unexpected(errc::conflicting_values);
}

result<void> check_cross(const broker_config& c, const settings& s, std::string* why) {
  if (c.group_min_session_timeout_ms > c.group_max_session_timeout_ms)
    return conflict(why, "group.min.session.timeout.ms (" +
                             std::to_string(c.group_min_session_timeout_ms) + ", from " +
                             s.at("group.min.session.timeout.ms").from.where +
                             ") must not exceed group.max.session.timeout.ms (" +
                             std::to_string(c.group_max_session_timeout_ms) + ", from " +
                             s.at("group.max.session.timeout.ms").from.where + ")");
  if (c.listeners.empty())
    return conflict(why, "listeners is empty: the node needs at least one Kafka endpoint, "
                         "e.g. PLAINTEXT://127.0.0.1:9092");
  std::set<std::string> names;
  std::set<uint16_t> ports;
  for (const auto& l : c.listeners) {
    names.insert(l.name);
    if (l.port != 0 && !ports.insert(l.port).second)
      return conflict(why, "listeners use port " + std::to_string(l.port) + " twice");
  }
  if (c.native_listener && c.native_listener->port != 0 && ports.count(c.native_listener->port))
    return conflict(why, "native.listener port " + std::to_string(c.native_listener->port) +
                             " is also a Kafka listener port; pick another");
  for (const auto& a : c.advertised_listeners)
    if (!names.count(a.name))
      return conflict(why, "advertised listener '" + a.to_string() +
                               "' names no listener; listener names are those in listeners");
  auto min_lag = s.get_int("log.cleaner.min.compaction.lag.ms");
  auto max_lag = s.get_int("log.cleaner.max.compaction.lag.ms");
  if (min_lag > max_lag)
    return conflict(why, "log.cleaner.min.compaction.lag.ms (" + std::to_string(min_lag) +
                             ") must not exceed log.cleaner.max.compaction.lag.ms (" +
                             std::to_string(max_lag) + ")");
  return {};
}

// This machine's name, what Kafka advertises for a listener without a host; "" if unknown.
std::string local_hostname() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0)
    return {};
  return name;
}

// Kafka's effective advertised listeners when advertised.listeners is empty: the listeners,
// each with the checks an advertised endpoint gets. A wildcard address is refused; an empty
// host (every interface) advertises this machine's hostname; port 0 (any free port) stays 0
// here, and the node advertises the port it bound.
result<void> advertise_listeners(broker_config& c, std::string* why) {
  c.advertised_listeners = c.listeners;
  for (auto& l : c.advertised_listeners) {
    auto example = l.name + "://broker1.example.com:" + std::to_string(l.port ? l.port : 9092);
    if (is_wildcard_host(l.host))
      return conflict(why, "listeners binds " + l.host + " (" + l.to_string() +
                               "), which clients cannot connect to: set advertised.listeners "
                               "to a reachable host, e.g. " +
                               example);
    if (l.host.empty())
      l.host = local_hostname();
    if (l.host.empty())
      return conflict(why, "listener '" + l.to_string() + "' binds every interface and this " +
                               "machine's hostname is unknown: set advertised.listeners to a " +
                               "reachable host, e.g. " + example);
  }
  return {};
}

int32_t i32(const settings& s, std::string_view name) {
  return static_cast<int32_t>(s.get_int(name)); // int32 settings are range-checked on set
}

} // namespace

broker_config::broker_config() : settings_(broker_registry()) {
  *this = from_settings(settings(broker_registry())).value(); // the defaults are consistent
}

result<broker_config> broker_config::from_settings(settings values, std::string* why) {
  broker_config c(std::move(values));
  const auto& s = c.settings_;
  c.node_id = tributary::node_id{i32(s, "node.id")};
  c.data_dir = s.get_string("data.dir");
  c.listeners = parse_all(s.get_list("listeners"));
  c.advertised_listeners = parse_all(s.get_list("advertised.listeners"));
  if (const auto& native = s.get_string("native.listener"); !native.empty())
    c.native_listener = *parse_host_port(native);
  c.num_partitions = i32(s, "num.partitions");
  c.default_replication_factor = i32(s, "default.replication.factor");
  c.auto_create_topics_enable = s.get_bool("auto.create.topics.enable");
  c.delete_topic_enable = s.get_bool("delete.topic.enable");
  c.offsets_retention_minutes = i32(s, "offsets.retention.minutes");
  c.group_initial_rebalance_delay_ms = i32(s, "group.initial.rebalance.delay.ms");
  c.group_min_session_timeout_ms = i32(s, "group.min.session.timeout.ms");
  c.group_max_session_timeout_ms = i32(s, "group.max.session.timeout.ms");
  c.group_max_size = i32(s, "group.max.size");
  c.socket_request_max_bytes = i32(s, "socket.request.max.bytes");
  c.max_connections = i32(s, "max.connections");
  c.connections_max_idle_ms = s.get_int("connections.max.idle.ms");
  c.log_format =
      s.get_string("log.format") == "json" ? log_line_format::json : log_line_format::text;
  c.log_level = s.get_string("log.level");
  const auto& sync = s.get_string("metadata.synchronous");
  c.metadata_synchronous = sync == "off"    ? sqlite_synchronous::off
                           : sync == "full" ? sqlite_synchronous::full
                                            : sqlite_synchronous::normal;
  c.log_retention_check_interval_ms = s.get_int("log.retention.check.interval.ms");
  c.log_cleaner_enable = s.get_bool("log.cleaner.enable");
  c.log_cleaner_threads = i32(s, "log.cleaner.threads");
  c.log_cleaner_backoff_ms = s.get_int("log.cleaner.backoff.ms");
  c.log_flush_offset_checkpoint_interval_ms = i32(s, "log.flush.offset.checkpoint.interval.ms");
  c.producer_id_expiration_ms = i32(s, "producer.id.expiration.ms");
  if (auto ok = check_cross(c, s, why); !ok)
    return unexpected(ok.error());
  if (c.advertised_listeners.empty())
    if (auto ok = advertise_listeners(c, why); !ok)
      return unexpected(ok.error());
  return c;
}

topic_config broker_config::topic_defaults() const {
  const auto& topic_reg = topic_registry();
  settings defaults(topic_reg);
  for (std::size_t i = 0; i < topic_reg.defs().size(); ++i) {
    const auto& def = topic_reg.defs()[i];
    setting_entry entry = settings_.at(def.broker_name);
    if (entry.from.source != config_source::default_value && entry.from.as_name.empty())
      entry.from.as_name = def.broker_name; // "TRIB_X as 'log.retention.ms'" in the topic view
    defaults.assign(i, entry);
  }
  auto built = topic_config::build(defaults, {}, nullptr);
  return std::move(built).value(); // broker values passed the same validation
}

std::vector<config_entry> broker_config::describe() const {
  return config::describe(settings_, true);
}

} // namespace tributary::config
