#pragma once
// The plain value types partition_log returns: append_result, read_result,
// retention_result, segment_info. Values, thread-safe to copy; file handles inside keep
// the segment files open after the log deletes them.

#include "tributary/common/strong_id.hpp"
#include "tributary/storage/log_file.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tributary::storage {

/// Outcome of append / append_with_offsets (Kafka's LogAppendInfo, trimmed).
struct append_result {
  offset base_offset;             // first offset of the first batch
  offset last_offset;             // last offset of the last batch
  int64_t log_append_time = -1;   // the time set when message.timestamp.type=LogAppendTime
  int64_t max_timestamp = -1;     // largest batch max timestamp of the call
  offset offset_of_max_timestamp; // last offset of the batch holding it
  offset log_start_offset;
  int batch_count = 0;
  int64_t record_count = 0; // sum of records_count headers
  size_t bytes = 0;
  bool is_flush_due = false; // flush.messages / flush.ms reached: prepare_flush now
};

/// Outcome of read: whole batches as file ranges (one per segment touched).
struct read_result {
  std::vector<file_range> ranges;
  offset high_watermark; // min(upper_bound, log end)
  offset log_start_offset;
  offset log_end_offset;

  size_t size_bytes() const {
    size_t n = 0;
    for (const auto& r : ranges)
      n += r.length;
    return n;
  }
};

/// What apply_retention / delete_records_before removed.
struct retention_result {
  int deleted_segments = 0;
  uint64_t deleted_bytes = 0;
  offset log_start_offset;
};

/// One segment as the compactor and tools see it. `next_offset` is exclusive: the next
/// segment's base for sealed segments. `file` may be pread from any thread.
struct segment_info {
  offset base_offset;
  offset next_offset;
  uint64_t size_bytes = 0;
  int64_t max_timestamp = -1;
  int64_t roll_base_ms = -1; // first batch's timestamp (or creation time)
  bool is_active = false;
  log_file_ptr file;
};

} // namespace tributary::storage
