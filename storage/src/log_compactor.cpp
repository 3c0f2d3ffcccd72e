// log_compactor: the owner-thread halves of a compaction pass — choosing the cleanable range
// (Kafka's LogCleanerManager.cleanableOffsets and dirty ratio) and swapping the cleaned
// segments in, checkpointing the cleaned offset.
#include "tributary/storage/log_compactor.hpp"

#include "tributary/storage/errc.hpp"

#include <algorithm>
#include <spdlog/spdlog.h>
#include <unistd.h>

namespace tributary::storage {
namespace {

void remove_cleaned_files(const std::string& dir, offset base) {
  for (const char* ext : {".log", ".index", ".timeindex"})
    ::unlink((dir + "/" + segment::file_name(base, ext) + ".cleaned").c_str());
}

} // namespace

log_compactor::log_compactor(std::string dir, compaction_options opts)
    : dir_(std::move(dir)), opts_(opts),
      checkpoint_(std::make_shared<checkpoint_file>(dir_, k_checkpoint_name)) {}

std::error_code log_compactor::fail(std::error_code ec, std::string text) {
  last_error_ = std::move(text);
  return ec;
}

result<void> log_compactor::load_checkpoint() {
  if (is_checkpoint_loaded_)
    return {};
  auto cp = checkpoint_->read();
  if (!cp) { // a malformed checkpoint only costs work: start over from the log start
    spdlog::warn("storage: {}: unreadable {}, cleaning from the log start", dir_,
                 k_checkpoint_name);
  } else {
    cleaned_offset_ = *cp;
  }
  is_checkpoint_loaded_ = true;
  return {};
}

result<std::optional<compaction_task>> log_compactor::plan(const partition_log& log, int64_t now_ms,
                                                           std::optional<offset> upper_bound) {
  if (is_uncleanable_)
    return unexpected(make_error_code(errc::corrupt_log));
  const log_options& lo = log.options();
  if (!lo.cleanup_compact)
    return std::optional<compaction_task>{};
  TRIB_TRY(load_checkpoint());
  auto sealed = log.sealed_segments();
  if (sealed.empty())
    return std::optional<compaction_task>{};
  offset limit = sealed.back().next_offset; // the active segment's base
  if (upper_bound)
    limit = std::min(limit, *upper_bound);
  compaction_plan p;
  for (auto& seg : sealed) {
    bool is_too_new =
        lo.min_compaction_lag_ms > 0 && seg.max_timestamp > now_ms - lo.min_compaction_lag_ms;
    if (seg.next_offset > limit || is_too_new)
      break;
    p.segments.push_back(std::move(seg));
  }
  if (p.segments.empty())
    return std::optional<compaction_task>{};
  offset log_start = log.log_start_offset();
  offset first_dirty = cleaned_offset_.value_or(log_start);
  if (first_dirty < log_start || first_dirty > log.log_end_offset())
    first_dirty = log_start; // retention passed it, or a truncation went below it
  p.first_dirty = first_dirty;
  p.first_uncleanable = p.segments.back().next_offset;
  for (const auto& seg : p.segments)
    (seg.next_offset <= first_dirty ? p.clean_bytes : p.dirty_bytes) += seg.size_bytes;
  double total = static_cast<double>(p.clean_bytes + p.dirty_bytes);
  double ratio = total > 0 ? static_cast<double>(p.dirty_bytes) / total : 0.0;
  bool is_dirty_enough = p.dirty_bytes > 0 && ratio >= opts_.min_cleanable_dirty_ratio;
  bool is_horizon_due = next_horizon_ms_ && now_ms >= *next_horizon_ms_;
  if (!is_dirty_enough && !is_horizon_due)
    return std::optional<compaction_task>{};
  p.dir = log.dir();
  p.log_opts = lo;
  p.opts = opts_;
  p.now_ms = now_ms;
  return std::optional<compaction_task>{compaction_task(std::move(p))};
}

bool log_compactor::is_snapshot_current(const partition_log& log,
                                        const compaction_plan& plan) const {
  auto now = log.segments();
  auto it = now.begin();
  for (const auto& was : plan.segments) {
    while (it != now.end() && it->base_offset < was.base_offset)
      ++it;
    if (it == now.end() || it->is_active || it->base_offset != was.base_offset ||
        it->next_offset != was.next_offset || it->size_bytes != was.size_bytes ||
        it->file != was.file)
      return false;
  }
  return true;
}

result<compaction_summary> log_compactor::apply(partition_log& log, compaction_task&& task) {
  compaction_task t(std::move(task)); // its destructor discards whatever is not swapped in
  if (!t.has_run())
    return unexpected(fail(make_error_code(errc::invalid_request),
                           "apply: the compaction task of '" + dir_ + "' has not run"));
  // Staleness first: a segment truncated or deleted under a running task reads as damaged,
  // and that must not mark a healthy log uncleanable forever.
  if (!is_snapshot_current(log, t.plan()))
    return unexpected(fail(make_error_code(errc::stale_segments),
                           "compaction of '" + dir_ +
                               "': the log changed (retention, truncation) while cleaning; "
                               "the cleaned segments were discarded"));
  if (t.error()) {
    if (t.error() == make_error_code(errc::corrupt_log))
      is_uncleanable_ = true; // Kafka marks the partition uncleanable
    return unexpected(fail(t.error(), t.last_error()));
  }
  compaction_summary sum;
  sum.stats = t.stats();
  for (auto& g : t.groups()) {
    std::string name = g.replacement->log()->path();
    auto r = log.replace_segments(g.old_bases, std::move(g.replacement));
    if (!r) {
      if (r.error() == make_error_code(errc::stale_segments))
        remove_cleaned_files(dir_, g.old_bases.front()); // the log dropped the segment object
      return unexpected(fail(r.error(), "compaction of '" + dir_ + "': swapping in '" + name +
                                            "' failed: " + log.last_error()));
    }
    ++sum.replaced_groups;
    sum.replaced_segments += static_cast<int>(g.old_bases.size());
  }
  offset done = std::max(t.cleaned_up_to(), t.plan().first_dirty);
  TRIB_TRY(checkpoint_->write(done, ++generation_));
  cleaned_offset_ = done;
  next_horizon_ms_ = t.earliest_horizon_ms();
  sum.cleaned_up_to = done;
  spdlog::info("storage: {}: compacted {} segment(s) into {}: {} of {} records kept, {} -> {} "
               "bytes, cleaned up to {}",
               dir_, sum.replaced_segments, sum.replaced_groups, sum.stats.records_kept,
               sum.stats.records_read, sum.stats.bytes_read, sum.stats.bytes_written, done.value);
  return sum;
}

} // namespace tributary::storage
