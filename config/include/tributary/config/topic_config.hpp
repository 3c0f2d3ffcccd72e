#pragma once
// topic_config: the typed settings of one topic -- the broker's log.* defaults overlaid with
// the topic's own overrides (CreateTopics, AlterConfigs, IncrementalAlterConfigs send these as
// string maps). Field names follow storage::log_options where both exist.

#include "tributary/common/result.hpp"
#include "tributary/config/config_entry.hpp"
#include "tributary/config/settings.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tributary::config {

struct broker_config;

using string_map = std::map<std::string, std::string>;

/// compression.type
enum class compression_type { producer, uncompressed, gzip, snappy, lz4, zstd };

/// message.timestamp.type
enum class timestamp_type { create_time, log_append_time };

/// IncrementalAlterConfigs operations, with Kafka's numbers.
enum class alter_op : int8_t { set = 0, remove = 1, append = 2, subtract = 3 };

/// One IncrementalAlterConfigs entry for a topic; a plain value.
struct config_alteration {
  std::string name;
  alter_op op = alter_op::set;
  std::string value; // ignored for remove
};

/// A value type owned by the topic's partition actors (each holds a copy); not synchronised.
/// The public fields are a parsed snapshot: change a topic through with_overrides() or
/// altered(), which validate and return a new topic_config, never by assigning fields.
struct topic_config {
  int64_t retention_ms = 0;               // retention.ms (-1: unlimited)
  int64_t retention_bytes = 0;            // retention.bytes (-1: unlimited)
  int64_t segment_bytes = 0;              // segment.bytes
  int64_t segment_ms = 0;                 // segment.ms
  int64_t segment_jitter_ms = 0;          // segment.jitter.ms
  int64_t segment_index_bytes = 0;        // segment.index.bytes
  int64_t index_interval_bytes = 0;       // index.interval.bytes
  bool cleanup_delete = true;             // cleanup.policy contains delete
  bool cleanup_compact = false;           // cleanup.policy contains compact
  int64_t min_compaction_lag_ms = 0;      // min.compaction.lag.ms
  int64_t max_compaction_lag_ms = 0;      // max.compaction.lag.ms
  int64_t delete_retention_ms = 0;        // delete.retention.ms
  double min_cleanable_dirty_ratio = 0.5; // min.cleanable.dirty.ratio
  int64_t max_message_bytes = 0;          // max.message.bytes
  timestamp_type message_timestamp_type = timestamp_type::create_time;
  int64_t message_timestamp_difference_max_ms = 0;           // message.timestamp.difference.max.ms
  int64_t flush_messages = 0;                                // flush.messages
  int64_t flush_ms = 0;                                      // flush.ms
  compression_type compression = compression_type::producer; // compression.type
  int32_t min_insync_replicas = 1;                           // min.insync.replicas
  int64_t file_delete_delay_ms = 0;                          // file.delete.delay.ms
  bool unclean_leader_election_enable = false;               // unclean.leader.election.enable
  bool preallocate = false;                                  // preallocate

  /// Kafka's defaults, no broker settings and no overrides.
  topic_config();

  /// This topic's defaults (not its current overrides) plus `overrides`, validated: unknown
  /// keys (with a hint, and a pointer to the topic key when a broker log.* key is given), bad
  /// values, min.compaction.lag.ms > max.compaction.lag.ms.
  result<topic_config> with_overrides(const string_map& overrides,
                                      std::string* why = nullptr) const;

  /// IncrementalAlterConfigs: applies the operations to the current overrides, in order.
  /// append / subtract work on list settings (cleanup.policy) only.
  result<topic_config> altered(const std::vector<config_alteration>& ops,
                               std::string* why = nullptr) const;

  /// Every topic key with its value and source (DescribeConfigs), synonyms included.
  std::vector<config_entry> describe() const;

  /// Only the topic's own overrides, canonical text: what the metadata store persists.
  string_map overrides() const;

  const settings& values() const noexcept { return settings_; }

private:
  friend struct broker_config;
  static result<topic_config> build(const settings& defaults, const string_map& overrides,
                                    std::string* why);
  void load_fields();

  settings defaults_; // broker-level defaults as topic keys
  settings settings_; // defaults_ plus overrides
};

/// The usual entry point: broker.topic_defaults().with_overrides(overrides, why).
result<topic_config> make_topic_config(const broker_config& broker, const string_map& overrides,
                                       std::string* why = nullptr);

} // namespace tributary::config
