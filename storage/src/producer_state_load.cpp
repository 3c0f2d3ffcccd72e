// Rebuilding a partition's producer state after a restart or a truncation: the snapshot when
// it still matches the log, then the batch headers after it. Kafka keeps one snapshot per
// segment and scans from the newest usable one; we keep one snapshot (written at roll-sized
// intervals and at close by the partition actor) and scan from it, or from the log start.
#include "tributary/storage/batch_scanner.hpp"
#include "tributary/storage/checkpoint_file.hpp"
#include "tributary/storage/errc.hpp"
#include "tributary/storage/partition_log.hpp"
#include "tributary/storage/producer_state.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

namespace tributary::storage {

namespace {

/// The whole file; nullopt when it does not exist; `why` set when it exists but is unreadable.
std::optional<std::string> read_whole(const std::string& path, std::string& why) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno != ENOENT)
      why = std::string("cannot read it: ") + std::strerror(errno);
    return std::nullopt;
  }
  std::stringstream s;
  s << in.rdbuf();
  if (in.bad()) {
    why = "cannot read it";
    return std::nullopt;
  }
  return s.str();
}

/// Why a parsed snapshot does not fit `log` ("" when it does): see producer_state.hpp.
std::string misfit(const partition_log& log, const producer_state_table& snap) {
  int64_t x = snap.end_offset();
  int64_t start = log.log_start_offset().value;
  int64_t end = log.log_end_offset().value;
  if (x > end)
    return "it covers offsets up to " + std::to_string(x) + " but the log ends at " +
           std::to_string(end);
  if (x < start)
    return "it ends at offset " + std::to_string(x) + ", below the log start " +
           std::to_string(start) + " (records deleted since)";
  if (x == start)
    return {};
  auto r = log.read(offset{x - 1}, 1, offset{end});
  std::byte raw[protocol::batch_header_size];
  if (!r || r->ranges.empty())
    return "the batch at offset " + std::to_string(x - 1) + " cannot be read: " + log.last_error();
  const auto& range = r->ranges.front();
  auto n = range.file->pread_all(raw, sizeof raw, range.position);
  auto h = n && *n == sizeof raw ? protocol::parse_batch_header(raw, sizeof raw)
                                 : result<protocol::batch_header>(unexpected(errc::io_error));
  if (!h || h->last_offset() != x - 1 || h->partition_leader_epoch != snap.end_epoch())
    return "the log no longer holds the batch it ended with (offset " + std::to_string(x - 1) +
           ", leader epoch " + std::to_string(snap.end_epoch()) +
           "): truncated and rewritten since";
  return {};
}

} // namespace

result<void> scan_batch_headers(const partition_log& log, offset from,
                                const std::function<void(const protocol::batch_header&)>& fn,
                                std::string* why) {
  offset end = log.log_end_offset();
  if (from < log.log_start_offset())
    from = log.log_start_offset();
  if (end <= from)
    return {};
  auto first = log.read(from, 1, end); // finds the position through the offset index
  if (!first) {
    if (why)
      *why = "cannot read " + log.dir() + " at offset " + std::to_string(from.value) + ": " +
             log.last_error();
    return unexpected(first.error());
  }
  if (first->ranges.empty())
    return {};
  const auto& r0 = first->ranges.front();
  for (const auto& s : log.segments()) {
    if (s.next_offset <= r0.first_offset)
      continue; // wholly before `from`
    uint64_t pos = s.base_offset <= r0.first_offset ? r0.position : 0;
    batch_scanner scanner(s.file, pos, s.size_bytes, false);
    scanned_batch b;
    for (;;) {
      auto st = scanner.next(b);
      if (st == batch_scanner::status::end)
        break;
      if (st == batch_scanner::status::batch) {
        if (b.header.last_offset() >= from.value)
          fn(b.header);
        continue;
      }
      bool is_io = st == batch_scanner::status::io_failure;
      if (why)
        *why = std::string(is_io ? "cannot read " : "damaged batch header in ") + s.file->path() +
               " at position " + std::to_string(scanner.position()) +
               (is_io ? ": " + scanner.error().message() : "");
      return unexpected(is_io ? scanner.error() : make_error_code(errc::corrupt_log));
    }
  }
  return {};
}

result<producer_state_loaded> load_producer_state(const partition_log& log, std::string tp,
                                                  int64_t expiration_ms, int64_t now_ms,
                                                  std::string* why) {
  producer_state_loaded out;
  out.table = producer_state_table(tp, expiration_ms);
  int64_t start = log.log_start_offset().value;
  std::string path = log.dir() + "/" + k_producer_snapshot_file;
  std::string reason;
  if (auto text = read_whole(path, reason)) {
    auto snap = producer_state_table::from_snapshot(*text, tp, expiration_ms, now_ms, &reason);
    if (snap)
      reason = misfit(log, *snap);
    if (snap && reason.empty()) {
      out.snapshot_offset = snap->end_offset();
      out.table = std::move(*snap);
    }
  }
  if (!reason.empty())
    out.warning = path + " not used: " + reason + "; rebuilding the producer state of " + tp +
                  " from the log start (offset " + std::to_string(start) + ")";
  if (out.snapshot_offset < 0)
    out.table.reset_at(start);
  out.scanned_from = out.table.end_offset();
  TRIB_TRY(scan_batch_headers(
      log, offset{out.scanned_from},
      [&out](const protocol::batch_header& h) {
        out.table.record(h, h.base_offset);
        ++out.scanned_batches;
      },
      why));
  out.table.remove_expired(now_ms);
  return out;
}

result<void> write_producer_snapshot(const std::string& dir, const std::string& text) {
  return write_file_atomically(dir, k_producer_snapshot_file, text);
}

} // namespace tributary::storage
