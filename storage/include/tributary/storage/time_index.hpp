#pragma once
// time_index: the sparse `.timeindex` of one segment, as Kafka: 12-byte big-endian entries
// (timestamp i64, relative offset u32), appended at index points only when the segment's
// max timestamp grew, plus a final entry when the segment is sealed. Entries live in
// memory; persist() writes the pending ones (on flush, roll, close).

#include "tributary/common/result.hpp"
#include "tributary/common/strong_id.hpp"
#include "tributary/storage/log_file.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace tributary::storage {

struct timestamp_offset {
  int64_t timestamp = -1; // max timestamp of the segment up to and including `off`
  offset off;             // last offset of the first batch that reached `timestamp`
};

/// Owned by its segment (the partition log's owner thread); not thread-safe. Fails with
/// errc::io_error naming the file.
class time_index {
public:
  static constexpr size_t k_entry_size = 12;

  static result<time_index> open(const std::string& path, offset base, size_t max_entries,
                                 bool load);

  time_index() = default;

  /// Appends if `timestamp` is greater than the last entry's (and the offset not lower).
  void maybe_append(int64_t timestamp, offset off);

  /// Largest entry with timestamp < target, or {-1, base} when none: every batch before
  /// that entry's offset has max timestamp < target, so a search may start there.
  timestamp_offset lookup_before(int64_t target) const;

  /// Corrupt: torn size, timestamps or offsets decreasing, or an offset >= next_offset.
  bool is_corrupt(offset next_offset) const;

  result<void> truncate_to(offset target);
  result<void> reset();
  result<void> persist();

  bool is_full() const { return entries_.size() >= max_entries_; }
  size_t entry_count() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  timestamp_offset last_entry() const;
  const log_file_ptr& file() const { return file_; }

private:
  log_file_ptr file_;
  offset base_;
  size_t max_entries_ = 0;
  bool torn_size_ = false;
  size_t persisted_ = 0;
  std::vector<timestamp_offset> entries_;
};

} // namespace tributary::storage
