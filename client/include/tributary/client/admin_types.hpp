#pragma once
// Values the admin API takes and returns. Batch calls answer per item: each result carries
// `err` (code NONE when the item worked) with a sentence naming the topic/group/partition.
// Plain values, not synchronised.

#include "tributary/actors/messages/inspection.hpp"
#include "tributary/client/error.hpp"
#include "tributary/client/record.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace tributary::client {

/// The "no error" value of per-item results.
inline error no_error() {
  return make_error(protocol::kafka_error::none);
}

// -- topics ---------------------------------------------------------------------------------

struct new_topic {
  std::string name;
  int32_t partitions = -1;         // -1: the node's num.partitions
  int16_t replication_factor = -1; // -1: default.replication.factor
  std::map<std::string, std::string> configs;
};

/// Outcome of create_topics / delete_topics / create_partitions for one topic.
struct topic_result {
  std::string name;
  error err = no_error();
  std::string topic_id;
  int32_t partitions = -1;
  int16_t replication_factor = -1;
  std::vector<std::pair<std::string, std::string>> configs; // create: non-default configs
  bool ok() const { return err.code == protocol::kafka_error::none; }
};

/// One partition as describe_topics reports it: placement (metadata) and log state
/// (the partition actor's status).
struct partition_description {
  int32_t partition = 0;
  int32_t leader = -1;
  int32_t leader_epoch = 0;
  std::vector<int32_t> replicas;
  std::vector<int32_t> isr;
  std::vector<int32_t> offline_replicas;
  int64_t log_start_offset = -1;
  int64_t log_end_offset = -1;
  int64_t high_watermark = -1;
  int64_t last_stable_offset = -1;
  int64_t size_bytes = 0;
  int32_t segment_count = 0;
  error err = no_error();
};

struct topic_description {
  std::string name;
  std::string topic_id;
  bool is_internal = false;
  std::vector<partition_description> partitions;
  error err = no_error();
  bool ok() const { return err.code == protocol::kafka_error::none; }
};

// -- configs --------------------------------------------------------------------------------

enum class config_resource_type : int8_t { topic = 2, broker = 4 };

struct config_resource {
  config_resource_type type = config_resource_type::topic;
  std::string name; // topic name, or the node id as text
  friend bool operator<(const config_resource& a, const config_resource& b) {
    return a.type != b.type ? a.type < b.type : a.name < b.name;
  }
};

/// Kafka's ConfigSource numbers.
enum class config_source : int8_t {
  unknown = 0,
  dynamic_topic = 1,
  dynamic_broker = 2,
  dynamic_default_broker = 3,
  static_broker = 4,
  default_config = 5,
};

struct config_value {
  std::string name;
  std::string value;
  bool is_null = false;
  bool read_only = false;
  bool is_sensitive = false;
  config_source source = config_source::unknown;
  std::string documentation;
  std::vector<std::pair<std::string, std::string>> synonyms; // name, value (most precise first)
};

struct config_description {
  config_resource resource;
  std::vector<config_value> entries;
  error err = no_error();
  bool ok() const { return err.code == protocol::kafka_error::none; }
  /// The entry named `name`, or nullptr.
  const config_value* find(const std::string& name) const {
    for (auto& e : entries)
      if (e.name == name)
        return &e;
    return nullptr;
  }
};

/// IncrementalAlterConfigs operations.
struct config_op {
  enum kind : int8_t { set = 0, remove = 1, append = 2, subtract = 3 };
  std::string name;
  kind op = set;
  std::string value;
};

struct resource_result {
  config_resource resource;
  error err = no_error();
  bool ok() const { return err.code == protocol::kafka_error::none; }
};

// -- groups and offsets ---------------------------------------------------------------------

struct group_listing {
  std::string group_id;
  std::string protocol_type;
  std::string state;
};

struct member_description {
  std::string member_id;
  std::string group_instance_id;
  std::string client_id;
  std::string client_host;
  std::vector<topic_partition> assignment; // decoded ConsumerProtocol assignment
  size_t metadata_bytes = 0;
  size_t assignment_bytes = 0;
};

struct group_description {
  std::string group_id;
  std::string state; // Kafka's spelling: Empty, Stable, PreparingRebalance, ..., Dead
  std::string protocol_type;
  std::string protocol_name; // the assignor
  int32_t generation_id = -1;
  std::string leader;
  std::vector<member_description> members;
  error err = no_error();
  bool ok() const { return err.code == protocol::kafka_error::none; }
};

struct group_result {
  std::string group_id;
  error err = no_error();
  bool ok() const { return err.code == protocol::kafka_error::none; }
};

struct offset_and_metadata {
  int64_t offset = -1;
  int32_t leader_epoch = -1;
  std::string metadata;
};

struct partition_result {
  topic_partition tp;
  error err = no_error();
  bool ok() const { return err.code == protocol::kafka_error::none; }
};

/// Which offset list_offsets / reset_consumer_group_offsets looks up.
struct offset_spec {
  enum kind : int8_t { earliest, latest, max_timestamp, timestamp, exact };
  kind what = latest;
  int64_t value = 0; // the timestamp (ms) or the exact offset

  static offset_spec to_earliest() { return {earliest, 0}; }
  static offset_spec to_latest() { return {latest, 0}; }
  static offset_spec to_timestamp(int64_t ms) { return {timestamp, ms}; }
  /// An exact offset, clamped into [log start, log end] by reset (as Kafka's tool does).
  static offset_spec to_offset(int64_t offset) { return {exact, offset}; }
};

struct listed_offset {
  topic_partition tp;
  int64_t offset = -1; // -1: no record at or after the timestamp
  int64_t timestamp = -1;
  int32_t leader_epoch = -1;
  error err = no_error();
  bool ok() const { return err.code == protocol::kafka_error::none; }
};

struct deleted_records {
  topic_partition tp;
  int64_t low_watermark = -1;
  error err = no_error();
  bool ok() const { return err.code == protocol::kafka_error::none; }
};

// -- cluster --------------------------------------------------------------------------------

struct node_description {
  int32_t node_id = 0;
  std::string host;
  int32_t port = -1;        // Kafka listener
  int32_t native_port = -1; // native (CAF) listener
  std::string rack;
};

struct cluster_description {
  std::string cluster_id;
  int32_t controller_id = -1;
  std::vector<node_description> nodes;
  std::string version;
  std::string data_dir;
  int64_t started_ms = 0;
  int32_t topic_count = 0;
  int32_t partition_count = 0;
  int32_t group_count = 0;
  int32_t actor_count = 0;
};

/// Every actor of the node with its counters (actors/messages/inspection.hpp).
using actor_snapshot = actors::actor_snapshot;

} // namespace tributary::client
