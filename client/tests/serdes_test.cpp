// serdes: byte layouts of Kafka's serializers, round trips, and errors on bad input.

#include "tributary/client/serdes.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <limits>

using namespace tributary::client;
using tributary::protocol::kafka_error;

TEST_CASE("integers serialize big-endian like Kafka's Integer/Long/ShortSerializer", "[serdes]") {
  CHECK(serde<int32_t>::serialize(1) == std::string("\x00\x00\x00\x01", 4));
  CHECK(serde<int32_t>::serialize(-2) == std::string("\xff\xff\xff\xfe", 4));
  CHECK(serde<int16_t>::serialize(0x1234) == std::string("\x12\x34", 2));
  CHECK(serde<int64_t>::serialize(0x0102030405060708) ==
        std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
  // DoubleSerializer writes doubleToLongBits: 1.0 = 0x3ff0000000000000.
  CHECK(serde<double>::serialize(1.0) == std::string("\x3f\xf0\x00\x00\x00\x00\x00\x00", 8));
  CHECK(serde<float>::serialize(1.0f) == std::string("\x3f\x80\x00\x00", 4));
}

TEST_CASE("serdes round-trip every supported type", "[serdes]") {
  for (int32_t x :
       {0, 1, -1, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()})
    CHECK(*serde<int32_t>::deserialize(serde<int32_t>::serialize(x)) == x);
  for (int64_t x : {int64_t{0}, int64_t{-5}, std::numeric_limits<int64_t>::min(),
                    std::numeric_limits<int64_t>::max()})
    CHECK(*serde<int64_t>::deserialize(serde<int64_t>::serialize(x)) == x);
  for (int16_t x : {int16_t{0}, int16_t{-32768}, int16_t{32767}})
    CHECK(*serde<int16_t>::deserialize(serde<int16_t>::serialize(x)) == x);
  CHECK(*serde<double>::deserialize(serde<double>::serialize(-3.25)) == -3.25);
  CHECK(*serde<float>::deserialize(serde<float>::serialize(0.5f)) == 0.5f);
  std::string text("h\0llo \xc3\xa9", 8);
  CHECK(*serde<std::string>::deserialize(serde<std::string>::serialize(text)) == text);
  bytes raw{0, 1, 0xff, 0x80};
  CHECK(*serde<bytes>::deserialize(serde<bytes>::serialize(raw)) == raw);
  nlohmann::json j = {{"id", 7}, {"tags", {"a", "b"}}, {"ok", true}};
  auto wire = serde<nlohmann::json>::serialize(j);
  CHECK(wire == R"({"id":7,"ok":true,"tags":["a","b"]})");
  CHECK(*serde<nlohmann::json>::deserialize(wire) == j);
}

TEST_CASE("deserializing the wrong number of bytes is an error naming the sizes", "[serdes]") {
  auto r = serde<int32_t>::deserialize(std::string("\x00\x01", 2));
  REQUIRE_FALSE(r);
  CHECK(r.err().code == kafka_error::corrupt_message);
  CHECK(r.err().message == "cannot deserialize int32: expected 4 bytes, got 2");
  CHECK_FALSE(serde<int64_t>::deserialize("1234567"));
  CHECK_FALSE(serde<int16_t>::deserialize(""));
  CHECK_FALSE(serde<double>::deserialize("123"));
  CHECK_FALSE(serde<float>::deserialize("12345"));
}

TEST_CASE("malformed JSON is an error quoting the text", "[serdes]") {
  auto r = serde<nlohmann::json>::deserialize("{\"a\": ");
  REQUIRE_FALSE(r);
  CHECK(r.err().code == kafka_error::corrupt_message);
  CHECK(r.err().message.find("{\"a\": ") != std::string::npos);
}

TEST_CASE("JSON with invalid UTF-8 serializes with replacement characters", "[serdes]") {
  nlohmann::json j = std::string("\xff");
  CHECK(serde<nlohmann::json>::serialize(j) == "\"\xef\xbf\xbd\"");
}

TEST_CASE("null keys and values stay null through the optional helpers", "[serdes]") {
  CHECK_FALSE(serialize_optional(std::optional<int32_t>{}).has_value());
  CHECK(*serialize_optional(std::optional<int32_t>{3}) == std::string("\0\0\0\3", 4));
  auto none = deserialize_optional<int32_t>(std::nullopt);
  REQUIRE(none);
  CHECK_FALSE(none->has_value());
  auto bad = deserialize_optional<int32_t>(std::string("x"));
  CHECK_FALSE(bad);
}
