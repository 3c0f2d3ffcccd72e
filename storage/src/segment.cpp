// segment: append, read, timestamp search, truncation and file naming of one segment.
// Opening and recovery live in segment_recovery.cpp.
#include "tributary/storage/segment.hpp"

#include "log_io.hpp"
#include "log_io_file.hpp"
#include "tributary/protocol/record_reader.hpp"
#include "tributary/storage/batch_scanner.hpp"

#include <cinttypes>
#include <cstdio>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <unistd.h>

namespace tributary::storage {

std::string segment::file_name(offset base, const char* ext) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%020" PRId64 "%s", base.value, ext);
  return buf;
}

result<std::unique_ptr<segment>> segment::with_log_file(const std::string& dir, offset base,
                                                        const log_options& opts, int64_t now_ms,
                                                        const std::string& suffix, bool create) {
  std::unique_ptr<segment> s(new segment());
  s->dir_ = dir;
  s->suffix_ = suffix;
  s->base_ = base;
  s->opts_ = opts;
  s->next_offset_ = base;
  s->offset_of_max_timestamp_ = base;
  s->created_ms_ = now_ms;
  auto log = log_file::open(dir + "/" + file_name(base, ".log") + suffix, create);
  if (!log)
    return unexpected(log.error());
  s->log_ = *log;
  return s;
}

result<std::unique_ptr<segment>> segment::create(const std::string& dir, offset base,
                                                 const log_options& opts, int64_t now_ms,
                                                 const std::string& suffix) {
  auto made = with_log_file(dir, base, opts, now_ms, suffix, true);
  if (!made)
    return made;
  std::unique_ptr<segment> s = std::move(*made);
  TRIB_TRY(detail::truncate(*s->log_, 0));
  size_t idx_bytes = static_cast<size_t>(std::max<int64_t>(opts.segment_index_bytes, 0));
  auto oi = offset_index::open(dir + "/" + file_name(base, ".index") + suffix, base,
                               idx_bytes / offset_index::k_entry_size, false);
  if (!oi)
    return unexpected(oi.error());
  auto ti = time_index::open(dir + "/" + file_name(base, ".timeindex") + suffix, base,
                             idx_bytes / time_index::k_entry_size, false);
  if (!ti)
    return unexpected(ti.error());
  s->offset_index_ = std::move(*oi);
  s->time_index_ = std::move(*ti);
  return s;
}

void segment::index_batch(uint32_t position, const batch_entry& b) {
  if (b.max_timestamp > max_timestamp_) {
    max_timestamp_ = b.max_timestamp;
    offset_of_max_timestamp_ = b.last_offset;
  }
  if (first_timestamp_ < 0 && b.max_timestamp >= 0)
    first_timestamp_ = b.max_timestamp;
  if (bytes_since_index_ > static_cast<uint64_t>(opts_.index_interval_bytes)) {
    offset_index_.append(b.last_offset, position);
    time_index_.maybe_append(max_timestamp_, offset_of_max_timestamp_);
    bytes_since_index_ = 0;
  }
  bytes_since_index_ += b.size;
  next_offset_ = b.last_offset + 1;
}

result<void> segment::append(const std::byte* data, size_t size, const batch_entry* batches,
                             size_t n) {
  if (auto w = detail::write_at(*log_, data, size, size_); !w) {
    // Roll back a partial write so the file ends on a batch boundary again.
    if (auto t = detail::truncate(*log_, size_); !t)
      spdlog::error("storage: could not truncate '{}' back to {} after a failed write",
                    log_->path(), size_);
    return unexpected(w.error());
  }
  uint64_t pos = size_;
  for (size_t i = 0; i < n; ++i) {
    index_batch(static_cast<uint32_t>(pos), batches[i]);
    pos += batches[i].size;
  }
  size_ = pos;
  return {};
}

result<void> segment::append_batches(const std::byte* data, size_t size) {
  std::vector<batch_entry> entries;
  offset expected = next_offset_;
  for (size_t pos = 0; pos < size;) {
    auto h = protocol::parse_batch_header(data + pos, size - pos);
    if (!h || h->total_size() > size - pos)
      return unexpected(make_error_code(errc::corrupt_message));
    if (offset{h->base_offset} < expected || h->last_offset() - base_.value > INT32_MAX)
      return unexpected(make_error_code(errc::offset_out_of_order));
    entries.push_back(
        {static_cast<uint32_t>(h->total_size()), offset{h->last_offset()}, h->max_timestamp});
    expected = offset{h->last_offset() + 1};
    pos += h->total_size();
  }
  return append(data, size, entries.data(), entries.size());
}

