#pragma once
// offset_map: key -> latest offset of the dirty range of a compacted log, with a memory
// budget (Kafka's SkimpyOffsetMap, log.cleaner.dedupe.buffer.size). Unlike Kafka it keeps
// whole keys rather than 16-byte hashes, so two keys never collide and a record is only
// ever dropped because a record with the very same key follows it. The budget counts each
// key's bytes plus a fixed per-entry overhead.

#include "tributary/common/strong_id.hpp"

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace tributary::storage {

/// Owned by one compaction task (one thread at a time); not thread-safe. Never fails:
/// the caller asks has_room_for() before inserting a batch's keys, put() always inserts.
class offset_map {
public:
  /// Estimated bytes per entry besides the key: hash node, bucket, string header.
  static constexpr size_t k_entry_overhead = 80;

  explicit offset_map(size_t max_bytes) : max_bytes_(max_bytes) {}

  /// True if `entries` new keys holding `key_bytes` bytes in total fit the budget.
  bool has_room_for(size_t entries, size_t key_bytes) const {
    return bytes_used_ + entries * k_entry_overhead + key_bytes <= max_bytes_;
  }

  /// Records `o` as the latest offset of `key` (keeps the larger of old and new).
  void put(std::string_view key, offset o);

  /// The latest offset recorded for `key`, or nullopt.
  std::optional<offset> get(std::string_view key) const;

  size_t size() const { return map_.size(); }
  bool empty() const { return map_.empty(); }
  size_t bytes_used() const { return bytes_used_; }
  size_t max_bytes() const { return max_bytes_; }
  /// The largest offset put so far, or nullopt when empty.
  std::optional<offset> latest_offset() const { return latest_; }

  void clear();

private:
  size_t max_bytes_;
  size_t bytes_used_ = 0;
  std::deque<std::string> keys_; // stable storage: the map's string_views point here
  std::unordered_map<std::string_view, int64_t> map_;
  std::optional<offset> latest_;
};

} // namespace tributary::storage
