#pragma once
// flush_ticket: group commit for a partition log. The owner thread calls
// partition_log::prepare_flush() (cheap: pending index entries written, shared file handles
// collected, target = log end offset); any one thread runs execute() (fdatasync of every
// file with unflushed data, the folder if segments were created, then the recovery-point
// checkpoint); the owner thread then calls partition_log::complete_flush(ticket) to advance
// the recovery point. All appends between two prepare_flush calls cost one fsync round.

#include "tributary/common/result.hpp"
#include "tributary/common/strong_id.hpp"
#include "tributary/storage/checkpoint_file.hpp"
#include "tributary/storage/log_file.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tributary::storage {

/// Move-only value created on the owner thread; execute() may run on any one thread while
/// the log keeps appending (it holds the files, not the log). The log refuses a second
/// prepare_flush (errc::flush_in_progress) until complete_flush. Fails with
/// errc::io_error naming the file whose fsync failed; then the ticket is_failed() and
/// complete_flush takes the log offline (errc::log_failed): Linux reports a failed writeback
/// once and may drop the dirty pages, so a later fsync "succeeding" proves nothing (Kafka
/// takes the log dir offline). A failed checkpoint write alone only leaves the recovery
/// point where it was (the next flush retries).
class flush_ticket {
public:
  flush_ticket() = default;
  flush_ticket(flush_ticket&&) = default;
  flush_ticket& operator=(flush_ticket&&) = default;
  flush_ticket(const flush_ticket&) = delete;
  flush_ticket& operator=(const flush_ticket&) = delete;

  /// fdatasync files, fsync the folder when needed, write the recovery-point checkpoint.
  result<void> execute();

  offset target() const { return target_; } // recovery point once completed
  bool is_executed() const { return is_executed_; }
  bool is_failed() const { return is_failed_; } // an fdatasync / folder fsync failed
  /// Test hook: execute() fails as if the first fdatasync had returned EIO (no real fault
  /// injection exists for fdatasync). Never called outside tests.
  void fail_sync_for_test() { fails_sync_for_test_ = true; }
  bool has_work() const { return !files_.empty() || needs_dir_sync_; }

private:
  friend class partition_log;
  std::vector<log_file_ptr> files_;
  std::string dir_;
  bool needs_dir_sync_ = false;
  bool is_executed_ = false;
  bool is_failed_ = false;
  bool fails_sync_for_test_ = false;
  offset target_;
  uint64_t generation_ = 0;
  std::shared_ptr<checkpoint_file> checkpoint_;
};

} // namespace tributary::storage
