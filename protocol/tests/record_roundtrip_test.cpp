#include "tributary/protocol/batch_builder.hpp"

#include "decoded_batch.hpp"

#include <catch2/catch.hpp>

using namespace tributary::protocol;
using namespace tributary::protocol::test;

namespace {

const compression_codec k_codecs[] = {compression_codec::none, compression_codec::gzip,
                                      compression_codec::snappy, compression_codec::lz4,
                                      compression_codec::zstd};

// A mix of every record shape that has bitten Kafka implementations.
struct sample {
  bytes big = text_bytes(1 << 20, 42); // a 1 MiB value
  bytes k1 = to_bytes("user-1"), v1 = to_bytes("{\"amount\":12}"), h1 = to_bytes("trace-abc");
  record_header headers[3] = {
      {"trace", byte_span(h1)}, {"null-valued", std::nullopt}, {"", byte_span()}};
  std::vector<record_input> inputs() const {
    return {
        {1'700'000'000'000, byte_span(k1), byte_span(v1), span<const record_header>(headers)},
        {1'700'000'000'005, std::nullopt, byte_span(v1), {}}, // null key
        {1'699'999'999'000, byte_span(k1), std::nullopt, {}}, // tombstone, ts before base
        {1'700'000'000'001, byte_span(), byte_span(), {}},    // empty key and value
        {1'700'000'000'002, byte_span(k1), byte_span(big), span<const record_header>(headers, 1)},
        {-5, std::nullopt, std::nullopt, span<const record_header>(headers + 1, 2)},
    };
  }
};

std::vector<owned_record> expected_records(const std::vector<record_input>& in, int64_t base) {
  std::vector<owned_record> out;
  for (size_t i = 0; i < in.size(); ++i) {
    owned_record o{
        base + static_cast<int64_t>(i), in[i].timestamp_ms, own(in[i].key), own(in[i].value), {}};
    for (const auto& h : in[i].headers)
      o.headers.emplace_back(std::string(h.key), own(h.value));
    out.push_back(std::move(o));
  }
  return out;
}

} // namespace

TEST_CASE("every codec and attribute combination round-trips records exactly",
          "[builder][reader]") {
  sample s;
  auto inputs = s.inputs();
  for (auto codec : k_codecs) {
    for (int flags = 0; flags < 8; ++flags) {
      batch_options o;
      o.base_offset = 1000;
      o.partition_leader_epoch = 7;
      o.codec = codec;
      o.is_transactional = flags & 1;
      o.is_control = flags & 2;
      o.ts_type = (flags & 4) ? timestamp_type::log_append_time : timestamp_type::create_time;
      o.log_append_time_ms = 1'800'000'000'000;
      o.producer_id = 77;
      o.producer_epoch = 3;
      o.base_sequence = 500;
      batch_builder b(o);
      for (const auto& r : inputs)
        b.append(r);
      bytes batch;
      auto size = b.build(batch);
      REQUIRE(size);
      CHECK(*size == batch.size());
      INFO("codec " << int(codec) << " flags " << flags);
      auto d = decode_all(batch);
      CHECK(d.header.base_offset == 1000);
      CHECK(d.header.partition_leader_epoch == 7);
      CHECK(d.header.codec() == codec);
      CHECK(d.header.is_transactional() == bool(flags & 1));
      CHECK(d.header.is_control() == bool(flags & 2));
      CHECK(d.header.producer_id == 77);
      CHECK(d.header.producer_epoch == 3);
      CHECK(d.header.base_sequence == 500);
      CHECK(d.header.records_count == 6);
      CHECK(d.header.last_offset_delta == 5);
      CHECK(d.header.base_timestamp == 1'700'000'000'000);
      auto expected = expected_records(inputs, 1000);
      if (flags & 4) {
        CHECK(d.header.ts_type() == timestamp_type::log_append_time);
        CHECK(d.header.max_timestamp == 1'800'000'000'000);
        for (auto& e : expected)
          e.timestamp = 1'800'000'000'000;
      } else {
        CHECK(d.header.max_timestamp == 1'700'000'000'005);
      }
      CHECK(d.records == expected);
      CHECK(validate_batch_records(batch.data(), batch.size(), 4 << 20));
    }
  }
}

TEST_CASE("null and empty keys, values and header values stay distinct", "[builder][reader]") {
  bytes batch;
  batch_builder b;
  record_header hs[] = {{"a", std::nullopt}, {"b", byte_span()}};
  b.append({0, std::nullopt, byte_span(), span<const record_header>(hs)});
  b.append({0, byte_span(), std::nullopt, {}});
  REQUIRE(b.build(batch));
  std::vector<std::byte> scratch;
  auto reader = record_reader::open(batch, scratch, 1 << 20);
  REQUIRE(reader);
  record r;
  REQUIRE(*reader->next(r));
  CHECK_FALSE(r.key);
  REQUIRE(r.value);
  CHECK(r.value->empty());
  CHECK_FALSE(r.is_tombstone());
  auto it = r.headers.begin();
  CHECK(it->key == "a");
  CHECK_FALSE(it->value);
  ++it;
  CHECK(it->key == "b");
  REQUIRE(it->value);
  CHECK(it->value->empty());
  CHECK(++it == r.headers.end());
  REQUIRE(*reader->next(r));
  REQUIRE(r.key);
  CHECK(r.key->empty());
  CHECK(r.is_tombstone());
  CHECK_FALSE(*reader->next(r));
}

