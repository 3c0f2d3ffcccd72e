// wire_reader / wire_writer primitives, the api tables and the request/response headers.
#include "tributary/protocol/kafka_api.hpp"
#include "tributary/protocol/kafka_wire.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

using namespace tributary::protocol::kafka;

namespace {

std::vector<char> bytes_of(std::initializer_list<int> values) {
  std::vector<char> out;
  for (int v : values)
    out.push_back(static_cast<char>(v));
  return out;
}

} // namespace

TEST_CASE("wire_writer writes Kafka's big-endian and varint encodings", "[kafka]") {
  std::vector<char> out;
  wire_writer w(out);
  w.write_int16(0x0102);
  w.write_int32(-2);
  w.write_int64(0x0102030405060708);
  w.write_unsigned_varint(300);
  w.write_varint(-1);
  w.write_bool(true);
  CHECK(out ==
        bytes_of({1, 2, 0xff, 0xff, 0xff, 0xfe, 1, 2, 3, 4, 5, 6, 7, 8, 0xac, 0x02, 0x01, 0x01}));
}

TEST_CASE("strings, bytes and arrays in classic and compact form", "[kafka]") {
  std::vector<char> out;
  wire_writer w(out);
  w.write_string("f", "ab", false);
  w.write_string("f", "ab", true);
  w.write_nullable_string("f", std::nullopt, false, true);
  w.write_nullable_string("f", std::nullopt, true, true);
  w.write_bytes("f", {'x'}, false);
  w.write_nullable_bytes("f", std::nullopt, true, true);
  w.write_array_length("f", 2, false);
  w.write_array_length("f", 2, true);
  w.write_null_array("f", false, true);
  REQUIRE(w.ok());
  CHECK(out == bytes_of({0, 2,   'a', 'b', 3, 'a', 'b', 0xff, 0xff, 0,    0,    0,   0,
                         1, 'x', 0,   0,   0, 0,   2,   3,    0xff, 0xff, 0xff, 0xff}));

  wire_reader r(out.data(), out.size());
  CHECK(r.read_string("f", false) == "ab");
  CHECK(r.read_string("f", true) == "ab");
  CHECK(r.read_nullable_string("f", false, true) == std::nullopt);
  CHECK(r.read_nullable_string("f", true, true) == std::nullopt);
  CHECK(r.read_bytes("f", false) == std::vector<char>{'x'});
  CHECK(r.read_nullable_bytes("f", true, true) == std::nullopt);
  CHECK(r.read_array_length("f", false, false, 1) == 2);
  // Counts are checked against the bytes left (4 here) times the smallest element size.
  CHECK(r.read_array_length("f", true, false, 1) == 2);
  CHECK(r.read_array_length("f", false, true, 1) == -1);
  CHECK(r.ok());
  CHECK(r.remaining() == 0);
}

