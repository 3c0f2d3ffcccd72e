#pragma once
// Errors of the storage module's partition log. Each value is one precise reason;
// partition_log::last_error() carries the sizes / file names of the most recent failure.

#include <system_error>

namespace tributary::storage {

enum class errc {
  ok = 0,
  corrupt_message,     // a batch failed validate_batch (length, magic, CRC) on append
  record_too_large,    // one batch is larger than max.message.bytes (Kafka RECORD_TOO_LARGE)
  batch_too_large,     // the whole append is larger than segment.bytes
  invalid_request,     // empty append buffer or trailing bytes after the last batch
  offset_out_of_order, // append_with_offsets: offsets not above the log end offset
  offset_out_of_range, // read/lookup outside [log_start_offset, log_end_offset]
  no_space,            // ENOSPC / EFBIG / EDQUOT while writing; the write was rolled back
  io_error,            // any other failed system call (the message names the file)
  corrupt_log,         // on-disk state that recovery cannot repair (e.g. unreadable dir)
  stale_segments,      // replace_segments: the segments to replace changed meanwhile
  flush_in_progress,   // prepare_flush while another ticket of this log is outstanding
  log_closed,          // call on a log after close()
  invalid_record, // a record without a key appended to a compacted topic (Kafka INVALID_RECORD)
  log_failed,     // an fsync of this log failed: writes and flushes refused until reopened
};

const std::error_category& storage_category() noexcept;
std::error_code make_error_code(errc e) noexcept;

} // namespace tributary::storage

template <>
struct std::is_error_code_enum<tributary::storage::errc> : std::true_type {};
