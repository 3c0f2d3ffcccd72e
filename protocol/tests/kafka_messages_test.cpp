// Every generated Kafka message at every version: round trip with non-default values (and
// with nulls where the version allows them), every truncation prefix fails cleanly, random
// corruption never reads out of bounds (run under ASan), unsupported versions are refused.
#include "kafka_test_fill.hpp"

#include <catch2/catch.hpp>

#include <random>
#include <set>
#include <string>

using namespace tributary::protocol::kafka;

namespace {

template <class M>
std::vector<char> encode_filled(const M& m, int16_t version) {
  std::vector<char> bytes;
  wire_writer w(bytes);
  m.encode(w, version);
  INFO(w.error_message());
  REQUIRE(w.ok());
  return bytes;
}

template <class M>
M filled(int16_t version, bool use_nulls) {
  M m;
  test::filler f;
  f.use_nulls = use_nulls;
  test::fill(m, version, f);
  return m;
}

template <class M>
void check_round_trip(int16_t version, bool use_nulls) {
  INFO(M::kafka_name << " v" << version << (use_nulls ? " with nulls" : ""));
  const M original = filled<M>(version, use_nulls);
  const auto bytes = encode_filled(original, version);
  M decoded;
  wire_reader r(bytes.data(), bytes.size());
  decoded.decode(r, version);
  INFO(r.error_message());
  REQUIRE(r.ok());
  CHECK(r.remaining() == 0);
  CHECK(decoded == original);
  CHECK(encode_filled(decoded, version) == bytes);
}

// Prefixes of a valid encoding end inside some field, so each must fail (never crash).
template <class M>
size_t check_truncations(int16_t version) {
  const auto bytes = encode_filled(filled<M>(version, false), version);
  size_t failures = 0;
  for (size_t n = 0; n < bytes.size(); ++n) {
    M m;
    wire_reader r(bytes.data(), n);
    m.decode(r, version);
    if (!r.ok())
      ++failures;
    else
      FAIL_CHECK(M::kafka_name << " v" << version << " decoded from a " << n << "-byte prefix of "
                               << bytes.size());
  }
  return failures;
}

} // namespace

TEST_CASE("kafka messages round trip at every version with non-default values", "[kafka]") {
  size_t cases = 0;
  test::for_each_message([&](auto* tag) {
    using M = std::remove_pointer_t<decltype(tag)>;
    for (int16_t v = M::min_version; v <= M::max_version; ++v) {
      check_round_trip<M>(v, false);
      check_round_trip<M>(v, true);
      ++cases;
    }
  });
  // 27 APIs with 172 versions in all (request and response each): a property of the schemas.
  CHECK(cases == 2 * 172);
}

TEST_CASE("the filler sets fields that the encoding carries", "[kafka]") {
  // Guards the round trip above against a filler that leaves everything at its default.
  size_t empty_versions = 0;
  test::for_each_message([&](auto* tag) {
    using M = std::remove_pointer_t<decltype(tag)>;
    for (int16_t v = M::min_version; v <= M::max_version; ++v) {
      INFO(M::kafka_name << " v" << v);
      const auto filled_bytes = encode_filled(filled<M>(v, false), v);
      const auto default_bytes = encode_filled(M{}, v);
      if (filled<M>(v, false) == M{}) {
        // No field in this version (ApiVersionsRequest v0-2, ListGroupsRequest v0-3).
        CHECK(filled_bytes == default_bytes);
        ++empty_versions;
        continue;
      }
      CHECK(filled_bytes != default_bytes);
    }
  });
  CHECK(empty_versions == 7);
}

TEST_CASE("operator== sees a change in a nested field", "[kafka]") {
  auto a = filled<fetch_response>(16, false);
  auto b = a;
  CHECK(a == b);
  b.responses.at(1).partitions.at(0).current_leader.leader_epoch += 1;
  CHECK(a != b);
  b = a;
  b.responses.at(0).partitions.at(1).records->back() ^= 1;
  CHECK(a != b);
}

