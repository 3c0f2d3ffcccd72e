// Messages for protocol::errc: what was wrong with the bytes, and what to look at.
#include "tributary/protocol/errc.hpp"

#include <string>

namespace tributary::protocol {
namespace {

class category final : public std::error_category {
public:
  const char* name() const noexcept override { return "tributary.protocol"; }

  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
    case errc::ok:
      return "success";
    case errc::truncated:
      return "truncated input: fewer bytes than a field or the declared length needs";
    case errc::bad_batch_length:
      return "record batch length is smaller than the 61-byte header or runs past the "
             "buffer";
    case errc::unsupported_magic:
      return "record batch magic is not 2; only RecordBatch v2 (Kafka 0.11+) is supported";
    case errc::crc_mismatch:
      return "record batch CRC32C does not match its contents (corrupt or tampered bytes)";
    case errc::bad_record_count:
      return "record batch records_count is negative or disagrees with the records found";
    case errc::bad_varint:
      return "malformed varint: longer than 5 bytes (int32) or 10 bytes (int64)";
    case errc::bad_record_length:
      return "record length prefix is negative, runs past the batch, or disagrees with "
             "the record's fields";
    case errc::bad_key_length:
      return "record key length is below -1 or runs past the record";
    case errc::bad_value_length:
      return "record value length is below -1 or runs past the record";
    case errc::bad_header:
      return "record header is malformed: negative count, null or oversized key, or a "
             "value length past the record";
    case errc::bad_offset_delta:
      return "record offset deltas must ascend strictly within 0..last_offset_delta";
    case errc::unknown_compression:
      return "batch attributes name an unknown compression codec (valid: 0 none, 1 gzip, "
             "2 snappy, 3 lz4, 4 zstd)";
    case errc::compression_failed:
      return "the compression library failed while compressing the records";
    case errc::decompression_failed:
      return "compressed records are corrupt: the codec could not decode them";
    case errc::decompressed_too_large:
      return "compressed records inflate past the allowed maximum size (raise the limit "
             "only if the producer is trusted)";
    case errc::trailing_bytes:
      return "record batch has bytes left over after its declared records";
    }
    return "unknown protocol error " + std::to_string(value);
  }
};

} // namespace

const std::error_category& protocol_category() noexcept {
  static const category instance;
  return instance;
}

std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), protocol_category()};
}

} // namespace tributary::protocol