TEST_CASE("uncompressed records are views into the batch, not copies", "[reader]") {
  bytes batch;
  batch_builder b;
  b.append({5, as_bytes("key"), as_bytes("value"), {}});
  REQUIRE(b.build(batch));
  std::vector<std::byte> scratch;
  auto reader = record_reader::open(batch, scratch, 1 << 20);
  record r;
  REQUIRE(*reader->next(r));
  CHECK(r.value->data() > batch.data());
  CHECK(r.value->data() < batch.data() + batch.size());
  CHECK(r.encoded.data() == batch.data() + batch_header_size);
  CHECK(scratch.capacity() == 0);
}

TEST_CASE("compaction re-encodes kept records with their offsets and the batch's last offset",
          "[builder][reader]") {
  batch_options o;
  o.base_offset = 200;
  o.codec = compression_codec::zstd;
  batch_builder b(o);
  for (int i = 0; i < 10; ++i)
    b.append({1000 + i, as_bytes("k" + std::to_string(i % 3)), as_bytes(std::to_string(i)), {}});
  bytes original;
  REQUIRE(b.build(original));

  std::vector<std::byte> scratch;
  auto reader = record_reader::open(original, scratch, 1 << 20);
  REQUIRE(reader);
  batch_builder kept(o);
  record r;
  while (*reader->next(r)) // keep only the last record of each key: offsets 7, 8, 9
    if (r.offset_delta >= 7)
      kept.append(r, record_timestamp(reader->header(), r));
  kept.set_last_offset_delta(reader->header().last_offset_delta);
  bytes compacted;
  REQUIRE(kept.build(compacted));
  auto d = decode_all(compacted);
  CHECK(d.header.base_offset == 200);
  CHECK(d.header.last_offset() == 209);
  CHECK(d.header.base_timestamp == 1007);
  REQUIRE(d.records.size() == 3);
  CHECK(d.records[0].offset == 207);
  CHECK(d.records[2].offset == 209);
  CHECK(d.records[2].timestamp == 1009);
  CHECK(*d.records[2].value == to_bytes("9"));
}

TEST_CASE("delete horizon batches carry the horizon as base timestamp", "[builder][reader]") {
  batch_options o;
  o.delete_horizon_ms = 5000;
  batch_builder b(o);
  b.append({4000, as_bytes("k"), std::nullopt, {}}); // negative timestamp delta
  b.append({6000, as_bytes("j"), std::nullopt, {}});
  bytes batch;
  REQUIRE(b.build(batch));
  auto d = decode_all(batch);
  CHECK(d.header.has_delete_horizon());
  CHECK(d.header.base_timestamp == 5000);
  CHECK(d.header.max_timestamp == 6000);
  CHECK(d.records[0].timestamp == 4000);
  CHECK(d.records[1].timestamp == 6000);
}

TEST_CASE("an empty batch builds and reads as zero records", "[builder][reader]") {
  batch_builder b;
  b.set_last_offset_delta(4);
  bytes batch;
  REQUIRE(b.build(batch));
  CHECK(batch.size() == batch_header_size);
  auto d = decode_all(batch);
  CHECK(d.records.empty());
  CHECK(d.header.base_timestamp == -1);
  CHECK(d.header.last_offset_delta == 4);
}

TEST_CASE("builder reports misuse at build time", "[builder][malformed]") {
  batch_builder b;
  b.append({0, std::nullopt, as_bytes("a"), {}}, 5);
  b.append({0, std::nullopt, as_bytes("b"), {}}, 5);
  bytes out;
  CHECK(b.build(out).error() == errc::bad_offset_delta);
  CHECK(out.empty());
  b.reset({});
  b.append({0, std::nullopt, as_bytes("a"), {}}, 3);
  b.set_last_offset_delta(2);
  CHECK(b.build(out).error() == errc::bad_offset_delta);
  batch_options bad;
  bad.codec = compression_codec(6);
  b.reset(bad);
  b.append({0, std::nullopt, as_bytes("a"), {}});
  CHECK(b.build(out).error() == errc::unknown_compression);
  CHECK(out.empty());
}

TEST_CASE("builder appends batches back to back into one buffer", "[builder]") {
  bytes log;
  for (int i = 0; i < 3; ++i) {
    batch_options o;
    o.base_offset = i * 10;
    o.codec = k_codecs[i + 1];
    batch_builder b(o);
    b.append({i, as_bytes("k"), as_bytes("v"), {}});
    REQUIRE(b.build(log));
  }
  size_t pos = 0;
  for (int i = 0; i < 3; ++i) {
    auto h = validate_batch(log.data() + pos, log.size() - pos);
    REQUIRE(h);
    CHECK(h->base_offset == i * 10);
    pos += h->total_size();
  }
  CHECK(pos == log.size());
}
