// Private file helpers shared by segments and indexes: whole-file read, positional write
// with rollback-friendly errors, truncate.
#include "log_io_file.hpp"

#include "log_io.hpp"

#include <unistd.h>

namespace tributary::storage::detail {

result<std::vector<std::byte>> read_whole(const log_file& f) {
  auto size = f.size();
  if (!size)
    return unexpected(size.error());
  std::vector<std::byte> buf(*size);
  auto n = f.pread_all(buf.data(), buf.size(), 0);
  if (!n)
    return unexpected(n.error());
  buf.resize(*n);
  return buf;
}

result<void> write_at(const log_file& f, const iovec* iov, int iovcnt, uint64_t pos) {
  size_t total = 0;
  for (int i = 0; i < iovcnt; ++i)
    total += iov[i].iov_len;
  ssize_t w = ::pwritev(f.fd(), iov, iovcnt, static_cast<off_t>(pos));
  while (w < 0 && errno == EINTR)
    w = ::pwritev(f.fd(), iov, iovcnt, static_cast<off_t>(pos));
  if (w < 0)
    return unexpected(io_failure("pwritev", f.path(), errno));
  size_t done = static_cast<size_t>(w);
  // Short write (rare: signal or disk nearly full): finish with plain pwrite, in order.
  for (int i = 0; i < iovcnt && done < total; ++i) {
    size_t skip = 0;
    size_t before = 0;
    for (int j = 0; j < i; ++j)
      before += iov[j].iov_len;
    if (done >= before + iov[i].iov_len)
      continue;
    skip = done - before;
    auto* base = static_cast<const std::byte*>(iov[i].iov_base);
    while (skip < iov[i].iov_len) {
      ssize_t r = ::pwrite(f.fd(), base + skip, iov[i].iov_len - skip,
                           static_cast<off_t>(pos + before + skip));
      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        return unexpected(io_failure("pwrite", f.path(), r < 0 ? errno : ENOSPC));
      skip += static_cast<size_t>(r);
      done += static_cast<size_t>(r);
    }
  }
  return {};
}

result<void> write_at(const log_file& f, const std::byte* data, size_t size, uint64_t pos) {
  // One buffer: plain pwrite, which skips the kernel's iovec import and iteration path
  // (measurable when the append is a single small batch and the syscall is the cost).
  size_t done = 0;
  while (done < size) {
    ssize_t w = ::pwrite(f.fd(), data + done, size - done, static_cast<off_t>(pos + done));
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return unexpected(io_failure("pwrite", f.path(), w < 0 ? errno : ENOSPC));
    done += static_cast<size_t>(w);
  }
  return {};
}

result<void> truncate(const log_file& f, uint64_t size) {
  if (::ftruncate(f.fd(), static_cast<off_t>(size)) != 0)
    return unexpected(io_failure("ftruncate", f.path(), errno));
  return {};
}

} // namespace tributary::storage::detail
