#pragma once
// batch_scanner: walks the RecordBatch v2 batches of a segment file from a position, with
// buffered preads (64 KiB reads, no syscall per batch). Two modes: headers only (reads),
// or full validation (recovery, compaction input: length, magic, CRC via validate_batch).
// Used by segment reads/recovery and by the log compactor to read a sealed segment.

#include "tributary/common/result.hpp"
#include "tributary/protocol/batch_header.hpp"
#include "tributary/storage/log_file.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tributary::storage {

struct scanned_batch {
  protocol::batch_header header;
  uint64_t position = 0;           // of the batch in the file
  const std::byte* data = nullptr; // whole batch, valid until next(); only in validate mode
};

/// Owned by one thread for the length of a scan; holds the file alive. Stops (status
/// `damaged`) at the first batch that is torn (past `end`) or fails validation.
class batch_scanner {
public:
  enum class status { batch, end, damaged, io_failure };

  batch_scanner(log_file_ptr file, uint64_t start, uint64_t end, bool validate);

  /// Next batch; `end` when exactly at `end`, `damaged` at a torn or invalid batch
  /// (position() tells where), `io_failure` when pread failed (error()).
  status next(scanned_batch& out);

  uint64_t position() const { return pos_; } // start of the next (or damaged) batch
  std::error_code error() const { return error_; }

private:
  bool fill(uint64_t pos, size_t need);

  log_file_ptr file_;
  uint64_t pos_;
  uint64_t end_;
  bool validate_;
  std::vector<std::byte> buf_;
  uint64_t buf_pos_ = 0; // file position of buf_[0]
  size_t buf_len_ = 0;
  size_t chunk_ = 0; // current read size, grows while scanning
  std::error_code error_;
};

} // namespace tributary::storage
