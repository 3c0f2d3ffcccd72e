#pragma once
// batch_builder: encodes records into one complete RecordBatch v2 (header, records,
// compression, CRC32C), byte-for-byte what a Kafka client with the same settings sends.
//
//   batch_options options;
//   options.codec = compression_codec::lz4;
//   batch_builder b(options);
//   b.append({now_ms, as_bytes("k"), as_bytes("v"), {}});    // timestamp, key, value, headers
//   std::vector<std::byte> out;
//   auto size = b.build(out);                              // appends one batch to `out`
//
// The compactor re-encodes kept records with append(const record&, timestamp) (offset
// deltas preserved) and set_last_offset_delta() to keep the original batch's last offset.

#include "tributary/common/result.hpp"
#include "tributary/protocol/batch_header.hpp"
#include "tributary/protocol/compression.hpp"
#include "tributary/protocol/record.hpp"
#include "tributary/protocol/span.hpp"

#include <optional>
#include <vector>

namespace tributary::protocol {

/// The batch-level fields a producer (or the log) chooses.
struct batch_options {
  int64_t base_offset = 0;
  int32_t partition_leader_epoch = -1;
  compression_codec codec = compression_codec::none;
  compression_options compression; // level and snappy framing
  timestamp_type ts_type = timestamp_type::create_time;
  int64_t log_append_time_ms = -1; // max_timestamp when ts_type is log_append_time
  bool is_transactional = false;
  bool is_control = false;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  int32_t base_sequence = -1;
  /// When set, base_timestamp carries this delete horizon and attribute bit 6 is set
  /// (Kafka 3.x compaction of tombstones and transaction markers).
  std::optional<int64_t> delete_horizon_ms;
};

/// One record to encode; the views must stay valid until append() returns.
struct record_input {
  int64_t timestamp_ms = 0;
  std::optional<byte_span> key;   // nullopt = null key
  std::optional<byte_span> value; // nullopt = null value (a tombstone)
  span<const record_header> headers;
};

/// Accumulates records (uncompressed) and emits one batch per build(). Owned by one
/// thread; not thread-safe. Misuse (offset deltas not ascending, a field over 2 GiB) is
/// remembered and reported by build() as errc::bad_offset_delta / bad_record_length.
class batch_builder {
public:
  explicit batch_builder(const batch_options& options = {});

  /// Appends a record at the next offset delta (0, then previous + 1).
  void append(const record_input& r);
  /// Appends a record at an explicit offset delta, which must exceed the previous one.
  void append(const record_input& r, int32_t offset_delta);
  /// Re-encodes a decoded record (key, value, headers, attributes, offset_delta) with the
  /// given absolute timestamp: how compaction copies the records it keeps.
  void append(const record& r, int64_t timestamp_ms);

  /// Overrides last_offset_delta (default: the last record's offset delta, 0 when empty);
  /// must not be below the last appended delta.
  void set_last_offset_delta(int32_t delta) { last_offset_delta_override_ = delta; }

  /// Appends the complete batch to `out`; returns its size. Fails with
  /// errc::compression_failed, unknown_compression, or a remembered misuse error.
  /// The builder keeps its records: call reset() to start the next batch.
  result<size_t> build(std::vector<std::byte>& out) const;

  /// Forgets the records (keeping buffer capacity) and takes new options.
  void reset(const batch_options& options);

  int32_t record_count() const { return count_; }
  /// Size the batch would have uncompressed: header plus encoded records.
  size_t uncompressed_size() const { return batch_header_size + records_.size(); }
  const batch_options& options() const { return options_; }

private:
  template <class Headers>
  void encode(int8_t attributes, int64_t timestamp_ms, int32_t offset_delta,
              const std::optional<byte_span>& key, const std::optional<byte_span>& value,
              const Headers& headers, int32_t header_count);
  int16_t attributes() const;

  batch_options options_;
  std::vector<std::byte> records_;
  int32_t count_ = 0;
  int32_t last_delta_ = -1;
  int64_t first_timestamp_ = -1;
  int64_t max_timestamp_ = -1;
  std::optional<int32_t> last_offset_delta_override_;
  errc misuse_ = errc::ok;
};

} // namespace tributary::protocol
