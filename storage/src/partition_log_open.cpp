// partition_log: open (folder scan, half-done swaps, recovery) and close (clean shutdown).
#include "tributary/storage/partition_log.hpp"

#include "tributary/storage/errc.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tributary::storage {
namespace {

constexpr const char* k_clean_marker = ".clean_shutdown";

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

/// "00000000000000000042.log" (+ suffix) -> 42; -1 if not a segment name.
int64_t parse_base(const std::string& name, const std::string& ext) {
  if (name.size() != 20 + ext.size() || !ends_with(name, ext))
    return -1;
  for (size_t i = 0; i < 20; ++i)
    if (name[i] < '0' || name[i] > '9')
      return -1;
  return std::stoll(name.substr(0, 20));
}

result<void> make_dirs(const std::string& dir) {
  for (size_t i = 1; i <= dir.size(); ++i) {
    if (i != dir.size() && dir[i] != '/')
      continue;
    std::string part = dir.substr(0, i);
    if (::mkdir(part.c_str(), 0755) != 0 && errno != EEXIST)
      return unexpected(make_error_code(errc::io_error));
  }
  return {};
}

} // namespace

partition_log::partition_log(std::string dir, const log_options& opts, clock_fn clock)
    : dir_(std::move(dir)), opts_(opts), clock_(std::move(clock)),
      recovery_checkpoint_(
          std::make_shared<checkpoint_file>(dir_, "recovery-point-offset-checkpoint")),
      start_checkpoint_(std::make_shared<checkpoint_file>(dir_, "log-start-offset-checkpoint")) {}

partition_log::~partition_log() {
  if (!is_closed_)
    if (auto r = close(); !r)
      spdlog::error("storage: closing {} failed: {}", dir_, r.error().message());
  if (lock_fd_ >= 0)
    ::close(lock_fd_);
}

result<std::unique_ptr<partition_log>>
partition_log::open(const std::string& dir, const log_options& opts, clock_fn clock) {
  if (auto r = make_dirs(dir); !r) {
    spdlog::error("storage: cannot create log folder '{}': {}", dir, std::strerror(errno));
    return unexpected(r.error());
  }
  std::unique_ptr<partition_log> log(new partition_log(dir, opts, std::move(clock)));
  std::string lock_path = dir + "/.lock";
  log->lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (log->lock_fd_ < 0 || ::flock(log->lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    log->is_closed_ = true;
    spdlog::error("storage: log folder '{}' is in use by another log (lock {})", dir, lock_path);
    return unexpected(make_error_code(errc::io_error));
  }
  std::string marker = dir + "/" + k_clean_marker;
  bool is_clean = ::access(marker.c_str(), F_OK) == 0;
  if (auto r = log->load_segments(is_clean); !r) {
    log->is_closed_ = true;
    return unexpected(r.error());
  }
  if (is_clean) { // from now on a crash must recover again
    ::unlink(marker.c_str());
    TRIB_TRY(sync_dir(dir));
  }
  log->last_flush_ms_ = log->clock_();
  return log;
}

result<std::vector<int64_t>> partition_log::scan_folder() {
  DIR* d = ::opendir(dir_.c_str());
  if (!d)
    return unexpected(fail(make_error_code(errc::corrupt_log), "cannot list " + dir_));
  std::vector<int64_t> bases;
  std::vector<int64_t> swaps;
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d))
    names.emplace_back(e->d_name);
  ::closedir(d);
  for (const auto& n : names) {
    std::string path = dir_ + "/" + n;
    if (ends_with(n, ".deleted") || ends_with(n, ".cleaned") ||
        n.find(".tmp") != std::string::npos) {
      ::unlink(path.c_str()); // leftovers of an interrupted delete / compaction / checkpoint
    } else if (int64_t b = parse_base(n, ".log.swap"); b >= 0) {
      swaps.push_back(b);
    } else if (int64_t b = parse_base(n, ".log"); b >= 0) {
      bases.push_back(b);
    }
  }
  std::sort(swaps.begin(), swaps.end());
  for (int64_t s : swaps)
    TRIB_TRY(complete_swap(s, bases));
  std::sort(bases.begin(), bases.end());
  bases.erase(std::unique(bases.begin(), bases.end()), bases.end());
  return bases;
}

result<void> partition_log::complete_swap(int64_t base, std::vector<int64_t>& bases) {
  auto swap = segment::open_files(dir_, offset{base}, opts_, clock_(), ".swap");
  if (!swap)
    return unexpected(swap.error());
  auto rep = (*swap)->recover();
  if (!rep)
    return unexpected(rep.error());
  int64_t end = rep->next_offset.value;
  std::string range_path = dir_ + "/" + segment::file_name(offset{base}, ".swap.range");
  if (std::ifstream in(range_path); in) {
    int64_t v = 0;
    if (in >> v)
      end = std::max(end, v);
  }
  for (auto it = bases.begin(); it != bases.end();) {
    if (*it >= base && *it < end) {
      auto old = segment::open_files(dir_, offset{*it}, opts_, clock_());
      if (old)
        (*old)->remove_files();
      spdlog::warn("storage: {}: completing compaction swap, removed segment {}", dir_, *it);
      it = bases.erase(it);
    } else {
      ++it;
    }
  }
  TRIB_TRY((*swap)->rename_suffix(".swap", ""));
  ::unlink(range_path.c_str());
  bases.push_back(base);
  return sync_dir(dir_);
}

