// Hostile and broken input: every errc path is reached here, and (under ASan+UBSan) no
// decoder reads outside its buffer.
#include "tributary/protocol/batch_builder.hpp"
#include "tributary/protocol/crc32c.hpp"

#include "decoded_batch.hpp"

#include <catch2/catch.hpp>
#include <set>

using namespace tributary::protocol;
using namespace tributary::protocol::test;

namespace {

const compression_codec k_codecs[] = {compression_codec::none, compression_codec::gzip,
                                      compression_codec::snappy, compression_codec::lz4,
                                      compression_codec::zstd};

void put32(bytes& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    b[at + i] = static_cast<std::byte>(v >> (24 - 8 * i));
}

void fix_crc(bytes& b) {
  put32(b, crc_offset, crc32c(byte_span(b).subspan(crc_range_offset)));
}

// A batch around hand-written record bytes, with a correct length and CRC.
bytes batch_of(const std::string& records_hex, int32_t count, int32_t last_delta = 10,
               int16_t attributes = 0) {
  bytes records = from_hex(records_hex);
  bytes b(batch_header_size);
  b[magic_offset] = std::byte{2};
  put32(b, batch_length_offset, static_cast<uint32_t>(49 + records.size()));
  b[21] = static_cast<std::byte>(attributes >> 8);
  b[22] = static_cast<std::byte>(attributes & 0xFF);
  put32(b, 23, static_cast<uint32_t>(last_delta));
  put32(b, 57, static_cast<uint32_t>(count));
  b.insert(b.end(), records.begin(), records.end());
  fix_crc(b);
  return b;
}

std::error_code read_error(const bytes& batch, size_t max = 1 << 20) {
  auto h = validate_batch_records(batch.data(), batch.size(), max);
  return h ? std::error_code() : h.error();
}

bytes sample_batch(compression_codec codec) {
  batch_options o;
  o.codec = codec;
  batch_builder b(o);
  record_header h[] = {{"trace", as_bytes("x")}, {"n", std::nullopt}};
  for (int i = 0; i < 4; ++i)
    b.append(
        {100 + i, as_bytes("key"), as_bytes(std::string(50, 'v')), span<const record_header>(h)});
  bytes out;
  REQUIRE(b.build(out));
  return out;
}

} // namespace

// A valid record: length 8 (zigzag 0x10) | attributes 0 | timestamp delta 0 |
// offset delta 0 | key "k" | value "v" | 0 headers.
const char* k_record = "10 00 00 00 02 6b 02 76 00";

TEST_CASE("the hand-written reference record is valid", "[malformed]") {
  CHECK_FALSE(read_error(batch_of(k_record, 1)));
}

TEST_CASE("a batch cut at every byte position fails cleanly", "[malformed]") {
  for (auto codec : k_codecs) {
    bytes full = sample_batch(codec);
    for (size_t n = 0; n < full.size(); ++n) {
      bytes cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
      auto h = validate_batch(cut.data(), cut.size());
      REQUIRE_FALSE(h);
      CHECK(h.error() == (n < batch_header_size ? errc::truncated : errc::bad_batch_length));
      std::vector<std::byte> scratch;
      CHECK_FALSE(record_reader::open(cut, scratch, 1 << 20));
    }
  }
  CHECK(parse_batch_header(nullptr, 0).error() == errc::truncated);
}

TEST_CASE("batch_length below the header or past the buffer is bad_batch_length", "[malformed]") {
  bytes b = batch_of(k_record, 1);
  bytes small = b;
  put32(small, batch_length_offset, 48);
  CHECK(validate_batch(small.data(), small.size()).error() == errc::bad_batch_length);
  bytes negative = b;
  put32(negative, batch_length_offset, 0xFFFFFFF0u);
  CHECK(validate_batch(negative.data(), negative.size()).error() == errc::bad_batch_length);
  bytes huge = b;
  put32(huge, batch_length_offset, 0x7FFFFFFFu);
  CHECK(validate_batch(huge.data(), huge.size()).error() == errc::bad_batch_length);
}

TEST_CASE("only magic 2 is accepted", "[malformed]") {
  for (int magic : {0, 1, 3, -1}) {
    bytes b = batch_of(k_record, 1);
    b[magic_offset] = static_cast<std::byte>(magic);
    CHECK(validate_batch(b.data(), b.size()).error() == errc::unsupported_magic);
    CHECK(validate_batch(b.data(), 20).error() == errc::unsupported_magic);
  }
}

