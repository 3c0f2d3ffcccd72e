// Record decoding for record_reader and header iteration (see record.hpp for the layout).
#include "tributary/protocol/record_reader.hpp"

#include "tributary/protocol/compression.hpp"
#include "tributary/protocol/errc.hpp"
#include "tributary/protocol/varint.hpp"

#include <cassert>

namespace tributary::protocol {
namespace {

// A varint inside a record: running past the record means its length prefix lied.
result<int32_t> record_varint(byte_span in, size_t& pos) {
  auto v = read_varint(in, pos);
  if (!v && v.error() == errc::truncated)
    return unexpected(errc::bad_record_length);
  return v;
}

// A length-prefixed byte field (-1 = null) whose length must fit what is left of `in`.
errc read_nullable_bytes(byte_span in, size_t& pos, errc bad_length,
                         std::optional<byte_span>& out) {
  auto length = record_varint(in, pos);
  if (!length)
    return static_cast<errc>(length.error().value());
  if (*length == -1) {
    out.reset();
    return errc::ok;
  }
  if (*length < -1 || static_cast<size_t>(*length) > in.size() - pos)
    return bad_length;
  out = in.subspan(pos, static_cast<size_t>(*length));
  pos += static_cast<size_t>(*length);
  return errc::ok;
}

// Checks every header of a record; `in` ends where the record ends.
errc check_headers(byte_span in, size_t& pos, int32_t count) {
  for (int32_t i = 0; i < count; ++i) {
    auto key_length = record_varint(in, pos);
    if (!key_length)
      return static_cast<errc>(key_length.error().value());
    if (*key_length < 0 || static_cast<size_t>(*key_length) > in.size() - pos)
      return errc::bad_header; // header keys are never null
    pos += static_cast<size_t>(*key_length);
    std::optional<byte_span> value;
    if (errc e = read_nullable_bytes(in, pos, errc::bad_header, value); e != errc::ok)
      return e;
  }
  return errc::ok;
}

// Decodes one record whose bytes (after the length prefix) are exactly `body`.
errc decode_body(byte_span body, record& out) {
  size_t pos = 0;
  if (body.empty())
    return errc::bad_record_length;
  out.attributes = static_cast<int8_t>(body[pos++]);
  auto ts = read_varlong(body, pos);
  if (!ts)
    return ts.error() == errc::truncated ? errc::bad_record_length : errc::bad_varint;
  out.timestamp_delta = *ts;
  auto offset_delta = record_varint(body, pos);
  if (!offset_delta)
    return static_cast<errc>(offset_delta.error().value());
  out.offset_delta = *offset_delta;
  if (errc e = read_nullable_bytes(body, pos, errc::bad_key_length, out.key); e != errc::ok)
    return e;
  if (errc e = read_nullable_bytes(body, pos, errc::bad_value_length, out.value); e != errc::ok)
    return e;
  auto header_count = record_varint(body, pos);
  if (!header_count)
    return static_cast<errc>(header_count.error().value());
  if (*header_count < 0)
    return errc::bad_header;
  size_t headers_start = pos;
  if (errc e = check_headers(body, pos, *header_count); e != errc::ok)
    return e;
  out.headers = header_range(body.subspan(headers_start, pos - headers_start), *header_count);
  return pos == body.size() ? errc::ok : errc::bad_record_length;
}

} // namespace

result<record_reader> record_reader::open(byte_span batch, std::vector<std::byte>& scratch,
                                          size_t max_decompressed_bytes) {
  auto header = validate_batch(batch.data(), batch.size());
  if (!header)
    return unexpected(header.error());
  return open_validated(*header, batch, scratch, max_decompressed_bytes);
}

result<record_reader> record_reader::open_validated(const batch_header& header, byte_span batch,
                                                    std::vector<std::byte>& scratch,
                                                    size_t max_decompressed_bytes) {
  assert(header.total_size() <= batch.size());
  byte_span payload = batch.subspan(batch_header_size, header.total_size() - batch_header_size);
  if (header.codec() == compression_codec::none || payload.empty())
    return record_reader(header, payload); // an emptied (compacted) batch has no payload
  scratch.clear();
  if (auto r = decompress(header.codec(), payload, scratch, max_decompressed_bytes); !r)
    return unexpected(r.error());
  return record_reader(header, byte_span(scratch));
}

result<bool> record_reader::next(record& out) {
  if (index_ >= header_.records_count) {
    if (pos_ != records_.size())
      return unexpected(errc::trailing_bytes);
    return false;
  }
  if (pos_ == records_.size())
    return unexpected(errc::bad_record_count); // fewer records than the header declares
  size_t start = pos_;
  size_t pos = pos_;
  auto length = read_varint(records_, pos);
  if (!length)
    return unexpected(length.error() == errc::truncated ? errc::bad_record_length : length.error());
  if (*length < 0 || static_cast<size_t>(*length) > records_.size() - pos)
    return unexpected(errc::bad_record_length);
  if (errc e = decode_body(records_.subspan(pos, static_cast<size_t>(*length)), out); e != errc::ok)
    return unexpected(e);
  if (out.offset_delta <= previous_offset_delta_ || out.offset_delta > header_.last_offset_delta)
    return unexpected(errc::bad_offset_delta);
  previous_offset_delta_ = out.offset_delta;
  pos_ = pos + static_cast<size_t>(*length);
  out.encoded = records_.subspan(start, pos_ - start);
  ++index_;
  return true;
}

header_iterator::header_iterator(byte_span bytes, int32_t remaining)
    : bytes_(bytes), remaining_(remaining) {
  if (remaining_ > 0)
    decode();
}

header_iterator& header_iterator::operator++() {
  if (--remaining_ > 0)
    decode();
  return *this;
}

void header_iterator::decode() {
  // The reader checked these bytes already, so every read here succeeds.
  auto key_length = read_varint(bytes_, pos_);
  assert(key_length && *key_length >= 0);
  current_.key = as_string_view(bytes_.subspan(pos_, static_cast<size_t>(*key_length)));
  pos_ += static_cast<size_t>(*key_length);
  auto value_length = read_varint(bytes_, pos_);
  assert(value_length);
  if (*value_length < 0) {
    current_.value.reset();
    return;
  }
  current_.value = bytes_.subspan(pos_, static_cast<size_t>(*value_length));
  pos_ += static_cast<size_t>(*value_length);
}

} // namespace tributary::protocol
