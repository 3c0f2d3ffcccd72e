#pragma once
// RecordBatch v2 header (Kafka magic 2): the 61 bytes every batch starts with.
// Layout (big-endian):
//   0 base_offset i64 | 8 batch_length i32 | 12 partition_leader_epoch i32 | 16 magic i8
//   17 crc u32 (CRC32C of bytes 21..end) | 21 attributes i16 | 23 last_offset_delta i32
//   27 base_timestamp i64 | 35 max_timestamp i64 | 43 producer_id i64
//   51 producer_epoch i16 | 53 base_sequence i32 | 57 records_count i32 | 61 records...
// base_offset and partition_leader_epoch sit outside the CRC'd range, so a log can assign
// them without re-checksumming. Pure functions over byte spans; thread-safe.

#include "tributary/common/result.hpp"

#include <cstddef>
#include <cstdint>

namespace tributary::protocol {

inline constexpr size_t batch_header_size = 61;
inline constexpr size_t batch_length_offset = 8; // where batch_length lives
inline constexpr size_t batch_overhead = 12;     // base_offset + batch_length
inline constexpr size_t leader_epoch_offset = 12;
inline constexpr size_t magic_offset = 16;
inline constexpr size_t crc_offset = 17;
inline constexpr size_t crc_range_offset = 21; // CRC covers [21, 12 + batch_length)
inline constexpr int8_t current_magic = 2;

enum class compression_codec : int8_t { none = 0, gzip = 1, snappy = 2, lz4 = 3, zstd = 4 };
enum class timestamp_type : int8_t { create_time = 0, log_append_time = 1 };

// Attribute bits (Kafka: bits 0-2 codec, 3 timestamp type, 4 transactional, 5 control,
// 6 delete horizon flag).
inline constexpr int16_t attr_codec_mask = 0x07;
inline constexpr int16_t attr_timestamp_type = 0x08;
inline constexpr int16_t attr_transactional = 0x10;
inline constexpr int16_t attr_control = 0x20;
inline constexpr int16_t attr_delete_horizon = 0x40;

/// The decoded fixed fields of one batch: a plain value, owned by whoever parsed it.
struct batch_header {
  int64_t base_offset = 0;
  int32_t batch_length = 0; // bytes after the batch_length field
  int32_t partition_leader_epoch = -1;
  int8_t magic = current_magic;
  uint32_t crc = 0;
  int16_t attributes = 0;
  int32_t last_offset_delta = 0;
  int64_t base_timestamp = 0;
  int64_t max_timestamp = 0;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  int32_t base_sequence = -1;
  int32_t records_count = 0;

  size_t total_size() const { return batch_overhead + static_cast<size_t>(batch_length); }
  int64_t last_offset() const { // wraps instead of overflowing on hostile input
    return static_cast<int64_t>(static_cast<uint64_t>(base_offset) +
                                static_cast<uint64_t>(static_cast<int64_t>(last_offset_delta)));
  }
  compression_codec codec() const { return compression_codec(attributes & attr_codec_mask); }
  timestamp_type ts_type() const {
    return (attributes & attr_timestamp_type) ? timestamp_type::log_append_time
                                              : timestamp_type::create_time;
  }
  bool is_transactional() const { return attributes & attr_transactional; }
  bool is_control() const { return attributes & attr_control; }
  bool has_delete_horizon() const { return attributes & attr_delete_horizon; }
};

/// Reads the header fields; checks only that 61 bytes are there and the magic is 2.
/// Does not check batch_length against `size` nor the CRC: see validate_batch.
result<batch_header> parse_batch_header(const std::byte* data, size_t size);

/// Full structural check of one batch at `data`: length fits `size`, magic 2, CRC32C,
/// records_count >= 0, last_offset_delta >= 0 (records are not decoded: cheap, O(bytes)
/// for the CRC only). Returns the header on success.
result<batch_header> validate_batch(const std::byte* data, size_t size);

/// Full decode check: validate_batch plus every record parses (decompressing into a
/// bounded buffer when compressed) and the record count and offset deltas agree.
result<batch_header> validate_batch_records(const std::byte* data, size_t size,
                                            size_t max_decompressed_bytes);

/// Writes fields outside the CRC range in place (used by the log to assign offsets).
void set_base_offset(std::byte* batch, int64_t base_offset);
void set_partition_leader_epoch(std::byte* batch, int32_t epoch);

/// Rewrites max_timestamp and sets the log-append-time attribute bit, then recomputes
/// the CRC (for message.timestamp.type=LogAppendTime).
void set_log_append_time(std::byte* batch, size_t size, int64_t timestamp_ms);

} // namespace tributary::protocol
