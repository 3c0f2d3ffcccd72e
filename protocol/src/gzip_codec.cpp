// gzip via zlib: deflate with a gzip wrapper (windowBits 15 + 16), as librdkafka and the
// Java client's GZIPOutputStream write it. Decoding accepts concatenated gzip members.
#include "codecs.hpp"

#include <cstring>
#include <zlib.h>

namespace tributary::protocol::detail {
namespace {

constexpr int k_gzip_window_bits = 15 + 16;

Bytef* as_zbytes(const std::byte* p) {
  return reinterpret_cast<Bytef*>(const_cast<std::byte*>(p));
}

// zlib counts in uInt; feed huge inputs in pieces so nothing is truncated silently.
uInt clamp_uint(size_t n) {
  return static_cast<uInt>(std::min<size_t>(n, 1u << 30));
}

} // namespace

result<void> gzip_compress(byte_span in, std::vector<std::byte>& out, int level) {
  if (level == default_compression_level)
    level = Z_DEFAULT_COMPRESSION;
  z_stream s{};
  if (deflateInit2(&s, level, Z_DEFLATED, k_gzip_window_bits, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return unexpected(errc::compression_failed);
  const size_t start = out.size();
  size_t used = start;
  size_t consumed = 0;
  int ret = Z_OK;
  do {
    size_t bound = deflateBound(&s, static_cast<uLong>(in.size() - consumed)) + 64;
    out.resize(used + bound);
    s.next_out = as_zbytes(out.data() + used);
    s.avail_out = clamp_uint(bound);
    s.next_in = as_zbytes(in.data() + consumed);
    s.avail_in = clamp_uint(in.size() - consumed);
    const uInt fed = s.avail_in;
    const uInt room = s.avail_out;
    bool is_last = consumed + fed == in.size();
    ret = deflate(&s, is_last ? Z_FINISH : Z_NO_FLUSH);
    consumed += fed - s.avail_in;
    used += room - s.avail_out;
  } while (ret == Z_OK || ret == Z_BUF_ERROR);
  deflateEnd(&s);
  if (ret != Z_STREAM_END) {
    out.resize(start);
    return unexpected(errc::compression_failed);
  }
  out.resize(used);
  return {};
}

result<void> gzip_decompress(byte_span in, std::vector<std::byte>& out, size_t max_output) {
  z_stream s{};
  if (inflateInit2(&s, k_gzip_window_bits) != Z_OK)
    return unexpected(errc::decompression_failed);
  bounded_output sink(out, max_output);
  size_t consumed = 0;
  errc failure = errc::ok;
  for (;;) {
    auto [dst, room] = sink.reserve(next_chunk(in.size(), sink.written()));
    s.next_out = reinterpret_cast<Bytef*>(dst);
    s.avail_out = clamp_uint(room);
    s.next_in = as_zbytes(in.data() + consumed);
    s.avail_in = clamp_uint(in.size() - consumed);
    const uInt fed = s.avail_in;
    const uInt granted = s.avail_out;
    int ret = inflate(&s, Z_NO_FLUSH);
    consumed += fed - s.avail_in;
    sink.commit(granted - s.avail_out);
    if (sink.is_over_limit()) {
      failure = errc::decompressed_too_large;
      break;
    }
    if (ret == Z_STREAM_END) {
      if (consumed == in.size())
        break;
      inflateReset(&s); // another gzip member follows (GZIPInputStream reads them too)
      continue;
    }
    bool made_progress = fed != s.avail_in || granted != s.avail_out;
    if ((ret != Z_OK && ret != Z_BUF_ERROR) || !made_progress) {
      failure = errc::decompression_failed; // corrupt, or input ended mid-stream
      break;
    }
  }
  inflateEnd(&s);
  if (failure != errc::ok)
    return unexpected(failure);
  sink.finish();
  return {};
}

} // namespace tributary::protocol::detail
