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
// The crc32 instruction has a latency of 3 cycles and a throughput of 1 per cycle, so one
// dependency chain runs at a third of the hardware's speed. Long inputs are cut into three
// consecutive blocks whose CRCs run interleaved, then combined: crc(A|B) = shift(crc(A),
// len(B)) ^ crc(B), where shift multiplies by x^(8*len) mod P (precomputed tables, as in
// Mark Adler's crc32c.c and Intel's white paper on fast CRC computation).
constexpr size_t k_long_block = 8192;
constexpr size_t k_short_block = 256;

using shift_table = std::array<std::array<uint32_t, 256>, 4>;

// GF(2) 32x32 matrix times vector: the matrix is the operator "append n zero bits".
constexpr uint32_t gf2_times(const std::array<uint32_t, 32>& mat, uint32_t vec) {
  uint32_t sum = 0;
  for (size_t i = 0; vec != 0; ++i, vec >>= 1)
    if (vec & 1)
      sum ^= mat[i];
  return sum;
}

constexpr std::array<uint32_t, 32> gf2_square(const std::array<uint32_t, 32>& mat) {
  std::array<uint32_t, 32> sq{};
  for (size_t n = 0; n < 32; ++n)
    sq[n] = gf2_times(mat, mat[n]);
  return sq;
}

// The operator that appends `len` zero bytes to a raw (not inverted) CRC register.
constexpr std::array<uint32_t, 32> zeros_operator(size_t len) {
  std::array<uint32_t, 32> op{}; // one zero bit
  op[0] = k_poly;
  for (size_t n = 1; n < 32; ++n)
    op[n] = 1u << (n - 1);
  for (int i = 0; i < 3; ++i) // 2, 4, 8 zero bits: one zero byte
    op = gf2_square(op);
  std::array<uint32_t, 32> result{};
  bool has_result = false;
  for (; len != 0; len >>= 1, op = gf2_square(op)) // square-and-multiply over len's bits
    if (len & 1) {
      if (!has_result) {
        result = op;
        has_result = true;
      } else {
        std::array<uint32_t, 32> prod{};
        for (size_t n = 0; n < 32; ++n)
          prod[n] = gf2_times(op, result[n]);
        result = prod;
      }
    }
  return result;
}

constexpr shift_table make_shift_table(size_t len) {
  auto op = zeros_operator(len);
  shift_table t{};
  for (uint32_t n = 0; n < 256; ++n)
    for (size_t b = 0; b < 4; ++b)
      t[b][n] = gf2_times(op, n << (8 * b));
  return t;
}

constexpr shift_table k_shift_long = make_shift_table(k_long_block);
constexpr shift_table k_shift_short = make_shift_table(k_short_block);

inline uint32_t shift(const shift_table& t, uint32_t crc) {
  return t[0][crc & 0xFF] ^ t[1][(crc >> 8) & 0xFF] ^ t[2][(crc >> 16) & 0xFF] ^ t[3][crc >> 24];
}

inline uint64_t load64(const unsigned char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

// Three interleaved chains over blocks of `block` bytes; returns the combined register.
__attribute__((target("sse4.2"))) inline uint64_t
hw_crc_3way(const unsigned char*& p, size_t& n, uint64_t c, size_t block, const shift_table& t) {
  while (n >= 3 * block) {
    uint64_t c1 = 0, c2 = 0;
    const unsigned char* end = p + block;
    do {
      c = _mm_crc32_u64(c, load64(p));
      c1 = _mm_crc32_u64(c1, load64(p + block));
      c2 = _mm_crc32_u64(c2, load64(p + 2 * block));
      p += 8;
    } while (p < end);
    c = shift(t, static_cast<uint32_t>(c)) ^ static_cast<uint32_t>(c1);
    c = shift(t, static_cast<uint32_t>(c)) ^ static_cast<uint32_t>(c2);
    p += 2 * block;
    n -= 3 * block;
  }
  return c;
}

__attribute__((target("sse4.2"))) uint32_t hw_crc(const unsigned char* p, size_t n, uint32_t crc) {
  uint64_t c = crc;
  while (n > 0 && (reinterpret_cast<uintptr_t>(p) & 7) != 0) {
    c = _mm_crc32_u8(static_cast<uint32_t>(c), *p++);
    --n;
  }
  c = hw_crc_3way(p, n, c, k_long_block, k_shift_long);
  c = hw_crc_3way(p, n, c, k_short_block, k_shift_short);
  while (n >= 8) {
    c = _mm_crc32_u64(c, load64(p));
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
