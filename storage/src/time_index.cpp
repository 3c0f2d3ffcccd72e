// time_index: in-memory sparse (timestamp, offset) entries, appended to `.timeindex` on
// persist().
#include "tributary/storage/time_index.hpp"

#include "log_io.hpp"
#include "log_io_file.hpp"

#include <algorithm>

namespace tributary::storage {

result<time_index> time_index::open(const std::string& path, offset base, size_t max_entries,
                                    bool load) {
  auto file = log_file::open(path, true);
  if (!file)
    return unexpected(file.error());
  time_index idx;
  idx.file_ = *file;
  idx.base_ = base;
  idx.max_entries_ = std::max<size_t>(1, max_entries);
  if (!load) {
    TRIB_TRY(detail::truncate(*idx.file_, 0));
    return idx;
  }
  auto bytes = detail::read_whole(*idx.file_);
  if (!bytes)
    return unexpected(bytes.error());
  idx.torn_size_ = bytes->size() % k_entry_size != 0;
  size_t n = bytes->size() / k_entry_size;
  idx.entries_.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const std::byte* p = bytes->data() + i * k_entry_size;
    idx.entries_.push_back(
        {static_cast<int64_t>(detail::load_be64(p)), base + detail::load_be32(p + 8)});
  }
  idx.persisted_ = n;
  return idx;
}

void time_index::maybe_append(int64_t timestamp, offset off) {
  if (!entries_.empty() && (timestamp <= entries_.back().timestamp || off < entries_.back().off))
    return;
  entries_.push_back({timestamp, off});
}

timestamp_offset time_index::lookup_before(int64_t target) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), target,
                             [](const timestamp_offset& e, int64_t t) { return e.timestamp < t; });
  if (it == entries_.begin())
    return {-1, base_};
  return *std::prev(it);
}

bool time_index::is_corrupt(offset next_offset) const {
  if (torn_size_)
    return true;
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].off < base_ || entries_[i].off >= next_offset)
      return true;
    if (i > 0 && (entries_[i].timestamp <= entries_[i - 1].timestamp ||
                  entries_[i].off < entries_[i - 1].off))
      return true;
  }
  return false;
}

timestamp_offset time_index::last_entry() const {
  return entries_.empty() ? timestamp_offset{-1, base_} : entries_.back();
}

result<void> time_index::truncate_to(offset target) {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), target,
                             [](const timestamp_offset& e, offset t) { return e.off < t; });
  entries_.erase(it, entries_.end());
  if (persisted_ > entries_.size()) {
    persisted_ = entries_.size();
    TRIB_TRY(detail::truncate(*file_, persisted_ * k_entry_size));
  }
  return {};
}

result<void> time_index::reset() {
  entries_.clear();
  persisted_ = 0;
  torn_size_ = false;
  return detail::truncate(*file_, 0);
}

result<void> time_index::persist() {
  if (persisted_ == entries_.size())
    return {};
  size_t n = entries_.size() - persisted_;
  std::vector<std::byte> buf(n * k_entry_size);
  for (size_t i = 0; i < n; ++i) {
    const auto& e = entries_[persisted_ + i];
    std::byte* p = buf.data() + i * k_entry_size;
    detail::store_be64(p, static_cast<uint64_t>(e.timestamp));
    detail::store_be32(p + 8, static_cast<uint32_t>(e.off - base_));
  }
  TRIB_TRY(detail::write_at(*file_, buf.data(), buf.size(), persisted_ * k_entry_size));
  persisted_ = entries_.size();
  return {};
}

} // namespace tributary::storage
