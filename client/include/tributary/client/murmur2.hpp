#pragma once
// murmur2: the hash Kafka's default partitioner applies to key bytes (Utils.murmur2 in the
// Java client, rd_kafka_msg_partitioner_murmur2 in librdkafka), so a key lands on the same
// partition whichever client produced it. Pure functions, thread-safe, never fail.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tributary::client {

/// Kafka's murmur2 (seed 0x9747b28c) of `size` bytes, as the signed int Java returns.
int32_t murmur2(const void* data, size_t size) noexcept;

inline int32_t murmur2(std::string_view bytes) noexcept {
  return murmur2(bytes.data(), bytes.size());
}

/// Kafka's Utils.toPositive: clears the sign bit (not abs(): abs(INT_MIN) stays negative).
constexpr int32_t to_positive(int32_t x) noexcept {
  return static_cast<int32_t>(static_cast<uint32_t>(x) & 0x7fffffffu);
}

/// The partition Kafka's default partitioner picks for a non-null key:
/// toPositive(murmur2(key)) % num_partitions. num_partitions must be > 0.
inline int32_t murmur2_partition(std::string_view key, int32_t num_partitions) noexcept {
  return to_positive(murmur2(key)) % num_partitions;
}

} // namespace tributary::client
