#include "tributary/client/partitioner.hpp"

#include "tributary/client/murmur2.hpp"

namespace tributary::client {

partitioner::partitioner(uint64_t seed) : rng_(static_cast<std::minstd_rand::result_type>(seed)) {}

int32_t partitioner::keyed(std::string_view key, int32_t num_partitions) noexcept {
  return murmur2_partition(key, num_partitions);
}

int32_t partitioner::sticky(const std::string& topic, int32_t num_partitions) {
  auto i = sticky_.find(topic);
  if (i != sticky_.end() && i->second < num_partitions)
    return i->second;
  auto p = random_partition(num_partitions, -1);
  sticky_[topic] = p;
  return p;
}

int32_t partitioner::on_new_batch(const std::string& topic, int32_t previous,
                                  int32_t num_partitions) {
  auto i = sticky_.find(topic);
  if (i == sticky_.end() || i->second != previous || i->second >= num_partitions)
    return sticky(topic, num_partitions);
  i->second = random_partition(num_partitions, previous);
  return i->second;
}

int32_t partitioner::random_partition(int32_t num_partitions, int32_t avoid) {
  if (num_partitions <= 1)
    return 0;
  if (avoid < 0 || avoid >= num_partitions)
    return static_cast<int32_t>(rng_() % static_cast<uint32_t>(num_partitions));
  // Uniform over the other num_partitions - 1 partitions.
  auto p = static_cast<int32_t>(rng_() % static_cast<uint32_t>(num_partitions - 1));
  return p >= avoid ? p + 1 : p;
}

} // namespace tributary::client
