// RecordBatch v2 header: parsing, structural validation and the in-place edits a log makes.
#include "tributary/protocol/batch_header.hpp"

#include "tributary/protocol/compression.hpp"
#include "tributary/protocol/crc32c.hpp"
#include "tributary/protocol/errc.hpp"
#include "tributary/protocol/record_reader.hpp"

#include "big_endian.hpp"

#include <algorithm>
#include <cassert>

namespace tributary::protocol {

using detail::load_be;
using detail::store_be;

namespace {

byte_span crc_range(const std::byte* data, size_t total_size) {
  return byte_span(data + crc_range_offset, total_size - crc_range_offset);
}

} // namespace

result<batch_header> parse_batch_header(const std::byte* data, size_t size) {
  // The magic sits at byte 16: report an old-format batch as such even when it is shorter
  // than a v2 header (v0/v1 message sets have a different, shorter layout).
  if (size > magic_offset && static_cast<int8_t>(data[magic_offset]) != current_magic)
    return unexpected(errc::unsupported_magic);
  if (size < batch_header_size)
    return unexpected(errc::truncated);
  batch_header h;
  h.base_offset = load_be<int64_t>(data + 0);
  h.batch_length = load_be<int32_t>(data + 8);
  h.partition_leader_epoch = load_be<int32_t>(data + 12);
  h.magic = static_cast<int8_t>(data[16]);
  h.crc = load_be<uint32_t>(data + 17);
  h.attributes = load_be<int16_t>(data + 21);
  h.last_offset_delta = load_be<int32_t>(data + 23);
  h.base_timestamp = load_be<int64_t>(data + 27);
  h.max_timestamp = load_be<int64_t>(data + 35);
  h.producer_id = load_be<int64_t>(data + 43);
  h.producer_epoch = load_be<int16_t>(data + 51);
  h.base_sequence = load_be<int32_t>(data + 53);
  h.records_count = load_be<int32_t>(data + 57);
  return h;
}

result<batch_header> validate_batch(const std::byte* data, size_t size) {
  auto h = parse_batch_header(data, size);
  if (!h)
    return h;
  if (h->batch_length < static_cast<int32_t>(batch_header_size - batch_overhead) ||
      h->total_size() > size)
    return unexpected(errc::bad_batch_length);
  if (crc32c(crc_range(data, h->total_size())) != h->crc)
    return unexpected(errc::crc_mismatch);
  if (h->records_count < 0)
    return unexpected(errc::bad_record_count);
  if (h->last_offset_delta < 0)
    return unexpected(errc::bad_offset_delta);
  if (!is_known_codec(h->codec()))
    return unexpected(errc::unknown_compression);
  return h;
}

result<batch_header> validate_batch_records(const std::byte* data, size_t size,
                                            size_t max_decompressed_bytes) {
  std::vector<std::byte> scratch;
  auto reader = record_reader::open(byte_span(data, size), scratch, max_decompressed_bytes);
  if (!reader)
    return unexpected(reader.error());
  record r;
  for (;;) {
    auto more = reader->next(r);
    if (!more)
      return unexpected(more.error());
    if (!*more)
      return reader->header();
  }
}

void set_base_offset(std::byte* batch, int64_t base_offset) {
  store_be<int64_t>(batch + 0, base_offset);
}

void set_partition_leader_epoch(std::byte* batch, int32_t epoch) {
  store_be<int32_t>(batch + leader_epoch_offset, epoch);
}

void set_log_append_time(std::byte* batch, size_t size, int64_t timestamp_ms) {
  // The CRC covers exactly the batch, even when `size` spans more (e.g. a whole segment).
  auto batch_length = load_be<int32_t>(batch + batch_length_offset);
  assert(batch_length >= 0 && batch_overhead + static_cast<size_t>(batch_length) <= size);
  size = std::min(size, batch_overhead + static_cast<size_t>(batch_length));
  auto attributes = load_be<int16_t>(batch + 21);
  store_be<int16_t>(batch + 21, static_cast<int16_t>(attributes | attr_timestamp_type));
  store_be<int64_t>(batch + 35, timestamp_ms);
  store_be<uint32_t>(batch + crc_offset, crc32c(crc_range(batch, size)));
}

} // namespace tributary::protocol
