// log_file: RAII fd shared by segments, reads and flush tickets.
#include "tributary/storage/log_file.hpp"

#include "log_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tributary::storage {

result<std::shared_ptr<log_file>> log_file::open(const std::string& path, bool create) {
  int flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0);
  int fd = ::open(path.c_str(), flags, 0644);
  if (fd < 0)
    return unexpected(detail::io_failure("open", path, errno));
  return std::shared_ptr<log_file>(new log_file(fd, path));
}

log_file::~log_file() {
  if (fd_ >= 0)
    ::close(fd_);
}

result<uint64_t> log_file::size() const {
  struct stat st {};
  if (::fstat(fd_, &st) != 0)
    return unexpected(detail::io_failure("fstat", path(), errno));
  return static_cast<uint64_t>(st.st_size);
}

result<size_t> log_file::pread_all(std::byte* out, size_t n, uint64_t pos) const {
  size_t done = 0;
  while (done < n) {
    ssize_t r = ::pread(fd_, out + done, n - done, static_cast<off_t>(pos + done));
    if (r < 0) {
      if (errno == EINTR)
        continue;
      return unexpected(detail::io_failure("pread", path(), errno));
    }
    if (r == 0)
      break;
    done += static_cast<size_t>(r);
  }
  return done;
}

result<void> log_file::sync() const {
  if (::fdatasync(fd_) != 0)
    return unexpected(detail::io_failure("fdatasync", path(), errno));
  return {};
}

} // namespace tributary::storage
