// murmur2 against the values Kafka's own UtilsTest.testMurmur2 and librdkafka's rdmurmur2.c
// unit test expect.

#include "tributary/client/murmur2.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

using namespace tributary::client;

TEST_CASE("murmur2 matches Kafka's Utils.murmur2 test vectors", "[partitioner]") {
  // Kafka clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java
  std::vector<std::pair<std::string, int32_t>> cases = {
      {"21", -973932308},
      {"foobar", -790332482},
      {"a-little-bit-long-string", -985981536},
      {"a-little-bit-longer-string", -1486304829},
      {"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971},
      {"abc", 479470107},
  };
  for (auto& [key, want] : cases) {
    INFO("key '" << key << "'");
    CHECK(murmur2(key) == want);
  }
}

TEST_CASE("murmur2 matches librdkafka's rd_murmur2 unit test", "[partitioner]") {
  // librdkafka src/rdmurmur2.c unittest_murmur2 (values as unsigned 32-bit), plus Kafka's
  // tail-length cases (24..27 bytes).
  std::vector<std::pair<std::string, uint32_t>> cases = {
      {"kafka", 0xd067cf64u},
      {"giberish123456789", 0x8f552b0cu},
      {"1234", 0x9fc97b14u},
      {"234", 0xe7c009cau},
      {"34", 0x873930dau},
      {"4", 0x5a4b5ca1u},
      {"PreAmbleWillBeRemoved,ThePrePartThatIs", 0x78424f1cu},
      {"reAmbleWillBeRemoved,ThePrePartThatIs", 0x4a62b377u},
      {"eAmbleWillBeRemoved,ThePrePartThatIs", 0xe0e4e09eu},
      {"AmbleWillBeRemoved,ThePrePartThatIs", 0x62b8b43fu},
      {"", 0x106e08d9u},
      {"string-f-24-chars-length", 124730809u},
      {"string-fo-25-chars-length", 1269511650u},
      {"string-foo-26-chars-length", 119165628u},
      {"string-last-27-chars-length", 1089971754u},
  };
  for (auto& [key, want] : cases) {
    INFO("key '" << key << "'");
    CHECK(static_cast<uint32_t>(murmur2(key)) == want);
  }
}

TEST_CASE("to_positive clears the sign bit like Kafka's Utils.toPositive", "[partitioner]") {
  CHECK(to_positive(0) == 0);
  CHECK(to_positive(5) == 5);
  CHECK(to_positive(-1) == 0x7fffffff);
  CHECK(to_positive(INT32_MIN) == 0);
  CHECK(murmur2_partition("21", 7) == to_positive(-973932308) % 7);
}
