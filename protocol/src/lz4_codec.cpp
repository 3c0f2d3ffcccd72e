// lz4: the LZ4 frame format (lz4frame.h) with independent 64 KiB blocks and no content
// checksum, the preferences librdkafka and Kafka's Java client use for RecordBatch v2.
// Decoding accepts concatenated frames and checks a declared content size up front.
#include "codecs.hpp"

#include <lz4frame.h>
#include <memory>

namespace tributary::protocol::detail {
namespace {

struct cctx_deleter {
  void operator()(LZ4F_cctx* c) const { LZ4F_freeCompressionContext(c); }
};
struct dctx_deleter {
  void operator()(LZ4F_dctx* d) const { LZ4F_freeDecompressionContext(d); }
};

LZ4F_preferences_t kafka_preferences(int level) {
  LZ4F_preferences_t prefs{};
  prefs.frameInfo.blockMode = LZ4F_blockIndependent;
  prefs.compressionLevel = level == default_compression_level ? 0 : level;
  return prefs;
}

} // namespace

result<void> lz4_compress(byte_span in, std::vector<std::byte>& out, int level) {
  LZ4F_cctx* raw = nullptr;
  if (LZ4F_isError(LZ4F_createCompressionContext(&raw, LZ4F_VERSION)))
    return unexpected(errc::compression_failed);
  std::unique_ptr<LZ4F_cctx, cctx_deleter> cctx(raw);
  const LZ4F_preferences_t prefs = kafka_preferences(level);
  const size_t start = out.size();
  size_t bound = LZ4F_compressBound(in.size(), &prefs) + LZ4F_HEADER_SIZE_MAX;
  out.resize(start + bound);
  size_t used = start;
  size_t r = LZ4F_compressBegin(cctx.get(), out.data() + used, bound, &prefs);
  if (!LZ4F_isError(r)) {
    used += r;
    r = LZ4F_compressUpdate(cctx.get(), out.data() + used, start + bound - used, in.data(),
                            in.size(), nullptr);
  }
  if (!LZ4F_isError(r)) {
    used += r;
    r = LZ4F_compressEnd(cctx.get(), out.data() + used, start + bound - used, nullptr);
  }
  if (LZ4F_isError(r)) {
    out.resize(start);
    return unexpected(errc::compression_failed);
  }
  out.resize(used + r);
  return {};
}

result<void> lz4_decompress(byte_span in, std::vector<std::byte>& out, size_t max_output) {
  LZ4F_dctx* raw = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&raw, LZ4F_VERSION)))
    return unexpected(errc::decompression_failed);
  std::unique_ptr<LZ4F_dctx, dctx_deleter> dctx(raw);
  bounded_output sink(out, max_output);
  size_t consumed = 0;
  size_t hint = 1; // LZ4F's "bytes still expected"; 0 means the last frame ended
  bool is_frame_start = true;
  while (consumed < in.size()) {
    if (is_frame_start) { // trust a declared content size only to fail early
      LZ4F_frameInfo_t info{};
      size_t header_size = in.size() - consumed;
      hint = LZ4F_getFrameInfo(dctx.get(), &info, in.data() + consumed, &header_size);
      if (LZ4F_isError(hint))
        return unexpected(errc::decompression_failed);
      if (info.contentSize > max_output - std::min(max_output, sink.written()))
        return unexpected(errc::decompressed_too_large);
      consumed += header_size;
      is_frame_start = false;
    }
    auto [dst, room] = sink.reserve(next_chunk(in.size(), sink.written()));
    size_t produced = room;
    size_t fed = in.size() - consumed;
    hint = LZ4F_decompress(dctx.get(), dst, &produced, in.data() + consumed, &fed, nullptr);
    if (LZ4F_isError(hint))
      return unexpected(errc::decompression_failed);
    consumed += fed;
    sink.commit(produced);
    if (sink.is_over_limit())
      return unexpected(errc::decompressed_too_large);
    if (hint == 0)
      is_frame_start = true; // frame complete; the context resets itself for the next one
    else if (fed == 0 && produced == 0)
      return unexpected(errc::decompression_failed); // no progress: cannot continue
  }
  if (hint != 0) // input ended inside a frame (or held only part of a header)
    return unexpected(errc::decompression_failed);
  sink.finish();
  return {};
}

} // namespace tributary::protocol::detail
