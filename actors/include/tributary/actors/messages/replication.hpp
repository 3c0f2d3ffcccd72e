#pragma once
// The replica protocol (docs/ARCHITECTURE.md, "Replication"). On one node each partition has
// one local replica and these messages run inside the node; they are serializable so that
// followers on other nodes plug in through CAF's middleman without a format change.
//   follower -> leader: replica_fetch (its log end offset = fetch_offset; the leader learns
//                       follower progress from it, advances the high watermark and ISR)
//   follower -> leader: epoch_end_offset (OffsetsForLeaderEpoch, before fetching after a
//                       leader change), then truncate locally to the returned end offset
//   controller -> replica: become_leader / become_follower with the new leader epoch

#include "tributary/actors/messages/common.hpp"

namespace tributary::actors {

struct replica_fetch_request {
  int32_t replica_id = -1;
  int64_t fetch_offset = 0; // == the follower's log end offset
  int32_t max_bytes = 1 << 20;
  int32_t current_leader_epoch = -1;
  int32_t max_wait_ms = 500;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, replica_fetch_request& x) {
  return f(caf::meta::type_name("trib.replica_fetch_request"), x.replica_id, x.fetch_offset,
           x.max_bytes, x.current_leader_epoch, x.max_wait_ms);
}

struct epoch_end_offset_request {
  int32_t leader_epoch = 0;
  int32_t current_leader_epoch = -1;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, epoch_end_offset_request& x) {
  return f(caf::meta::type_name("trib.epoch_end_offset_request"), x.leader_epoch,
           x.current_leader_epoch);
}

struct epoch_end_offset_response {
  int16_t error = 0;
  int32_t leader_epoch = -1; // the largest epoch <= the one asked for
  int64_t end_offset = -1;   // first offset of the next epoch (or the log end offset)
  std::string error_message;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, epoch_end_offset_response& x) {
  return f(caf::meta::type_name("trib.epoch_end_offset_response"), x.error, x.leader_epoch,
           x.end_offset, x.error_message);
}

struct truncate_request {
  int64_t offset = 0; // remove every record at or above
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, truncate_request& x) {
  return f(caf::meta::type_name("trib.truncate_request"), x.offset);
}

struct leadership_change {
  int32_t leader_id = -1;
  int32_t leader_epoch = 0;
  std::vector<int32_t> replicas;
  std::vector<int32_t> isr;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, leadership_change& x) {
  return f(caf::meta::type_name("trib.leadership_change"), x.leader_id, x.leader_epoch, x.replicas,
           x.isr);
}

/// A partition's (or replica's) offsets and state, for metadata, tools and the console.
struct partition_status {
  std::string topic;
  int32_t partition = 0;
  int16_t error = 0;
  int32_t leader_id = -1;
  int32_t leader_epoch = 0;
  int64_t log_start_offset = 0;
  int64_t log_end_offset = 0;
  int64_t high_watermark = 0;
  int64_t last_stable_offset = 0;
  int64_t size_bytes = 0;
  int32_t segment_count = 0;
  std::vector<int32_t> isr;
  int32_t parked_fetches = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, partition_status& x) {
  return f(caf::meta::type_name("trib.partition_status"), x.topic, x.partition, x.error,
           x.leader_id, x.leader_epoch, x.log_start_offset, x.log_end_offset, x.high_watermark,
           x.last_stable_offset, x.size_bytes, x.segment_count, x.isr, x.parked_fetches);
}

struct partition_status_request {};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, partition_status_request&) {
  return f(caf::meta::type_name("trib.partition_status_request"));
}

} // namespace tributary::actors
