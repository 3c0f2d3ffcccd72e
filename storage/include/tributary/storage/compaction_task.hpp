#pragma once
// compaction_task: the heavy, thread-free part of log compaction (Kafka's Cleaner.doClean).
// Built by log_compactor::plan from a snapshot of the log's sealed segments; run() on any
// thread reads them through their shared file handles (validating every batch), builds the
// key -> latest offset map over the dirty range, and writes ".cleaned" replacement segments
// next to the live ones; log_compactor::apply swaps them in on the owner thread.
//
// Offsets never move: each input batch becomes at most one output batch with the same base
// offset, last offset delta, record offset deltas, codec, leader epoch and producer fields.

#include "tributary/common/result.hpp"
#include "tributary/common/strong_id.hpp"
#include "tributary/storage/log_options.hpp"
#include "tributary/storage/log_results.hpp"
#include "tributary/storage/segment.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tributary::storage {

class batch_scanner;
struct scanned_batch;

/// Cleaner settings that are per broker in Kafka (log.cleaner.*), not per topic.
struct compaction_options {
  size_t offset_map_bytes = 128 << 20;    // log.cleaner.dedupe.buffer.size (per task)
  double min_cleanable_dirty_ratio = 0.5; // min.cleanable.dirty.ratio
  /// A batch whose records inflate past this stops cleaning of the log (never skipped).
  size_t max_decompressed_bytes = 64 << 20;
  size_t write_buffer_bytes = 1 << 20; // cleaned batches are written in chunks this big
};

/// The snapshot a task works from: a plain value made on the log's owner thread.
struct compaction_plan {
  std::string dir;
  log_options log_opts;
  compaction_options opts;
  int64_t now_ms = 0;
  std::vector<segment_info> segments; // cleanable sealed segments from the log start, ascending
  offset first_dirty;                 // the key map starts here (cleaner offset checkpoint)
  offset first_uncleanable;           // == segments.back().next_offset
  uint64_t clean_bytes = 0;           // bytes of segments wholly below first_dirty
  uint64_t dirty_bytes = 0;           // bytes of the other cleanable segments
};

/// What one run did, for logs, metrics and tests.
struct compaction_stats {
  int64_t records_read = 0;
  int64_t records_kept = 0;
  int64_t tombstones_dropped = 0; // tombstones whose delete horizon had passed
  int batches_copied = 0;         // unchanged (all kept, control, transactional, past the map)
  int batches_rewritten = 0;
  int batches_dropped = 0;
  uint64_t bytes_read = 0;
  uint64_t bytes_written = 0;
  size_t map_entries = 0;
};

/// One replacement segment and the consecutive old segments it stands for.
struct cleaned_group {
  std::vector<offset> old_bases;
  std::unique_ptr<segment> replacement; // sealed and synced ".cleaned" segment
};

/// Owned by whoever holds it: made on the owner thread, run() on exactly one thread at a
/// time, then handed back to log_compactor::apply. Not thread-safe. The destructor removes
/// the ".cleaned" files of groups not yet swapped in. run() fails with errc::corrupt_log
/// (a sealed batch fails validation or decoding: nothing is dropped, see last_error()) or
/// errc::io_error / no_space (retry later).
class compaction_task {
public:
  explicit compaction_task(compaction_plan plan);
  ~compaction_task();
  compaction_task(compaction_task&&) noexcept = default;
  compaction_task& operator=(compaction_task&& other) noexcept; // discards own files first
  compaction_task(const compaction_task&) = delete;
  compaction_task& operator=(const compaction_task&) = delete;

  /// The heavy part: map the dirty range, rewrite every cleanable segment below the end
  /// of the map. Any thread; blocks on file I/O.
  result<void> run();

  const compaction_plan& plan() const { return plan_; }
  bool has_run() const { return has_run_; }
  /// The error run() returned (empty code while none).
  std::error_code error() const { return error_; }
  const std::string& last_error() const { return last_error_; }
  /// Exclusive end of the range the map covered: the next pass's first dirty offset.
  offset cleaned_up_to() const { return end_; }
  /// Earliest delete horizon of a kept tombstone (when a later pass can drop it).
  std::optional<int64_t> earliest_horizon_ms() const { return earliest_horizon_ms_; }
  const compaction_stats& stats() const { return stats_; }
  std::vector<cleaned_group>& groups() { return groups_; }
  /// Removes the ".cleaned" files of every group still held (after a stale apply).
  void discard();

private:
  struct batch_cleaner; // per-run scratch (offset_map, buffers): log_compactor_batch.cpp

  result<bool> next_batch(batch_scanner& scan, const segment_info& seg, scanned_batch& b);
  result<void> build_map(batch_cleaner& c);
  result<void> clean_segments(batch_cleaner& c);
  result<void> clean_segment(batch_cleaner& c, const segment_info& seg, segment& out);
  bool fits_group(const segment& out, const segment_info& next) const;
  std::error_code fail(std::error_code ec, std::string text);

  compaction_plan plan_;
  bool has_run_ = false;
  offset end_;
  std::optional<int64_t> earliest_horizon_ms_;
  compaction_stats stats_;
  std::vector<cleaned_group> groups_;
  std::error_code error_;
  std::string last_error_;
};

} // namespace tributary::storage
