#pragma once
// partitioner: where a record without an explicit partition goes, exactly as Kafka's default
// partitioner does it -- a non-null key by toPositive(murmur2(key)) % partitions (so keys land
// where Java or librdkafka producers put them), a null key on the topic's "sticky" partition
// (KIP-480): every null-key record of a topic joins one partition's batch until that batch is
// full or sent; the next new batch goes to another partition chosen at random.
// Owned by one producer's record accumulator and called under its lock; not thread-safe.
// Never fails: callers pass num_partitions > 0.

#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>

namespace tributary::client {

struct producer_record;

/// A user partitioner: returns a partition in [0, num_partitions) for a record whose
/// partition is unset (out-of-range answers fail the send with UNKNOWN_TOPIC_OR_PARTITION).
using partitioner_function =
    std::function<int32_t(const producer_record& record, int32_t num_partitions)>;

class partitioner {
public:
  explicit partitioner(uint64_t seed = std::random_device{}());

  /// The keyed partition: toPositive(murmur2(key)) % num_partitions.
  static int32_t keyed(std::string_view key, int32_t num_partitions) noexcept;

  /// The topic's current sticky partition for null keys (chosen at random the first time).
  int32_t sticky(const std::string& topic, int32_t num_partitions);

  /// A new batch is needed on `previous` for a null-key record: when `previous` is the
  /// topic's sticky partition, move it to another random partition (Kafka's onNewBatch).
  /// Returns the topic's sticky partition afterwards.
  int32_t on_new_batch(const std::string& topic, int32_t previous, int32_t num_partitions);

private:
  int32_t random_partition(int32_t num_partitions, int32_t avoid);

  std::unordered_map<std::string, int32_t> sticky_;
  std::minstd_rand rng_;
};

} // namespace tributary::client
