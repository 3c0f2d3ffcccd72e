#pragma once
// log_compactor: Kafka's LogCleaner for one partition log (cleanup.policy=compact or
// compact,delete), split so the log's owner thread never does the heavy work:
//
//   log_compactor compactor(log->dir(), compaction_options{});          // owner thread
//   auto task = compactor.plan(*log, now_ms, high_watermark);            // owner: cheap
//   if (task && *task) (*task)->run();                                   // any thread
//   auto done = compactor.apply(*log, std::move(**task));                // owner thread
//
// plan() snapshots the sealed segments below the first uncleanable offset (the active
// segment's base, the high watermark, and the first segment younger than
// min.compaction.lag.ms) and skips the log when its dirty ratio is below
// min.cleanable.dirty.ratio and no tombstone horizon is due. apply() swaps the cleaned
// segments in with partition_log::replace_segments and checkpoints the cleaned offset in
// `cleaner-offset-checkpoint`. Kept: each key's latest record, records with a null key,
// control and transactional batches (unchanged), tombstones until their delete horizon
// (now + delete.retention.ms, written into the batch when first cleaned).

#include "tributary/common/result.hpp"
#include "tributary/common/strong_id.hpp"
#include "tributary/storage/checkpoint_file.hpp"
#include "tributary/storage/compaction_task.hpp"
#include "tributary/storage/partition_log.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace tributary::storage {

/// What apply() changed.
struct compaction_summary {
  int replaced_groups = 0;
  int replaced_segments = 0;
  offset cleaned_up_to;
  compaction_stats stats;
};

/// One per partition log, owned by the log's owner thread like the log itself; not
/// thread-safe. At most one task per log may be out at a time. Fails with storage::errc:
/// corrupt_log once a run met a corrupt batch (the log is then left alone until a new
/// compactor is made, e.g. after a restart; last_error() says where), stale_segments when
/// the log changed under a task (its files are discarded: plan again later), io_error.
class log_compactor {
public:
  static constexpr const char* k_checkpoint_name = "cleaner-offset-checkpoint";

  log_compactor(std::string dir, compaction_options opts = {});

  /// A task when the log needs cleaning, nullopt when not (policy has no compact, nothing
  /// sealed and old enough, dirty ratio too low). `upper_bound` caps the cleanable range,
  /// normally the high watermark (Kafka never cleans above it).
  result<std::optional<compaction_task>> plan(const partition_log& log, int64_t now_ms,
                                              std::optional<offset> upper_bound = {});

  /// Swaps in a task's cleaned segments (or records its failure). All or nothing against
  /// staleness: if any snapshot segment changed, nothing is replaced.
  result<compaction_summary> apply(partition_log& log, compaction_task&& task);

  /// The first dirty offset as checkpointed (nullopt before the first successful apply).
  std::optional<offset> cleaned_offset() const { return cleaned_offset_; }
  std::optional<int64_t> next_horizon_ms() const { return next_horizon_ms_; }
  bool is_uncleanable() const { return is_uncleanable_; }
  const std::string& last_error() const { return last_error_; }
  const compaction_options& options() const { return opts_; }

private:
  result<void> load_checkpoint();
  bool is_snapshot_current(const partition_log& log, const compaction_plan& plan) const;
  std::error_code fail(std::error_code ec, std::string text);

  std::string dir_;
  compaction_options opts_;
  std::shared_ptr<checkpoint_file> checkpoint_;
  bool is_checkpoint_loaded_ = false;
  std::optional<offset> cleaned_offset_;
  std::optional<int64_t> next_horizon_ms_; // in memory only: a restart waits for dirt
  uint64_t generation_ = 0;
  bool is_uncleanable_ = false;
  std::string last_error_;
};

} // namespace tributary::storage