TEST_CASE("every truncation of every message version fails without reading past the end",
          "[kafka]") {
  size_t prefixes = 0;
  test::for_each_message([&](auto* tag) {
    using M = std::remove_pointer_t<decltype(tag)>;
    for (int16_t v = M::min_version; v <= M::max_version; ++v)
      prefixes += check_truncations<M>(v);
  });
  CHECK(prefixes > 10000);
}

TEST_CASE("corrupted messages decode to a value or an error, never out of bounds", "[kafka]") {
  std::mt19937 rng(20240917);
  size_t errors = 0, decoded = 0;
  test::for_each_message([&](auto* tag) {
    using M = std::remove_pointer_t<decltype(tag)>;
    for (int16_t v = M::min_version; v <= M::max_version; ++v) {
      const auto bytes = encode_filled(filled<M>(v, false), v);
      if (bytes.empty())
        continue;
      for (int round = 0; round < 16; ++round) {
        auto corrupt = bytes;
        for (int k = 0; k < 3; ++k)
          corrupt[rng() % corrupt.size()] = static_cast<char>(rng() & 0xff);
        M m;
        wire_reader r(corrupt.data(), corrupt.size());
        m.decode(r, v);
        CHECK(r.position() <= corrupt.size());
        (r.ok() ? decoded : errors) += 1;
      }
    }
  });
  CHECK(errors > 0);
  CHECK(decoded > 0);
}

TEST_CASE("versions outside validVersions are refused on both sides", "[kafka]") {
  std::vector<char> bytes;
  wire_writer w(bytes);
  produce_request{}.encode(w, produce_request::max_version + 1);
  CHECK(w.error() == wire_errc::unsupported_version);
  CHECK(w.error_message().find("ProduceRequest") != std::string::npos);
  CHECK(bytes.empty());

  const char none[1] = {0};
  wire_reader r(none, 0);
  api_versions_request req;
  req.client_software_name = "x";
  req.decode(r, -1);
  CHECK(r.error() == wire_errc::unsupported_version);
  CHECK(req == api_versions_request{}); // reset even when refused
  CHECK(r.status().error() == make_error_code(wire_errc::unsupported_version));
}

TEST_CASE("encoding refuses null where the version does not allow it", "[kafka]") {
  metadata_request m;
  m.topics.reset(); // null = all topics, from v1 on
  std::string why;
  CHECK(encode_message(m, 1));
  auto v0 = encode_message(m, 0, &why);
  REQUIRE(!v0);
  CHECK(v0.error() == make_error_code(wire_errc::unexpected_null));
  CHECK(why.find("MetadataRequest.Topics") != std::string::npos);

  offset_fetch_request o; // Topics: nullable in v2-7 only
  o.topics.reset();
  CHECK(!encode_message(o, 1));
  CHECK(encode_message(o, 2));
}

TEST_CASE("strings over Kafka's 32767-byte limit are refused when encoding", "[kafka]") {
  metadata_request m;
  m.topics->push_back({});
  m.topics->back().name = std::string(32768, 'x');
  std::string why;
  auto r = encode_message(m, 9, &why);
  REQUIRE(!r);
  CHECK(r.error() == make_error_code(wire_errc::bad_length));
  CHECK(why.find("MetadataRequest.Topics.Name") != std::string::npos);
  m.topics->back().name->pop_back();
  CHECK(encode_message(m, 9));
}

TEST_CASE("message version constants match the schemas", "[kafka]") {
  CHECK(produce_request::key == api_key::produce);
  CHECK(produce_request::min_version == 0);
  CHECK(produce_request::max_version == 11);
  CHECK(produce_request::flexible_from == 9);
  CHECK(sasl_handshake_response::flexible_from == -1);
  CHECK(describe_cluster_request::flexible_from == 0);
  CHECK(find_coordinator_request::kafka_name == "FindCoordinatorRequest");
  // FindCoordinatorRequest.Key would hide the static `key`; it is generated as `key_`.
  find_coordinator_request f;
  f.key_ = "group-1";
  CHECK(find_coordinator_request::key == api_key::find_coordinator);
  std::set<int16_t> keys;
  for (api_key k : generated_api_keys())
    keys.insert(static_cast<int16_t>(k));
  CHECK(keys.size() == 27);
}
