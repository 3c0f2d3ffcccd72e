#pragma once
// parked_fetches: the long-poll fetches a partition actor holds until min_bytes are readable
// or max_wait_ms expires. Each is a small struct (the request and a response promise) in a
// map by id, indexed by fetch offset so that an append only looks at fetches that can have
// gained data: the usual parked fetch sits exactly at the log end and is skipped until the
// log end moves past it. Thousands of waiting consumers cost a map entry and a timer each.

#include "tributary/actors/messages/fetch.hpp"

#include "caf/typed_response_promise.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

namespace tributary::actors {

/// One waiting fetch (a consumer's partition_fetch, or a follower's replica fetch converted
/// to one with replica_id >= 0).
struct parked_fetch {
  partition_fetch request;
  caf::typed_response_promise<fetch_partition_data> rp;
};

/// Owned by the partition actor's state; not thread-safe. Answering is the caller's job:
/// take* hands the fetches back out of the set.
class parked_fetches {
public:
  void park(uint64_t id, parked_fetch f);
  /// The fetch `id` (its max_wait expired); nullopt if it was answered already.
  std::optional<parked_fetch> take(uint64_t id);
  /// Every fetch whose offset is not `skip_offset` and for which `ready` says yes (the
  /// caller passes the log end offset: fetches parked there cannot have new data).
  std::vector<parked_fetch> take_ready(int64_t skip_offset,
                                       const std::function<bool(const partition_fetch&)>& ready);
  /// Every fetch for which `pred` says yes, wherever it waits.
  std::vector<parked_fetch> take_if(const std::function<bool(const partition_fetch&)>& pred);
  std::vector<parked_fetch> take_all();

  size_t size() const { return by_id_.size(); }
  bool empty() const { return by_id_.empty(); }

private:
  using offset_index = std::multimap<int64_t, uint64_t>;
  struct entry {
    parked_fetch fetch;
    offset_index::iterator at;
  };
  parked_fetch erase(std::unordered_map<uint64_t, entry>::iterator it);
  void scan(offset_index::iterator first, offset_index::iterator last,
            const std::function<bool(const partition_fetch&)>& pred,
            std::vector<parked_fetch>& out);

  std::unordered_map<uint64_t, entry> by_id_;
  offset_index by_offset_; // fetch offset -> id
};

} // namespace tributary::actors
