#pragma once
// Compression codecs of Kafka record batches: gzip (zlib, gzip format), snappy (raw, or the
// xerial framing the Java client writes), lz4 (LZ4 frame format) and zstd. Encoders choose
// the same settings librdkafka uses, so a batch we build matches a librdkafka producer's.
// Decoders are bounded: they never grow the output past `max_output` bytes and stream the
// payload in chunks, so a "zip bomb" fails with errc::decompressed_too_large instead of
// exhausting memory; corrupt input fails with errc::decompression_failed.
// Pure functions, thread-safe (no shared state; each call creates its own codec context).

#include "tributary/common/result.hpp"
#include "tributary/protocol/batch_header.hpp"
#include "tributary/protocol/errc.hpp"
#include "tributary/protocol/span.hpp"

#include <climits>
#include <vector>

namespace tributary::protocol {

/// How snappy payloads are framed. Decoding detects the framing by its magic bytes.
enum class snappy_framing : int8_t {
  raw,    // one raw snappy block: what librdkafka writes (and Java clients read)
  xerial, // 0x82 "SNAPPY" 0, version ints, then length-prefixed 32 KiB blocks (Java client)
};

inline constexpr int default_compression_level = INT_MIN; // the codec's own default

struct compression_options {
  int level = default_compression_level; // gzip 1..9, lz4 0..12, zstd 1..22
  snappy_framing snappy = snappy_framing::raw;
};

/// Appends the compressed form of `in` to `out` (codec none appends a copy).
/// Fails with errc::unknown_compression or errc::compression_failed; `out` keeps its
/// original contents on failure.
result<void> compress(compression_codec codec, byte_span in, std::vector<std::byte>& out,
                      const compression_options& options = {});

/// Appends the decompressed form of `in` to `out`, appending at most `max_output` bytes.
/// Fails with errc::unknown_compression, errc::decompression_failed (corrupt, truncated or
/// trailing garbage) or errc::decompressed_too_large; `out` keeps its original contents
/// on failure.
result<void> decompress(compression_codec codec, byte_span in, std::vector<std::byte>& out,
                        size_t max_output);

/// True for the codecs this module implements (none, gzip, snappy, lz4, zstd).
bool is_known_codec(compression_codec codec) noexcept;

} // namespace tributary::protocol
