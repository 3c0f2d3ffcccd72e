// Exact bytes, written by hand from the Kafka protocol guide (kafka.apache.org/protocol) and
// the schemas, for a few messages: the generated codec must produce and accept exactly these.
#include "tributary/protocol/kafka/messages.hpp"

#include <catch2/catch.hpp>

#include <vector>

using namespace tributary::protocol::kafka;

namespace {

std::vector<char> bytes_of(std::initializer_list<int> values) {
  std::vector<char> out;
  for (int v : values)
    out.push_back(static_cast<char>(v));
  return out;
}

template <class M>
std::vector<char> encode(const M& m, int16_t version) {
  auto r = encode_message(m, version);
  REQUIRE(r);
  return *r;
}

template <class M>
M decode(const std::vector<char>& bytes, int16_t version) {
  M m;
  wire_reader r(bytes.data(), bytes.size());
  m.decode(r, version);
  INFO(r.error_message());
  REQUIRE(r.ok());
  CHECK(r.remaining() == 0);
  return m;
}

} // namespace

TEST_CASE("ApiVersions v0 request: header v1 and an empty body", "[kafka]") {
  request_header h;
  h.request_api_key = api_key::api_versions;
  h.request_api_version = 0;
  h.correlation_id = 1;
  h.client_id = "abc";
  std::vector<char> out;
  wire_writer w(out);
  encode_request_header(w, h);
  api_versions_request{}.encode(w, 0);
  REQUIRE(w.ok());
  CHECK(out == bytes_of({0, 18, 0, 0, 0, 0, 0, 1, 0, 3, 'a', 'b', 'c'}));
}

TEST_CASE("ApiVersions v3 request: header v2, compact strings, tagged sections", "[kafka]") {
  request_header h;
  h.request_api_key = api_key::api_versions;
  h.request_api_version = 3;
  h.correlation_id = 7;
  h.client_id = "abc";
  api_versions_request body;
  body.client_software_name = "trib";
  body.client_software_version = "0.1";
  std::vector<char> out;
  wire_writer w(out);
  encode_request_header(w, h);
  body.encode(w, 3);
  const auto expected =
      bytes_of({0, 18,  0,   3,   0,   0, 0,   7,   0,   3, 'a', 'b', 'c', 0, // header v2
                5, 't', 'r', 'i', 'b', 4, '0', '.', '1', 0});
  CHECK(out == expected);

  wire_reader r(expected.data(), expected.size());
  request_header decoded_header;
  REQUIRE(decode_request_header(r, &decoded_header));
  CHECK(decoded_header == h);
  api_versions_request decoded;
  decoded.decode(r, 3);
  REQUIRE(r.ok());
  CHECK(decoded == body);
}

TEST_CASE("ApiVersions v0 response: int32 array count, no throttle time", "[kafka]") {
  api_versions_response resp;
  resp.api_keys.push_back({0, 0, 11});
  resp.api_keys.push_back({18, 0, 4});
  resp.throttle_time_ms = 100; // not in v0: not written
  const auto expected = bytes_of({0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 11, 0, 18, 0, 0, 0, 4});
  CHECK(encode(resp, 0) == expected);
  auto decoded = decode<api_versions_response>(expected, 0);
  CHECK(decoded.api_keys == resp.api_keys);
  CHECK(decoded.throttle_time_ms == 0);
}

