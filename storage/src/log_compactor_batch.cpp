// log_compactor: per-batch steps of a compaction run — mapping keys of the dirty range and
// writing each batch's cleaned form (Kafka's MemoryRecords.filterTo with the LogCleaner's
// retention rule and KIP-534 delete horizons).
#include "log_compactor_batch.hpp"

#include "tributary/protocol/record_reader.hpp"
#include "tributary/storage/errc.hpp"

#include <limits>

namespace tributary::storage {
namespace {

std::string_view key_view(const protocol::record& r) {
  return protocol::as_string_view(*r.key);
}

/// The record's own timestamp as encoded (also for LogAppendTime batches, whose records
/// keep their create time on the wire), wrapping like the protocol module.
int64_t raw_timestamp(const protocol::batch_header& h, const protocol::record& r) {
  return static_cast<int64_t>(static_cast<uint64_t>(h.base_timestamp) +
                              static_cast<uint64_t>(r.timestamp_delta));
}

int64_t saturating_add(int64_t a, int64_t b) {
  if (b > 0 && a > std::numeric_limits<int64_t>::max() - b)
    return std::numeric_limits<int64_t>::max();
  return a + b;
}

bool is_copied_whole(const protocol::batch_header& h) {
  return h.is_control() || h.is_transactional();
}

} // namespace

result<protocol::record_reader>
compaction_task::batch_cleaner::open_reader(const scanned_batch& b) {
  auto reader = protocol::record_reader::open_validated(
      b.header, protocol::byte_span(b.data, b.header.total_size()), scratch_,
      plan.opts.max_decompressed_bytes);
  if (!reader)
    error_text = "records of the batch at offset " + std::to_string(b.header.base_offset) +
                 " cannot be decoded (" + reader.error().message() + ")";
  return reader;
}

result<bool> compaction_task::batch_cleaner::map_batch(const scanned_batch& b) {
  if (is_copied_whole(b.header))
    return true;
  auto reader = open_reader(b);
  if (!reader)
    return unexpected(make_error_code(errc::corrupt_log));
  keys_.clear();
  size_t key_bytes = 0;
  protocol::record r;
  for (;;) {
    auto more = reader->next(r);
    if (!more) {
      error_text = "record " + std::to_string(reader->records_read()) + " of the batch at offset " +
                   std::to_string(b.header.base_offset) + " is malformed (" +
                   more.error().message() + ")";
      return unexpected(make_error_code(errc::corrupt_log));
    }
    if (!*more)
      break;
    if (!r.key)
      continue; // null keys cannot be deduplicated
    keys_.emplace_back(key_view(r), protocol::record_offset(b.header, r));
    key_bytes += r.key->size();
  }
  if (!map.empty() && !map.has_room_for(keys_.size(), key_bytes))
    return false;
  for (const auto& [key, off] : keys_)
    map.put(key, offset{off});
  return true;
}

bool compaction_task::batch_cleaner::should_keep(const protocol::batch_header& h,
                                                 const protocol::record& r, int64_t off,
                                                 compaction_stats& stats) const {
  if (!r.key)
    return true; // Kafka drops these (compacted topics refuse them); we never lose them
  if (auto latest = map.get(key_view(r)); latest && latest->value > off)
    return false; // a newer record of the same key follows
  if (r.is_tombstone() && h.has_delete_horizon() && plan.now_ms >= h.base_timestamp) {
    ++stats.tombstones_dropped;
    return false;
  }
  return true;
}

result<void> compaction_task::batch_cleaner::clean_batch(const scanned_batch& b,
                                                         compaction_stats& stats) {
  const auto& h = b.header;
  stats.bytes_read += h.total_size();
  auto copy_whole = [&] {
    out.insert(out.end(), b.data, b.data + h.total_size());
    ++stats.batches_copied;
    stats.records_kept += h.records_count;
    return result<void>{};
  };
  if (offset{h.base_offset} >= end || is_copied_whole(h)) {
    stats.records_read += h.records_count;
    return copy_whole();
  }
  auto reader = open_reader(b);
  if (!reader)
    return unexpected(make_error_code(errc::corrupt_log));
  kept_.clear();
  bool has_kept_tombstone = false;
  int32_t count = 0;
  protocol::record r;
  for (;; ++count) {
    auto more = reader->next(r);
    if (!more) {
      error_text = "record " + std::to_string(count) + " of the batch at offset " +
                   std::to_string(h.base_offset) + " is malformed (" + more.error().message() + ")";
      return unexpected(make_error_code(errc::corrupt_log));
    }
    if (!*more)
      break;
    if (!should_keep(h, r, protocol::record_offset(h, r), stats))
      continue;
    has_kept_tombstone = has_kept_tombstone || (r.key && r.is_tombstone());
    kept_.push_back(r);
  }
  stats.records_read += count;
  std::optional<int64_t> horizon;
  if (h.has_delete_horizon())
    horizon = h.base_timestamp;
  else if (has_kept_tombstone)
    horizon = saturating_add(plan.now_ms, plan.log_opts.delete_retention_ms);
  if (has_kept_tombstone && (!earliest_horizon_ms || *horizon < *earliest_horizon_ms))
    earliest_horizon_ms = horizon;
  if (kept_.empty()) {
    ++stats.batches_dropped;
    return {};
  }
  if (static_cast<int32_t>(kept_.size()) == count && horizon.has_value() == h.has_delete_horizon())
    return copy_whole();
  stats.records_kept += static_cast<int64_t>(kept_.size());
  ++stats.batches_rewritten;
  return rebuild(h, horizon);
}

result<void> compaction_task::batch_cleaner::rebuild(const protocol::batch_header& h,
                                                     std::optional<int64_t> horizon) {
  protocol::batch_options o;
  o.base_offset = h.base_offset;
  o.partition_leader_epoch = h.partition_leader_epoch;
  o.codec = h.codec();
  o.ts_type = h.ts_type();
  o.log_append_time_ms = h.max_timestamp;
  o.producer_id = h.producer_id;
  o.producer_epoch = h.producer_epoch;
  o.base_sequence = h.base_sequence;
  o.delete_horizon_ms = horizon;
  builder_.reset(o);
  for (const auto& r : kept_)
    builder_.append(r, raw_timestamp(h, r));
  builder_.set_last_offset_delta(h.last_offset_delta);
  size_t before = out.size();
  if (auto n = builder_.build(out); !n) {
    error_text = "re-encoding the batch at offset " + std::to_string(h.base_offset) + " failed (" +
                 n.error().message() + ")";
    out.resize(before);
    return unexpected(make_error_code(errc::corrupt_log));
  }
  return {};
}

} // namespace tributary::storage
