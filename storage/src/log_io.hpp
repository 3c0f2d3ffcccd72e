#pragma once
// Private helpers of the partition log: big-endian field access and errno -> errc.

#include "tributary/storage/errc.hpp"

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

namespace tributary::storage::detail {

inline uint32_t load_be32(const std::byte* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i)
    v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}
inline uint64_t load_be64(const std::byte* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}
inline void store_be32(std::byte* p, uint32_t v) {
  for (int i = 3; i >= 0; --i, v >>= 8)
    p[i] = static_cast<std::byte>(v & 0xff);
}
inline void store_be64(std::byte* p, uint64_t v) {
  for (int i = 7; i >= 0; --i, v >>= 8)
    p[i] = static_cast<std::byte>(v & 0xff);
}

/// ENOSPC / EFBIG / EDQUOT are "disk full" for the caller; anything else is an I/O error.
inline errc errno_to_errc(int e) {
  return (e == ENOSPC || e == EFBIG || e == EDQUOT) ? errc::no_space : errc::io_error;
}

/// Logs "what failed on which file" at error level and returns the matching code.
std::error_code io_failure(const char* what, const std::string& path, int err);

} // namespace tributary::storage::detail
