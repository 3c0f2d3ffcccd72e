#pragma once
// Errors of the protocol module (pure codec: malformed bytes, bad CRC, codec failures).
// Each value is one precise reason; message() says what was wrong.

#include <system_error>

namespace tributary::protocol {

enum class errc {
  ok = 0,
  truncated,              // fewer bytes than a field or the declared length needs
  bad_batch_length,       // batch_length smaller than the header or past the buffer
  unsupported_magic,      // magic byte is not 2
  crc_mismatch,           // CRC32C over attributes..end differs from the stored one
  bad_record_count,       // records_count negative or disagrees with the records
  bad_varint,             // varint longer than 10 bytes / 5 bytes for 32-bit
  bad_record_length,      // a record's length prefix is negative or past the batch
  bad_key_length,         // key length < -1 or past the record
  bad_value_length,       // value length < -1 or past the record
  bad_header,             // header key/value lengths invalid
  bad_offset_delta,       // offset deltas not 0..last_offset_delta ascending
  unknown_compression,    // attributes name a codec other than none/gzip/snappy/lz4/zstd
  compression_failed,     // the codec library returned an error while compressing
  decompression_failed,   // corrupt compressed payload
  decompressed_too_large, // payload inflates past the caller's limit ("zip bomb")
  trailing_bytes,         // bytes left in a batch after its declared records
};

const std::error_category& protocol_category() noexcept;
std::error_code make_error_code(errc e) noexcept;

} // namespace tributary::protocol

template <>
struct std::is_error_code_enum<tributary::protocol::errc> : std::true_type {};
