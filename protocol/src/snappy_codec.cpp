// snappy: raw blocks (what librdkafka writes) and the xerial stream framing of the Java
// client (snappy-java's SnappyOutputStream). Decoding detects xerial by its magic header.
#include "codecs.hpp"

#include "big_endian.hpp"

#include <cstring>
#include <snappy.h>

namespace tributary::protocol::detail {
namespace {

constexpr unsigned char k_xerial_magic[8] = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
constexpr size_t k_xerial_header_size = 16;       // magic + version i32 + compatible version i32
constexpr size_t k_xerial_block_size = 32 * 1024; // SnappyOutputStream's default
constexpr int32_t k_xerial_version = 1;

bool has_xerial_magic(byte_span in) {
  return in.size() >= k_xerial_header_size &&
         std::memcmp(in.data(), k_xerial_magic, sizeof k_xerial_magic) == 0;
}

void append_raw_block(byte_span in, std::vector<std::byte>& out) {
  size_t at = out.size();
  out.resize(at + snappy::MaxCompressedLength(in.size()));
  size_t written = 0;
  snappy::RawCompress(reinterpret_cast<const char*>(in.data()), in.size(),
                      reinterpret_cast<char*>(out.data() + at), &written);
  out.resize(at + written);
}

// Decodes one raw block, checking its declared size against the budget before allocating.
errc decode_raw_block(byte_span in, bounded_output& sink) {
  const char* src = reinterpret_cast<const char*>(in.data());
  size_t declared = 0;
  if (!snappy::GetUncompressedLength(src, in.size(), &declared))
    return errc::decompression_failed;
  auto [dst, room] = sink.reserve(declared);
  if (room < declared) {
    return errc::decompressed_too_large;
  }
  if (!snappy::RawUncompress(src, in.size(), reinterpret_cast<char*>(dst)))
    return errc::decompression_failed;
  sink.commit(declared);
  return sink.is_over_limit() ? errc::decompressed_too_large : errc::ok;
}

errc decode_xerial(byte_span in, bounded_output& sink) {
  size_t pos = k_xerial_header_size; // versions are informational; snappy-java ignores them
  while (pos < in.size()) {
    if (in.size() - pos < 4)
      return errc::decompression_failed;
    int32_t length = load_be<int32_t>(in.data() + pos);
    pos += 4;
    if (length < 0 || static_cast<size_t>(length) > in.size() - pos)
      return errc::decompression_failed;
    if (errc e = decode_raw_block(in.subspan(pos, static_cast<size_t>(length)), sink);
        e != errc::ok)
      return e;
    pos += static_cast<size_t>(length);
  }
  return errc::ok;
}

} // namespace

result<void> snappy_compress(byte_span in, std::vector<std::byte>& out, snappy_framing framing) {
  if (framing == snappy_framing::raw) {
    append_raw_block(in, out);
    return {};
  }
  size_t at = out.size();
  out.resize(at + k_xerial_header_size);
  std::memcpy(out.data() + at, k_xerial_magic, sizeof k_xerial_magic);
  store_be<int32_t>(out.data() + at + 8, k_xerial_version);
  store_be<int32_t>(out.data() + at + 12, k_xerial_version);
  for (size_t pos = 0; pos < in.size(); pos += k_xerial_block_size) {
    size_t length_at = out.size();
    out.resize(length_at + 4);
    append_raw_block(in.subspan(pos, std::min(k_xerial_block_size, in.size() - pos)), out);
    store_be<int32_t>(out.data() + length_at, static_cast<int32_t>(out.size() - length_at - 4));
  }
  return {};
}

result<void> snappy_decompress(byte_span in, std::vector<std::byte>& out, size_t max_output) {
  bounded_output sink(out, max_output);
  errc e = has_xerial_magic(in) ? decode_xerial(in, sink) : decode_raw_block(in, sink);
  if (e != errc::ok)
    return unexpected(e);
  sink.finish();
  return {};
}

} // namespace tributary::protocol::detail
