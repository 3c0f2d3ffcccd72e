// Codec dispatch: the per-codec work lives in <codec>_codec.cpp.
#include "tributary/protocol/compression.hpp"

#include "codecs.hpp"

namespace tributary::protocol {

bool is_known_codec(compression_codec codec) noexcept {
  switch (codec) {
  case compression_codec::none:
  case compression_codec::gzip:
  case compression_codec::snappy:
  case compression_codec::lz4:
  case compression_codec::zstd:
    return true;
  }
  return false;
}

result<void> compress(compression_codec codec, byte_span in, std::vector<std::byte>& out,
                      const compression_options& options) {
  switch (codec) {
  case compression_codec::none:
    out.insert(out.end(), in.begin(), in.end());
    return {};
  case compression_codec::gzip:
    return detail::gzip_compress(in, out, options.level);
  case compression_codec::snappy:
    return detail::snappy_compress(in, out, options.snappy);
  case compression_codec::lz4:
    return detail::lz4_compress(in, out, options.level);
  case compression_codec::zstd:
    return detail::zstd_compress(in, out, options.level);
  }
  return unexpected(errc::unknown_compression);
}

result<void> decompress(compression_codec codec, byte_span in, std::vector<std::byte>& out,
                        size_t max_output) {
  switch (codec) {
  case compression_codec::none:
    if (in.size() > max_output)
      return unexpected(errc::decompressed_too_large);
    out.insert(out.end(), in.begin(), in.end());
    return {};
  case compression_codec::gzip:
    return detail::gzip_decompress(in, out, max_output);
  case compression_codec::snappy:
    return detail::snappy_decompress(in, out, max_output);
  case compression_codec::lz4:
    return detail::lz4_decompress(in, out, max_output);
  case compression_codec::zstd:
    return detail::zstd_decompress(in, out, max_output);
  }
  return unexpected(errc::unknown_compression);
}

} // namespace tributary::protocol
