#pragma once
// record: one decoded record of a RecordBatch v2, as views into the batch bytes (or into
// the caller's decompression buffer). Nothing is copied or allocated per record; a record
// is valid only while those bytes are. Null and empty keys/values are distinct: nullopt is
// null (-1 length on the wire), an empty span is a zero-length value.
// Wire layout (Kafka DefaultRecord): length varint | attributes i8 | timestamp_delta varlong |
//   offset_delta varint | key_length varint | key | value_length varint | value |
//   header_count varint | headers (key_length varint | key | value_length varint | value)*

#include "tributary/protocol/batch_header.hpp"
#include "tributary/protocol/span.hpp"

#include <cstdint>
#include <iterator>
#include <optional>
#include <string_view>

namespace tributary::protocol {

/// One record header: a non-null UTF-8 key and an optional value (nullopt = null).
/// Views into memory owned elsewhere; plain value.
struct record_header {
  std::string_view key;
  std::optional<byte_span> value;
};

/// Forward iterator over the already-validated headers of one record (decodes on the fly).
class header_iterator {
public:
  using iterator_category = std::forward_iterator_tag;
  using value_type = record_header;
  using difference_type = std::ptrdiff_t;
  using pointer = const record_header*;
  using reference = const record_header&;

  header_iterator() = default;
  header_iterator(byte_span bytes, int32_t remaining);

  const record_header& operator*() const { return current_; }
  const record_header* operator->() const { return &current_; }
  header_iterator& operator++();
  header_iterator operator++(int) {
    auto copy = *this;
    ++*this;
    return copy;
  }
  friend bool operator==(const header_iterator& a, const header_iterator& b) {
    return a.remaining_ == b.remaining_;
  }
  friend bool operator!=(const header_iterator& a, const header_iterator& b) { return !(a == b); }

private:
  void decode();

  byte_span bytes_;
  size_t pos_ = 0;
  int32_t remaining_ = 0;
  record_header current_;
};

/// The headers of one record: `count` encoded headers in `bytes` (validated by the reader).
class header_range {
public:
  header_range() = default;
  header_range(byte_span bytes, int32_t count) : bytes_(bytes), count_(count) {}

  header_iterator begin() const { return header_iterator(bytes_, count_); }
  header_iterator end() const { return header_iterator(); }
  int32_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  byte_span bytes() const { return bytes_; }

private:
  byte_span bytes_;
  int32_t count_ = 0;
};

/// One decoded record. Views only: owned by the batch (or decompression buffer) it points
/// into; filled by record_reader::next, reused across calls. Not thread-safe to share while
/// the reader refills it.
struct record {
  int8_t attributes = 0; // unused by Kafka so far; kept as read
  int64_t timestamp_delta = 0;
  int32_t offset_delta = 0;
  std::optional<byte_span> key;
  std::optional<byte_span> value;
  header_range headers;
  byte_span encoded; // the whole record on the wire, length prefix included

  bool is_tombstone() const { return !value.has_value(); }
};

/// The record's absolute offset: base_offset + offset_delta (wrapping, never UB).
inline int64_t record_offset(const batch_header& h, const record& r) {
  return static_cast<int64_t>(static_cast<uint64_t>(h.base_offset) +
                              static_cast<uint64_t>(static_cast<int64_t>(r.offset_delta)));
}

/// The record's timestamp as Kafka reports it: max_timestamp for LogAppendTime batches,
/// base_timestamp + timestamp_delta otherwise (wrapping, never UB).
inline int64_t record_timestamp(const batch_header& h, const record& r) {
  if (h.ts_type() == timestamp_type::log_append_time)
    return h.max_timestamp;
  return static_cast<int64_t>(static_cast<uint64_t>(h.base_timestamp) +
                              static_cast<uint64_t>(r.timestamp_delta));
}

} // namespace tributary::protocol
