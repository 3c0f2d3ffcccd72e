// Golden bytes from a real Kafka client: tests/golden/rdkafka_*.bin are RecordBatches that
// librdkafka 2.0.2 sent to fake_kafka_broker (regenerate: protocol_capture_golden
// protocol/tests/golden). We must read them exactly and, where the codec is deterministic,
// write the very same bytes.
#include "tributary/protocol/batch_builder.hpp"
#include "tributary/protocol/crc32c.hpp"

#include "decoded_batch.hpp"
#include "golden_messages.hpp"
#include "rdkafka_capture.hpp"

#include <catch2/catch.hpp>

using namespace tributary::protocol;
using namespace tributary::protocol::test;

namespace {

struct fixture {
  const char* file;
  compression_codec codec;
  bool is_idempotent;
};

const fixture k_fixtures[] = {
    {"golden/rdkafka_none.bin", compression_codec::none, false},
    {"golden/rdkafka_gzip.bin", compression_codec::gzip, false},
    {"golden/rdkafka_snappy.bin", compression_codec::snappy, false},
    {"golden/rdkafka_lz4.bin", compression_codec::lz4, false},
    {"golden/rdkafka_zstd.bin", compression_codec::zstd, false},
    {"golden/rdkafka_idempotent.bin", compression_codec::none, true},
};

std::optional<bytes> own_string(const std::optional<std::string>& s) {
  if (!s)
    return std::nullopt;
  return to_bytes(*s);
}

std::vector<owned_record> expected_records() {
  std::vector<owned_record> out;
  int64_t offset = 0;
  for (const auto& m : golden_messages()) {
    owned_record r{offset++, m.timestamp_ms, own_string(m.key), own_string(m.value), {}};
    for (const auto& [k, v] : m.headers)
      r.headers.emplace_back(k, own_string(v));
    out.push_back(std::move(r));
  }
  return out;
}

// Our encoding of golden_messages() with the settings the fixture's producer used.
bytes encode_like(const batch_header& h, compression_codec codec,
                  snappy_framing framing = snappy_framing::raw) {
  batch_options o;
  o.base_offset = h.base_offset;
  o.partition_leader_epoch = h.partition_leader_epoch;
  o.codec = codec;
  o.compression.snappy = framing;
  o.producer_id = h.producer_id;
  o.producer_epoch = h.producer_epoch;
  o.base_sequence = h.base_sequence;
  batch_builder b(o);
  static const auto messages = golden_messages(); // the views below point into it
  std::vector<std::vector<record_header>> headers;
  for (const auto& m : messages) {
    auto& hs = headers.emplace_back();
    for (const auto& [k, v] : m.headers)
      hs.push_back({k, v ? std::optional<byte_span>(as_bytes(*v)) : std::nullopt});
  }
  for (size_t i = 0; i < messages.size(); ++i) {
    const auto& m = messages[i];
    b.append({m.timestamp_ms, m.key ? std::optional<byte_span>(as_bytes(*m.key)) : std::nullopt,
              m.value ? std::optional<byte_span>(as_bytes(*m.value)) : std::nullopt,
              span<const record_header>(headers[i].data(), headers[i].size())});
  }
  bytes out;
  REQUIRE(b.build(out));
  return out;
}

} // namespace

TEST_CASE("librdkafka batches validate, and their CRC is CRC32C over attributes..end",
          "[golden][rdkafka]") {
  for (const auto& f : k_fixtures) {
    INFO(f.file);
    bytes batch = read_fixture(f.file);
    REQUIRE(batch.size() > batch_header_size);
    auto h = validate_batch(batch.data(), batch.size());
    REQUIRE(h);
    CHECK(h->total_size() == batch.size());
    CHECK(h->crc == crc32c(byte_span(batch).subspan(crc_range_offset)));
    CHECK(h->crc == crc32c_portable(byte_span(batch).subspan(crc_range_offset)));
    CHECK(validate_batch_records(batch.data(), batch.size(), 1 << 20));
  }
}

TEST_CASE("librdkafka batches decode to exactly the produced records", "[golden][rdkafka]") {
  for (const auto& f : k_fixtures) {
    INFO(f.file);
    bytes batch = read_fixture(f.file);
    auto d = decode_all(batch);
    CHECK(d.header.codec() == f.codec);
    CHECK(d.header.magic == 2);
    CHECK(d.header.base_offset == 0);
    CHECK(d.header.records_count == 5);
    CHECK(d.header.last_offset_delta == 4);
    CHECK(d.header.base_timestamp == 1700000000000);
    CHECK(d.header.max_timestamp == 1700000000010);
    CHECK(d.header.ts_type() == timestamp_type::create_time);
    CHECK_FALSE(d.header.is_transactional());
    CHECK_FALSE(d.header.is_control());
    CHECK(d.header.producer_id == (f.is_idempotent ? 4242 : -1));
    CHECK(d.header.producer_epoch == (f.is_idempotent ? 7 : -1));
    CHECK(d.header.base_sequence == (f.is_idempotent ? 0 : -1));
    CHECK(d.records == expected_records());
  }
}

TEST_CASE("batch_builder writes librdkafka's exact bytes for none, gzip, lz4 and zstd",
          "[golden][rdkafka][builder]") {
  for (const auto& f : k_fixtures) {
    if (f.codec == compression_codec::snappy)
      continue; // librdkafka bundles its own snappy encoder: same data, other bytes
    INFO(f.file);
    bytes golden = read_fixture(f.file);
    auto h = parse_batch_header(golden.data(), golden.size());
    REQUIRE(h);
    bytes ours = encode_like(*h, f.codec);
    CHECK(to_hex(ours) == to_hex(golden));
  }
}

TEST_CASE("our snappy batch decodes to the same records as librdkafka's",
          "[golden][rdkafka][snappy]") {
  bytes golden = read_fixture("golden/rdkafka_snappy.bin");
  auto h = parse_batch_header(golden.data(), golden.size());
  REQUIRE(h);
  for (auto framing : {snappy_framing::raw, snappy_framing::xerial}) {
    bytes ours = encode_like(*h, compression_codec::snappy, framing);
    auto ours_decoded = decode_all(ours);
    CHECK(ours_decoded.records == decode_all(golden).records);
    // Same uncompressed record bytes: the difference is only inside the compressed payload.
    std::vector<std::byte> a, b;
    auto ra = record_reader::open(ours, a, 1 << 20);
    auto rb = record_reader::open(golden, b, 1 << 20);
    REQUIRE(ra);
    REQUIRE(rb);
    CHECK(to_hex(ra->records_bytes()) == to_hex(rb->records_bytes()));
  }
}

TEST_CASE("a live librdkafka capture reproduces the committed fixtures", "[golden][live]") {
  for (auto [codec, file] : {std::pair{"none", "golden/rdkafka_none.bin"},
                             std::pair{"zstd", "golden/rdkafka_zstd.bin"}}) {
    INFO(codec);
    auto captured = capture_rdkafka_batch(codec, false);
    INFO(captured.error);
    REQUIRE_FALSE(captured.batch.empty());
    CHECK(to_hex(captured.batch) == to_hex(read_fixture(file)));
  }
}
