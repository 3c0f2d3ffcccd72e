// ConsumerProtocol Subscription / Assignment: round trips and Kafka's bytes written by hand
// from ConsumerProtocolSubscription.json / ConsumerProtocolAssignment.json.
#include "tributary/client/consumer_protocol.hpp"

#include <catch2/catch.hpp>

#include <initializer_list>

using namespace tributary::client;
using tributary::protocol::kafka_error;

namespace {

std::vector<char> bytes(std::initializer_list<int> list) {
  std::vector<char> out;
  for (int b : list)
    out.push_back(static_cast<char>(b));
  return out;
}

// Subscription v3: topics [orders, audit], user_data "ud", owned [orders-0, orders-2, audit-1],
// generation 7, rack "r1".
const std::vector<char> subscription_v3 = bytes({
    0x00, 0x03,                                             // version 3
    0x00, 0x00, 0x00, 0x02,                                 // topics: 2
    0x00, 0x06, 'o',  'r',  'd', 'e', 'r', 's',             //   "orders"
    0x00, 0x05, 'a',  'u',  'd', 'i', 't',                  //   "audit"
    0x00, 0x00, 0x00, 0x02, 'u', 'd',                       // user_data "ud"
    0x00, 0x00, 0x00, 0x02,                                 // owned_partitions: 2 topics
    0x00, 0x06, 'o',  'r',  'd', 'e', 'r', 's',             //   "orders"
    0x00, 0x00, 0x00, 0x02, 0,   0,   0,   0,   0, 0, 0, 2, //   [0, 2]
    0x00, 0x05, 'a',  'u',  'd', 'i', 't',                  //   "audit"
    0x00, 0x00, 0x00, 0x01, 0,   0,   0,   1,               //   [1]
    0x00, 0x00, 0x00, 0x07,                                 // generation_id 7
    0x00, 0x02, 'r',  '1',                                  // rack_id "r1"
});

member_subscription sample_subscription() {
  member_subscription s;
  s.topics = {"orders", "audit"};
  s.user_data = "ud";
  s.owned_partitions = {{"orders", 0}, {"orders", 2}, {"audit", 1}};
  s.generation_id = 7;
  s.rack_id = "r1";
  return s;
}

} // namespace

TEST_CASE("subscription v3 encodes to Kafka's bytes", "[consumer_protocol]") {
  CHECK(encode_subscription(sample_subscription(), 3) == subscription_v3);
}

TEST_CASE("subscription v3 decodes from Kafka's bytes", "[consumer_protocol]") {
  auto s = decode_subscription(subscription_v3);
  REQUIRE(s);
  CHECK(s->version == 3);
  CHECK(s->topics == std::vector<std::string>{"orders", "audit"});
  CHECK(s->user_data == std::optional<std::string>{"ud"});
  CHECK(s->owned_partitions ==
        std::vector<topic_partition>{{"orders", 0}, {"orders", 2}, {"audit", 1}});
  CHECK(s->generation_id == 7);
  CHECK(s->rack_id == std::optional<std::string>{"r1"});
}

TEST_CASE("subscription v0 has topics and a null user_data only", "[consumer_protocol]") {
  auto expected =
      bytes({0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 't', 0xff, 0xff, 0xff, 0xff});
  member_subscription s;
  s.topics = {"t"};
  s.owned_partitions = {{"t", 3}}; // not in v0
  s.generation_id = 4;             // not in v0
  CHECK(encode_subscription(s, 0) == expected);
  auto back = decode_subscription(expected);
  REQUIRE(back);
  CHECK(back->version == 0);
  CHECK(back->topics == std::vector<std::string>{"t"});
  CHECK(!back->user_data);
  CHECK(back->owned_partitions.empty());
  CHECK(back->generation_id == -1);
  CHECK(!back->rack_id);
}

TEST_CASE("subscription round trips through every version", "[consumer_protocol]") {
  for (int16_t v = 0; v <= 3; ++v) {
    auto s = sample_subscription();
    auto back = decode_subscription(encode_subscription(s, v));
    REQUIRE(back);
    CHECK(back->version == v);
    CHECK(back->topics == s.topics);
    CHECK(back->user_data == s.user_data);
    CHECK(back->owned_partitions.size() == (v >= 1 ? 3u : 0u));
    CHECK(back->generation_id == (v >= 2 ? 7 : -1));
    CHECK(back->rack_id == (v >= 3 ? s.rack_id : std::nullopt));
  }
}

TEST_CASE("a newer subscription version is read with the v3 format", "[consumer_protocol]") {
  auto v4 = subscription_v3;
  v4[1] = 4;
  v4.push_back(0x7f); // a field v4 might add
  auto s = decode_subscription(v4);
  REQUIRE(s);
  CHECK(s->version == 4);
  CHECK(s->generation_id == 7);
  CHECK(s->rack_id == std::optional<std::string>{"r1"});
}

TEST_CASE("a truncated subscription fails at every length", "[consumer_protocol]") {
  for (size_t n = 0; n < subscription_v3.size(); ++n) {
    auto s = decode_subscription(subscription_v3.data(), n);
    REQUIRE_FALSE(s);
    CHECK(s.err().code == kafka_error::inconsistent_group_protocol);
    CHECK(s.err().message.find("subscription") != std::string::npos);
  }
}

TEST_CASE("a subscription with a negative topic count is refused", "[consumer_protocol]") {
  auto bad = bytes({0x00, 0x00, 0xff, 0xff, 0xff, 0xfe});
  auto s = decode_subscription(bad);
  REQUIRE_FALSE(s);
  CHECK(s.err().message.find("topics") != std::string::npos);
}

TEST_CASE("assignment v0..v3 encodes to Kafka's bytes", "[consumer_protocol]") {
  member_assignment a;
  a.partitions = {{"t", 0}, {"t", 1}, {"u", 5}};
  for (int16_t v = 0; v <= 3; ++v) {
    auto expected = bytes({0x00, v,                                                 // version
                           0x00, 0x00, 0x00, 0x02,                                  // 2 topics
                           0x00, 0x01, 't',  0,    0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1, // t [0, 1]
                           0x00, 0x01, 'u',  0,    0, 0, 1, 0, 0, 0, 5,             // u [5]
                           0xff, 0xff, 0xff, 0xff}); // user_data null
    CHECK(encode_assignment(a, v) == expected);
    auto back = decode_assignment(expected);
    REQUIRE(back);
    CHECK(back->version == v);
    CHECK(back->partitions == a.partitions);
    CHECK(!back->user_data);
  }
}

TEST_CASE("assignment user data round trips and empty bytes mean no partitions",
          "[consumer_protocol]") {
  member_assignment a;
  a.user_data = std::string("\0\1x", 3);
  auto back = decode_assignment(encode_assignment(a));
  REQUIRE(back);
  CHECK(back->partitions.empty());
  CHECK(back->user_data == a.user_data);

  auto empty = decode_assignment(std::vector<char>{});
  REQUIRE(empty);
  CHECK(empty->partitions.empty());
}

TEST_CASE("a truncated assignment fails at every length", "[consumer_protocol]") {
  member_assignment a;
  a.partitions = {{"orders", 1}};
  a.user_data = "x";
  auto full = encode_assignment(a);
  for (size_t n = 1; n < full.size(); ++n) {
    auto back = decode_assignment(full.data(), n);
    REQUIRE_FALSE(back);
    CHECK(back.err().code == kafka_error::inconsistent_group_protocol);
  }
}
