#pragma once
// Kafka wire primitives for the generated message codec (protocol/codegen/kafka_codegen.py):
// big-endian integers, (unsigned) varints, classic and compact strings / bytes / arrays,
// uuids and the tagged-field section of flexible versions (KIP-482).
// wire_reader never reads out of bounds and never throws: the first problem (truncation, a
// negative or absurd length, a null where the version forbids one) is recorded with the Kafka
// field it happened in, and every later read returns a default without consuming anything.
// wire_writer appends to a caller's std::vector<char> and records misuse the same way.

#include "tributary/common/result.hpp"
#include "tributary/protocol/span.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace tributary::protocol::kafka {

/// Kafka's uuid type: 16 bytes, most significant first (Uuid.getMostSignificantBits order).
using uuid = std::array<uint8_t, 16>;

/// Why a Kafka message could not be decoded or encoded; the reader/writer has the details.
enum class wire_errc {
  ok = 0,
  truncated,           // fewer bytes left than the field needs
  bad_varint,          // a varint longer than 5 bytes (10 for varlong)
  bad_length,          // a length below -1, or a string longer than Kafka's 32767 limit
  unexpected_null,     // null for a field that is not nullable in this version
  array_too_long,      // an array count larger than the bytes left could possibly hold
  unsupported_version, // the message has no such version
};

const std::error_category& wire_category() noexcept;
std::error_code make_error_code(wire_errc e) noexcept;

/// Bounds-checked decoder over one message's bytes. Owned by one thread; the viewed bytes
/// must outlive it. Never throws (except std::bad_alloc); fails by recording an error, after
/// which every read returns a default value and consumes nothing. `field` arguments are the
/// Kafka path of the field being read ("ProduceRequest.TopicData.Name"), for the message.
class wire_reader {
public:
  wire_reader(const char* data, size_t size) noexcept : data_(data), end_(size) {}
  explicit wire_reader(span<const char> in) noexcept : wire_reader(in.data(), in.size()) {}
  explicit wire_reader(byte_span in) noexcept
      : wire_reader(reinterpret_cast<const char*>(in.data()), in.size()) {}

  bool ok() const noexcept { return code_ == wire_errc::ok; }
  wire_errc error() const noexcept { return code_; }
  /// "truncated ... at ProduceRequest.TopicData.Name (byte 17)"; empty while ok().
  const std::string& error_message() const noexcept { return message_; }
  /// ok() as a result; the error_code is wire_category (the detail is in error_message()).
  result<void> status() const;
  size_t position() const noexcept { return pos_; }
  size_t remaining() const noexcept { return end_ - pos_; }

  /// Records the first error; later calls keep the first one.
  void fail(wire_errc code, const char* field, std::string_view detail);

  int8_t read_int8(const char* field);
  int16_t read_int16(const char* field);
  int32_t read_int32(const char* field);
  int64_t read_int64(const char* field);
  uint16_t read_uint16(const char* field);
  uint32_t read_uint32(const char* field);
  double read_float64(const char* field);
  bool read_bool(const char* field) { return read_int8(field) != 0; }
  uuid read_uuid(const char* field);
  uint32_t read_unsigned_varint(const char* field);
  int32_t read_varint(const char* field);
  int64_t read_varlong(const char* field);

  /// STRING (int16 length) or COMPACT_STRING (unsigned varint length + 1); null is an error.
  std::string read_string(const char* field, bool flexible);
  /// As read_string, but null is allowed when `is_nullable` (the version's nullableVersions).
  std::optional<std::string> read_nullable_string(const char* field, bool flexible,
                                                  bool is_nullable);
  /// BYTES / COMPACT_BYTES (int32 or unsigned varint length); null is an error.
  std::vector<char> read_bytes(const char* field, bool flexible);
  /// BYTES / RECORDS that may be null when `is_nullable`.
  std::optional<std::vector<char>> read_nullable_bytes(const char* field, bool flexible,
                                                       bool is_nullable);
  /// An ARRAY / COMPACT_ARRAY count: -1 for null (only when `is_nullable`), 0 on error. A count
  /// that `min_element_size` bytes per element could not fit in what is left is an error, so
  /// callers never reserve memory for elements that are not there.
  int32_t read_array_length(const char* field, bool flexible, bool is_nullable,
                            size_t min_element_size);

  /// Reads a tagged-field section. For each field calls `on_field(tag)` with the reader
  /// limited to that field's bytes; on_field returns true if it read a known field, false to
  /// skip it. Whatever on_field left unread of the field is skipped.
  template <class OnField>
  void read_tagged_fields(const char* field, OnField&& on_field) {
    const uint32_t count = read_unsigned_varint(field);
    if (ok() && count > remaining())
      return fail(wire_errc::array_too_long, field, "tagged field count exceeds the bytes left");
    for (uint32_t i = 0; i < count && ok(); ++i) {
      const uint32_t tag = read_unsigned_varint(field);
      const uint32_t size = read_unsigned_varint(field);
      if (!ok())
        return;
      if (size > remaining())
        return fail(wire_errc::truncated, field, "tagged field runs past the end of the message");
      const size_t outer_end = end_;
      end_ = pos_ + size;
      on_field(tag);
      if (ok())
        pos_ = end_;
      end_ = outer_end;
    }
  }
  /// Reads a tagged-field section whose fields are all unknown to us.
  void skip_tagged_fields(const char* field) {
    read_tagged_fields(field, [](uint32_t) { return false; });
  }

private:
  bool need(size_t n, const char* field);
  // Returns the length of a string/bytes field: -1 null, -2 after an error.
  int64_t read_length(const char* field, bool flexible, bool is_int32, bool is_nullable);

