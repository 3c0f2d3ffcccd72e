// offset_index: in-memory sparse entries, appended to the `.index` file on persist().
#include "tributary/storage/offset_index.hpp"

#include "log_io.hpp"
#include "log_io_file.hpp"

#include <algorithm>

namespace tributary::storage {

result<offset_index> offset_index::open(const std::string& path, offset base, size_t max_entries,
                                        bool load) {
  auto file = log_file::open(path, true);
  if (!file)
    return unexpected(file.error());
  offset_index idx;
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
    idx.entries_.push_back({base + detail::load_be32(p), detail::load_be32(p + 4)});
  }
  idx.persisted_ = n;
  return idx;
}

void offset_index::append(offset last_offset, uint32_t position) {
  if (!entries_.empty() &&
      (last_offset <= entries_.back().off || position <= entries_.back().position))
    return;
  entries_.push_back({last_offset, position});
}

offset_position offset_index::lookup(offset target) const {
  auto it = std::upper_bound(entries_.begin(), entries_.end(), target,
                             [](offset t, const offset_position& e) { return t < e.off; });
  if (it == entries_.begin())
    return {base_, 0};
  return *std::prev(it);
}

bool offset_index::is_corrupt(uint64_t log_size) const {
  if (torn_size_)
    return true;
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].off < base_ || entries_[i].position >= log_size)
      return true;
    if (i > 0 && (entries_[i].off <= entries_[i - 1].off ||
                  entries_[i].position <= entries_[i - 1].position))
      return true;
  }
  return false;
}

offset_position offset_index::last_entry() const {
  return entries_.empty() ? offset_position{base_, 0} : entries_.back();
}

result<void> offset_index::truncate_to(offset target) {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), target,
                             [](const offset_position& e, offset t) { return e.off < t; });
  entries_.erase(it, entries_.end());
  if (persisted_ > entries_.size()) {
    persisted_ = entries_.size();
    TRIB_TRY(detail::truncate(*file_, persisted_ * k_entry_size));
  }
  return {};
}

result<void> offset_index::reset() {
  entries_.clear();
  persisted_ = 0;
  torn_size_ = false;
  return detail::truncate(*file_, 0);
}

result<void> offset_index::persist() {
  if (persisted_ == entries_.size())
    return {};
  size_t n = entries_.size() - persisted_;
  std::vector<std::byte> buf(n * k_entry_size);
  for (size_t i = 0; i < n; ++i) {
    const auto& e = entries_[persisted_ + i];
    detail::store_be32(buf.data() + i * k_entry_size, static_cast<uint32_t>(e.off - base_));
    detail::store_be32(buf.data() + i * k_entry_size + 4, e.position);
  }
  TRIB_TRY(detail::write_at(*file_, buf.data(), buf.size(), persisted_ * k_entry_size));
  persisted_ = entries_.size();
  return {};
}

} // namespace tributary::storage
