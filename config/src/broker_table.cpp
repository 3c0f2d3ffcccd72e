// Broker settings with Kafka's names and defaults (server.properties), plus the broker-level
// defaults for topic settings derived from topic_table.cpp.

#include "tables.hpp"

#include "tributary/config/listener.hpp"

#include <set>

namespace tributary::config::detail {

namespace {

bool check_data_dir(const setting_value& v, std::string& why) {
  const auto& dir = std::get<std::string>(v);
  if (dir.empty()) {
    why = "must name a directory";
    return false;
  }
  if (dir.find(',') != std::string::npos) {
    why = "Tributary keeps all partitions in one data directory; give a single path";
    return false;
  }
  return true;
}

bool check_listeners(const setting_value& v, std::string& why) {
  std::set<std::string> names;
  for (const auto& text : std::get<std::vector<std::string>>(v)) {
    auto parsed = parse_listener(text, &why);
    if (!parsed)
      return false;
    if (!names.insert(parsed->name).second) {
      why = "listener name '" + parsed->name + "' appears twice";
      return false;
    }
  }
  return true;
}

bool check_advertised(const setting_value& v, std::string& why) {
  if (!check_listeners(v, why))
    return false;
  for (const auto& text : std::get<std::vector<std::string>>(v)) {
    auto parsed = parse_listener(text);
    if (parsed->host.empty() || is_wildcard_host(parsed->host) || parsed->port == 0) {
      why = "'" + text + "' cannot be advertised: clients need a concrete host and port";
      return false;
    }
  }
  return true;
}

bool check_native(const setting_value& v, std::string& why) {
  const auto& text = std::get<std::string>(v);
  return text.empty() || parse_host_port(text, &why).has_value();
}

std::vector<def_builder> broker_rows() {
  using t = setting_type;
  std::vector<def_builder> rows;
  rows.emplace_back("node.id", t::int32, "0", "this node's id in the cluster")
      .at_least(0)
      .alias("broker.id");
  rows.emplace_back("data.dir", t::string, "./tributary-data",
                    "directory holding partition logs and metadata.db")
      .alias("log.dirs")
      .alias("log.dir")
      .check(check_data_dir);
  rows.emplace_back("listeners", t::list, "PLAINTEXT://127.0.0.1:9092",
                    "Kafka protocol endpoints, NAME://host:port (empty host: all interfaces)")
      .check(check_listeners);
  rows.emplace_back("advertised.listeners", t::list, "",
                    "endpoints given to clients in metadata (default: listeners; "
                    "required when they bind 0.0.0.0)")
      .check(check_advertised);
  rows.emplace_back("native.listener", t::string, "127.0.0.1:19092",
                    "host:port of the native (CAF) endpoint for Tributary clients; empty: off")
      .check(check_native);
  rows.emplace_back("num.partitions", t::int32, "1", "partitions of auto-created topics")
      .at_least(1);
  rows.emplace_back("default.replication.factor", t::int32, "1",
                    "replication factor of auto-created topics")
      .at_least(1);
  rows.emplace_back("auto.create.topics.enable", t::boolean, "true",
                    "create a topic when a client first uses it");
  rows.emplace_back("delete.topic.enable", t::boolean, "true", "allow DeleteTopics");
  rows.emplace_back("offsets.retention.minutes", t::int32, "10080",
                    "keep committed offsets of an empty group this long (minutes; 7 days)")
      .at_least(1);
  rows.emplace_back("group.initial.rebalance.delay.ms", t::int32, "3000",
                    "wait for more members before the first rebalance of a new group (ms)")
      .at_least(0);
  rows.emplace_back("group.min.session.timeout.ms", t::int32, "6000",
                    "smallest session timeout a consumer may ask for (ms)")
      .at_least(0);
  rows.emplace_back("group.max.session.timeout.ms", t::int32, "1800000",
                    "largest session timeout a consumer may ask for (ms)")
      .at_least(0);
  rows.emplace_back("group.max.size", t::int32, "2147483647", "most members in one group")
      .at_least(1);
  rows.emplace_back("socket.request.max.bytes", t::int32, "104857600",
                    "largest request the listener accepts (bytes; 100 MiB)")
      .at_least(1);
  rows.emplace_back("max.connections", t::int32, "2147483647", "most open client connections")
      .at_least(0);
  rows.emplace_back("connections.max.idle.ms", t::int64, "600000",
                    "close connections idle this long (ms; 10 minutes)")
      .at_least(0)
      .or_unlimited();
  rows.emplace_back("log.format", t::choice, "text", "format of the node's own log lines")
      .allowed({"text", "json"});
  rows.emplace_back("log.level", t::choice, "info", "least severe level the node logs")
      .allowed({"trace", "debug", "info", "warn", "error", "off"});
  rows.emplace_back("metadata.synchronous", t::choice, "normal",
                    "SQLite synchronous mode of metadata.db (normal is safe with WAL)")
      .allowed({"off", "normal", "full"});
  rows.emplace_back("log.retention.check.interval.ms", t::int64, "300000",
                    "how often retention runs (ms; 5 minutes)")
      .at_least(1);
  rows.emplace_back("log.cleaner.enable", t::boolean, "true", "run compaction");
  rows.emplace_back("log.cleaner.threads", t::int32, "1", "compaction threads").at_least(0);
  rows.emplace_back("log.cleaner.backoff.ms", t::int64, "15000",
                    "sleep when no log needs compaction (ms)")
      .at_least(0);
  rows.emplace_back("log.flush.offset.checkpoint.interval.ms", t::int32, "60000",
                    "how often the recovery point is checkpointed (ms)")
      .at_least(0);
  rows.emplace_back("producer.id.expiration.ms", t::int32, "86400000",
                    "forget an idempotent producer's sequence state after it was idle this long "
                    "(ms; 1 day)")
      .at_least(1);
  for (auto& row : rows)
    row.def_.scope = setting_scope::broker;
  return rows;
}

} // namespace

std::vector<setting_def> broker_defs() {
  std::vector<setting_def> defs;
  for (auto& row : broker_rows())
    defs.push_back(std::move(row.def_));
  // Each topic setting has a broker-level default: same type, limits and Kafka default.
  // The topic key itself is accepted as an alias (TRIB_RETENTION_MS sets log.retention.ms).
  for (auto& row : topic_rows()) {
    setting_def def = std::move(row.def_);
    def.scope = setting_scope::broker;
    def.topic_name = def.name;
    def.name = def.broker_name;
    def.broker_name.clear();
    def.doc = "default " + def.topic_name + ": " + def.doc;
    def.aliases = std::move(row.broker_aliases_);
    if (def.topic_name != def.name)
      def.aliases.push_back({def.topic_name, 1});
    defs.push_back(std::move(def));
  }
  return defs;
}

} // namespace tributary::config::detail
