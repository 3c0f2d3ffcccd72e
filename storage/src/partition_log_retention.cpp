// partition_log: retention (time, size), DeleteRecords, follower truncation and the
// compactor's segment swap. Every deletion renames to `.deleted` first, then unlinks
// (immediately or after file.delete.delay.ms); open() unlinks leftovers.
#include "tributary/storage/partition_log.hpp"

#include "tributary/storage/errc.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

namespace tributary::storage {

result<void>
partition_log::delete_segment(std::map<int64_t, std::unique_ptr<segment>>::iterator it) {
  segment& s = *it->second;
  TRIB_TRY(s.rename_suffix("", ".deleted"));
  int64_t due = clock_() + opts_.file_delete_delay_ms;
  for (const auto& f : {s.log(), s.index().file(), s.timeindex().file()})
    pending_deletes_.emplace_back(due, f->path());
  spdlog::info("storage: {}: deleting segment {} (offsets [{}, {}), {} bytes)", dir_, it->first,
               s.base_offset().value, s.next_offset().value, s.size_bytes());
  segments_.erase(it);
  needs_dir_sync_ = true;
  if (opts_.file_delete_delay_ms <= 0)
    purge_deleted(0, true);
  return {};
}

void partition_log::purge_deleted(int64_t now_ms, bool force) {
  auto keep = pending_deletes_.begin();
  for (auto& [due, path] : pending_deletes_) {
    if (force || due <= now_ms)
      ::unlink(path.c_str()); // in-flight reads hold the fd; the inode lives on until then
    else
      *keep++ = std::move(std::make_pair(due, path));
  }
  pending_deletes_.erase(keep, pending_deletes_.end());
}

result<retention_result> partition_log::delete_oldest(size_t count) {
  retention_result r;
  if (count == 0)
    return r;
  if (count >= segments_.size()) {
    if (active().empty())
      count = segments_.size() - 1; // never delete the (empty) active segment
    else
      TRIB_TRY(roll_at(log_end_offset())); // Kafka: roll so the log keeps an active segment
  }
  for (size_t i = 0; i < count; ++i) {
    r.deleted_bytes += segments_.begin()->second->size_bytes();
    TRIB_TRY(delete_segment(segments_.begin()));
    ++r.deleted_segments;
  }
  if (offset first{segments_.begin()->first}; first > log_start_) {
    log_start_ = first;
    TRIB_TRY(start_checkpoint_->write(log_start_, ++start_generation_));
  }
  return r;
}

size_t partition_log::segments_below(offset high_watermark) const {
  size_t n = 0;
  for (auto it = segments_.begin(); it != segments_.end(); ++it, ++n) {
    auto nx = std::next(it);
    offset upper = nx == segments_.end() ? log_end_offset() : offset{nx->first};
    if (upper > high_watermark)
      break;
  }
  return n;
}

result<retention_result> partition_log::apply_retention(int64_t now_ms,
                                                        std::optional<offset> high_watermark) {
  if (is_closed_)
    return unexpected(make_error_code(errc::log_closed));
  if (is_failed_) // offline after a failed fsync: change nothing on disk (Kafka: dir offline)
    return unexpected(make_error_code(errc::log_failed));
  retention_result total;
  // Leading empty sealed segments (what compaction leaves once every tombstone of a range
  // expired) hold nothing: they go whatever the policy.
  size_t empty = 0;
  for (auto it = segments_.begin(); std::next(it) != segments_.end() && it->second->empty(); ++it)
    ++empty;
  if (empty > 0) {
    auto r = delete_oldest(empty);
    if (!r)
      return r;
    total = *r;
  }
  // Segments holding offsets at or above the high watermark are not committed yet (a
  // follower may still need them): retention stops below it.
  size_t allowed = high_watermark ? segments_below(*high_watermark) : segments_.size();
  if (opts_.cleanup_delete) {
    size_t by_time = 0;
    if (opts_.retention_ms >= 0)
      for (const auto& [base, seg] : segments_) {
        int64_t newest = seg->max_timestamp() >= 0 ? seg->max_timestamp() : seg->roll_base_ms();
        // An empty sealed segment (what compaction can leave) holds nothing: delete it.
        if ((seg->empty() && seg.get() == &active()) ||
            (!seg->empty() && now_ms - newest <= opts_.retention_ms))
          break;
        ++by_time;
      }
    by_time = std::min(by_time, allowed);
    allowed -= by_time;
    auto r = delete_oldest(by_time);
    if (!r)
      return r;
    total.deleted_segments += r->deleted_segments;
    total.deleted_bytes += r->deleted_bytes;
    if (opts_.retention_bytes >= 0) {
      int64_t excess = static_cast<int64_t>(size_bytes()) - opts_.retention_bytes;
      size_t by_size = 0;
      for (const auto& [base, seg] : segments_) {
        if ((seg->empty() && seg.get() == &active()) ||
            excess - static_cast<int64_t>(seg->size_bytes()) < 0)
          break;
        excess -= static_cast<int64_t>(seg->size_bytes());
        ++by_size;
      }
      r = delete_oldest(std::min(by_size, allowed));
      if (!r)
        return r;
      total.deleted_segments += r->deleted_segments;
      total.deleted_bytes += r->deleted_bytes;
    }
  }
  purge_deleted(now_ms, false);
  total.log_start_offset = log_start_;
  return total;
}

result<offset> partition_log::delete_records_before(offset before) {
  if (is_closed_)
    return unexpected(make_error_code(errc::log_closed));
  if (is_failed_) // offline after a failed fsync: change nothing on disk (Kafka: dir offline)
    return unexpected(make_error_code(errc::log_failed));
  if (before > log_end_offset())
    return unexpected(fail(make_error_code(errc::offset_out_of_range),
                           "DeleteRecords offset " + std::to_string(before.value) +
                               " is past the log end offset " +
                               std::to_string(log_end_offset().value)));
  if (before <= log_start_)
    return log_start_;
  log_start_ = before;
  TRIB_TRY(start_checkpoint_->write(log_start_, ++start_generation_));
  while (segments_.size() > 1 && std::next(segments_.begin())->first <= before.value)
    TRIB_TRY(delete_segment(segments_.begin()));
  return log_start_;
}

result<void> partition_log::truncate_to(offset target) {
  if (is_closed_)
    return unexpected(make_error_code(errc::log_closed));
  if (is_failed_)
    return unexpected(make_error_code(errc::log_failed));
  if (has_ticket_out_)
    return unexpected(make_error_code(errc::flush_in_progress));
  if (target >= log_end_offset())
    return {};
  spdlog::info("storage: {}: truncating from log end {} to offset {}", dir_, log_end_offset().value,
               target.value);
  if (target <= offset{segments_.begin()->first}) { // nothing stays: start over at target
    TRIB_TRY(start_over_at(target));
  } else {
    while (segments_.rbegin()->first >= target.value)
      TRIB_TRY(delete_segment(std::prev(segments_.end())));
    TRIB_TRY(active().truncate_to(target));
  }
  needs_dir_sync_ = true;
  if (log_start_ > log_end_offset()) { // truncated below DeleteRecords' start (Kafka: min)
    log_start_ = log_end_offset();
    TRIB_TRY(start_checkpoint_->write(log_start_, ++start_generation_));
  }
  recovery_point_ = std::min(recovery_point_, log_end_offset());
  return recovery_checkpoint_->write(recovery_point_, ++generation_);
}

result<void> partition_log::start_over_at(offset start) {
  while (!segments_.empty())
    TRIB_TRY(delete_segment(segments_.begin()));
  auto fresh = segment::create(dir_, start, opts_, clock_());
  if (!fresh) {
    is_closed_ = true; // no segment left to serve from; reopen to recover
    return unexpected(fail(fresh.error(), "cannot create segment in " + dir_));
  }
  segments_[start.value] = std::move(*fresh);
  log_start_ = start;
  return start_checkpoint_->write(log_start_, ++start_generation_);
}

result<void> partition_log::truncate_fully_and_start_at(offset start) {
  if (is_closed_)
    return unexpected(make_error_code(errc::log_closed));
  if (is_failed_)
    return unexpected(make_error_code(errc::log_failed));
  if (has_ticket_out_)
    return unexpected(make_error_code(errc::flush_in_progress));
  spdlog::info("storage: {}: dropping offsets [{}, {}) and starting over at offset {}", dir_,
               log_start_.value, log_end_offset().value, start.value);
  TRIB_TRY(start_over_at(start));
  needs_dir_sync_ = true;
  recovery_point_ = start; // nothing below it exists any more; ++generation_ fences old tickets
  return recovery_checkpoint_->write(recovery_point_, ++generation_);
}

result<void> partition_log::replace_segments(const std::vector<offset>& old_bases,
                                             std::unique_ptr<segment> replacement) {
  if (is_closed_)
    return unexpected(make_error_code(errc::log_closed));
  if (is_failed_) {
    if (replacement)
      replacement->remove_files(); // the cleaned copy is not needed: nothing changes offline
    return unexpected(make_error_code(errc::log_failed));
  }
  auto stale = [&](const std::string& why) {
    return unexpected(fail(make_error_code(errc::stale_segments), "replace_segments: " + why));
  };
  if (old_bases.empty() || !replacement || replacement->base_offset() != old_bases.front())
    return stale("the replacement must start at the first old segment's base offset");
  auto it = segments_.find(old_bases.front().value);
  for (offset b : old_bases) {
    if (it == segments_.end() || it->first != b.value || std::next(it) == segments_.end())
      return stale("segment " + std::to_string(b.value) + " is gone, active or not consecutive");
    ++it;
  }
  if (replacement->next_offset().value > it->first)
    return stale("the replacement's offsets reach into segment " + std::to_string(it->first));
  offset base = replacement->base_offset();
  TRIB_TRY(replacement->persist_indexes());
  // The range file tells a recovering open() which live segments the swap replaces.
  TRIB_TRY(write_file_atomically(dir_, segment::file_name(base, ".swap.range"),
                                 std::to_string(it->first) + "\n"));
  TRIB_TRY(replacement->rename_suffix(".cleaned", ".swap"));
  TRIB_TRY(sync_dir(dir_));
  for (offset b : old_bases)
    TRIB_TRY(delete_segment(segments_.find(b.value)));
  TRIB_TRY(replacement->rename_suffix(".swap", ""));
  ::unlink((dir_ + "/" + segment::file_name(base, ".swap.range")).c_str());
  TRIB_TRY(sync_dir(dir_));
  segments_[base.value] = std::move(replacement);
  return {};
}

} // namespace tributary::storage
