// A RecordBatch v2 written out byte by byte from the Kafka spec (KIP-98 / the protocol
// guide's "Record Batch" section). The CRC was computed with an independent bit-at-a-time
// CRC32C (Python), not with this module. Pins the layout both ways: we parse these bytes
// into the expected fields, and the builder emits exactly these bytes.
#include "tributary/protocol/batch_builder.hpp"

#include "decoded_batch.hpp"

#include <catch2/catch.hpp>

using namespace tributary::protocol;
using namespace tributary::protocol::test;

namespace {

const char* k_spec_batch = "0000000000000005" // base_offset 5
                           "0000003d"         // batch_length 61 = 49 header bytes + 12
                           "00000002"         // partition_leader_epoch 2
                           "02"               // magic 2
                           "57869249"         // crc32c of everything below
                           "0000"             // attributes: no codec, create time
                           "00000000"         // last_offset_delta 0
                           "00000000000003e8" // base_timestamp 1000
                           "00000000000003e8" // max_timestamp 1000
                           "ffffffffffffffff" // producer_id -1
                           "ffff"             // producer_epoch -1
                           "ffffffff"         // base_sequence -1
                           "00000001"         // records_count 1
                           // record: length 11 (zigzag 0x16), attributes 0, ts delta 0,
                           // offset delta 0, key "k", value "v", 1 header "h" = null
                           "16"
                           "00"
                           "00"
                           "00"
                           "02 6b"
                           "02 76"
                           "02"
                           "02 68"
                           "01";

} // namespace

TEST_CASE("a spec-written batch parses field by field", "[golden][spec]") {
  bytes batch = from_hex(k_spec_batch);
  REQUIRE(batch.size() == 73);
  auto h = validate_batch(batch.data(), batch.size());
  REQUIRE(h);
  CHECK(h->base_offset == 5);
  CHECK(h->batch_length == 61);
  CHECK(h->partition_leader_epoch == 2);
  CHECK(h->crc == 0x57869249u);
  CHECK(h->attributes == 0);
  CHECK(h->last_offset() == 5);
  CHECK(h->base_timestamp == 1000);
  CHECK(h->producer_id == -1);
  CHECK(h->records_count == 1);
  auto d = decode_all(batch);
  REQUIRE(d.records.size() == 1);
  CHECK(d.records[0].offset == 5);
  CHECK(d.records[0].timestamp == 1000);
  CHECK(*d.records[0].key == to_bytes("k"));
  CHECK(*d.records[0].value == to_bytes("v"));
  REQUIRE(d.records[0].headers.size() == 1);
  CHECK(d.records[0].headers[0].first == "h");
  CHECK_FALSE(d.records[0].headers[0].second);
}

TEST_CASE("the builder emits the spec-written batch byte for byte", "[golden][spec][builder]") {
  batch_options o;
  o.base_offset = 5;
  o.partition_leader_epoch = 2;
  batch_builder b(o);
  record_header h[] = {{"h", std::nullopt}};
  b.append({1000, as_bytes("k"), as_bytes("v"), span<const record_header>(h)});
  bytes out;
  REQUIRE(b.build(out));
  CHECK(to_hex(out) == to_hex(from_hex(k_spec_batch)));
}

TEST_CASE("offset, leader epoch and log-append-time edits keep the batch valid", "[batch_header]") {
  bytes batch = from_hex(k_spec_batch);
  set_base_offset(batch.data(), 1'000'000);
  set_partition_leader_epoch(batch.data(), 9);
  auto h = validate_batch(batch.data(), batch.size());
  REQUIRE(h); // both fields sit outside the CRC
  CHECK(h->base_offset == 1'000'000);
  CHECK(h->partition_leader_epoch == 9);
  CHECK(h->crc == 0x57869249u);

  bytes padded = batch;
  padded.resize(batch.size() + 40, std::byte{0xEE}); // e.g. the rest of a segment buffer
  set_log_append_time(padded.data(), padded.size(), 123456);
  auto t = validate_batch(padded.data(), padded.size());
  REQUIRE(t);
  CHECK(t->ts_type() == timestamp_type::log_append_time);
  CHECK(t->max_timestamp == 123456);
  CHECK(t->crc != 0x57869249u);
  CHECK(decode_all(byte_span(padded).first(t->total_size())).records[0].timestamp == 123456);
}

TEST_CASE("attribute bits sit where Kafka puts them", "[golden][spec]") {
  batch_options o;
  o.codec = compression_codec::zstd;
  o.ts_type = timestamp_type::log_append_time;
  o.is_transactional = true;
  o.is_control = true;
  o.delete_horizon_ms = 0;
  batch_builder b(o);
  bytes out;
  REQUIRE(b.build(out));
  // 0x04 zstd | 0x08 log append time | 0x10 transactional | 0x20 control | 0x40 horizon
  CHECK(to_hex(byte_span(out).subspan(21, 2)) == "007c");
}
