#pragma once
// partition_log: the log of one partition, a folder of segments (see segment.hpp). Appends
// validate and assign offsets per batch and write each call with one pwrite; reads return
// whole batches as file ranges; recovery validates from the recovery point on open;
// retention and DeleteRecords drop whole segments; flushes are group commits through
// flush_ticket. Kafka's UnifiedLog/LocalLog semantics unless a comment says otherwise.

#include "tributary/common/result.hpp"
#include "tributary/common/strong_id.hpp"
#include "tributary/storage/checkpoint_file.hpp"
#include "tributary/storage/flush_ticket.hpp"
#include "tributary/storage/log_options.hpp"
#include "tributary/storage/log_results.hpp"
#include "tributary/storage/segment.hpp"

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tributary::storage {

/// Owned by one thread, the partition actor: every member function must be called from it
/// (not thread-safe). Only flush_ticket::execute and reads of returned file ranges run
/// elsewhere. Fails with storage::errc; last_error() says what and where in words. A failed
/// append leaves nothing written and the log readable.
class partition_log {
public:
  static constexpr int64_t k_earliest_timestamp = -2; // ListOffsets: log start offset
  static constexpr int64_t k_latest_timestamp = -1;   // ListOffsets: log end offset

  /// Opens (creating the folder if needed) and recovers. Clean shutdown marker present:
  /// no scan. Otherwise validates from the recovery point (and always the last segment).
  static result<std::unique_ptr<partition_log>>
  open(const std::string& dir, const log_options& opts, clock_fn clock = system_now_ms);
  ~partition_log(); // close() if not closed, errors logged
  partition_log(const partition_log&) = delete;
  partition_log& operator=(const partition_log&) = delete;

  /// Leader append: `data` holds one or more concatenated v2 batches; validated (length,
  /// magic, CRC, max.message.bytes; with cleanup.policy=compact every record must have a
  /// key, else errc::invalid_record, as Kafka refuses them), offsets and leader epoch written in
  /// place from the log end offset, LogAppendTime applied if configured; all or nothing.
  result<append_result> append(std::byte* data, size_t size, epoch leader_epoch);
  /// Follower append: batches keep their offsets; errc::offset_out_of_order if the first
  /// base offset is below the log end offset or offsets do not ascend within the call.
  result<append_result> append_with_offsets(std::byte* data, size_t size);

  /// Whole batches from the one containing `start`, up to `max_bytes` (the first batch even
  /// if larger), only batches whose last offset < `upper_bound` (pass the high watermark,
  /// or log_end_offset()). errc::offset_out_of_range outside [log start, log end].
  result<read_result> read(offset start, size_t max_bytes, offset upper_bound) const;
  /// read() then pread of the ranges into `out` (replaced); returns the result as read().
  result<read_result> read_copy(offset start, size_t max_bytes, offset upper_bound,
                                std::vector<std::byte>& out) const;

  /// ListOffsets by time: offset of the first record with timestamp >= ts (the first batch
  /// with max timestamp >= ts, found through the time index, decoded with
  /// protocol::record_reader; its base offset if it cannot be decoded), nullopt if none;
  /// never below the log start. k_earliest_timestamp / k_latest_timestamp: start / end.
  result<std::optional<offset>> offset_for_timestamp(int64_t ts) const;
  offset log_start_offset() const { return log_start_; }
  offset log_end_offset() const;
  offset recovery_point() const { return recovery_point_; }
  uint64_t size_bytes() const;

  // Durability (see flush_ticket.hpp). Kafka's flush.messages / flush.ms policy.
  bool is_flush_due() const;
  result<flush_ticket> prepare_flush();
  /// Advances the recovery point to the ticket's target if it executed successfully. A
  /// ticket whose fsync failed takes the log offline instead (is_failed()): append, roll,
  /// prepare_flush, flush, retention, DeleteRecords, truncation and segment replacement then
  /// fail with errc::log_failed, close() writes no checkpoint
  /// or clean marker, reads keep serving; reopening recovers from the recovery point.
  void complete_flush(const flush_ticket& ticket);
  bool is_failed() const { return is_failed_; }
  /// prepare + execute + complete on this thread.
  result<void> flush();

  /// Deletes oldest segments by retention.ms (largest timestamp < now - retention.ms) and
  /// retention.bytes, when cleanup.policy has delete; rolls first if the active segment
  /// would go. Also unlinks `.deleted` files older than file.delete.delay.ms. With
  /// `high_watermark`, only segments wholly below it go (Kafka: a segment is eligible when
  /// the next one's base, or the log end for the last, is <= the high watermark).
  result<retention_result> apply_retention(int64_t now_ms,
                                           std::optional<offset> high_watermark = {});
  /// DeleteRecords: log start = `before` (checkpointed), whole segments below it deleted.
  /// errc::offset_out_of_range if `before` > log end. Returns the new log start offset.
  result<offset> delete_records_before(offset before);
  /// Follower truncation: removes every batch whose last offset >= `target`.
  /// errc::flush_in_progress while a flush ticket is outstanding.
  result<void> truncate_to(offset target);
  /// Follower whose fetch offset fell below the leader's log start (Kafka's
  /// truncateFullyAndStartAt): every segment goes, the log restarts empty at `start` (which
  /// may lie past the current log end). Same errors as truncate_to.
  result<void> truncate_fully_and_start_at(offset start);
  /// Seals the active segment and starts a new one at the log end offset (if non-empty).
  result<void> roll();

  // Compactor seam: list, read (segment_info::file + batch_scanner), replace.
  std::vector<segment_info> segments() const;
  std::vector<segment_info> sealed_segments() const; // all but the active segment
  /// Atomically swaps sealed segments `old_bases` (consecutive) for `replacement`, a
  /// sealed and synced ".cleaned" segment whose base equals old_bases.front() and whose
  /// offsets lie below the base of the segment after the last old one. Crash-safe: .cleaned
  /// -> .swap, old -> .deleted, .swap -> live; open() completes or discards a half swap.
  /// errc::stale_segments when the old segments are no longer exactly those.
  result<void> replace_segments(const std::vector<offset>& old_bases,
                                std::unique_ptr<segment> replacement);

  /// Flushes, seals indexes, writes checkpoints and the clean shutdown marker.
  result<void> close();

  const std::string& dir() const { return dir_; }
  const log_options& options() const { return opts_; }
  /// Topic config change (AlterConfigs): later appends, rolls, flushes, retention and new
  /// segments use `opts`; existing segments keep their index sizes.
  void set_options(const log_options& opts) { opts_ = opts; }
  const std::string& last_error() const { return last_error_; }

private:
  partition_log(std::string dir, const log_options& opts, clock_fn clock);
  result<void> load_segments(bool is_clean);
  result<std::vector<int64_t>> scan_folder();
  result<void> complete_swap(int64_t base, std::vector<int64_t>& bases);
  result<void> recover_segments(bool is_clean, offset recovery_point);
  result<append_result> append_impl(std::byte* data, size_t size, bool assign, epoch leader_epoch);
  result<void> check_keys(const std::byte* batch, size_t size, size_t index);
  result<void> maybe_roll(size_t bytes, offset first, offset last, int64_t now,
                          int64_t max_timestamp);
  result<void> roll_at(offset base);
  result<void> start_over_at(offset start);
  size_t segments_below(offset high_watermark) const;
  result<void> delete_segment(std::map<int64_t, std::unique_ptr<segment>>::iterator it);
  result<retention_result> delete_oldest(size_t count);
  void purge_deleted(int64_t now_ms, bool force);
  segment& active() const { return *segments_.rbegin()->second; }
  const segment* segment_for(offset o) const;
  std::error_code fail(std::error_code ec, std::string text) const;

  std::string dir_;
  log_options opts_;
  clock_fn clock_;
  std::map<int64_t, std::unique_ptr<segment>> segments_; // by base offset
  offset log_start_;
  offset recovery_point_;
  int64_t last_flush_ms_ = 0;
  bool needs_dir_sync_ = false;
  bool has_ticket_out_ = false;
  bool is_closed_ = false;
  bool is_failed_ = false;        // a flush ticket's fsync failed (see complete_flush)
  uint64_t generation_ = 1;       // bumped when the recovery point moves down
  uint64_t start_generation_ = 1; // log start checkpoint writes
  int lock_fd_ = -1;              // flock on <dir>/.lock: one process per log folder
  std::vector<batch_entry> batch_scratch_;
  std::vector<std::byte> key_check_scratch_; // decompressed records of compacted appends
  std::vector<std::pair<int64_t, std::string>> pending_deletes_; // due ms, path
  std::shared_ptr<checkpoint_file> recovery_checkpoint_;
  std::shared_ptr<checkpoint_file> start_checkpoint_;
  mutable std::string last_error_;
};

} // namespace tributary::storage
