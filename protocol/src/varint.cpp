// Zigzag varint codec with bounds checks (see varint.hpp).
#include "tributary/protocol/varint.hpp"

namespace tributary::protocol {
namespace {

// Reads up to `max_bytes` 7-bit groups; the caller zigzag-decodes.
result<uint64_t> read_raw(byte_span in, size_t& pos, size_t max_bytes) noexcept {
  uint64_t value = 0;
  size_t i = pos;
  for (size_t n = 0; n < max_bytes; ++n, ++i) {
    if (i >= in.size())
      return unexpected(errc::truncated);
    auto b = static_cast<uint8_t>(in[i]);
    value |= static_cast<uint64_t>(b & 0x7F) << (7 * n);
    if ((b & 0x80) == 0) {
      pos = i + 1;
      return value;
    }
  }
  return unexpected(errc::bad_varint);
}

size_t write_raw(uint64_t v, std::byte* out) noexcept {
  size_t n = 0;
  while (v >= 0x80) {
    out[n++] = static_cast<std::byte>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  out[n++] = static_cast<std::byte>(v);
  return n;
}

size_t raw_size(uint64_t v) noexcept {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

uint32_t zigzag32(int32_t v) noexcept {
  return (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31);
}
uint64_t zigzag64(int64_t v) noexcept {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}

} // namespace

result<int32_t> read_varint(byte_span in, size_t& pos) noexcept {
  auto raw = read_raw(in, pos, max_varint_size);
  if (!raw)
    return unexpected(raw.error());
  // Like Java's ByteUtils.readVarint, bits above 32 in the fifth byte are dropped.
  auto u = static_cast<uint32_t>(*raw);
  return static_cast<int32_t>((u >> 1) ^ (~(u & 1) + 1));
}

result<int64_t> read_varlong(byte_span in, size_t& pos) noexcept {
  auto raw = read_raw(in, pos, max_varlong_size);
  if (!raw)
    return unexpected(raw.error());
  uint64_t u = *raw;
  return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
}

result<uint32_t> read_unsigned_varint(byte_span in, size_t& pos) noexcept {
  auto raw = read_raw(in, pos, max_varint_size);
  if (!raw)
    return unexpected(raw.error());
  return static_cast<uint32_t>(*raw);
}

size_t write_varint(int32_t value, std::byte* out) noexcept {
  return write_raw(zigzag32(value), out);
}

size_t write_varlong(int64_t value, std::byte* out) noexcept {
  return write_raw(zigzag64(value), out);
}

size_t write_unsigned_varint(uint32_t value, std::byte* out) noexcept {
  return write_raw(value, out);
}

size_t varint_size(int32_t value) noexcept {
  return raw_size(zigzag32(value));
}

size_t varlong_size(int64_t value) noexcept {
  return raw_size(zigzag64(value));
}

void append_varint(std::vector<std::byte>& out, int32_t value) {
  std::byte buf[max_varint_size];
  size_t n = write_varint(value, buf);
  out.insert(out.end(), buf, buf + n);
}

void append_varlong(std::vector<std::byte>& out, int64_t value) {
  std::byte buf[max_varlong_size];
  size_t n = write_varlong(value, buf);
  out.insert(out.end(), buf, buf + n);
}

} // namespace tributary::protocol
