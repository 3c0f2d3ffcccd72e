// partition_log: append (leader and follower), read, timestamp lookup, flush tickets.
// Opening/recovery/close: partition_log_open.cpp; retention and segment surgery:
// partition_log_retention.cpp.
#include "tributary/storage/partition_log.hpp"

#include "tributary/protocol/batch_header.hpp"
#include "tributary/protocol/record_reader.hpp"
#include "tributary/storage/errc.hpp"

#include <spdlog/spdlog.h>

namespace tributary::storage {

std::error_code partition_log::fail(std::error_code ec, std::string text) const {
  spdlog::debug("storage: {}: {}", dir_, text);
  last_error_ = std::move(text);
  return ec;
}

offset partition_log::log_end_offset() const {
  return active().next_offset();
}

uint64_t partition_log::size_bytes() const {
  uint64_t n = 0;
  for (const auto& [base, seg] : segments_)
    n += seg->size_bytes();
  return n;
}

const segment* partition_log::segment_for(offset o) const {
  auto it = segments_.upper_bound(o.value);
  if (it == segments_.begin())
    return nullptr;
  return std::prev(it)->second.get();
}

result<append_result> partition_log::append(std::byte* data, size_t size, epoch leader_epoch) {
  return append_impl(data, size, true, leader_epoch);
}

result<append_result> partition_log::append_with_offsets(std::byte* data, size_t size) {
  return append_impl(data, size, false, epoch{-1});
}

// Compaction keeps the newest record per key, so a keyless record could never be cleaned:
// Kafka's LogValidator refuses it, and so do we. The only per-record work on the append
// path, and only for compacted topics.
result<void> partition_log::check_keys(const std::byte* batch, size_t size, size_t index) {
  auto reader = protocol::record_reader::open(protocol::byte_span(batch, size), key_check_scratch_,
                                              static_cast<size_t>(opts_.max_message_bytes) * 64);
  if (!reader)
    return unexpected(fail(make_error_code(errc::corrupt_message),
                           "batch " + std::to_string(index) +
                               " of the append cannot be decoded: " + reader.error().message()));
  protocol::record r;
  while (true) {
    auto more = reader->next(r);
    if (!more)
      return unexpected(fail(make_error_code(errc::corrupt_message),
                             "batch " + std::to_string(index) + " of the append has a malformed " +
                                 "record: " + more.error().message()));
    if (!*more)
      return {};
    if (!r.key)
      return unexpected(fail(make_error_code(errc::invalid_record),
                             "record at offset delta " + std::to_string(r.offset_delta) +
                                 " of batch " + std::to_string(index) +
                                 " has no key; compacted topics (cleanup.policy=compact) "
                                 "only accept keyed records"));
  }
}

result<append_result> partition_log::append_impl(std::byte* data, size_t size, bool assign,
                                                 epoch leader_epoch) {
  if (is_closed_)
    return unexpected(make_error_code(errc::log_closed));
  if (is_failed_)
    return unexpected(make_error_code(errc::log_failed));
  if (size == 0)
    return unexpected(fail(make_error_code(errc::invalid_request), "empty append"));
  append_result res;
  batch_scratch_.clear();
  offset expected = log_end_offset();
  offset first = expected;
  // Pass 1: validate every batch before touching anything (the call is all or nothing).
  for (size_t pos = 0; pos < size;) {
    auto h = protocol::validate_batch(data + pos, size - pos);
    if (!h)
      return unexpected(fail(make_error_code(errc::corrupt_message),
                             "batch " + std::to_string(batch_scratch_.size()) + " at byte " +
                                 std::to_string(pos) + " of " + std::to_string(size) +
                                 " of the append is invalid: " + h.error().message()));
    size_t total = h->total_size();
    if (static_cast<int64_t>(total) > opts_.max_message_bytes)
      return unexpected(fail(make_error_code(errc::record_too_large),
                             "batch at byte " + std::to_string(pos) + " is " +
                                 std::to_string(total) + " bytes, larger than max.message.bytes " +
                                 std::to_string(opts_.max_message_bytes)));
    if (opts_.cleanup_compact && assign && !h->is_control())
      TRIB_TRY(check_keys(data + pos, total, batch_scratch_.size()));
    if (!assign) {
      if (pos == 0)
        first = offset{h->base_offset};
      if (offset{h->base_offset} < expected)
        return unexpected(fail(make_error_code(errc::offset_out_of_order),
                               "batch base offset " + std::to_string(h->base_offset) +
                                   " is below the expected offset " +
                                   std::to_string(expected.value)));
      expected = offset{h->last_offset() + 1};
    }
    // For leader appends last_offset holds the delta until pass 2 assigns offsets.
    batch_scratch_.push_back({static_cast<uint32_t>(total),
                              offset{assign ? h->last_offset_delta : h->last_offset()},
                              h->max_timestamp});
    res.record_count += h->records_count;
    pos += total;
  }
  if (static_cast<int64_t>(size) > opts_.segment_bytes)
    return unexpected(
        fail(make_error_code(errc::batch_too_large), "append of " + std::to_string(size) +
                                                         " bytes is larger than segment.bytes " +
                                                         std::to_string(opts_.segment_bytes)));
  int64_t now = clock_();
  bool is_lat = opts_.timestamp_type == message_timestamp_type::log_append_time;
  // Pass 2: offsets, epoch and LogAppendTime in place (outside the CRC, except LAT).
  offset next = log_end_offset();
  if (assign) {
    size_t pos = 0;
    for (auto& b : batch_scratch_) {
      std::byte* p = data + pos;
      protocol::set_base_offset(p, next.value);
      protocol::set_partition_leader_epoch(p, leader_epoch.value);
      if (is_lat) {
        protocol::set_log_append_time(p, b.size, now);
        b.max_timestamp = now;
      }
      b.last_offset = next + b.last_offset.value;
      next = b.last_offset + 1;
      pos += b.size;
    }
  }
  offset last = batch_scratch_.back().last_offset;
  int64_t max_ts = -1;
  for (const auto& b : batch_scratch_)
    max_ts = std::max(max_ts, b.max_timestamp);
  TRIB_TRY(maybe_roll(size, first, last, now, max_ts));
  if (auto w = active().append(data, size, batch_scratch_.data(), batch_scratch_.size()); !w)
    return unexpected(fail(w.error(), "append to '" + active().log()->path() +
                                          "' failed: " + w.error().message()));
  res.base_offset = first;
  res.last_offset = last;
  res.log_append_time = is_lat ? now : -1;
  res.offset_of_max_timestamp = first;
  for (const auto& b : batch_scratch_)
    if (b.max_timestamp > res.max_timestamp) {
      res.max_timestamp = b.max_timestamp;
      res.offset_of_max_timestamp = b.last_offset;
    }
  res.log_start_offset = log_start_;
  res.batch_count = static_cast<int>(batch_scratch_.size());
  res.bytes = size;
  res.is_flush_due = is_flush_due();
  return res;
}

result<void> partition_log::maybe_roll(size_t bytes, offset first, offset last, int64_t now,
                                       int64_t max_timestamp) {
  segment& a = active();
  // segment.ms as Kafka: the incoming batches' max timestamp against the segment's first
  // batch timestamp (so replaying old data does not roll on every append); the clock
  // against the creation time when the segment has no timestamp yet.
  int64_t waited = a.first_timestamp() >= 0 && max_timestamp >= 0
                       ? max_timestamp - a.first_timestamp()
                       : now - a.roll_base_ms();
  bool is_full =
      !a.empty() && (a.size_bytes() + bytes > static_cast<uint64_t>(opts_.segment_bytes) ||
                     waited > opts_.segment_ms);
  bool overflows = last - a.base_offset() > INT32_MAX || first < a.base_offset();
  if (is_full || overflows || a.is_index_full())
    return roll_at(first);
  return {};
}

result<void> partition_log::roll() {
  if (is_closed_)
    return unexpected(make_error_code(errc::log_closed));
  if (is_failed_)
    return unexpected(make_error_code(errc::log_failed));
  if (active().empty())
    return {};
  return roll_at(log_end_offset());
}

result<void> partition_log::roll_at(offset base) {
  segment& old = active();
  if (old.empty() && old.base_offset() == base)
    return {};
  if (!old.empty())
    TRIB_TRY(old.seal());
  auto seg = segment::create(dir_, base, opts_, clock_());
  if (!seg)
    return unexpected(fail(seg.error(), "cannot create segment " + std::to_string(base.value) +
                                            " in " + dir_ + ": " + seg.error().message()));
  if (old.empty()) { // an empty active segment is replaced, not kept
    old.remove_files();
    segments_.erase(old.base_offset().value);
  }
  segments_[base.value] = std::move(*seg);
  needs_dir_sync_ = true;
  spdlog::debug("storage: {}: rolled new segment at offset {}", dir_, base.value);
  return {};
}

result<read_result> partition_log::read(offset start, size_t max_bytes, offset upper_bound) const {
  if (is_closed_)
    return unexpected(make_error_code(errc::log_closed));
  read_result r;
  r.log_start_offset = log_start_;
  r.log_end_offset = log_end_offset();
  r.high_watermark = std::min(upper_bound, r.log_end_offset);
  if (start < log_start_ || start > r.log_end_offset)
    return unexpected(fail(make_error_code(errc::offset_out_of_range),
                           "offset " + std::to_string(start.value) + " is outside [" +
                               std::to_string(log_start_.value) + ", " +
                               std::to_string(r.log_end_offset.value) + "]"));
  auto it = segments_.upper_bound(start.value);
  if (it != segments_.begin())
    --it;
  size_t total = 0;
  for (; it != segments_.end() && total < max_bytes; ++it) {
    auto slice = it->second->read(start, max_bytes - total, upper_bound, total == 0);
    if (!slice)
      return unexpected(slice.error());
    if (slice->range) {
      total += slice->range->length;
      r.ranges.push_back(std::move(*slice->range));
    }
    if (slice->is_limited)
      break;
  }
  return r;
}

result<read_result> partition_log::read_copy(offset start, size_t max_bytes, offset upper_bound,
                                             std::vector<std::byte>& out) const {
  auto r = read(start, max_bytes, upper_bound);
  if (!r)
    return r;
  out.resize(r->size_bytes());
  size_t at = 0;
  for (const auto& range : r->ranges) {
    auto n = range.file->pread_all(out.data() + at, range.length, range.position);
    if (!n)
      return unexpected(n.error());
    if (*n != range.length)
      return unexpected(
          fail(make_error_code(errc::io_error), "short read of '" + range.file->path() + "'"));
    at += range.length;
  }
  return r;
}

result<std::optional<offset>> partition_log::offset_for_timestamp(int64_t ts) const {
  if (ts == k_earliest_timestamp)
    return std::optional<offset>{log_start_};
  if (ts == k_latest_timestamp)
    return std::optional<offset>{log_end_offset()};
  for (const auto& [base, seg] : segments_) {
    if (seg->max_timestamp() < ts || seg->next_offset() <= log_start_)
      continue;
    auto found = seg->find_by_timestamp(ts, log_start_);
    if (!found || *found)
      return found;
  }
  return std::optional<offset>{};
}

bool partition_log::is_flush_due() const {
  int64_t unflushed = log_end_offset() - recovery_point_;
  if (unflushed <= 0)
    return false;
  return unflushed >= opts_.flush_messages || clock_() - last_flush_ms_ >= opts_.flush_ms;
}

result<flush_ticket> partition_log::prepare_flush() {
  if (is_closed_)
    return unexpected(make_error_code(errc::log_closed));
  if (is_failed_)
    return unexpected(make_error_code(errc::log_failed));
  if (has_ticket_out_)
    return unexpected(make_error_code(errc::flush_in_progress));
  flush_ticket t;
  t.dir_ = dir_;
  t.target_ = log_end_offset();
  t.generation_ = generation_;
  for (const auto& [base, seg] : segments_) {
    if (seg->next_offset() <= recovery_point_ && !seg->empty())
      continue;
    TRIB_TRY(seg->persist_indexes());
    t.files_.push_back(seg->log());
    t.files_.push_back(seg->index().file());
    t.files_.push_back(seg->timeindex().file());
  }
  t.needs_dir_sync_ = needs_dir_sync_;
  needs_dir_sync_ = false;
  if (t.target_ > recovery_point_ || t.needs_dir_sync_)
    t.checkpoint_ = recovery_checkpoint_;
  has_ticket_out_ = true;
  return t;
}

void partition_log::complete_flush(const flush_ticket& ticket) {
  has_ticket_out_ = false;
  if (ticket.is_failed()) { // the kernel may have dropped the pages: never trust them again
    is_failed_ = true;
    spdlog::error("storage: {}: fsync failed; log offline (appends and flushes refused, "
                  "recovery point stays {}, log end {}) until reopened and recovered",
                  dir_, recovery_point_.value, log_end_offset().value);
    fail(make_error_code(errc::log_failed),
         "an fsync failed; the log is offline with recovery point " +
             std::to_string(recovery_point_.value));
    return;
  }
  if (!ticket.is_executed()) {
    needs_dir_sync_ = needs_dir_sync_ || ticket.needs_dir_sync_;
    return;
  }
  last_flush_ms_ = clock_();
  if (ticket.generation_ == generation_)
    recovery_point_ = std::max(recovery_point_, std::min(ticket.target_, log_end_offset()));
}

result<void> partition_log::flush() {
  auto t = prepare_flush();
  if (!t)
    return unexpected(t.error());
  auto r = t->execute();
  complete_flush(*t);
  return r;
}

std::vector<segment_info> partition_log::segments() const {
  std::vector<segment_info> out;
  out.reserve(segments_.size());
  for (auto it = segments_.begin(); it != segments_.end(); ++it) {
    const segment& s = *it->second;
    auto nx = std::next(it);
    bool is_last = nx == segments_.end();
    out.push_back({s.base_offset(), is_last ? s.next_offset() : offset{nx->first}, s.size_bytes(),
                   s.max_timestamp(), s.roll_base_ms(), is_last, s.log()});
  }
  return out;
}

std::vector<segment_info> partition_log::sealed_segments() const {
  auto all = segments();
  all.pop_back();
  return all;
}

} // namespace tributary::storage
