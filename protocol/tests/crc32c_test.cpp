#include "tributary/protocol/crc32c.hpp"

#include "test_bytes.hpp"

#include <catch2/catch.hpp>

using namespace tributary::protocol;
using namespace tributary::protocol::test;

namespace {

struct vector_case {
  std::string input;
  uint32_t crc;
};

// Known CRC32C values (RFC 3720 appendix B.4 and the classic check value).
const vector_case k_vectors[] = {
    {"", 0x00000000u},
    {"a", 0xC1D04330u},
    {"123456789", 0xE3069283u},
    {std::string(32, '\0'), 0x8A9136AAu},
    {std::string(32, '\xff'), 0x62A8AB43u},
};

} // namespace

TEST_CASE("crc32c portable path matches known vectors", "[crc32c]") {
  for (const auto& v : k_vectors)
    CHECK(crc32c_portable(as_bytes(v.input)) == v.crc);
  bytes ascending(32);
  for (size_t i = 0; i < 32; ++i)
    ascending[i] = static_cast<std::byte>(i);
  CHECK(crc32c_portable(ascending) == 0x46DD794Eu);
}

TEST_CASE("crc32c hardware path matches known vectors when the CPU has SSE4.2", "[crc32c]") {
  if (!crc32c_has_hardware()) {
    WARN("no SSE4.2 on this CPU: hardware path not exercised");
    return;
  }
  for (const auto& v : k_vectors)
    CHECK(crc32c_hardware(as_bytes(v.input)) == v.crc);
}

TEST_CASE("crc32c dispatch, portable and hardware agree on random data at every alignment",
          "[crc32c]") {
  bytes data = random_bytes(60000 + 64, 7);
  for (size_t offset = 0; offset < 16; ++offset) {
    for (size_t len : {0u, 1u, 7u, 8u, 9u, 31u, 32u, 33u, 100u, 767u, 768u, 769u, 1000u, 4096u,
                       24575u, 24576u, 24577u, 25352u, 60000u}) {
      byte_span piece(data.data() + offset, len);
      uint32_t portable = crc32c_portable(piece);
      CHECK(crc32c(piece) == portable);
      if (crc32c_has_hardware())
        CHECK(crc32c_hardware(piece) == portable);
    }
  }
}

TEST_CASE("crc32c extends across split buffers", "[crc32c]") {
  bytes data = random_bytes(1000, 11);
  uint32_t whole = crc32c(data);
  for (size_t split : {0u, 1u, 13u, 500u, 999u, 1000u}) {
    byte_span all(data);
    uint32_t first = crc32c(all.first(split));
    CHECK(crc32c(all.subspan(split), first) == whole);
    CHECK(crc32c_portable(all.subspan(split), crc32c_portable(all.first(split))) == whole);
  }
}