TEST_CASE("an array count of 2^31-1 with 10 bytes left fails before allocating", "[kafka]") {
  auto in = bytes_of({0x7f, 0xff, 0xff, 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  wire_reader r(in.data(), in.size());
  CHECK(r.read_array_length("ProduceRequest.TopicData", false, false, 1) == 0);
  CHECK(r.error() == wire_errc::array_too_long);
  CHECK(r.error_message().find("ProduceRequest.TopicData") != std::string::npos);
  CHECK(r.error_message().find("2147483647") != std::string::npos);
  // After the first error every read returns a default and consumes nothing.
  const auto at = r.position();
  CHECK(r.read_int32("x") == 0);
  CHECK(r.read_string("x", false).empty());
  CHECK(r.position() == at);
  CHECK(r.error() == wire_errc::array_too_long);

  // The compact form: unsigned varint 0xffffffff = count 2^32-2.
  auto compact = bytes_of({0xff, 0xff, 0xff, 0xff, 0x0f, 0, 0});
  wire_reader c(compact.data(), compact.size());
  CHECK(c.read_array_length("f", true, false, 1) == 0);
  CHECK(c.error() == wire_errc::array_too_long);
}

TEST_CASE("bad lengths, nulls and varints are errors naming the field", "[kafka]") {
  SECTION("negative string length") {
    auto in = bytes_of({0xff, 0xfe});
    wire_reader r(in.data(), in.size());
    r.read_nullable_string("T.Name", false, true);
    CHECK(r.error() == wire_errc::bad_length);
  }
  SECTION("null where the version forbids it") {
    auto in = bytes_of({0xff, 0xff});
    wire_reader r(in.data(), in.size());
    CHECK(r.read_string("T.Name", false).empty());
    CHECK(r.error() == wire_errc::unexpected_null);
    CHECK(r.error_message().find("T.Name") != std::string::npos);
  }
  SECTION("string longer than the bytes left") {
    auto in = bytes_of({0, 5, 'a', 'b'});
    wire_reader r(in.data(), in.size());
    r.read_string("T.Name", false);
    CHECK(r.error() == wire_errc::truncated);
  }
  SECTION("compact string over Kafka's 32767 limit") {
    auto in = bytes_of({0x82, 0x80, 0x02}); // unsigned varint 32770: length 32769
    wire_reader r(in.data(), in.size());
    r.read_string("T.Name", true);
    CHECK(r.error() == wire_errc::bad_length);
  }
  SECTION("varint of six bytes") {
    auto in = bytes_of({0x80, 0x80, 0x80, 0x80, 0x80, 0x01});
    wire_reader r(in.data(), in.size());
    r.read_unsigned_varint("T.Count");
    CHECK(r.error() == wire_errc::bad_varint);
  }
  SECTION("negative bytes length") {
    auto in = bytes_of({0xff, 0xff, 0xff, 0xf0});
    wire_reader r(in.data(), in.size());
    r.read_nullable_bytes("T.Records", false, true);
    CHECK(r.error() == wire_errc::bad_length);
  }
}

TEST_CASE("tagged fields: unknown tags are skipped, sizes are enforced", "[kafka]") {
  std::vector<char> out;
  wire_writer w(out);
  w.write_unsigned_varint(2);
  auto at = w.begin_tagged_field(7);
  w.write_int32(99);
  w.end_tagged_field(at);
  at = w.begin_tagged_field(9);
  w.write_int16(5);
  w.end_tagged_field(at);
  w.write_int8(42);
  CHECK(out == bytes_of({2, 7, 4, 0, 0, 0, 99, 9, 2, 0, 5, 42}));

  int16_t known = 0;
  wire_reader r(out.data(), out.size());
  r.read_tagged_fields("T", [&](uint32_t tag) {
    if (tag != 9)
      return false;
    known = r.read_int16("T.Known");
    return true;
  });
  CHECK(r.ok());
  CHECK(known == 5);
  CHECK(r.read_int8("after") == 42);

  // A known field that reads more than its declared size fails inside the section.
  wire_reader over(out.data(), out.size());
  over.read_tagged_fields("T", [&](uint32_t tag) {
    if (tag == 9)
      over.read_int32("T.Known");
    return tag == 9;
  });
  CHECK(over.error() == wire_errc::truncated);

  auto past_end = bytes_of({1, 0, 9, 1, 2});
  wire_reader p(past_end.data(), past_end.size());
  p.skip_tagged_fields("T");
  CHECK(p.error() == wire_errc::truncated);
}

TEST_CASE("header versions follow the flexible versions, ApiVersions responses stay v0",
          "[kafka]") {
  CHECK(request_header_version(api_key::api_versions, 2) == 1);
  CHECK(request_header_version(api_key::api_versions, 3) == 2);
  CHECK(response_header_version(api_key::api_versions, 3) == 0);
  CHECK(response_header_version(api_key::api_versions, 4) == 0);
  CHECK(request_header_version(api_key::metadata, 8) == 1);
  CHECK(request_header_version(api_key::metadata, 9) == 2);
  CHECK(response_header_version(api_key::metadata, 8) == 0);
  CHECK(response_header_version(api_key::metadata, 9) == 1);
  CHECK(request_header_version(api_key::describe_cluster, 0) == 2);
  CHECK(request_header_version(api_key::sasl_handshake, 1) == 1);
  CHECK(response_header_version(api_key::sasl_handshake, 1) == 0);
  CHECK(request_header_version(api_key::controlled_shutdown, 0) == 0);
  CHECK(request_header_version(static_cast<api_key>(1000), 3) == 1);
  // A future ApiVersions version is still read with the flexible header.
  CHECK(request_header_version(api_key::api_versions, 9) == 2);

  CHECK(supported_versions(api_key::produce).min == 0);
  CHECK(supported_versions(api_key::produce).max == 11);
  CHECK(supported_versions(api_key::api_versions).contains(4));
  CHECK(!supported_versions(api_key::api_versions).contains(5));
  CHECK(supported_versions(api_key::leader_and_isr).empty());
  CHECK(flexible_versions_from(api_key::fetch) == 12);
  CHECK(api_key_name(api_key::incremental_alter_configs) == "IncrementalAlterConfigs");
  CHECK(api_key_name(static_cast<api_key>(-3)) == "Unknown");
}

TEST_CASE("request headers v0, v1 and v2 decode and encode", "[kafka]") {
  SECTION("v1: Metadata v1 with a client id") {
    auto in = bytes_of({0, 3, 0, 1, 0, 0, 0, 7, 0, 2, 'c', 'l', 0xaa});
    wire_reader r(in.data(), in.size());
    request_header h;
    REQUIRE(decode_request_header(r, &h));
    CHECK(h.request_api_key == api_key::metadata);
    CHECK(h.request_api_version == 1);
    CHECK(h.correlation_id == 7);
    CHECK(h.client_id == std::optional<std::string>("cl"));
    CHECK(h.header_version == 1);
    CHECK(r.remaining() == 1);
    std::vector<char> out;
    wire_writer w(out);
    encode_request_header(w, h);
    CHECK(out == std::vector<char>(in.begin(), in.end() - 1));
  }
  SECTION("v2: ApiVersions v3, classic client id then tagged fields") {
    auto in = bytes_of({0, 18, 0, 3, 0, 0, 0, 1, 0xff, 0xff, 1, 5, 1, 0});
    wire_reader r(in.data(), in.size());
    request_header h;
    REQUIRE(decode_request_header(r, &h));
    CHECK(h.header_version == 2);
    CHECK(h.client_id == std::nullopt);
    CHECK(r.remaining() == 0); // the unknown tag 5 was skipped
  }
  SECTION("v0: ControlledShutdown v0 has no client id") {
    auto in = bytes_of({0, 7, 0, 0, 0, 0, 0, 9});
    wire_reader r(in.data(), in.size());
    request_header h;
    REQUIRE(decode_request_header(r, &h));
    CHECK(h.header_version == 0);
    CHECK(h.correlation_id == 9);
  }
  SECTION("truncated header") {
    auto in = bytes_of({0, 3, 0, 1, 0, 0, 0, 7, 0, 9, 'c'});
    wire_reader r(in.data(), in.size());
    request_header h;
    auto result = decode_request_header(r, &h);
    REQUIRE(!result);
    CHECK(result.error() == make_error_code(wire_errc::truncated));
    CHECK(r.error_message().find("RequestHeader.ClientId") != std::string::npos);
  }
}

TEST_CASE("response headers: v1 carries an empty tagged-field section", "[kafka]") {
  std::vector<char> out;
  wire_writer w(out);
  encode_response_header(w, api_key::metadata, 9, 0x01020304);
  encode_response_header(w, api_key::api_versions, 3, 5);
  CHECK(out == bytes_of({1, 2, 3, 4, 0, 0, 0, 0, 5}));
  wire_reader r(out.data(), out.size());
  response_header h;
  REQUIRE(decode_response_header(r, api_key::metadata, 9, &h));
  CHECK(h.correlation_id == 0x01020304);
  REQUIRE(decode_response_header(r, api_key::api_versions, 3, &h));
  CHECK(h.correlation_id == 5);
  CHECK(r.remaining() == 0);
}
