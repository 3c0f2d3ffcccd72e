#pragma once
// log_options: the per-topic settings of a partition log, as plain fields with Kafka's
// defaults (topic-level names in the comments). Owned by whoever opens the log; a value
// type, copied into the log at open. The config module maps onto it (done by the lead).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>

namespace tributary::storage {

/// message.timestamp.type
enum class message_timestamp_type { create_time, log_append_time };

/// Milliseconds since the epoch. Injected so tests control segment.ms and flush.ms.
using clock_fn = std::function<int64_t()>;

/// The wall clock (std::chrono::system_clock), the default clock_fn.
int64_t system_now_ms();

struct log_options {
  static constexpr int64_t k_unlimited = -1;

  int64_t segment_bytes = 1024 * 1024 * 1024;                   // segment.bytes (1 GiB)
  int64_t segment_ms = 7LL * 24 * 60 * 60 * 1000;               // segment.ms (7 days)
  int64_t segment_index_bytes = 10 * 1024 * 1024;               // segment.index.bytes (10 MiB)
  int64_t index_interval_bytes = 4096;                          // index.interval.bytes
  int64_t retention_ms = 7LL * 24 * 60 * 60 * 1000;             // retention.ms (-1: unlimited)
  int64_t retention_bytes = k_unlimited;                        // retention.bytes (-1: unlimited)
  int64_t flush_messages = std::numeric_limits<int64_t>::max(); // flush.messages
  int64_t flush_ms = std::numeric_limits<int64_t>::max();       // flush.ms
  int64_t max_message_bytes = 1024 * 1024 + 12;                 // max.message.bytes (1048588)
  message_timestamp_type timestamp_type = message_timestamp_type::create_time;
  bool cleanup_delete = true;                          // cleanup.policy contains "delete"
  bool cleanup_compact = false;                        // cleanup.policy contains "compact"
  int64_t delete_retention_ms = 24LL * 60 * 60 * 1000; // delete.retention.ms (1 day)
  int64_t min_compaction_lag_ms = 0;                   // min.compaction.lag.ms
  int64_t file_delete_delay_ms = 60 * 1000;            // file.delete.delay.ms (1 min)
};

} // namespace tributary::storage