  const char* data_;
  size_t pos_ = 0;
  size_t end_;
  wire_errc code_ = wire_errc::ok;
  std::string message_;
};

/// A RECORDS field whose bytes the writer did not write (wire_writer::set_external_records):
/// `length` bytes supplied by the caller belong at `position` of the encoded buffer (e.g. a
/// log file range sent with sendfile). `index` counts the records fields in encoding order.
struct records_splice {
  size_t position = 0;
  int64_t length = 0;
  size_t index = 0;
};

/// Appends Kafka wire encodings to a caller-owned buffer. Owned by one thread. Never throws
/// (except std::bad_alloc); misuse (null in a non-nullable version, a string longer than
/// 32767 bytes, an unsupported version) is recorded like wire_reader's errors and the bytes
/// written so far must then be discarded.
class wire_writer {
public:
  explicit wire_writer(std::vector<char>& out) noexcept : out_(&out) {}

  std::vector<char>& buffer() noexcept { return *out_; }
  bool ok() const noexcept { return code_ == wire_errc::ok; }
  wire_errc error() const noexcept { return code_; }
  const std::string& error_message() const noexcept { return message_; }
  result<void> status() const;
  void fail(wire_errc code, const char* field, std::string_view detail);

  void write_int8(int8_t v) { out_->push_back(static_cast<char>(v)); }
  void write_int16(int16_t v) { write_be(static_cast<uint64_t>(static_cast<uint16_t>(v)), 2); }
  void write_int32(int32_t v) { write_be(static_cast<uint64_t>(static_cast<uint32_t>(v)), 4); }
  void write_int64(int64_t v) { write_be(static_cast<uint64_t>(v), 8); }
  void write_uint16(uint16_t v) { write_be(v, 2); }
  void write_uint32(uint32_t v) { write_be(v, 4); }
  void write_float64(double v);
  void write_bool(bool v) { write_int8(v ? 1 : 0); }
  void write_uuid(const uuid& v) { write_raw(reinterpret_cast<const char*>(v.data()), v.size()); }
  void write_unsigned_varint(uint32_t v);
  void write_varint(int32_t v);
  void write_varlong(int64_t v);
  void write_raw(const char* data, size_t size) { out_->insert(out_->end(), data, data + size); }

  void write_string(const char* field, std::string_view s, bool flexible);
  void write_nullable_string(const char* field, const std::optional<std::string>& s, bool flexible,
                             bool is_nullable);
  void write_bytes(const char* field, const std::vector<char>& b, bool flexible);
  void write_nullable_bytes(const char* field, const std::optional<std::vector<char>>& b,
                            bool flexible, bool is_nullable);
  /// A RECORDS field: as write_nullable_bytes, unless set_external_records made it external.
  void write_records(const char* field, const std::optional<std::vector<char>>& b, bool flexible,
                     bool is_nullable);
  void write_array_length(const char* field, size_t count, bool flexible);
  void write_null_array(const char* field, bool flexible, bool is_nullable);

  /// A tagged field: begin writes the tag and returns where the value starts; write the value,
  /// then end inserts the value's size in front of it.
  size_t begin_tagged_field(uint32_t tag);
  void end_tagged_field(size_t value_start);

  /// Zero-copy encoding: the i-th records field written after this call (i from 0, in
  /// encoding order) gets only its length prefix when `lengths[i] >= 0` -- for lengths[i]
  /// bytes the caller splices in at the place splices() records; the field's own value is
  /// not written. Fields with a negative entry, or past the end of `lengths`, are written as
  /// usual. The buffer with the spliced bytes inserted is the ordinary encoding.
  void set_external_records(std::vector<int64_t> lengths);
  /// Where the external records go, by ascending position.
  const std::vector<records_splice>& splices() const noexcept { return splices_; }

private:
  void write_be(uint64_t v, int bytes);
  void write_length(const char* field, int64_t length, bool flexible, bool is_int32);

  std::vector<char>* out_;
  wire_errc code_ = wire_errc::ok;
  std::string message_;
  std::vector<int64_t> external_;       // set_external_records
  size_t records_written_ = 0;          // records fields since set_external_records
  std::vector<records_splice> splices_; // external records written so far
};

/// `encoded` cut at the splice positions (ascending): splices.size() + 1 pieces; the
/// external bytes of splices[i] belong between piece i and piece i + 1.
std::vector<std::vector<char>> split_at_splices(const std::vector<char>& encoded,
                                                const std::vector<records_splice>& splices);

/// Encodes `m` at `version` into a new buffer (no size prefix, no header).
template <class Message>
result<std::vector<char>> encode_message(const Message& m, int16_t version,
                                         std::string* why = nullptr) {
  std::vector<char> out;
  wire_writer w(out);
  m.encode(w, version);
  if (!w.ok()) {
    if (why)
      *why = w.error_message();
    return unexpected(make_error_code(w.error()));
  }
  return out;
}

/// Decodes `bytes` as `Message` at `version`; the detail of a failure goes to `why`. Bytes
/// left over after the message are allowed (Kafka ignores them too); check with a reader.
template <class Message>
result<void> decode_message(span<const char> bytes, int16_t version, Message* out,
                            std::string* why = nullptr) {
  wire_reader r(bytes);
  out->decode(r, version);
  if (!r.ok() && why)
    *why = r.error_message();
  return r.status();
}

} // namespace tributary::protocol::kafka

template <>
struct std::is_error_code_enum<tributary::protocol::kafka::wire_errc> : std::true_type {};