TEST_CASE("any flipped bit in the CRC'd range or the CRC itself is crc_mismatch", "[malformed]") {
  bytes b = sample_batch(compression_codec::lz4);
  for (size_t i = crc_offset; i < b.size(); ++i) {
    bytes flipped = b;
    flipped[i] ^= std::byte{0x10};
    CHECK(validate_batch(flipped.data(), flipped.size()).error() == errc::crc_mismatch);
  }
  bytes outside = b; // base_offset and leader epoch are outside the CRC
  outside[3] ^= std::byte{1};
  outside[13] ^= std::byte{1};
  CHECK(validate_batch(outside.data(), outside.size()));
}

TEST_CASE("record counts must match the records", "[malformed]") {
  CHECK(read_error(batch_of(k_record, -1)) == errc::bad_record_count);
  CHECK(read_error(batch_of(k_record, 2)) == errc::bad_record_count);
  CHECK(read_error(batch_of(k_record, 0)) == errc::trailing_bytes);
  CHECK(read_error(batch_of(std::string(k_record) + " 00", 1)) == errc::trailing_bytes);
}

TEST_CASE("offset deltas must ascend within last_offset_delta", "[malformed]") {
  CHECK(read_error(batch_of(k_record, 1, -1)) == errc::bad_offset_delta);
  const char* delta3 = "10 00 00 06 02 6b 02 76 00";
  CHECK_FALSE(read_error(batch_of(delta3, 1, 3)));
  CHECK(read_error(batch_of(delta3, 1, 2)) == errc::bad_offset_delta);
  CHECK(read_error(batch_of(std::string(delta3) + k_record, 2, 5)) == errc::bad_offset_delta);
  CHECK(read_error(batch_of(std::string(k_record) + k_record, 2, 5)) == errc::bad_offset_delta);
  CHECK(read_error(batch_of("10 00 00 01 02 6b 02 76 00", 1)) == errc::bad_offset_delta);
}

TEST_CASE("overlong varints inside records are bad_varint", "[malformed]") {
  CHECK(read_error(batch_of("92 80 80 80 80 00 00 00 00 02 6b 02 76 00", 1)) ==
        errc::bad_varint); // 6-byte record length
  CHECK(read_error(batch_of("24 00 80 80 80 80 80 80 80 80 80 80 00 00 02 6b 02 76 00", 1)) ==
        errc::bad_varint); // 11-byte timestamp delta
  CHECK(read_error(batch_of("1a 00 00 80 80 80 80 80 00 02 6b 02 76 00", 1)) ==
        errc::bad_varint); // 6-byte offset delta
}

TEST_CASE("record lengths that lie are bad_record_length", "[malformed]") {
  CHECK(read_error(batch_of("01 00 00 00 02 6b 02 76 00", 1)) == errc::bad_record_length);
  CHECK(read_error(batch_of("7e 00 00 00 02 6b 02 76 00", 1)) == errc::bad_record_length);
  CHECK(read_error(batch_of("10 00 00 00 02 6b 02 76", 1)) == errc::bad_record_length);
  CHECK(read_error(batch_of("12 00 00 00 02 6b 02 76 00 00", 1)) == errc::bad_record_length);
  CHECK(read_error(batch_of("00", 1)) == errc::bad_record_length);
  CHECK(read_error(batch_of("80", 1)) == errc::bad_record_length); // cut varint
  CHECK(read_error(batch_of("04 00 80", 1)) == errc::bad_record_length);
}

TEST_CASE("key and value lengths below -1 or past the record are rejected", "[malformed]") {
  CHECK(read_error(batch_of("10 00 00 00 03 6b 02 76 00", 1)) == errc::bad_key_length);
  CHECK(read_error(batch_of("10 00 00 00 10 6b 02 76 00", 1)) == errc::bad_key_length);
  CHECK(read_error(batch_of("10 00 00 00 02 6b 03 76 00", 1)) == errc::bad_value_length);
  CHECK(read_error(batch_of("10 00 00 00 02 6b 06 76 00", 1)) == errc::bad_value_length);
}

