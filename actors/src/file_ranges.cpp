// file_ranges.hpp, and fetch_partition_data's conversion of ranges into bytes for the wire.
#include "file_ranges.hpp"

#include "tributary/actors/messages/fetch.hpp"
#include "tributary/protocol/kafka_error.hpp"
#include "tributary/storage/errc.hpp"

#include <cstring>

namespace tributary::actors {

namespace {

uint32_t be32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

uint64_t be64(const unsigned char* p) {
  return (uint64_t{be32(p)} << 32) | be32(p + 4);
}

// RecordBatch v2: base offset (8), batch length (4, bytes after this field), partition leader
// epoch (4), magic (1), crc (4), attributes (2), last offset delta (4).
constexpr size_t k_length_at = 8;
constexpr size_t k_last_delta_at = 23;
constexpr size_t k_head = 27;

} // namespace

std::error_code read_ranges(const std::vector<storage::file_range>& ranges, bytes& out,
                            std::string* why) {
  size_t at = out.size();
  size_t total = at;
  for (const auto& r : ranges)
    total += r.length;
  out.resize(total);
  for (const auto& r : ranges) {
    auto n = r.file->pread_all(reinterpret_cast<std::byte*>(out.data() + at), r.length, r.position);
    if (!n || *n != r.length) {
      if (why)
        *why = "short read of " + r.file->path() + " at " + std::to_string(r.position);
      out.resize(at);
      return n ? make_error_code(storage::errc::io_error) : n.error();
    }
    at += r.length;
  }
  return {};
}

size_t trim_ranges_to_batches(std::vector<storage::file_range>& ranges, size_t budget) {
  size_t kept = 0;
  size_t i = 0;
  for (; i < ranges.size() && kept + ranges[i].length <= budget; ++i)
    kept += ranges[i].length;
  if (i == ranges.size())
    return kept;
  // Range i does not fit whole: keep its batches while they do.
  auto& r = ranges[i];
  uint64_t pos = r.position;
  const uint64_t end = r.position + r.length;
  unsigned char head[k_head];
  while (pos + k_head <= end) {
    auto n = r.file->pread_all(reinterpret_cast<std::byte*>(head), k_head, pos);
    if (!n || *n != k_head)
      break;
    const uint64_t size = uint64_t{be32(head + k_length_at)} + 12;
    if (pos + size > end || kept + (pos + size - r.position) > budget)
      break;
    r.last_offset = offset{static_cast<int64_t>(be64(head)) +
                           static_cast<int32_t>(be32(head + k_last_delta_at))};
    pos += size;
  }
  r.length = static_cast<uint32_t>(pos - r.position);
  kept += r.length;
  ranges.resize(r.length > 0 ? i + 1 : i);
  return kept;
}

fetch_partition_data with_ranges_read(const fetch_partition_data& x) {
  fetch_partition_data out;
  out.topic = x.topic;
  out.partition = x.partition;
  out.error = x.error;
  out.error_message = x.error_message;
  out.high_watermark = x.high_watermark;
  out.last_stable_offset = x.last_stable_offset;
  out.log_start_offset = x.log_start_offset;
  out.leader_epoch = x.leader_epoch;
  out.records = x.records;
  std::string why;
  if (auto ec = read_ranges(x.file_ranges, out.records, &why)) {
    out.records.clear();
    out.error = protocol::code_of(protocol::kafka_error::kafka_storage_error);
    out.error_message = "fetch of " + x.topic + "-" + std::to_string(x.partition) + ": " + why +
                        ": " + ec.message();
  }
  return out;
}

} // namespace tributary::actors
