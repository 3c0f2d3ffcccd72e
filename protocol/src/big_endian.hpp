#pragma once
// Private: big-endian loads and stores on raw bytes (Kafka's wire order). Callers check
// bounds first; these never do. memcpy keeps them free of alignment and aliasing UB.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace tributary::protocol::detail {

template <class T>
inline T load_be(const std::byte* p) noexcept {
  static_assert(std::is_integral_v<T>);
  using U = std::make_unsigned_t<T>;
  U v;
  std::memcpy(&v, p, sizeof v);
  if constexpr (sizeof(U) == 2)
    v = __builtin_bswap16(v);
  else if constexpr (sizeof(U) == 4)
    v = __builtin_bswap32(v);
  else if constexpr (sizeof(U) == 8)
    v = __builtin_bswap64(v);
  return static_cast<T>(v);
}

template <class T>
inline void store_be(std::byte* p, T value) noexcept {
  static_assert(std::is_integral_v<T>);
  using U = std::make_unsigned_t<T>;
  U v = static_cast<U>(value);
  if constexpr (sizeof(U) == 2)
    v = __builtin_bswap16(v);
  else if constexpr (sizeof(U) == 4)
    v = __builtin_bswap32(v);
  else if constexpr (sizeof(U) == 8)
    v = __builtin_bswap64(v);
  std::memcpy(p, &v, sizeof v);
}

} // namespace tributary::protocol::detail
