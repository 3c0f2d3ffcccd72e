// offset_map: whole-key hash map with a byte budget (see offset_map.hpp).
#include "tributary/storage/offset_map.hpp"

#include <algorithm>

namespace tributary::storage {

void offset_map::put(std::string_view key, offset o) {
  if (!latest_ || o > *latest_)
    latest_ = o;
  if (auto it = map_.find(key); it != map_.end()) {
    it->second = std::max(it->second, o.value);
    return;
  }
  keys_.emplace_back(key);
  map_.emplace(std::string_view(keys_.back()), o.value);
  bytes_used_ += key.size() + k_entry_overhead;
}

std::optional<offset> offset_map::get(std::string_view key) const {
  auto it = map_.find(key);
  if (it == map_.end())
    return std::nullopt;
  return offset{it->second};
}

void offset_map::clear() {
  map_.clear();
  keys_.clear();
  bytes_used_ = 0;
  latest_.reset();
}

} // namespace tributary::storage
