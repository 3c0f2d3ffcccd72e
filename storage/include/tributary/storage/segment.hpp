#pragma once
// segment: one `<base>.log` file with its `.index` and `.timeindex`, named by the 20-digit
// zero-padded base offset. Appends whole batches with one pwritev, indexes per batch (never
// per record), reads as file ranges, recovers by validating batches, truncates, renames.
//
// Compactor seam: a compactor thread may create a segment with suffix ".cleaned" through
// segment::create, fill it with append_batches (batches keep their offsets), call seal()
// and sync(), then hand the unique_ptr to partition_log::replace_segments on the owner
// thread. Sealed segments of a live log are only read (via segment_info::file).

#include "tributary/common/result.hpp"
#include "tributary/common/strong_id.hpp"
#include "tributary/storage/log_file.hpp"
#include "tributary/storage/log_options.hpp"
#include "tributary/storage/offset_index.hpp"
#include "tributary/storage/time_index.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tributary::storage {

struct scanned_batch; // batch_scanner.hpp

/// What the log learned about one batch while validating an append; the segment indexes it.
struct batch_entry {
  uint32_t size = 0;
  offset last_offset;
  int64_t max_timestamp = -1;
};

/// Whole batches of one segment that answer a read (see partition_log::read).
struct segment_slice {
  std::optional<file_range> range; // empty when no batch qualifies
  bool is_limited = false;         // stopped by max_bytes or upper_bound, not by the end
};

/// What recovery did to one segment (for logs and tests).
struct segment_recovery {
  uint64_t valid_bytes = 0;
  uint64_t truncated_bytes = 0; // torn or corrupt tail removed
  offset next_offset;
  int batches = 0;
};

/// Owned by the partition log (owner thread) or, while ".cleaned", by the compactor thread;
/// not thread-safe. Fails with errc::io_error / no_space naming the file; a failed append
/// leaves the file truncated back to its last good size.
class segment {
public:
  static std::string file_name(offset base, const char* ext); // "000..042.log"

  /// Creates empty files `<base>.log<suffix>` etc. (truncating leftovers).
  static result<std::unique_ptr<segment>> create(const std::string& dir, offset base,
                                                 const log_options& opts, int64_t now_ms,
                                                 const std::string& suffix = "");
  /// Opens existing files; loads index entries but scans nothing (then load or recover).
  static result<std::unique_ptr<segment>> open_files(const std::string& dir, offset base,
                                                     const log_options& opts, int64_t now_ms,
                                                     const std::string& suffix = "");

  /// Trusts data (before the recovery point): checks the indexes, scans headers from the
  /// last index entry to the end. errc::corrupt_log when anything disagrees: then recover().
  result<void> load();
  /// Validates every batch (CRC), truncates a torn/corrupt tail, rebuilds both indexes.
  result<segment_recovery> recover();

  /// Appends `size` bytes holding `n` whole batches (offsets already assigned) in one
  /// pwrite. On a short or failed write the file is truncated back: errc::no_space/io_error.
  result<void> append(const std::byte* data, size_t size, const batch_entry* batches, size_t n);
  /// Compactor helper: parses headers of `data` and appends (offsets must ascend).
  result<void> append_batches(const std::byte* data, size_t size);

  /// Batches containing `start` onwards, whole, up to `max_bytes` (the first one always when
  /// `min_one`), only batches with last offset < `upper_bound`.
  result<segment_slice> read(offset start, size_t max_bytes, offset upper_bound,
                             bool min_one) const;
  /// Offset of the first record at or above `min_offset` (the log start) with timestamp
  /// >= ts (batches decoded with protocol::record_reader), or nullopt.
  result<std::optional<offset>> find_by_timestamp(int64_t ts, offset min_offset) const;
  /// Removes every batch whose last offset >= target (a batch holding target goes whole).
  result<void> truncate_to(offset target);

  /// Final time index entry + persist indexes (on roll/close).
  result<void> seal();
  result<void> persist_indexes();
  /// fdatasync of .log, .index, .timeindex (owner thread; tickets use the files directly).
  result<void> sync() const;
  /// Renames the three files from suffix `from` to `to` (e.g. "" -> ".deleted").
  result<void> rename_suffix(const std::string& from, const std::string& to);
  /// Unlinks the three files under their current names.
  void remove_files();

  offset base_offset() const { return base_; }
  offset next_offset() const { return next_offset_; }
  uint64_t size_bytes() const { return size_; }
  bool empty() const { return size_ == 0; }
  int64_t max_timestamp() const { return max_timestamp_; }
  int64_t first_timestamp() const { return first_timestamp_; } // first batch's max ts or -1
  /// segment.ms clock base: first batch's max timestamp, else the creation time.
  int64_t roll_base_ms() const { return first_timestamp_ >= 0 ? first_timestamp_ : created_ms_; }
  bool is_index_full() const { return offset_index_.is_full() || time_index_.is_full(); }
  const log_file_ptr& log() const { return log_; }
  const offset_index& index() const { return offset_index_; }
  const time_index& timeindex() const { return time_index_; }
  const std::string& dir() const { return dir_; }

private:
  static constexpr size_t k_max_decompressed_bytes = 64 << 20;
  segment() = default;
  /// The fields every segment starts with, and its open .log file (created if `create`).
  static result<std::unique_ptr<segment>> with_log_file(const std::string& dir, offset base,
                                                        const log_options& opts, int64_t now_ms,
                                                        const std::string& suffix, bool create);
  result<std::optional<offset>> first_record_at_or_after(const scanned_batch& b, int64_t ts,
                                                         offset min_offset) const;
  void index_batch(uint32_t position, const batch_entry& b);
  result<void> rebuild_from_scan(bool validate, segment_recovery& rep);
  result<void> truncate_file(uint64_t size);

  std::string dir_;
  std::string suffix_;
  offset base_;
  log_options opts_;
  log_file_ptr log_;
  offset_index offset_index_;
  time_index time_index_;
  uint64_t size_ = 0;
  offset next_offset_;
  int64_t max_timestamp_ = -1;
  offset offset_of_max_timestamp_;
  int64_t first_timestamp_ = -1;
  int64_t created_ms_ = 0;
  uint64_t bytes_since_index_ = 0;
};

} // namespace tributary::storage
