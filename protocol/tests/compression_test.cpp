#include "tributary/protocol/compression.hpp"

#include "test_bytes.hpp"

#include <catch2/catch.hpp>
#include <lz4frame.h>
#include <zstd.h>

using namespace tributary::protocol;
using namespace tributary::protocol::test;

namespace {

const compression_codec k_codecs[] = {compression_codec::none, compression_codec::gzip,
                                      compression_codec::snappy, compression_codec::lz4,
                                      compression_codec::zstd};
const compression_codec k_real_codecs[] = {compression_codec::gzip, compression_codec::snappy,
                                           compression_codec::lz4, compression_codec::zstd};

bytes compressed(compression_codec codec, byte_span in, compression_options options = {}) {
  bytes out;
  auto r = compress(codec, in, out, options);
  REQUIRE(r);
  return out;
}

std::error_code inflate_error(compression_codec codec, byte_span in, size_t max) {
  bytes out = to_bytes("keep");
  auto r = decompress(codec, in, out, max);
  CHECK(out == to_bytes("keep")); // a failed call leaves the buffer as it was
  return r ? std::error_code() : r.error();
}

} // namespace

TEST_CASE("every codec round-trips empty, tiny, text and random payloads", "[compression]") {
  const bytes inputs[] = {bytes(), to_bytes("x"), text_bytes(100000, 1), random_bytes(70000, 2),
                          text_bytes(3 << 20, 3)};
  for (auto codec : k_codecs) {
    for (const auto& in : inputs) {
      INFO("codec " << int(codec) << " size " << in.size());
      bytes c = compressed(codec, in);
      bytes out = to_bytes("prefix");
      auto r = decompress(codec, c, out, in.size());
      REQUIRE(r);
      CHECK(out.size() == 6 + in.size());
      CHECK(std::equal(in.begin(), in.end(), out.begin() + 6));
    }
  }
}

TEST_CASE("snappy decodes both raw and xerial framing; xerial layout is the Java one",
          "[compression][snappy]") {
  bytes in = text_bytes(100000, 4); // spans four 32 KiB xerial blocks
  bytes xerial = compressed(compression_codec::snappy, in,
                            {default_compression_level, snappy_framing::xerial});
  CHECK(to_hex(byte_span(xerial).first(16)) == "82534e4150505900"
                                               "00000001"
                                               "00000001");
  bytes raw = compressed(compression_codec::snappy, in);
  CHECK(raw[0] != std::byte{0x82});
  for (const bytes* c : {&xerial, &raw}) {
    bytes out;
    REQUIRE(decompress(compression_codec::snappy, *c, out, in.size()));
    CHECK(out == in);
  }
  // A header-only xerial stream holds no data.
  bytes out;
  REQUIRE(decompress(compression_codec::snappy, byte_span(xerial).first(16), out, 10));
  CHECK(out.empty());
}

TEST_CASE("decompression succeeds at exactly the limit and fails one byte below it",
          "[compression][bomb]") {
  bytes in = text_bytes(200000, 5);
  for (auto codec : k_codecs) {
    INFO("codec " << int(codec));
    bytes c = compressed(codec, in);
    bytes out;
    CHECK(decompress(codec, c, out, in.size()));
    CHECK(inflate_error(codec, c, in.size() - 1) == errc::decompressed_too_large);
    CHECK(inflate_error(codec, c, 0) == errc::decompressed_too_large);
  }
}

TEST_CASE("zip bombs fail with decompressed_too_large without inflating them",
          "[compression][bomb]") {
  bytes zeros(64 << 20); // 64 MiB of zeros: a few KiB once compressed
  for (auto codec : k_real_codecs) {
    INFO("codec " << int(codec));
    bytes bomb = compressed(codec, zeros);
    CHECK(bomb.size() < zeros.size() / 20); // snappy tops out near 21:1
    CHECK(inflate_error(codec, bomb, 1 << 20) == errc::decompressed_too_large);
  }
}

