// compaction_task: the heavy part of a compaction pass, run on any thread — maps the keys
// of the dirty range, then rewrites the cleanable segments into ".cleaned" replacements,
// grouping consecutive small ones (Kafka's Cleaner.doClean / groupSegmentsBySize).
#include "log_compactor_batch.hpp"

#include "tributary/storage/batch_scanner.hpp"
#include "tributary/storage/errc.hpp"
#include "tributary/storage/time_index.hpp"

#include <algorithm>
#include <climits>
#include <spdlog/spdlog.h>

namespace tributary::storage {
namespace {

/// The segment's file name from the snapshot: log_file::path() belongs to the owner
/// thread (a rename there would race with reading it here).
std::string segment_path(const compaction_plan& p, const segment_info& seg) {
  return p.dir + "/" + segment::file_name(seg.base_offset, ".log");
}

} // namespace

compaction_task::compaction_task(compaction_plan plan)
    : plan_(std::move(plan)), end_(plan_.first_dirty) {}

compaction_task::~compaction_task() {
  discard();
}

compaction_task& compaction_task::operator=(compaction_task&& other) noexcept {
  if (this != &other) {
    discard();
    plan_ = std::move(other.plan_);
    has_run_ = other.has_run_;
    end_ = other.end_;
    earliest_horizon_ms_ = other.earliest_horizon_ms_;
    stats_ = other.stats_;
    groups_ = std::move(other.groups_);
    other.groups_.clear();
    error_ = other.error_;
    last_error_ = std::move(other.last_error_);
  }
  return *this;
}

void compaction_task::discard() {
  for (auto& g : groups_)
    if (g.replacement)
      g.replacement->remove_files();
  groups_.clear();
}

std::error_code compaction_task::fail(std::error_code ec, std::string text) {
  error_ = ec;
  last_error_ = "compaction of '" + plan_.dir + "': " + std::move(text);
  spdlog::error("storage: {}", last_error_);
  return ec;
}

result<void> compaction_task::run() {
  if (has_run_)
    return unexpected(fail(make_error_code(errc::invalid_request), "the task already ran"));
  has_run_ = true;
  batch_cleaner c(plan_);
  if (auto r = build_map(c); !r) {
    discard();
    return r;
  }
  if (auto r = clean_segments(c); !r) {
    discard();
    return r;
  }
  earliest_horizon_ms_ = c.earliest_horizon_ms;
  stats_.map_entries = c.map.size();
  return {};
}

// Both passes read sealed segments the same way: a torn or corrupt batch stops cleaning.
result<bool> compaction_task::next_batch(batch_scanner& scan, const segment_info& seg,
                                         scanned_batch& b) {
  switch (scan.next(b)) {
  case batch_scanner::status::batch:
    return true;
  case batch_scanner::status::end:
    return false;
  case batch_scanner::status::io_failure:
    return unexpected(fail(scan.error(), "reading '" + segment_path(plan_, seg) + "' failed"));
  case batch_scanner::status::damaged:
    break;
  }
  return unexpected(fail(make_error_code(errc::corrupt_log),
                         "the batch at position " + std::to_string(scan.position()) + " of '" +
                             segment_path(plan_, seg) +
                             "' is torn or fails its CRC; cleaning of this log stopped, "
                             "nothing was changed"));
}

result<void> compaction_task::build_map(batch_cleaner& c) {
  end_ = plan_.first_uncleanable;
  for (const auto& seg : plan_.segments) {
    if (seg.next_offset <= plan_.first_dirty)
      continue;
    batch_scanner scan(seg.file, 0, seg.size_bytes, true);
    scanned_batch b;
    for (;;) {
      auto more = next_batch(scan, seg, b);
      if (!more)
        return unexpected(more.error());
      if (!*more)
        break;
      if (b.header.last_offset() < plan_.first_dirty.value)
        continue;
      auto fits = c.map_batch(b);
      if (!fits)
        return unexpected(fail(fits.error(), "'" + segment_path(plan_, seg) + "': " + c.error_text +
                                                 "; cleaning of this log stopped"));
      if (!*fits) { // map full: clean up to the last offset it covers (Kafka does the same)
        end_ = offset{b.header.base_offset};
        spdlog::info("storage: compaction of '{}': offset map full ({} keys), cleaning up to {}",
                     plan_.dir, c.map.size(), end_.value);
        c.end = end_;
        return {};
      }
    }
  }
  c.end = end_;
  return {};
}

bool compaction_task::fits_group(const segment& out, const segment_info& next) const {
  const auto& o = plan_.log_opts;
  uint64_t bytes = out.size_bytes() + next.size_bytes;
  if (bytes > static_cast<uint64_t>(std::max<int64_t>(o.segment_bytes, 0)))
    return false;
  if (next.next_offset.value - 1 - out.base_offset().value > INT32_MAX)
    return false; // relative offsets of the index are 32 bits
  uint64_t interval = static_cast<uint64_t>(std::max<int64_t>(o.index_interval_bytes, 1));
  uint64_t entries = bytes / interval + 2;
  return entries * time_index::k_entry_size <=
         static_cast<uint64_t>(std::max<int64_t>(o.segment_index_bytes, 0));
}

result<void> compaction_task::clean_segments(batch_cleaner& c) {
  std::unique_ptr<segment> current;
  std::vector<offset> bases;
  auto finish = [&]() -> result<void> {
    auto r = current->seal();
    if (r)
      r = current->sync();
    if (!r) {
      current->remove_files();
      return unexpected(fail(r.error(), "cannot write cleaned segment " +
                                            std::to_string(current->base_offset().value)));
    }
    stats_.bytes_written += current->size_bytes();
    groups_.push_back({std::move(bases), std::move(current)});
    bases.clear();
    return {};
  };
  for (const auto& seg : plan_.segments) {
    if (seg.base_offset >= end_)
      break;
    if (current && !fits_group(*current, seg))
      TRIB_TRY(finish());
    if (!current) {
      auto s =
          segment::create(plan_.dir, seg.base_offset, plan_.log_opts, plan_.now_ms, ".cleaned");
      if (!s)
        return unexpected(
            fail(s.error(), "cannot create a cleaned segment in '" + plan_.dir + "'"));
      current = std::move(*s);
    }
    if (auto r = clean_segment(c, seg, *current); !r) {
      current->remove_files();
      return r;
    }
    bases.push_back(seg.base_offset);
  }
  if (current)
    TRIB_TRY(finish());
  return {};
}

result<void> compaction_task::clean_segment(batch_cleaner& c, const segment_info& seg,
                                            segment& out) {
  auto flush = [&]() -> result<void> {
    if (c.out.empty())
      return {};
    auto r = out.append_batches(c.out.data(), c.out.size());
    c.out.clear();
    if (!r)
      return unexpected(fail(r.error(), "writing cleaned segment " +
                                            std::to_string(out.base_offset().value) + " failed"));
    return {};
  };
  batch_scanner scan(seg.file, 0, seg.size_bytes, true);
  scanned_batch b;
  for (;;) {
    auto more = next_batch(scan, seg, b);
    if (!more)
      return unexpected(more.error());
    if (!*more)
      break;
    if (auto r = c.clean_batch(b, stats_); !r)
      return unexpected(fail(r.error(), "'" + segment_path(plan_, seg) + "': " + c.error_text +
                                            "; cleaning of this log stopped"));
    if (c.out.size() >= plan_.opts.write_buffer_bytes)
      TRIB_TRY(flush());
  }
  return flush();
}

} // namespace tributary::storage
