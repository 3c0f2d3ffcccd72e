#pragma once
// leader_epoch_cache: Kafka's LeaderEpochFileCache. Which leader epoch wrote which offsets,
// as (epoch, start offset) pairs ascending in both, so a follower can ask "where did my
// epoch end on the leader?" (OffsetsForLeaderEpoch) and truncate a diverging tail. Kept in
// memory and in `<partition dir>/leader-epoch-checkpoint` (Kafka's text format:
// "0\n<count>\n<epoch> <start offset>\n...").

#include "tributary/common/result.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tributary::storage {
class partition_log;
} // namespace tributary::storage

namespace tributary::actors {

/// Owned by the partition (or follower replica) actor that owns the log; not thread-safe.
/// Mutators return whether anything changed; the owner then persists to_text() through
/// write() on its disk worker (write() blocks: fsync). Never fails in memory; write() fails
/// with storage::errc::io_error naming the file.
class leader_epoch_cache {
public:
  static constexpr const char* k_file_name = "leader-epoch-checkpoint";
  static constexpr int32_t k_undefined_epoch = -1;
  static constexpr int64_t k_undefined_offset = -1;

  struct entry {
    int32_t epoch = 0;
    int64_t start_offset = 0;
    friend bool operator==(const entry& a, const entry& b) {
      return a.epoch == b.epoch && a.start_offset == b.start_offset;
    }
  };

  /// Parses the checkpoint text; nullopt when malformed (wrong version, count, order).
  static std::optional<leader_epoch_cache> parse(std::string_view text);
  /// Reads <dir>/leader-epoch-checkpoint: empty when missing; when malformed, empty and
  /// `why` says so (the tail is rebuilt from the log). Blocking file read.
  static leader_epoch_cache load(const std::string& dir, std::string* why = nullptr);
  /// Writes `text` atomically to <dir>/leader-epoch-checkpoint (fsync). Blocking.
  static result<void> write(const std::string& dir, const std::string& text);

  std::string to_text() const;

  /// Epoch `epoch` starts at `start_offset`. Ignored unless epoch is newer than the latest;
  /// entries starting at or after start_offset are dropped first (Kafka's assign).
  bool assign(int32_t epoch, int64_t start_offset);
  /// Records the epochs of the batches in `data` (concatenated v2 batches whose offsets and
  /// epochs are final, i.e. after the log's append wrote them in place).
  bool note_batches(const std::byte* data, size_t size);
  /// The log was truncated to `end`: entries starting at or after it go.
  bool truncate_from_end(int64_t end);
  /// The log start moved to `start`: entries wholly below it go, the one covering it starts
  /// there (Kafka's truncateFromStart).
  bool truncate_from_start(int64_t start);
  /// Adds epochs the checkpoint missed (a crash between an append and the checkpoint write):
  /// binary searches the log's batch headers for each epoch newer than the latest entry.
  /// Blocking reads; call where the log is owned (open job). Returns whether it added any.
  bool rebuild_tail(const storage::partition_log& log);

  /// Kafka's endOffsetFor: (largest epoch <= `epoch`, start offset of the next epoch) or
  /// (epoch, log_end_offset) for the latest epoch; undefined pair when `epoch` is newer.
  std::pair<int32_t, int64_t> end_offset_for(int32_t epoch, int64_t log_end_offset) const;
  /// The epoch that wrote `offset` (the last entry starting at or below it), or undefined.
  int32_t epoch_for_offset(int64_t offset) const;
  /// The end offset of `epoch` in this log: the next entry's start, or log_end_offset.
  int64_t end_of_epoch(int32_t epoch, int64_t log_end_offset) const;

  int32_t latest_epoch() const {
    return entries_.empty() ? k_undefined_epoch : entries_.back().epoch;
  }
  std::optional<entry> latest() const {
    if (entries_.empty())
      return std::nullopt;
    return entries_.back();
  }
  const std::vector<entry>& entries() const { return entries_; }
  bool empty() const { return entries_.empty(); }

private:
  std::vector<entry> entries_; // ascending epoch and start offset
};

} // namespace tributary::actors