result<segment_slice> segment::read(offset start, size_t max_bytes, offset upper_bound,
                                    bool min_one) const {
  segment_slice out;
  if (start >= next_offset_)
    return out;
  batch_scanner scan(log_, offset_index_.lookup(start).position, size_, false);
  scanned_batch b;
  size_t total = 0;
  for (;;) {
    auto st = scan.next(b);
    if (st == batch_scanner::status::io_failure)
      return unexpected(scan.error());
    if (st != batch_scanner::status::batch)
      break;
    if (b.header.last_offset() < start.value)
      continue;
    if (b.header.last_offset() >= upper_bound.value ||
        (total + b.header.total_size() > max_bytes && !(total == 0 && min_one))) {
      out.is_limited = true;
      break;
    }
    if (!out.range)
      out.range = file_range{log_, b.position, 0, offset{b.header.base_offset}, offset{}};
    total += b.header.total_size();
    out.range->length = static_cast<uint32_t>(total);
    out.range->last_offset = offset{b.header.last_offset()};
  }
  return out;
}

result<std::optional<offset>> segment::find_by_timestamp(int64_t ts, offset min_offset) const {
  if (max_timestamp_ < ts || next_offset_ <= min_offset)
    return std::optional<offset>{};
  // Start at whichever is later: the time index's guess or the batch holding min_offset.
  timestamp_offset from = time_index_.lookup_before(ts);
  uint64_t start =
      std::max(offset_index_.lookup(from.off).position, offset_index_.lookup(min_offset).position);
  batch_scanner scan(log_, start, size_, false);
  scanned_batch b;
  for (;;) {
    auto st = scan.next(b);
    if (st == batch_scanner::status::io_failure)
      return unexpected(scan.error());
    if (st != batch_scanner::status::batch)
      return std::optional<offset>{};
    if (b.header.max_timestamp < ts || b.header.last_offset() < min_offset.value)
      continue;
    auto found = first_record_at_or_after(b, ts, min_offset);
    if (!found || *found)
      return found;
  }
}

result<std::optional<offset>> segment::first_record_at_or_after(const scanned_batch& b, int64_t ts,
                                                                offset min_offset) const {
  // Decode the batch once to find the exact record (Kafka's ListOffsets semantics: records
  // below the log start offset do not count); fall back to the first offset of the batch at
  // or above min_offset when the batch cannot be decoded.
  std::optional<offset> fallback{std::max(offset{b.header.base_offset}, min_offset)};
  if (b.header.ts_type() == protocol::timestamp_type::log_append_time)
    return fallback; // every record carries max_timestamp
  std::vector<std::byte> bytes(b.header.total_size());
  auto n = log_->pread_all(bytes.data(), bytes.size(), b.position);
  if (!n)
    return unexpected(n.error());
  std::vector<std::byte> scratch;
  auto reader = protocol::record_reader::open(protocol::byte_span(bytes.data(), *n), scratch,
                                              k_max_decompressed_bytes);
  if (!reader)
    return fallback;
  protocol::record r;
  for (;;) {
    auto more = reader->next(r);
    if (!more)
      return fallback;
    if (!*more)
      return std::optional<offset>{}; // no record of this batch qualifies: keep scanning
    offset at{protocol::record_offset(b.header, r)};
    if (at >= min_offset && protocol::record_timestamp(b.header, r) >= ts)
      return std::optional<offset>{at};
  }
}

result<void> segment::truncate_to(offset target) {
  if (target >= next_offset_)
    return {};
  batch_scanner scan(log_, offset_index_.lookup(target).position, size_, false);
  scanned_batch b;
  uint64_t cut = size_;
  for (;;) {
    auto st = scan.next(b);
    if (st == batch_scanner::status::io_failure)
      return unexpected(scan.error());
    if (st != batch_scanner::status::batch)
      break;
    if (b.header.last_offset() >= target.value) {
      cut = b.position;
      break;
    }
  }
  TRIB_TRY(truncate_file(cut));
  segment_recovery rep;
  return rebuild_from_scan(false, rep); // headers only: recompute indexes and next offset
}

result<void> segment::truncate_file(uint64_t size) {
  TRIB_TRY(detail::truncate(*log_, size));
  size_ = size;
  return {};
}

result<void> segment::seal() {
  if (max_timestamp_ >= 0)
    time_index_.maybe_append(max_timestamp_, offset_of_max_timestamp_);
  return persist_indexes();
}

result<void> segment::persist_indexes() {
  TRIB_TRY(offset_index_.persist());
  return time_index_.persist();
}

result<void> segment::sync() const {
  TRIB_TRY(log_->sync());
  TRIB_TRY(offset_index_.file()->sync());
  return time_index_.file()->sync();
}

result<void> segment::rename_suffix(const std::string& from, const std::string& to) {
  const log_file_ptr files[] = {offset_index_.file(), time_index_.file(), log_};
  const char* exts[] = {".index", ".timeindex", ".log"};
  for (int i = 0; i < 3; ++i) {
    std::string src = dir_ + "/" + file_name(base_, exts[i]) + from;
    std::string dst = dir_ + "/" + file_name(base_, exts[i]) + to;
    if (::rename(src.c_str(), dst.c_str()) != 0)
      return unexpected(detail::io_failure("rename", src, errno));
    files[i]->set_path(dst);
  }
  suffix_ = to;
  return {};
}

void segment::remove_files() {
  for (const auto& f : {offset_index_.file(), time_index_.file(), log_})
    ::unlink(f->path().c_str());
}

} // namespace tributary::storage
