#pragma once
// Committed consumer offsets as the metadata store persists them. Plain value types.

#include "tributary/common/strong_id.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace tributary::storage::metadata {

/// A topic partition named in a fetch or delete of offsets.
struct topic_partition {
  std::string topic;
  partition_id partition;

  friend bool operator==(const topic_partition& a, const topic_partition& b) {
    return a.topic == b.topic && a.partition == b.partition;
  }
  friend bool operator<(const topic_partition& a, const topic_partition& b) {
    return a.topic != b.topic ? a.topic < b.topic : a.partition < b.partition;
  }
};

/// One partition of an OffsetCommit (in) or OffsetFetch (out). expire_ms is the explicit
/// retention of OffsetCommit v1 (nullopt: expire by the broker's offsets.retention.minutes).
struct offset_commit {
  std::string topic;
  partition_id partition;
  offset committed{0};
  std::optional<epoch> leader_epoch;
  std::string metadata;
  int64_t commit_ms = 0;
  std::optional<int64_t> expire_ms;

  friend bool operator==(const offset_commit& a, const offset_commit& b) {
    return a.topic == b.topic && a.partition == b.partition && a.committed == b.committed &&
           a.leader_epoch == b.leader_epoch && a.metadata == b.metadata &&
           a.commit_ms == b.commit_ms && a.expire_ms == b.expire_ms;
  }
};

/// An offset removed by metadata_store::expire_offsets.
struct expired_offset {
  std::string group_id;
  std::string topic;
  partition_id partition;
  offset committed{0};
};

} // namespace tributary::storage::metadata
