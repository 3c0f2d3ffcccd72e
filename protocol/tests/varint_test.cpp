#include "tributary/protocol/varint.hpp"

#include "test_bytes.hpp"

#include <catch2/catch.hpp>
#include <limits>

using namespace tributary::protocol;
using namespace tributary::protocol::test;

TEST_CASE("varint zigzag encodes as Kafka does", "[varint]") {
  // Kafka ByteUtils: 0->00, -1->01, 1->02, -2->03, 63->7e, -64->7f, 64->8001.
  struct c {
    int32_t v;
    const char* hex;
  } cases[] = {{0, "00"},
               {-1, "01"},
               {1, "02"},
               {-2, "03"},
               {63, "7e"},
               {-64, "7f"},
               {64, "8001"},
               {300, "d804"},
               {std::numeric_limits<int32_t>::max(), "feffffff0f"},
               {std::numeric_limits<int32_t>::min(), "ffffffff0f"}};
  for (auto& x : cases) {
    std::byte buf[max_varint_size];
    size_t n = write_varint(x.v, buf);
    CHECK(to_hex(byte_span(buf, n)) == x.hex);
    CHECK(varint_size(x.v) == n);
    size_t pos = 0;
    auto back = read_varint(byte_span(buf, n), pos);
    REQUIRE(back);
    CHECK(*back == x.v);
    CHECK(pos == n);
  }
}

TEST_CASE("varlong round-trips extremes and sizes", "[varint]") {
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{1} << 40, -(int64_t{1} << 40),
                    std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min()}) {
    bytes out;
    append_varlong(out, v);
    CHECK(out.size() == varlong_size(v));
    size_t pos = 0;
    auto back = read_varlong(out, pos);
    REQUIRE(back);
    CHECK(*back == v);
  }
  bytes big;
  append_varlong(big, std::numeric_limits<int64_t>::min());
  CHECK(big.size() == max_varlong_size);
}

TEST_CASE("varint rejects encodings longer than 5 bytes and varlong longer than 10",
          "[varint][malformed]") {
  bytes six = from_hex("80 80 80 80 80 00");
  size_t pos = 0;
  auto r = read_varint(six, pos);
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::bad_varint);
  CHECK(pos == 0);
  bytes eleven = from_hex("80 80 80 80 80 80 80 80 80 80 00");
  auto l = read_varlong(eleven, pos);
  REQUIRE_FALSE(l);
  CHECK(l.error() == errc::bad_varint);
  bytes unsigned_six = from_hex("ff ff ff ff ff 01");
  CHECK(read_unsigned_varint(unsigned_six, pos).error() == errc::bad_varint);
}

TEST_CASE("varint reports truncation when the continuation bit runs off the end",
          "[varint][malformed]") {
  bytes cut = from_hex("80 80");
  size_t pos = 0;
  CHECK(read_varint(cut, pos).error() == errc::truncated);
  CHECK(read_varlong(cut, pos).error() == errc::truncated);
  CHECK(read_varint(byte_span(), pos).error() == errc::truncated);
  CHECK(pos == 0);
}

TEST_CASE("varint decodes at an offset and advances", "[varint]") {
  bytes b;
  append_varint(b, 5);
  append_varint(b, -300);
  append_varlong(b, 1234567890123);
  size_t pos = 0;
  CHECK(*read_varint(b, pos) == 5);
  CHECK(*read_varint(b, pos) == -300);
  CHECK(*read_varlong(b, pos) == 1234567890123);
  CHECK(pos == b.size());
  std::byte u[max_varint_size];
  size_t n = write_unsigned_varint(300, u);
  pos = 0;
  CHECK(*read_unsigned_varint(byte_span(u, n), pos) == 300u);
}
