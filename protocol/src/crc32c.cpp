// CRC32C: portable slicing-by-8 plus an SSE4.2 path chosen once at run time.
#include "tributary/protocol/crc32c.hpp"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace tributary::protocol {
namespace {

constexpr uint32_t k_poly = 0x82F63B78u; // reflected Castagnoli polynomial

using table_set = std::array<std::array<uint32_t, 256>, 8>;

constexpr table_set make_tables() {
  table_set t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k)
      c = (c & 1) ? (c >> 1) ^ k_poly : c >> 1;
    t[0][i] = c;
  }
  for (uint32_t i = 0; i < 256; ++i)
    for (size_t s = 1; s < 8; ++s)
      t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xFF];
  return t;
}

constexpr table_set k_tables = make_tables();

inline uint32_t load_le32(const unsigned char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap32(v);
#endif
  return v;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t hw_crc(const unsigned char* p, size_t n, uint32_t crc) {
  uint64_t c = crc;
  while (n > 0 && (reinterpret_cast<uintptr_t>(p) & 7) != 0) {
    c = _mm_crc32_u8(static_cast<uint32_t>(c), *p++);
    --n;
  }
  while (n >= 32) { // four independent loads per iteration keep the pipeline fed
    uint64_t w[4];
    std::memcpy(w, p, 32);
    c = _mm_crc32_u64(c, w[0]);
    c = _mm_crc32_u64(c, w[1]);
    c = _mm_crc32_u64(c, w[2]);
    c = _mm_crc32_u64(c, w[3]);
    p += 32;
    n -= 32;
  }
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    c = _mm_crc32_u64(c, w);
    p += 8;
    n -= 8;
  }
  while (n > 0) {
    c = _mm_crc32_u8(static_cast<uint32_t>(c), *p++);
    --n;
  }
  return static_cast<uint32_t>(c);
}
#endif

bool detect_hardware() noexcept {
#if defined(__x86_64__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("sse4.2");
#else
  return false;
#endif
}

} // namespace

uint32_t crc32c_portable(byte_span data, uint32_t crc) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  size_t n = data.size();
  uint32_t c = ~crc;
  while (n >= 8) {
    uint32_t lo = load_le32(p) ^ c;
    uint32_t hi = load_le32(p + 4);
    c = k_tables[7][lo & 0xFF] ^ k_tables[6][(lo >> 8) & 0xFF] ^ k_tables[5][(lo >> 16) & 0xFF] ^
        k_tables[4][lo >> 24] ^ k_tables[3][hi & 0xFF] ^ k_tables[2][(hi >> 8) & 0xFF] ^
        k_tables[1][(hi >> 16) & 0xFF] ^ k_tables[0][hi >> 24];
    p += 8;
    n -= 8;
  }
  while (n > 0) {
    c = (c >> 8) ^ k_tables[0][(c ^ *p++) & 0xFF];
    --n;
  }
  return ~c;
}

uint32_t crc32c_hardware(byte_span data, uint32_t crc) noexcept {
#if defined(__x86_64__)
  return ~hw_crc(reinterpret_cast<const unsigned char*>(data.data()), data.size(), ~crc);
#else
  return crc32c_portable(data, crc);
#endif
}

bool crc32c_has_hardware() noexcept {
  static const bool has_hardware = detect_hardware(); // once, thread-safe (magic static)
  return has_hardware;
}

uint32_t crc32c(byte_span data, uint32_t crc) noexcept {
  return crc32c_has_hardware() ? crc32c_hardware(data, crc) : crc32c_portable(data, crc);
}

} // namespace tributary::protocol
