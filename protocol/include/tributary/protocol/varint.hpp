#pragma once
// Kafka's zigzag varints (protobuf style, ByteUtils.readVarint/readVarlong in the Java
// client): records use them for every length, delta and count. Decoders are bounds-checked
// against the input span and reject encodings longer than 5 bytes (32-bit) or 10 bytes
// (64-bit) with errc::bad_varint; running out of input is errc::truncated.
// Pure functions, thread-safe.

#include "tributary/common/result.hpp"
#include "tributary/protocol/errc.hpp"
#include "tributary/protocol/span.hpp"

#include <cstdint>
#include <vector>

namespace tributary::protocol {

inline constexpr size_t max_varint_size = 5;
inline constexpr size_t max_varlong_size = 10;

/// Decodes a zigzag varint at in[pos]; advances `pos` past it on success only.
result<int32_t> read_varint(byte_span in, size_t& pos) noexcept;
/// Decodes a zigzag varlong at in[pos]; advances `pos` past it on success only.
result<int64_t> read_varlong(byte_span in, size_t& pos) noexcept;
/// Decodes an unsigned (non-zigzag) varint, as flexible protocol versions use.
result<uint32_t> read_unsigned_varint(byte_span in, size_t& pos) noexcept;

/// Encodes into `out`, which must have max_varint_size bytes; returns bytes written.
size_t write_varint(int32_t value, std::byte* out) noexcept;
/// Encodes into `out`, which must have max_varlong_size bytes; returns bytes written.
size_t write_varlong(int64_t value, std::byte* out) noexcept;
size_t write_unsigned_varint(uint32_t value, std::byte* out) noexcept;

/// Encoded sizes, for computing record lengths before writing.
size_t varint_size(int32_t value) noexcept;
size_t varlong_size(int64_t value) noexcept;

void append_varint(std::vector<std::byte>& out, int32_t value);
void append_varlong(std::vector<std::byte>& out, int64_t value);

} // namespace tributary::protocol
