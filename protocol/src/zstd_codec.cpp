// zstd: streamed like librdkafka's producer (ZSTD_initCStream, no pledged size, so the
// frame header carries no content size). Decoding streams in bounded chunks and caps the
// window the frame may demand, so neither output nor decoder memory follow hostile headers.
#include "codecs.hpp"

#include <memory>
#include <zstd.h>
#include <zstd_errors.h>

namespace tributary::protocol::detail {
namespace {

struct cctx_deleter {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
struct dctx_deleter {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

// Window log allowed for a given output limit: 8 MiB at least (zstd's default for levels
// up to 19 without a known size), never above the 128 MiB zstd itself allows by default.
int window_log_max(size_t max_output) {
  int log = 0;
  while (log < 62 && (size_t{1} << log) < max_output)
    ++log;
  return std::clamp(log, 23, 27);
}

} // namespace

result<void> zstd_compress(byte_span in, std::vector<std::byte>& out, int level) {
  std::unique_ptr<ZSTD_CCtx, cctx_deleter> cctx(ZSTD_createCCtx());
  if (!cctx)
    return unexpected(errc::compression_failed);
  if (level == default_compression_level)
    level = ZSTD_CLEVEL_DEFAULT;
  if (ZSTD_isError(ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_compressionLevel, level)))
    return unexpected(errc::compression_failed);
  const size_t start = out.size();
  const size_t bound = ZSTD_compressBound(in.size()) + 64;
  out.resize(start + bound);
  ZSTD_outBuffer dst{out.data() + start, bound, 0};
  ZSTD_inBuffer src{in.data(), in.size(), 0};
  // e_continue first, then e_end: a single e_end call would pledge the size into the frame
  // header, which librdkafka's producer does not do.
  size_t r = ZSTD_compressStream2(cctx.get(), &dst, &src, ZSTD_e_continue);
  while (!ZSTD_isError(r) && src.pos < src.size)
    r = ZSTD_compressStream2(cctx.get(), &dst, &src, ZSTD_e_continue);
  while (!ZSTD_isError(r)) {
    r = ZSTD_compressStream2(cctx.get(), &dst, &src, ZSTD_e_end);
    if (r == 0 || dst.pos == dst.size)
      break;
  }
  if (ZSTD_isError(r) || r != 0) {
    out.resize(start);
    return unexpected(errc::compression_failed);
  }
  out.resize(start + dst.pos);
  return {};
}

result<void> zstd_decompress(byte_span in, std::vector<std::byte>& out, size_t max_output) {
  unsigned long long declared = ZSTD_getFrameContentSize(in.data(), in.size());
  if (declared == ZSTD_CONTENTSIZE_ERROR)
    return unexpected(errc::decompression_failed);
  if (declared != ZSTD_CONTENTSIZE_UNKNOWN && declared > max_output)
    return unexpected(errc::decompressed_too_large);
  std::unique_ptr<ZSTD_DCtx, dctx_deleter> dctx(ZSTD_createDCtx());
  if (!dctx || ZSTD_isError(ZSTD_DCtx_setParameter(dctx.get(), ZSTD_d_windowLogMax,
                                                   window_log_max(max_output))))
    return unexpected(errc::decompression_failed);
  bounded_output sink(out, max_output);
  ZSTD_inBuffer src{in.data(), in.size(), 0};
  for (;;) {
    auto [dst_data, room] = sink.reserve(next_chunk(in.size(), sink.written()));
    ZSTD_outBuffer dst{dst_data, room, 0};
    size_t r = ZSTD_decompressStream(dctx.get(), &dst, &src);
    sink.commit(dst.pos);
    if (ZSTD_isError(r)) {
      bool is_window_too_large = ZSTD_getErrorCode(r) == ZSTD_error_frameParameter_windowTooLarge;
      return unexpected(is_window_too_large ? errc::decompressed_too_large
                                            : errc::decompression_failed);
    }
    if (sink.is_over_limit())
      return unexpected(errc::decompressed_too_large);
    if (r == 0 && src.pos == src.size)
      break; // last frame complete, all input used
    if (src.pos == src.size && dst.pos < dst.size)
      return unexpected(errc::decompression_failed); // input ended inside a frame
  }
  sink.finish();
  return {};
}

} // namespace tributary::protocol::detail
