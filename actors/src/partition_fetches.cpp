#include "partition_fetches.hpp"

#include "caf/all.hpp"

namespace tributary::actors {

void parked_fetches::park(uint64_t id, parked_fetch f) {
  auto at = by_offset_.emplace(f.request.fetch_offset, id);
  by_id_.emplace(id, entry{std::move(f), at});
}

parked_fetch parked_fetches::erase(std::unordered_map<uint64_t, entry>::iterator it) {
  parked_fetch out = std::move(it->second.fetch);
  by_offset_.erase(it->second.at);
  by_id_.erase(it);
  return out;
}

std::optional<parked_fetch> parked_fetches::take(uint64_t id) {
  auto it = by_id_.find(id);
  if (it == by_id_.end())
    return std::nullopt;
  return erase(it);
}

void parked_fetches::scan(offset_index::iterator first, offset_index::iterator last,
                          const std::function<bool(const partition_fetch&)>& pred,
                          std::vector<parked_fetch>& out) {
  while (first != last) {
    auto id = first->second;
    ++first; // erase below invalidates only the erased position
    auto it = by_id_.find(id);
    if (it != by_id_.end() && pred(it->second.fetch.request))
      out.push_back(erase(it));
  }
}

std::vector<parked_fetch>
parked_fetches::take_ready(int64_t skip_offset,
                           const std::function<bool(const partition_fetch&)>& ready) {
  std::vector<parked_fetch> out;
  scan(by_offset_.begin(), by_offset_.lower_bound(skip_offset), ready, out);
  scan(by_offset_.upper_bound(skip_offset), by_offset_.end(), ready, out);
  return out;
}

std::vector<parked_fetch>
parked_fetches::take_if(const std::function<bool(const partition_fetch&)>& pred) {
  std::vector<parked_fetch> out;
  scan(by_offset_.begin(), by_offset_.end(), pred, out);
  return out;
}

std::vector<parked_fetch> parked_fetches::take_all() {
  std::vector<parked_fetch> out;
  out.reserve(by_id_.size());
  for (auto& [id, e] : by_id_)
    out.push_back(std::move(e.fetch));
  by_id_.clear();
  by_offset_.clear();
  return out;
}

} // namespace tributary::actors
