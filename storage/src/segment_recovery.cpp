// segment: opening existing files, the fast load (trusted data) and the validating
// recovery scan that truncates a torn or corrupt tail and rebuilds the indexes.
#include "tributary/storage/segment.hpp"

#include "log_io.hpp"
#include "log_io_file.hpp"
#include "tributary/storage/batch_scanner.hpp"

#include <spdlog/spdlog.h>

namespace tributary::storage {

result<std::unique_ptr<segment>> segment::open_files(const std::string& dir, offset base,
                                                     const log_options& opts, int64_t now_ms,
                                                     const std::string& suffix) {
  auto made = with_log_file(dir, base, opts, now_ms, suffix, false);
  if (!made)
    return made;
  std::unique_ptr<segment> s = std::move(*made);
  auto size = s->log_->size();
  if (!size)
    return unexpected(size.error());
  s->size_ = *size;
  size_t idx_bytes = static_cast<size_t>(std::max<int64_t>(opts.segment_index_bytes, 0));
  auto oi = offset_index::open(dir + "/" + file_name(base, ".index") + suffix, base,
                               idx_bytes / offset_index::k_entry_size, true);
  if (!oi)
    return unexpected(oi.error());
  auto ti = time_index::open(dir + "/" + file_name(base, ".timeindex") + suffix, base,
                             idx_bytes / time_index::k_entry_size, true);
  if (!ti)
    return unexpected(ti.error());
  s->offset_index_ = std::move(*oi);
  s->time_index_ = std::move(*ti);
  return s;
}

result<void> segment::load() {
  const auto corrupt = make_error_code(errc::corrupt_log);
  if (offset_index_.is_corrupt(size_))
    return unexpected(corrupt);
  offset_position last = offset_index_.last_entry();
  batch_scanner scan(log_, last.position, size_, false);
  scanned_batch b;
  bool is_first = true;
  int64_t tail_max_ts = -1;
  offset tail_max_off = base_;
  offset next = base_;
  for (;;) {
    auto st = scan.next(b);
    if (st == batch_scanner::status::io_failure)
      return unexpected(scan.error());
    if (st == batch_scanner::status::damaged)
      return unexpected(corrupt);
    if (st == batch_scanner::status::end)
      break;
    if (is_first && !offset_index_.empty() && b.header.last_offset() != last.off.value)
      return unexpected(corrupt); // the index points somewhere that is not that batch
    if (b.header.base_offset < next.value)
      return unexpected(corrupt);
    is_first = false;
    if (b.header.max_timestamp > tail_max_ts) {
      tail_max_ts = b.header.max_timestamp;
      tail_max_off = offset{b.header.last_offset()};
    }
    next = offset{b.header.last_offset() + 1};
  }
  if (!offset_index_.empty() && is_first)
    return unexpected(corrupt);
  // A missing (or emptied) index file: entries were due, so rebuild rather than scan
  // the whole segment on every read.
  if (offset_index_.empty() && !is_first &&
      b.position > static_cast<uint64_t>(opts_.index_interval_bytes))
    return unexpected(corrupt);
  if (time_index_.empty() && tail_max_ts >= 0 && !offset_index_.empty())
    return unexpected(corrupt);
  next_offset_ = next;
  if (time_index_.is_corrupt(next_offset_))
    return unexpected(corrupt);
  timestamp_offset t = time_index_.last_entry();
  max_timestamp_ = t.timestamp;
  offset_of_max_timestamp_ = t.off;
  if (tail_max_ts > max_timestamp_) {
    max_timestamp_ = tail_max_ts;
    offset_of_max_timestamp_ = tail_max_off;
  }
  bytes_since_index_ = size_ - last.position;
  if (size_ > 0) {
    std::byte hdr[protocol::batch_header_size];
    auto n = log_->pread_all(hdr, sizeof hdr, 0);
    if (!n)
      return unexpected(n.error());
    auto h = protocol::parse_batch_header(hdr, *n);
    if (!h)
      return unexpected(corrupt);
    first_timestamp_ = h->max_timestamp;
  }
  return {};
}

result<void> segment::rebuild_from_scan(bool validate, segment_recovery& rep) {
  TRIB_TRY(offset_index_.reset());
  TRIB_TRY(time_index_.reset());
  next_offset_ = base_;
  max_timestamp_ = -1;
  offset_of_max_timestamp_ = base_;
  first_timestamp_ = -1;
  bytes_since_index_ = 0;
  batch_scanner scan(log_, 0, size_, validate);
  scanned_batch b;
  for (;;) {
    auto st = scan.next(b);
    if (st == batch_scanner::status::io_failure)
      return unexpected(scan.error());
    bool is_bad = st == batch_scanner::status::damaged;
    if (st == batch_scanner::status::batch && (b.header.base_offset < next_offset_.value ||
                                               b.header.last_offset() - base_.value > INT32_MAX))
      is_bad = true; // offsets going backwards or past the relative range: corrupt
    if (is_bad || st == batch_scanner::status::end) {
      rep.valid_bytes = st == batch_scanner::status::batch ? b.position : scan.position();
      break;
    }
    index_batch(static_cast<uint32_t>(b.position),
                {static_cast<uint32_t>(b.header.total_size()), offset{b.header.last_offset()},
                 b.header.max_timestamp});
    ++rep.batches;
  }
  if (rep.valid_bytes < size_) {
    rep.truncated_bytes = size_ - rep.valid_bytes;
    TRIB_TRY(truncate_file(rep.valid_bytes));
  }
  rep.next_offset = next_offset_;
  return {};
}

result<segment_recovery> segment::recover() {
  segment_recovery rep;
  uint64_t before = size_;
  TRIB_TRY(rebuild_from_scan(true, rep));
  if (rep.truncated_bytes > 0)
    spdlog::warn("storage: recovery truncated '{}' at position {}: {} of {} bytes removed "
                 "(torn or corrupt batch); valid offsets [{}, {}), {} batches kept",
                 log_->path(), rep.valid_bytes, rep.truncated_bytes, before, base_.value,
                 next_offset_.value, rep.batches);
  // The rebuilt indexes are complete in memory; writing them can wait for the next flush
  // (a full disk must not stop the log from opening for reads).
  if (auto p = persist_indexes(); !p)
    spdlog::warn("storage: could not write the rebuilt indexes of '{}' yet: {}", log_->path(),
                 p.error().message());
  return rep;
}

} // namespace tributary::storage
