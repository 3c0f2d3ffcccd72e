// Kafka wire primitives (see kafka_wire.hpp). Length rules follow Kafka's generated Java
// readers: strings are at most 32767 bytes in both encodings, -1 (classic) or 0 (compact)
// is null, and a collection count must fit in the bytes that remain.
#include "tributary/protocol/kafka_wire.hpp"

#include "big_endian.hpp"
#include "tributary/protocol/varint.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

namespace tributary::protocol::kafka {
namespace {

constexpr int64_t k_max_string_length = std::numeric_limits<int16_t>::max();

class category final : public std::error_category {
public:
  const char* name() const noexcept override { return "tributary.kafka_wire"; }

  std::string message(int value) const override {
    switch (static_cast<wire_errc>(value)) {
    case wire_errc::ok:
      return "success";
    case wire_errc::truncated:
      return "Kafka message truncated: a field needs more bytes than are left";
    case wire_errc::bad_varint:
      return "Kafka message has a malformed varint (more than 5 bytes)";
    case wire_errc::bad_length:
      return "Kafka message has an invalid length (below -1, or a string over 32767 bytes)";
    case wire_errc::unexpected_null:
      return "Kafka message has null in a field that is not nullable in this version";
    case wire_errc::array_too_long:
      return "Kafka message has an array count larger than the bytes left could hold";
    case wire_errc::unsupported_version:
      return "Kafka message version is not supported by this codec";
    }
    return "unknown kafka wire error " + std::to_string(value);
  }
};

std::string describe(std::string_view detail, const char* field, size_t pos) {
  std::string s(detail);
  s += " at ";
  s += field ? field : "?";
  s += " (byte ";
  s += std::to_string(pos);
  s += ')';
  return s;
}

} // namespace

const std::error_category& wire_category() noexcept {
  static const category instance;
  return instance;
}

std::error_code make_error_code(wire_errc e) noexcept {
  return {static_cast<int>(e), wire_category()};
}

// ---- wire_reader ---------------------------------------------------------------------------

result<void> wire_reader::status() const {
  if (ok())
    return {};
  return unexpected(make_error_code(code_));
}

void wire_reader::fail(wire_errc code, const char* field, std::string_view detail) {
  if (!ok())
    return;
  code_ = code;
  message_ = describe(detail, field, pos_);
}

bool wire_reader::need(size_t n, const char* field) {
  if (!ok())
    return false;
  if (n <= remaining())
    return true;
  fail(wire_errc::truncated, field,
       "needs " + std::to_string(n) + " bytes but " + std::to_string(remaining()) + " are left");
  return false;
}

int8_t wire_reader::read_int8(const char* field) {
  if (!need(1, field))
    return 0;
  return static_cast<int8_t>(data_[pos_++]);
}

#define TRIB_KAFKA_READ_BE(fn, type)                                                               \
  type wire_reader::fn(const char* field) {                                                        \
    if (!need(sizeof(type), field))                                                                \
      return 0;                                                                                    \
    auto v = detail::load_be<type>(reinterpret_cast<const std::byte*>(data_ + pos_));              \
    pos_ += sizeof(type);                                                                          \
    return v;                                                                                      \
  }
TRIB_KAFKA_READ_BE(read_int16, int16_t)
TRIB_KAFKA_READ_BE(read_int32, int32_t)
TRIB_KAFKA_READ_BE(read_int64, int64_t)
TRIB_KAFKA_READ_BE(read_uint16, uint16_t)
TRIB_KAFKA_READ_BE(read_uint32, uint32_t)
#undef TRIB_KAFKA_READ_BE

double wire_reader::read_float64(const char* field) {
  const auto bits = static_cast<uint64_t>(read_int64(field));
  double v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

uuid wire_reader::read_uuid(const char* field) {
  uuid v{};
  if (!need(v.size(), field))
    return v;
  std::memcpy(v.data(), data_ + pos_, v.size());
  pos_ += v.size();
  return v;
}

// The three varint flavours share the bounds handling of protocol/varint.hpp.
#define TRIB_KAFKA_READ_VARINT(fn, type, decoder)                                                  \
  type wire_reader::fn(const char* field) {                                                        \
    if (!ok())                                                                                     \
      return 0;                                                                                    \
    byte_span in(reinterpret_cast<const std::byte*>(data_), end_);                                 \
    auto v = decoder(in, pos_);                                                                    \
    if (v)                                                                                         \
      return *v;                                                                                   \
    if (v.error() == errc::bad_varint)                                                             \
      fail(wire_errc::bad_varint, field, "varint longer than its maximum size");                   \
    else                                                                                           \
      fail(wire_errc::truncated, field, "varint runs past the end of the message");                \
    return 0;                                                                                      \
  }
TRIB_KAFKA_READ_VARINT(read_unsigned_varint, uint32_t, protocol::read_unsigned_varint)
TRIB_KAFKA_READ_VARINT(read_varint, int32_t, protocol::read_varint)
TRIB_KAFKA_READ_VARINT(read_varlong, int64_t, protocol::read_varlong)
#undef TRIB_KAFKA_READ_VARINT

int64_t wire_reader::read_length(const char* field, bool flexible, bool is_int32,
                                 bool is_nullable) {
  int64_t length;
  if (flexible)
    length = static_cast<int64_t>(read_unsigned_varint(field)) - 1;
  else
    length = is_int32 ? read_int32(field) : read_int16(field);
  if (!ok())
    return -2;
  if (length < -1) {
    fail(wire_errc::bad_length, field, "negative length " + std::to_string(length));
    return -2;
  }
  if (length == -1) {
    if (is_nullable)
      return -1;
    fail(wire_errc::unexpected_null, field, "null, but the field is not nullable here");
    return -2;
  }
  if (!is_int32 && length > k_max_string_length) {
    fail(wire_errc::bad_length, field,
         "string length " + std::to_string(length) + " is over Kafka's limit of 32767");
    return -2;
  }
  if (!need(static_cast<size_t>(length), field))
    return -2;
  return length;
}

std::string wire_reader::read_string(const char* field, bool flexible) {
  auto s = read_nullable_string(field, flexible, false);
  return s ? std::move(*s) : std::string();
}

std::optional<std::string> wire_reader::read_nullable_string(const char* field, bool flexible,
                                                             bool is_nullable) {
  const int64_t length = read_length(field, flexible, false, is_nullable);
  if (length == -1)
    return std::nullopt;
  if (length < 0)
    return std::string();
  std::string s(data_ + pos_, static_cast<size_t>(length));
  pos_ += static_cast<size_t>(length);
  return s;
}

std::vector<char> wire_reader::read_bytes(const char* field, bool flexible) {
  auto b = read_nullable_bytes(field, flexible, false);
  return b ? std::move(*b) : std::vector<char>();
}

std::optional<std::vector<char>> wire_reader::read_nullable_bytes(const char* field, bool flexible,
                                                                  bool is_nullable) {
  const int64_t length = read_length(field, flexible, true, is_nullable);
  if (length == -1)
    return std::nullopt;
  if (length < 0)
    return std::vector<char>();
  std::vector<char> b(data_ + pos_, data_ + pos_ + length);
  pos_ += static_cast<size_t>(length);
  return b;
}

int32_t wire_reader::read_array_length(const char* field, bool flexible, bool is_nullable,
                                       size_t min_element_size) {
  int64_t count;
  if (flexible)
    count = static_cast<int64_t>(read_unsigned_varint(field)) - 1;
  else
    count = read_int32(field);
  if (!ok())
    return 0;
  if (count < -1) {
    fail(wire_errc::bad_length, field, "negative array count " + std::to_string(count));
    return 0;
  }
  if (count == -1) {
    if (is_nullable)
      return -1;
    fail(wire_errc::unexpected_null, field, "null array, but the field is not nullable here");
    return 0;
  }
  const size_t per_element = min_element_size == 0 ? 1 : min_element_size;
  if (static_cast<uint64_t>(count) > remaining() / per_element) {
    fail(wire_errc::array_too_long, field,
         "array count " + std::to_string(count) + " cannot fit in the " +
             std::to_string(remaining()) + " bytes left");
    return 0;
  }
  return static_cast<int32_t>(count);
}

// ---- wire_writer ---------------------------------------------------------------------------

result<void> wire_writer::status() const {
  if (ok())
    return {};
  return unexpected(make_error_code(code_));
}

void wire_writer::fail(wire_errc code, const char* field, std::string_view detail) {
  if (!ok())
    return;
  code_ = code;
  message_ = describe(detail, field, out_->size());
}

void wire_writer::write_be(uint64_t v, int bytes) {
  char buf[8];
  for (int i = 0; i < bytes; ++i)
    buf[i] = static_cast<char>((v >> (8 * (bytes - 1 - i))) & 0xFF);
  write_raw(buf, static_cast<size_t>(bytes));
}

void wire_writer::write_float64(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  write_be(bits, 8);
}

void wire_writer::write_unsigned_varint(uint32_t v) {
  std::byte buf[max_varint_size];
  write_raw(reinterpret_cast<const char*>(buf), protocol::write_unsigned_varint(v, buf));
}

void wire_writer::write_varint(int32_t v) {
  std::byte buf[max_varint_size];
  write_raw(reinterpret_cast<const char*>(buf), protocol::write_varint(v, buf));
}

void wire_writer::write_varlong(int64_t v) {
  std::byte buf[max_varlong_size];
  write_raw(reinterpret_cast<const char*>(buf), protocol::write_varlong(v, buf));
}

void wire_writer::write_length(const char* field, int64_t length, bool flexible, bool is_int32) {
  if (flexible) {
    if (length + 1 > static_cast<int64_t>(std::numeric_limits<uint32_t>::max()))
      return fail(wire_errc::bad_length, field, "length does not fit an unsigned varint");
    return write_unsigned_varint(static_cast<uint32_t>(length + 1));
  }
  if (is_int32) {
    if (length > std::numeric_limits<int32_t>::max())
      return fail(wire_errc::bad_length, field, "length does not fit an int32");
    return write_int32(static_cast<int32_t>(length));
  }
  write_int16(static_cast<int16_t>(length)); // callers checked the 32767 limit
}

void wire_writer::write_string(const char* field, std::string_view s, bool flexible) {
  if (static_cast<int64_t>(s.size()) > k_max_string_length)
    return fail(wire_errc::bad_length, field,
                "string of " + std::to_string(s.size()) + " bytes is over Kafka's 32767 limit");
  write_length(field, static_cast<int64_t>(s.size()), flexible, false);
  write_raw(s.data(), s.size());
}

void wire_writer::write_nullable_string(const char* field, const std::optional<std::string>& s,
                                        bool flexible, bool is_nullable) {
  if (s)
    return write_string(field, *s, flexible);
  if (!is_nullable)
    return fail(wire_errc::unexpected_null, field, "null, but the field is not nullable here");
  write_length(field, -1, flexible, false);
}

void wire_writer::write_bytes(const char* field, const std::vector<char>& b, bool flexible) {
  write_length(field, static_cast<int64_t>(b.size()), flexible, true);
  write_raw(b.data(), b.size());
}

void wire_writer::write_nullable_bytes(const char* field, const std::optional<std::vector<char>>& b,
                                       bool flexible, bool is_nullable) {
  if (b)
    return write_bytes(field, *b, flexible);
  if (!is_nullable)
    return fail(wire_errc::unexpected_null, field, "null, but the field is not nullable here");
  write_length(field, -1, flexible, true);
}

void wire_writer::write_records(const char* field, const std::optional<std::vector<char>>& b,
                                bool flexible, bool is_nullable) {
  const size_t index = records_written_++;
  if (index >= external_.size() || external_[index] < 0)
    return write_nullable_bytes(field, b, flexible, is_nullable);
  const int64_t length = external_[index];
  write_length(field, length, flexible, true);
  splices_.push_back(records_splice{out_->size(), length, index});
}

void wire_writer::set_external_records(std::vector<int64_t> lengths) {
  external_ = std::move(lengths);
  records_written_ = 0;
}

std::vector<std::vector<char>> split_at_splices(const std::vector<char>& encoded,
                                                const std::vector<records_splice>& splices) {
  std::vector<std::vector<char>> pieces;
  pieces.reserve(splices.size() + 1);
  size_t from = 0;
  for (const auto& s : splices) {
    const size_t to = std::min(std::max(s.position, from), encoded.size());
    pieces.emplace_back(encoded.begin() + static_cast<std::ptrdiff_t>(from),
                        encoded.begin() + static_cast<std::ptrdiff_t>(to));
    from = to;
  }
  pieces.emplace_back(encoded.begin() + static_cast<std::ptrdiff_t>(from), encoded.end());
  return pieces;
}

void wire_writer::write_array_length(const char* field, size_t count, bool flexible) {
  write_length(field, static_cast<int64_t>(count), flexible, true);
}

void wire_writer::write_null_array(const char* field, bool flexible, bool is_nullable) {
  if (!is_nullable)
    return fail(wire_errc::unexpected_null, field,
                "null array, but the field is not nullable here");
  write_length(field, -1, flexible, true);
}

size_t wire_writer::begin_tagged_field(uint32_t tag) {
  write_unsigned_varint(tag);
  return out_->size();
}

void wire_writer::end_tagged_field(size_t value_start) {
  // External records inside the value count towards its size and move behind the prefix.
  size_t size = out_->size() - value_start;
  for (const auto& s : splices_)
    if (s.position >= value_start)
      size += static_cast<size_t>(s.length);
  std::byte buf[max_varint_size];
  const size_t n = protocol::write_unsigned_varint(static_cast<uint32_t>(size), buf);
  const auto* p = reinterpret_cast<const char*>(buf);
  out_->insert(out_->begin() + static_cast<std::ptrdiff_t>(value_start), p, p + n);
  for (auto& s : splices_)
    if (s.position >= value_start)
      s.position += n;
}

} // namespace tributary::protocol::kafka
