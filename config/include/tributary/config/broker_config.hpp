#pragma once
// broker_config: the typed settings a node runs with -- identity, data directory, listeners,
// group and connection limits, logging, and the log.* defaults every topic starts from.
// Built by load_broker_config() (loader.hpp) from defaults < TOML file < TRIB_* < --flags.

#include "tributary/common/result.hpp"
#include "tributary/common/strong_id.hpp"
#include "tributary/config/config_entry.hpp"
#include "tributary/config/listener.hpp"
#include "tributary/config/settings.hpp"
#include "tributary/config/topic_config.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tributary::config {

/// log.format
enum class log_line_format { text, json };

/// metadata.synchronous (SQLite PRAGMA synchronous for metadata.db)
enum class sqlite_synchronous { off, normal, full };

/// A value type created once at startup by the node's main and copied into the actors that
/// need it; not synchronised, never changed after load (broker settings are static).
struct broker_config {
  tributary::node_id node_id{0};                      // node.id (alias broker.id)
  std::string data_dir;                               // data.dir (aliases log.dirs, log.dir)
  std::vector<listener> listeners;                    // listeners
  std::vector<listener> advertised_listeners;         // advertised.listeners, else listeners*
  std::optional<listener> native_listener;            // native.listener; nullopt when ""
  int32_t num_partitions = 1;                         // num.partitions
  int32_t default_replication_factor = 1;             // default.replication.factor
  bool auto_create_topics_enable = true;              // auto.create.topics.enable
  bool delete_topic_enable = true;                    // delete.topic.enable
  int32_t offsets_retention_minutes = 10080;          // offsets.retention.minutes
  int32_t group_initial_rebalance_delay_ms = 3000;    // group.initial.rebalance.delay.ms
  int32_t group_min_session_timeout_ms = 6000;        // group.min.session.timeout.ms
  int32_t group_max_session_timeout_ms = 1800000;     // group.max.session.timeout.ms
  int32_t group_max_size = 0;                         // group.max.size
  int32_t socket_request_max_bytes = 0;               // socket.request.max.bytes
  int32_t max_connections = 0;                        // max.connections
  int64_t connections_max_idle_ms = 0;                // connections.max.idle.ms (-1: never)
  log_line_format log_format = log_line_format::text; // log.format
  std::string log_level;                              // log.level: trace|debug|info|warn|error|off
  sqlite_synchronous metadata_synchronous = sqlite_synchronous::normal; // metadata.synchronous
  int64_t log_retention_check_interval_ms = 0;         // log.retention.check.interval.ms
  bool log_cleaner_enable = true;                      // log.cleaner.enable
  int32_t log_cleaner_threads = 1;                     // log.cleaner.threads
  int64_t log_cleaner_backoff_ms = 0;                  // log.cleaner.backoff.ms
  int32_t log_flush_offset_checkpoint_interval_ms = 0; // log.flush.offset.checkpoint.interval.ms
  int32_t producer_id_expiration_ms = 86400000;        // producer.id.expiration.ms

  // * Without advertised.listeners, the listeners with an empty host replaced by this
  //   machine's hostname (gethostname); listeners on 0.0.0.0 or :: are refused then. A port
  //   of 0 (any free port, for tests) stays 0 here: the node advertises the port it bound.

  /// Every default; what a node runs with when given nothing.
  broker_config();

  /// Typed view of loaded settings plus the checks that span several settings
  /// (group.min.session.timeout.ms <= group.max.session.timeout.ms, advertised listener
  /// names must be listener names, listener ports distinct, listeners advertised in place of
  /// an empty advertised.listeners must not bind a wildcard address). Fails with
  /// conflicting_values.
  static result<broker_config> from_settings(settings values, std::string* why = nullptr);

  /// The effective defaults of a topic without overrides: log.retention.ms -> retention.ms,
  /// log.segment.bytes -> segment.bytes, message.max.bytes -> max.message.bytes, ...
  /// Each value keeps the broker's origin, so a topic's describe() says "TRIB_LOG_RETENTION_MS".
  topic_config topic_defaults() const;

  /// Every broker setting, read-only, with its source (DescribeConfigs on a BROKER resource,
  /// and the node's startup log).
  std::vector<config_entry> describe() const;

  const settings& values() const noexcept { return settings_; }

private:
  explicit broker_config(settings values) : settings_(std::move(values)) {}

  settings settings_;
};

} // namespace tributary::config