TEST_CASE("declared sizes are checked before anything is allocated", "[compression][bomb]") {
  // raw snappy claiming 4 GiB - 1: preamble varint only
  bytes snappy_claim = from_hex("ff ff ff ff 0f 00");
  CHECK(inflate_error(compression_codec::snappy, snappy_claim, 1 << 20) ==
        errc::decompressed_too_large);
  // xerial block claiming 2 GiB
  bytes xerial = from_hex("82534e4150505900 00000001 00000001 00000006 ffffffff07 00");
  CHECK(inflate_error(compression_codec::snappy, xerial, 1 << 20) == errc::decompressed_too_large);
  // zstd and lz4 frames that state a content size above the limit
  bytes in = text_bytes(300000, 6);
  bytes z(ZSTD_compressBound(in.size()));
  z.resize(ZSTD_compress(z.data(), z.size(), in.data(), in.size(), 1));
  CHECK(ZSTD_getFrameContentSize(z.data(), z.size()) == in.size());
  CHECK(inflate_error(compression_codec::zstd, z, 1000) == errc::decompressed_too_large);
  LZ4F_preferences_t prefs{};
  prefs.frameInfo.contentSize = in.size();
  bytes l(LZ4F_compressFrameBound(in.size(), &prefs));
  l.resize(LZ4F_compressFrame(l.data(), l.size(), in.data(), in.size(), &prefs));
  CHECK(inflate_error(compression_codec::lz4, l, 1000) == errc::decompressed_too_large);
  bytes out;
  CHECK(decompress(compression_codec::lz4, l, out, in.size()));
  CHECK(out == in);
}

TEST_CASE("corrupt, truncated and garbage-tailed payloads fail cleanly",
          "[compression][malformed]") {
  bytes in = text_bytes(50000, 7);
  for (auto codec : k_real_codecs) {
    INFO("codec " << int(codec));
    bytes c = compressed(codec, in);
    CHECK(inflate_error(codec, byte_span(), 1 << 20) == errc::decompression_failed);
    CHECK(inflate_error(codec, byte_span(c).first(c.size() / 2), 1 << 20) ==
          errc::decompression_failed);
    bytes tailed = c;
    tailed.push_back(std::byte{0x5a});
    tailed.push_back(std::byte{0x17});
    CHECK(inflate_error(codec, tailed, 1 << 20) == errc::decompression_failed);
    CHECK(inflate_error(codec, random_bytes(1000, 8), 1 << 20) == errc::decompression_failed);
  }
}

TEST_CASE("random corruption never crashes or over-reads any decoder", "[compression][fuzz]") {
  bytes in = text_bytes(20000, 9);
  std::mt19937 rng(10);
  for (auto codec : k_real_codecs) {
    bytes c = compressed(codec, in);
    for (int round = 0; round < 300; ++round) {
      bytes m = c;
      for (int flips = 0; flips < 1 + round % 4; ++flips)
        m[rng() % m.size()] ^= static_cast<std::byte>(1 + rng() % 255);
      m.resize(m.size() - rng() % 3);
      bytes out;
      auto r = decompress(codec, m, out, in.size() + 100);
      if (!r)
        CHECK(
            (r.error() == errc::decompression_failed || r.error() == errc::decompressed_too_large));
      else
        CHECK(out.size() <= in.size() + 100);
    }
  }
}

TEST_CASE("gzip accepts concatenated members like GZIPInputStream", "[compression][gzip]") {
  bytes a = to_bytes("hello "), b = to_bytes("world");
  bytes c = compressed(compression_codec::gzip, a);
  bytes cb = compressed(compression_codec::gzip, b);
  c.insert(c.end(), cb.begin(), cb.end());
  bytes out;
  REQUIRE(decompress(compression_codec::gzip, c, out, 100));
  CHECK(out == to_bytes("hello world"));
}

TEST_CASE("unknown codec numbers are refused", "[compression][malformed]") {
  bytes out;
  for (int c : {5, 6, 7}) {
    CHECK(compress(compression_codec(c), as_bytes("x"), out).error() == errc::unknown_compression);
    CHECK(decompress(compression_codec(c), as_bytes("x"), out, 10).error() ==
          errc::unknown_compression);
    CHECK_FALSE(is_known_codec(compression_codec(c)));
  }
  CHECK(out.empty());
}
