#include "tributary/client/murmur2.hpp"

#include <cstring>

namespace tributary::client {

// Kafka's variant of MurmurHash2 (Utils.murmur2): 4-byte little-endian words, the tail
// folded in from the highest byte down, arithmetic in uint32_t (Java's int wraps the same
// way, and `>>>` is a logical shift).
int32_t murmur2(const void* data, size_t size) noexcept {
  constexpr uint32_t seed = 0x9747b28cu;
  constexpr uint32_t m = 0x5bd1e995u;
  constexpr int r = 24;
  auto bytes = static_cast<const unsigned char*>(data);
  auto length = static_cast<uint32_t>(size);
  uint32_t h = seed ^ length;
  size_t words = size / 4;
  for (size_t i = 0; i < words; ++i) {
    const unsigned char* p = bytes + i * 4;
    uint32_t k = static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
                 (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
    k *= m;
    k ^= k >> r;
    k *= m;
    h *= m;
    h ^= k;
  }
  const unsigned char* tail = bytes + words * 4;
  switch (size % 4) {
  case 3:
    h ^= static_cast<uint32_t>(tail[2]) << 16;
    [[fallthrough]];
  case 2:
    h ^= static_cast<uint32_t>(tail[1]) << 8;
    [[fallthrough]];
  case 1:
    h ^= static_cast<uint32_t>(tail[0]);
    h *= m;
  }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return static_cast<int32_t>(h);
}

} // namespace tributary::client
