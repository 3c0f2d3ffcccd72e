#pragma once
// log_file: one open file descriptor of a segment (.log) shared by the log, in-flight reads
// and flush tickets. Closing happens when the last shared_ptr goes, so a read or fsync that
// still holds the handle survives the segment being renamed `.deleted` and unlinked.
// pread/fdatasync on the fd are thread-safe; path() is informational (the name at open or
// last rename). Fails with storage::errc::io_error /
// no_space, the message naming the file via last_error text of the caller.

#include "tributary/common/result.hpp"
#include "tributary/common/strong_id.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

namespace tributary::storage {

/// Owned by shared_ptr (segment, file_range, flush_ticket). Thread-safe: pread_all, sync and
/// path() from any thread; set_path (renames) from the log's owner thread.
class log_file {
public:
  /// Opens (creating if `create`) read-write. Errors: errc::io_error.
  static result<std::shared_ptr<log_file>> open(const std::string& path, bool create);

  ~log_file();
  log_file(const log_file&) = delete;
  log_file& operator=(const log_file&) = delete;

  int fd() const { return fd_; }
  /// The name at open or last rename (a copy: a flush thread may ask while the owner renames).
  std::string path() const {
    std::lock_guard<std::mutex> lock(path_mutex_);
    return path_;
  }
  void set_path(std::string p) {
    std::lock_guard<std::mutex> lock(path_mutex_);
    path_ = std::move(p);
  }

  /// Current size from fstat. Errors: errc::io_error.
  result<uint64_t> size() const;

  /// Reads exactly `n` bytes at `pos` (fewer only at end of file: returns the count read).
  result<size_t> pread_all(std::byte* out, size_t n, uint64_t pos) const;

  /// fdatasync. Errors: errc::io_error (EIO etc.).
  result<void> sync() const;

private:
  log_file(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  mutable std::mutex path_mutex_;
  std::string path_;
};

using log_file_ptr = std::shared_ptr<log_file>;

/// A byte range of a segment file holding whole batches [first_offset, last_offset]; what a
/// fetch returns (ready for sendfile(fd, position, length)). A value type; holding it keeps
/// the file open even after retention deletes the segment.
struct file_range {
  log_file_ptr file;
  uint64_t position = 0;
  uint32_t length = 0;
  offset first_offset; // base offset of the first batch in the range
  offset last_offset;  // last offset of the last batch in the range
};

} // namespace tributary::storage
