#pragma once
// offset_index: the sparse `.index` of one segment, as Kafka: 8-byte big-endian entries
// (relative offset u32, file position u32), one each index.interval.bytes, mapping the last
// offset of a batch to the batch's position. Entries live in memory; the file gets the
// pending ones on persist() (on flush, roll, close), so appends cost no index syscall.

#include "tributary/common/result.hpp"
#include "tributary/common/strong_id.hpp"
#include "tributary/storage/log_file.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace tributary::storage {

struct offset_position {
  offset off;            // last offset of the indexed batch (or the segment base)
  uint32_t position = 0; // byte position of that batch in the .log
};

/// Owned by its segment (the partition log's owner thread); not thread-safe. Fails with
/// errc::io_error naming the file.
class offset_index {
public:
  static constexpr size_t k_entry_size = 8;

  /// Opens or creates `path`; loads its entries when `load` (else truncates the file).
  /// A file whose size is not a multiple of 8 loads as corrupt (is_corrupt()).
  static result<offset_index> open(const std::string& path, offset base, size_t max_entries,
                                   bool load);

  offset_index() = default;

  /// Appends an entry if `last_offset` and `position` are above the last entry.
  void append(offset last_offset, uint32_t position);

  /// Largest entry with off <= target, or {base, 0} when none.
  offset_position lookup(offset target) const;

  /// True when the entries are not strictly increasing, or a position is >= log_size,
  /// or the file had a torn size. Used on open to decide whether to rebuild.
  bool is_corrupt(uint64_t log_size) const;

  /// Drops every entry with off >= target (the batches at or after it are being removed).
  result<void> truncate_to(offset target);
  /// Drops every entry (before a rebuild).
  result<void> reset();
  /// Writes entries not yet in the file (pwrite, no fsync).
  result<void> persist();

  bool is_full() const { return entries_.size() >= max_entries_; }
  size_t entry_count() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  offset_position last_entry() const;
  const log_file_ptr& file() const { return file_; }

private:
  log_file_ptr file_;
  offset base_;
  size_t max_entries_ = 0;
  bool torn_size_ = false;
  size_t persisted_ = 0; // entries_[0, persisted_) are in the file
  std::vector<offset_position> entries_;
};

} // namespace tributary::storage
