#pragma once
// Topics and partitions as the metadata store persists them: plain value types. Configs are
// only the topic-level overrides (Kafka's DescribeConfigs "dynamic topic config"); defaults
// come from the broker config, not from here.

#include "tributary/common/strong_id.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tributary::storage::metadata {

/// Topic-level config overrides by Kafka name ("retention.ms" -> "3600000").
using topic_configs = std::map<std::string, std::string>;

/// Replica node ids of one partition; the first is the preferred leader.
using replica_list = std::vector<node_id>;

/// What CreateTopics asks for. replica_assignment is empty (no replicas placed yet) or has
/// exactly partition_count entries, each of replication_factor nodes.
struct new_topic {
  std::string name;
  int32_t partition_count = 1;
  int16_t replication_factor = 1;
  topic_configs configs;
  std::vector<replica_list> replica_assignment;
};

/// A stored topic. topic_id is a random UUID (8-4-4-4-12 hex) fixed at creation, so a
/// re-created topic of the same name is a different topic (Kafka's topic IDs).
struct topic_record {
  std::string name;
  std::string topic_id;
  int32_t partition_count = 0;
  int16_t replication_factor = 0;
  topic_configs configs;
  int64_t created_ms = 0;
};

/// One config change of IncrementalAlterConfigs: a value sets the override, nullopt removes
/// it (back to the broker default).
struct config_change {
  std::string key;
  std::optional<std::string> value;
};

/// Leadership state of one partition. leader is node_id{-1} when there is none.
struct partition_record {
  std::string topic;
  partition_id partition;
  node_id leader{-1};
  epoch leader_epoch{0};
  replica_list replicas;
  replica_list isr;

  friend bool operator==(const partition_record& a, const partition_record& b) {
    return a.topic == b.topic && a.partition == b.partition && a.leader == b.leader &&
           a.leader_epoch == b.leader_epoch && a.replicas == b.replicas && a.isr == b.isr;
  }
};

} // namespace tributary::storage::metadata