TEST_CASE("ApiVersions v3 response: compact array and non-default tagged fields in tag order",
          "[kafka]") {
  api_versions_response resp;
  resp.error_code = 35;
  resp.api_keys.push_back({18, 0, 3});
  resp.throttle_time_ms = 2;
  resp.zk_migration_ready = true;                                 // tag 3
  resp.finalized_features_epoch = 5;                              // tag 1, default -1
  const auto expected = bytes_of({0, 35,                          // error_code
                                  2, 0,  18, 0, 0, 0, 3, 0,       // [ApiVersion] + its tags
                                  0, 0,  0,  2,                   // throttle_time_ms
                                  2,                              // two tagged fields
                                  1, 8,  0,  0, 0, 0, 0, 0, 0, 5, // tag 1: int64 epoch
                                  3, 1,  1});                     // tag 3: bool
  CHECK(encode(resp, 3) == expected);
  CHECK(decode<api_versions_response>(expected, 3) == resp);

  // Tagged fields at their defaults are not sent at all.
  resp.zk_migration_ready = false;
  resp.finalized_features_epoch = -1;
  CHECK(encode(resp, 3) == bytes_of({0, 35, 2, 0, 18, 0, 0, 0, 3, 0, 0, 0, 0, 2, 0}));
}

TEST_CASE("ApiVersions v3 response decodes tagged fields in any order and skips unknown ones",
          "[kafka]") {
  const auto in = bytes_of({0, 0, 1, 0, 0, 0, 0, // no error, no apis, throttle 0
                            3, 3, 1, 1, 9, 2, 0xaa, 0xbb, 1, 8, 0, 0, 0, 0, 0, 0, 0, 6});
  auto decoded = decode<api_versions_response>(in, 3);
  CHECK(decoded.zk_migration_ready);
  CHECK(decoded.finalized_features_epoch == 6);
  CHECK(decoded.api_keys.empty());
}

TEST_CASE("Metadata v1 request: a topic list, or null for all topics", "[kafka]") {
  metadata_request m;
  m.topics->push_back({});
  m.topics->back().name = "orders";
  m.allow_auto_topic_creation = false; // v4+: not written in v1
  const auto expected = bytes_of({0, 0, 0, 1, 0, 6, 'o', 'r', 'd', 'e', 'r', 's'});
  CHECK(encode(m, 1) == expected);
  auto decoded = decode<metadata_request>(expected, 1);
  REQUIRE(decoded.topics);
  REQUIRE(decoded.topics->size() == 1);
  CHECK(decoded.topics->front().name == std::optional<std::string>("orders"));
  CHECK(decoded.allow_auto_topic_creation); // default true when absent

  m.topics.reset();
  CHECK(encode(m, 1) == bytes_of({0xff, 0xff, 0xff, 0xff}));
  CHECK(!decode<metadata_request>(bytes_of({0xff, 0xff, 0xff, 0xff}), 1).topics);
}

TEST_CASE("Metadata v9 request: flexible, compact and nullable forms", "[kafka]") {
  metadata_request m;
  m.topics->push_back({});
  m.topics->back().name = "t";
  m.allow_auto_topic_creation = true;
  m.include_topic_authorized_operations = true;
  CHECK(encode(m, 9) == bytes_of({2, 2, 't', 0, 1, 0, 1, 0}));
}

TEST_CASE("Fetch v12 request: the ClusterId tagged field", "[kafka]") {
  fetch_request f;
  f.cluster_id = "c1"; // tag 0, nullable compact string
  f.max_wait_ms = 500;
  f.min_bytes = 1;
  f.session_epoch = -1;
  const auto expected =
      bytes_of({0xff, 0xff, 0xff, 0xff,             // replica_id -1
                0,    0,    1,    0xf4,             // max_wait_ms
                0,    0,    0,    1,                // min_bytes
                0x7f, 0xff, 0xff, 0xff,             // max_bytes default
                0,                                  // isolation_level
                0,    0,    0,    0,                // session_id
                0xff, 0xff, 0xff, 0xff,             // session_epoch
                1,                                  // topics: empty compact array
                1,                                  // forgotten_topics_data: empty
                1,                                  // rack_id ""
                1,    0,    3,    3,    'c', '1'}); // one tagged field: tag 0, size 3, compact "c1"
  CHECK(encode(f, 12) == expected);
  CHECK(decode<fetch_request>(expected, 12) == f);
}
