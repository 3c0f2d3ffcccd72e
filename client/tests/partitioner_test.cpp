// The keyed partitioner must put every key where Kafka's clients put it: checked against
// librdkafka's own murmur2_random partitioner (the Java-compatible one), loaded at run time so
// the client module does not link librdkafka. Sticky partitioning for null keys (KIP-480).

#include "tributary/client/murmur2.hpp"
#include "tributary/client/partitioner.hpp"

#include <catch2/catch.hpp>

#include <dlfcn.h>

#include <cstdint>
#include <set>
#include <string>

using namespace tributary::client;

namespace {

// int32_t rd_kafka_msg_partitioner_murmur2_random(const rd_kafka_topic_t*, const void* key,
//   size_t keylen, int32_t partition_cnt, void* rkt_opaque, void* msg_opaque)
using rdkafka_partitioner = int32_t (*)(const void*, const void*, size_t, int32_t, void*, void*);

rdkafka_partitioner load_rdkafka_murmur2() {
  void* lib = dlopen("librdkafka.so.1", RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr)
    return nullptr;
  return reinterpret_cast<rdkafka_partitioner>(
      dlsym(lib, "rd_kafka_msg_partitioner_murmur2_random"));
}

} // namespace

TEST_CASE("keyed partitions match librdkafka's murmur2_random partitioner", "[partitioner]") {
  auto rd = load_rdkafka_murmur2();
  REQUIRE(rd != nullptr); // librdkafka-dev is part of scripts/setup.sh
  int compared = 0;
  for (int32_t partitions : {1, 2, 3, 7, 12, 64, 1000}) {
    for (int i = 0; i < 500; ++i) {
      // Keys of every tail length, with bytes above 0x7f (signedness bugs show there).
      std::string key = "key-" + std::to_string(i * 7919);
      key.append(static_cast<size_t>(i % 5), static_cast<char>(0x80 + i % 100));
      auto theirs = rd(nullptr, key.data(), key.size(), partitions, nullptr, nullptr);
      INFO("key of " << key.size() << " bytes, " << partitions << " partitions");
      REQUIRE(partitioner::keyed(key, partitions) == theirs);
      ++compared;
    }
  }
  CHECK(compared == 3500);
}

TEST_CASE("keyed partition is Kafka's toPositive(murmur2) modulo", "[partitioner]") {
  // murmur2("foobar") = -790332482 (Kafka's UtilsTest).
  CHECK(partitioner::keyed("foobar", 10) == (-790332482 & 0x7fffffff) % 10);
  CHECK(partitioner::keyed("anything", 1) == 0);
}

TEST_CASE("sticky partition stays until a new batch is needed, then moves", "[partitioner]") {
  partitioner p{42};
  auto first = p.sticky("t", 6);
  REQUIRE(first >= 0);
  REQUIRE(first < 6);
  for (int i = 0; i < 10; ++i)
    CHECK(p.sticky("t", 6) == first);
  std::set<int32_t> seen{first};
  auto current = first;
  for (int i = 0; i < 200; ++i) {
    auto next = p.on_new_batch("t", current, 6);
    CHECK(next != current); // a new batch always goes elsewhere
    CHECK(p.sticky("t", 6) == next);
    seen.insert(next);
    current = next;
  }
  CHECK(seen.size() == 6); // random choice reaches every partition
}

TEST_CASE("on_new_batch for a partition that is no longer sticky keeps the choice",
          "[partitioner]") {
  partitioner p{7};
  auto s = p.sticky("t", 4);
  auto other = (s + 1) % 4;
  CHECK(p.on_new_batch("t", other, 4) == s);
  CHECK(p.on_new_batch("t", s, 1) == 0); // one partition: nowhere else to go
  partitioner q{7};
  CHECK(q.sticky("a", 1) == 0);
  CHECK(q.on_new_batch("a", 0, 1) == 0);
}
