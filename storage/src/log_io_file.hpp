#pragma once
// Private file helpers (see log_io.cpp).

#include "tributary/common/result.hpp"
#include "tributary/storage/log_file.hpp"

#include <sys/uio.h>
#include <vector>

namespace tributary::storage::detail {

result<std::vector<std::byte>> read_whole(const log_file& f);
/// Writes all iovecs at `pos` (pwritev, then pwrite for a short remainder).
result<void> write_at(const log_file& f, const iovec* iov, int iovcnt, uint64_t pos);
result<void> write_at(const log_file& f, const std::byte* data, size_t size, uint64_t pos);
result<void> truncate(const log_file& f, uint64_t size);

} // namespace tributary::storage::detail