result<void> partition_log::load_segments(bool is_clean) {
  auto bases = scan_folder();
  if (!bases)
    return unexpected(bases.error());
  auto rp = recovery_checkpoint_->read();
  auto ls = start_checkpoint_->read();
  offset recovery_point = rp && *rp ? **rp : offset{0};
  offset start_cp = ls && *ls ? **ls : offset{0};
  if (!rp || !ls)
    spdlog::warn("storage: {}: unreadable checkpoint, recovering from offset 0", dir_);
  for (int64_t b : *bases) {
    auto seg = segment::open_files(dir_, offset{b}, opts_, clock_());
    if (!seg)
      return unexpected(
          fail(seg.error(), "cannot open segment " + std::to_string(b) + " in " + dir_));
    segments_[b] = std::move(*seg);
  }
  if (segments_.empty()) {
    auto seg = segment::create(dir_, start_cp, opts_, clock_());
    if (!seg)
      return unexpected(seg.error());
    segments_[start_cp.value] = std::move(*seg);
    needs_dir_sync_ = true;
  }
  TRIB_TRY(recover_segments(is_clean, recovery_point));
  if (start_cp > log_end_offset()) {
    // DeleteRecords checkpointed a log start the recovered data no longer reaches (a crash
    // lost unflushed batches). As Kafka's LogLoader: drop every segment and start an empty
    // one at the log start, so log start == log end and new appends continue from there.
    spdlog::warn("storage: {}: log start offset checkpoint {} is beyond the recovered log end {}; "
                 "deleting {} segment(s) ({} bytes, offsets [{}, {})) and starting empty at {}",
                 dir_, start_cp.value, log_end_offset().value, segments_.size(), size_bytes(),
                 segments_.begin()->first, log_end_offset().value, start_cp.value);
    for (auto& [base, seg] : segments_)
      seg->remove_files();
    segments_.clear();
    auto seg = segment::create(dir_, start_cp, opts_, clock_());
    if (!seg)
      return unexpected(fail(seg.error(), "cannot create segment " +
                                              std::to_string(start_cp.value) + " in " + dir_ +
                                              ": " + seg.error().message()));
    segments_[start_cp.value] = std::move(*seg);
    needs_dir_sync_ = true;
  }
  log_start_ = std::max(start_cp, offset{segments_.begin()->first});
  recovery_point_ = is_clean ? log_end_offset() : std::min(recovery_point, log_end_offset());
  return {};
}

result<void> partition_log::recover_segments(bool is_clean, offset recovery_point) {
  const segment* from = segment_for(recovery_point);
  int64_t recover_from = from ? from->base_offset().value : segments_.begin()->first;
  for (auto it = segments_.begin(); it != segments_.end(); ++it) {
    segment& s = *it->second;
    bool is_last = std::next(it) == segments_.end();
    bool must_scan = !is_clean && (it->first >= recover_from || is_last);
    if (!must_scan) {
      auto r = s.load();
      if (r)
        continue;
      if (r.error() != make_error_code(errc::corrupt_log))
        return r;
      spdlog::warn("storage: {}: indexes of segment {} are inconsistent; rebuilding", dir_,
                   it->first);
    }
    auto rep = s.recover();
    if (!rep)
      return unexpected(rep.error());
    if (rep->truncated_bytes > 0 && !is_last) { // everything after the first damage goes
      for (auto later = std::next(it); later != segments_.end();) {
        spdlog::warn("storage: {}: deleting segment {} ({} bytes) after damage in segment {}", dir_,
                     later->first, later->second->size_bytes(), it->first);
        later->second->remove_files();
        later = segments_.erase(later);
      }
      needs_dir_sync_ = true;
      break;
    }
  }
  return {};
}

result<void> partition_log::close() {
  if (is_closed_)
    return {};
  if (is_failed_) { // no checkpoint, no clean marker: the next open recovers from disk
    is_closed_ = true;
    if (lock_fd_ >= 0) {
      ::close(lock_fd_);
      lock_fd_ = -1;
    }
    return unexpected(make_error_code(errc::log_failed));
  }
  auto& a = active();
  TRIB_TRY(a.seal());
  for (const auto& [base, seg] : segments_)
    if (seg->next_offset() > recovery_point_ || seg->empty())
      TRIB_TRY(seg->sync());
  TRIB_TRY(sync_dir(dir_));
  recovery_point_ = log_end_offset();
  TRIB_TRY(recovery_checkpoint_->write(recovery_point_, ++generation_));
  TRIB_TRY(start_checkpoint_->write(log_start_, ++start_generation_));
  TRIB_TRY(write_file_atomically(dir_, k_clean_marker, ""));
  purge_deleted(0, true);
  is_closed_ = true;
  if (lock_fd_ >= 0) { // the folder may be opened again right away
    ::close(lock_fd_);
    lock_fd_ = -1;
  }
  return {};
}

} // namespace tributary::storage
