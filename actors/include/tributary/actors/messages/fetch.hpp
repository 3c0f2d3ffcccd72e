#pragma once
// Fetch, ListOffsets and DeleteRecords: the read side of partitions. A fetch_request names
// many partitions (Kafka's FetchRequest); the broker fans it out as partition_fetch messages
// to partition actors, which long-poll: they answer when min_bytes are there or max_wait_ms
// expires.
// Zero copy: a local requester (the Kafka listener) sets wants_file_ranges and gets the
// batches as log file ranges it sends with sendfile; everyone else gets bytes. Ranges never
// cross the network: serializing a fetch_partition_data reads them into `records`.

#include "tributary/actors/messages/common.hpp"
#include "tributary/storage/log_file.hpp"

namespace tributary::actors {

struct fetch_partition {
  std::string topic;
  int32_t partition = 0;
  int64_t fetch_offset = 0;
  int32_t max_bytes = 1 << 20;       // per partition; the first batch is returned even if larger
  int32_t current_leader_epoch = -1; // -1: not checked
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fetch_partition& x) {
  return f(caf::meta::type_name("trib.fetch_partition"), x.topic, x.partition, x.fetch_offset,
           x.max_bytes, x.current_leader_epoch);
}

struct fetch_request {
  int32_t replica_id = -1; // -1: a consumer; a node id: a follower (reads past the HW)
  int32_t max_wait_ms = 500;
  int32_t min_bytes = 1;
  int32_t max_bytes = 50 << 20; // whole response
  int8_t isolation_level = 0;   // 0 read_uncommitted, 1 read_committed (up to the LSO)
  std::vector<fetch_partition> partitions;
  /// Consumer fetches from this process only: answer with file_ranges instead of records
  /// (the broker clears it for remote requesters).
  bool wants_file_ranges = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fetch_request& x) {
  return f(caf::meta::type_name("trib.fetch_request"), x.replica_id, x.max_wait_ms, x.min_bytes,
           x.max_bytes, x.isolation_level, x.partitions, x.wants_file_ranges);
}

/// One partition's answer: whole batches from the one holding fetch_offset, either copied
/// into `records` or, when the request wanted file ranges, left in the log's files.
struct fetch_partition_data {
  std::string topic;
  int32_t partition = 0;
  int16_t error = 0;
  std::string error_message;
  int64_t high_watermark = -1;
  int64_t last_stable_offset = -1;
  int64_t log_start_offset = -1;
  int32_t leader_epoch = -1;
  bytes records;
  /// The batches in place, after `records` (empty unless wants_file_ranges). Holding them
  /// keeps the segment files open, also after retention deletes them.
  std::vector<storage::file_range> file_ranges;

  /// Bytes of batches carried, in records and file ranges together.
  size_t size_bytes() const {
    size_t n = records.size();
    for (const auto& r : file_ranges)
      n += r.length;
    return n;
  }
};

/// `x` with its file ranges read (pread) and appended to `records`, the ranges dropped; a
/// range that cannot be read turns the copy into a KAFKA_STORAGE_ERROR without records.
fetch_partition_data with_ranges_read(const fetch_partition_data& x);

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fetch_partition_data& x) {
  if constexpr (Inspector::reads_state) {
    // File descriptors mean nothing elsewhere: a remote receiver (or a printout) gets bytes.
    if (!x.file_ranges.empty()) {
      auto copy = with_ranges_read(x);
      return inspect(f, copy);
    }
  }
  return f(caf::meta::type_name("trib.fetch_partition_data"), x.topic, x.partition, x.error,
           x.error_message, x.high_watermark, x.last_stable_offset, x.log_start_offset,
           x.leader_epoch, x.records);
}

struct fetch_response {
  int16_t error = 0;
  std::vector<fetch_partition_data> partitions; // in request order
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fetch_response& x) {
  return f(caf::meta::type_name("trib.fetch_response"), x.error, x.partitions);
}

/// What the broker sends one partition actor (long-poll fetch of that partition alone).
struct partition_fetch {
  int32_t replica_id = -1;
  int64_t fetch_offset = 0;
  int32_t max_bytes = 1 << 20;
  int32_t min_bytes = 1;
  int32_t max_wait_ms = 0;
  int8_t isolation_level = 0;
  int32_t current_leader_epoch = -1;
  bool wants_file_ranges = false; // see fetch_request; honoured for consumers (replica_id < 0)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, partition_fetch& x) {
  return f(caf::meta::type_name("trib.partition_fetch"), x.replica_id, x.fetch_offset, x.max_bytes,
           x.min_bytes, x.max_wait_ms, x.isolation_level, x.current_leader_epoch,
           x.wants_file_ranges);
}

// -- ListOffsets ----------------------------------------------------------------------------

/// timestamp: -2 earliest (log start), -1 latest (end / LSO), -3 max timestamp, else the
/// first offset whose record timestamp >= timestamp.
struct list_offsets_partition {
  std::string topic;
  int32_t partition = 0;
  int64_t timestamp = -1;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, list_offsets_partition& x) {
  return f(caf::meta::type_name("trib.list_offsets_partition"), x.topic, x.partition, x.timestamp);
}

struct list_offsets_request {
  int8_t isolation_level = 0;
  std::vector<list_offsets_partition> partitions;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, list_offsets_request& x) {
  return f(caf::meta::type_name("trib.list_offsets_request"), x.isolation_level, x.partitions);
}

struct list_offsets_result {
  std::string topic;
  int32_t partition = 0;
  int16_t error = 0;
  std::string error_message;
  int64_t timestamp = -1;
  int64_t offset = -1; // -1 when no record has a timestamp >= the one asked for
  int32_t leader_epoch = -1;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, list_offsets_result& x) {
  return f(caf::meta::type_name("trib.list_offsets_result"), x.topic, x.partition, x.error,
           x.error_message, x.timestamp, x.offset, x.leader_epoch);
}

struct list_offsets_response {
  std::vector<list_offsets_result> partitions; // in request order
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, list_offsets_response& x) {
  return f(caf::meta::type_name("trib.list_offsets_response"), x.partitions);
}

/// What the broker sends one partition actor.
struct partition_list_offset {
  int64_t timestamp = -1;
  int8_t isolation_level = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, partition_list_offset& x) {
  return f(caf::meta::type_name("trib.partition_list_offset"), x.timestamp, x.isolation_level);
}

// -- DeleteRecords --------------------------------------------------------------------------

struct delete_records_partition {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = -1; // -1: up to the high watermark
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, delete_records_partition& x) {
  return f(caf::meta::type_name("trib.delete_records_partition"), x.topic, x.partition, x.offset);
}

struct delete_records_request {
  int32_t timeout_ms = 30000;
  std::vector<delete_records_partition> partitions;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, delete_records_request& x) {
  return f(caf::meta::type_name("trib.delete_records_request"), x.timeout_ms, x.partitions);
}

struct delete_records_result {
  std::string topic;
  int32_t partition = 0;
  int16_t error = 0;
  std::string error_message;
  int64_t low_watermark = -1;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, delete_records_result& x) {
  return f(caf::meta::type_name("trib.delete_records_result"), x.topic, x.partition, x.error,
           x.error_message, x.low_watermark);
}

struct delete_records_response {
  std::vector<delete_records_result> partitions;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, delete_records_response& x) {
  return f(caf::meta::type_name("trib.delete_records_response"), x.partitions);
}

/// What the broker sends one partition actor.
struct partition_delete_records {
  int64_t offset = -1;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, partition_delete_records& x) {
  return f(caf::meta::type_name("trib.partition_delete_records"), x.offset);
}

} // namespace tributary::actors