TEST_CASE("malformed headers are bad_header", "[malformed]") {
  CHECK(read_error(batch_of("10 00 00 00 02 6b 02 76 01", 1)) == errc::bad_header);
  CHECK(read_error(batch_of("14 00 00 00 02 6b 02 76 02 01 01", 1)) == errc::bad_header);
  CHECK(read_error(batch_of("16 00 00 00 02 6b 02 76 02 02 68 03", 1)) == errc::bad_header);
  CHECK(read_error(batch_of("16 00 00 00 02 6b 02 76 02 02 68 08", 1)) == errc::bad_header);
  CHECK(read_error(batch_of("14 00 00 00 02 6b 02 76 02 08 68", 1)) == errc::bad_header);
}

TEST_CASE("codec bits 5..7 are unknown_compression", "[malformed]") {
  for (int16_t codec : {5, 6, 7})
    CHECK(read_error(batch_of(k_record, 1, 10, codec)) == errc::unknown_compression);
}

TEST_CASE("corrupt compressed payloads with a valid CRC are decompression_failed", "[malformed]") {
  for (auto codec : {compression_codec::gzip, compression_codec::snappy, compression_codec::lz4,
                     compression_codec::zstd}) {
    INFO("codec " << int(codec));
    bytes b = sample_batch(codec);
    b.resize(b.size() - 3); // cut the payload, then re-seal length and CRC
    put32(b, batch_length_offset, static_cast<uint32_t>(b.size() - batch_overhead));
    fix_crc(b);
    CHECK(read_error(b) == errc::decompression_failed);
    // A compressed batch that was really written uncompressed
    bytes lie = batch_of(k_record, 1, 10, static_cast<int16_t>(codec));
    CHECK(read_error(lie) == errc::decompression_failed);
  }
}

TEST_CASE("zip-bomb batches fail with decompressed_too_large for every codec",
          "[malformed][bomb]") {
  bytes zeros(8 << 20);
  for (auto codec : {compression_codec::gzip, compression_codec::snappy, compression_codec::lz4,
                     compression_codec::zstd}) {
    INFO("codec " << int(codec));
    batch_options o;
    o.codec = codec;
    batch_builder b(o);
    b.append({0, std::nullopt, byte_span(zeros), {}});
    bytes batch;
    REQUIRE(b.build(batch));
    CHECK(read_error(batch, 1 << 20) == errc::decompressed_too_large);
    CHECK_FALSE(read_error(batch, 9 << 20));
  }
}

TEST_CASE("a codec library failure is compression_failed", "[malformed]") {
  batch_options o;
  o.codec = compression_codec::gzip;
  o.compression.level = 42; // zlib accepts -1..9
  batch_builder b(o);
  b.append({0, std::nullopt, as_bytes("v"), {}});
  bytes out;
  CHECK(b.build(out).error() == errc::compression_failed);
  CHECK(make_error_code(errc::compression_failed).message().find("compress") != std::string::npos);
}

TEST_CASE("every errc has a distinct, specific message", "[errc]") {
  std::set<std::string> seen;
  for (int e = 0; e <= static_cast<int>(errc::trailing_bytes); ++e) {
    auto msg = make_error_code(static_cast<errc>(e)).message();
    bool is_generic = msg.find("unknown") != std::string::npos;
    CHECK((!is_generic || e == int(errc::unknown_compression)));
    CHECK(seen.insert(msg).second);
  }
  CHECK(std::string(protocol_category().name()) == "tributary.protocol");
}

TEST_CASE("random mutations with a re-sealed CRC never crash the record decoder",
          "[malformed][fuzz]") {
  std::mt19937 rng(99);
  for (auto codec : k_codecs) {
    bytes base = sample_batch(codec);
    for (int round = 0; round < 400; ++round) {
      bytes m = base;
      for (int i = 0; i < 1 + round % 5; ++i) {
        size_t at = batch_header_size + rng() % (m.size() - batch_header_size);
        m[at] = static_cast<std::byte>(rng() & 0xFF);
      }
      if (round % 3 == 0)
        put32(m, 57, rng() % 8); // records_count
      fix_crc(m);
      std::vector<std::byte> scratch;
      auto reader = record_reader::open(m, scratch, 1 << 16);
      if (!reader)
        continue;
      record r;
      size_t count = 0;
      for (auto more = reader->next(r); more && *more; more = reader->next(r)) {
        for (const auto& h : r.headers) // header iteration of a validated record is safe
          count += h.key.size();
      }
      (void)count;
    }
  }
}
