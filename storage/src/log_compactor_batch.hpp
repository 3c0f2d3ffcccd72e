#pragma once
// Private to the compactor: the per-run scratch of a compaction_task and the two per-batch
// steps, mapping a dirty batch's keys and writing a batch's cleaned form.

#include "tributary/protocol/batch_builder.hpp"
#include "tributary/protocol/record.hpp"
#include "tributary/protocol/record_reader.hpp"
#include "tributary/storage/batch_scanner.hpp"
#include "tributary/storage/compaction_task.hpp"
#include "tributary/storage/offset_map.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tributary::storage {

/// Owned by one compaction_task::run() call (its thread). Fails with errc::corrupt_log and
/// a sentence in `error_text` when a batch's records cannot be decoded.
struct compaction_task::batch_cleaner {
  explicit batch_cleaner(const compaction_plan& p) : plan(p), map(p.opts.offset_map_bytes) {}

  /// Puts the keys of `b` into the map unless they might not fit (then returns false and
  /// leaves the map unchanged; the first batch always goes in). Skips control and
  /// transactional batches (true).
  result<bool> map_batch(const scanned_batch& b);

  /// Appends the cleaned form of `b` to `out` (nothing when no record is kept). Batches at
  /// or past `end`, control and transactional batches, and batches whose records are all
  /// kept and need no new horizon are copied byte for byte.
  result<void> clean_batch(const scanned_batch& b, compaction_stats& stats);

  const compaction_plan& plan;
  offset_map map;
  offset end;
  std::optional<int64_t> earliest_horizon_ms;
  std::vector<std::byte> out; // cleaned batches not yet appended to the replacement
  std::string error_text;

private:
  result<protocol::record_reader> open_reader(const scanned_batch& b);
  bool should_keep(const protocol::batch_header& h, const protocol::record& r, int64_t off,
                   compaction_stats& stats) const;
  result<void> rebuild(const protocol::batch_header& h, std::optional<int64_t> horizon);

  std::vector<std::byte> scratch_;
  std::vector<protocol::record> kept_;
  std::vector<std::pair<std::string_view, int64_t>> keys_;
  protocol::batch_builder builder_;
};

} // namespace tributary::storage
