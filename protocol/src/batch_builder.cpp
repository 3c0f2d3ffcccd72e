// Record and batch encoding (layout in record.hpp and batch_header.hpp).
#include "tributary/protocol/batch_builder.hpp"

#include "tributary/protocol/crc32c.hpp"
#include "tributary/protocol/errc.hpp"
#include "tributary/protocol/varint.hpp"

#include "big_endian.hpp"

#include <algorithm>
#include <limits>

namespace tributary::protocol {

using detail::store_be;

namespace {

constexpr size_t k_max_field = static_cast<size_t>(std::numeric_limits<int32_t>::max());

size_t nullable_size(const std::optional<byte_span>& b) {
  return b ? varint_size(static_cast<int32_t>(b->size())) + b->size() : varint_size(-1);
}

std::byte* put_varint(std::byte* p, int32_t v) {
  return p + write_varint(v, p);
}

std::byte* put_nullable(std::byte* p, const std::optional<byte_span>& b) {
  if (!b)
    return put_varint(p, -1);
  p = put_varint(p, static_cast<int32_t>(b->size()));
  std::copy(b->begin(), b->end(), p);
  return p + b->size();
}

bool fits(const std::optional<byte_span>& b) {
  return !b || b->size() <= k_max_field;
}

} // namespace

batch_builder::batch_builder(const batch_options& options) : options_(options) {}

void batch_builder::reset(const batch_options& options) {
  options_ = options;
  records_.clear();
  count_ = 0;
  last_delta_ = -1;
  first_timestamp_ = -1;
  max_timestamp_ = -1;
  last_offset_delta_override_.reset();
  misuse_ = errc::ok;
}

void batch_builder::append(const record_input& r) {
  append(r, last_delta_ == std::numeric_limits<int32_t>::max() ? last_delta_ : last_delta_ + 1);
}

void batch_builder::append(const record_input& r, int32_t offset_delta) {
  encode(0, r.timestamp_ms, offset_delta, r.key, r.value, r.headers,
         static_cast<int32_t>(std::min(r.headers.size(), k_max_field)));
}

void batch_builder::append(const record& r, int64_t timestamp_ms) {
  encode(r.attributes, timestamp_ms, r.offset_delta, r.key, r.value, r.headers, r.headers.size());
}

template <class Headers>
void batch_builder::encode(int8_t attributes, int64_t timestamp_ms, int32_t offset_delta,
                           const std::optional<byte_span>& key,
                           const std::optional<byte_span>& value, const Headers& headers,
                           int32_t header_count) {
  if (offset_delta <= last_delta_ && misuse_ == errc::ok)
    misuse_ = errc::bad_offset_delta;
  if (count_ == 0)
    first_timestamp_ = timestamp_ms;
  max_timestamp_ = count_ == 0 ? timestamp_ms : std::max(max_timestamp_, timestamp_ms);
  int64_t base = options_.delete_horizon_ms.value_or(first_timestamp_);
  auto ts_delta =
      static_cast<int64_t>(static_cast<uint64_t>(timestamp_ms) - static_cast<uint64_t>(base));
  size_t body = 1 + varlong_size(ts_delta) + varint_size(offset_delta) + nullable_size(key) +
                nullable_size(value) + varint_size(header_count);
  bool is_oversized = !fits(key) || !fits(value);
  for (const record_header& h : headers) {
    body += varint_size(static_cast<int32_t>(h.key.size())) + h.key.size() + nullable_size(h.value);
    is_oversized = is_oversized || h.key.size() > k_max_field || !fits(h.value);
  }
  if (is_oversized || body > k_max_field) {
    if (misuse_ == errc::ok)
      misuse_ = errc::bad_record_length;
    return;
  }
  size_t at = records_.size();
  records_.resize(at + varint_size(static_cast<int32_t>(body)) + body);
  std::byte* p = put_varint(records_.data() + at, static_cast<int32_t>(body));
  *p++ = static_cast<std::byte>(attributes);
  p += write_varlong(ts_delta, p);
  p = put_varint(p, offset_delta);
  p = put_nullable(p, key);
  p = put_nullable(p, value);
  p = put_varint(p, header_count);
  for (const record_header& h : headers) {
    p = put_nullable(p, as_bytes(h.key));
    p = put_nullable(p, h.value);
  }
  last_delta_ = std::max(last_delta_, offset_delta);
  ++count_;
}

int16_t batch_builder::attributes() const {
  int attributes = static_cast<int>(options_.codec) & attr_codec_mask;
  if (options_.ts_type == timestamp_type::log_append_time)
    attributes |= attr_timestamp_type;
  if (options_.is_transactional)
    attributes |= attr_transactional;
  if (options_.is_control)
    attributes |= attr_control;
  if (options_.delete_horizon_ms)
    attributes |= attr_delete_horizon;
  return static_cast<int16_t>(attributes);
}

result<size_t> batch_builder::build(std::vector<std::byte>& out) const {
  if (misuse_ != errc::ok)
    return unexpected(misuse_);
  int32_t last_delta = last_offset_delta_override_.value_or(std::max(last_delta_, 0));
  if (last_delta < last_delta_)
    return unexpected(errc::bad_offset_delta);
  const size_t start = out.size();
  out.resize(start + batch_header_size);
  if (auto r = compress(options_.codec, byte_span(records_), out, options_.compression); !r) {
    out.resize(start);
    return unexpected(r.error());
  }
  size_t size = out.size() - start;
  if (size - batch_overhead > k_max_field) {
    out.resize(start);
    return unexpected(errc::bad_batch_length);
  }
  int64_t base_ts = options_.delete_horizon_ms.value_or(count_ ? first_timestamp_ : -1);
  int64_t max_ts = options_.ts_type == timestamp_type::log_append_time
                       ? options_.log_append_time_ms
                       : (count_ ? max_timestamp_ : -1);
  std::byte* h = out.data() + start;
  store_be<int64_t>(h + 0, options_.base_offset);
  store_be<int32_t>(h + 8, static_cast<int32_t>(size - batch_overhead));
  store_be<int32_t>(h + 12, options_.partition_leader_epoch);
  h[16] = static_cast<std::byte>(current_magic);
  store_be<int16_t>(h + 21, attributes());
  store_be<int32_t>(h + 23, last_delta);
  store_be<int64_t>(h + 27, base_ts);
  store_be<int64_t>(h + 35, max_ts);
  store_be<int64_t>(h + 43, options_.producer_id);
  store_be<int16_t>(h + 51, options_.producer_epoch);
  store_be<int32_t>(h + 53, options_.base_sequence);
  store_be<int32_t>(h + 57, count_);
  store_be<uint32_t>(h + 17, crc32c(byte_span(h + crc_range_offset, size - crc_range_offset)));
  return size;
}

} // namespace tributary::protocol
