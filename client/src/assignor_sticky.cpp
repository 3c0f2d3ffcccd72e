// The cooperative-sticky assignor: Kafka's AbstractStickyAssignor (constrained assignment when
// every member subscribes to the same topics, the general balance-and-move algorithm
// otherwise) plus CooperativeStickyAssignor's KIP-429 adjustment. Where Kafka iterates hash
// maps we iterate members and partitions in sorted order, so the result is deterministic.
#include "assignor_sticky.hpp"

#include <algorithm>
#include <cstdlib>
#include <set>

namespace tributary::client {
namespace detail {

member_data member_data_of(const member_subscription& s) {
  member_data md{s.owned_partitions, std::nullopt};
  if (s.version >= 2 && s.generation_id != default_generation) {
    md.generation = s.generation_id;
  } else if (s.user_data && s.user_data->size() >= 4) {
    // CooperativeStickyAssignor's user data (v0): the generation as a big-endian int32, for
    // members speaking ConsumerProtocol v0/v1.
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
      v = (v << 8) | static_cast<uint8_t>((*s.user_data)[static_cast<size_t>(i)]);
    md.generation = static_cast<int32_t>(v);
  }
  return md;
}

} // namespace detail

namespace {

using detail::default_generation;
using detail::member_data_of;

using members_map = std::map<std::string, group_member_info>;
using owned_map = std::map<std::string, std::vector<topic_partition>>;
using transfers = std::map<topic_partition, std::string>; // partition -> its new owner

std::vector<topic_partition> all_partitions(const partition_counts& counts) {
  std::vector<topic_partition> out;
  for (auto& [topic, n] : counts)
    for (int32_t p = 0; p < n; ++p)
      out.push_back(topic_partition{topic, p});
  return out; // sorted: std::map orders topics, partitions ascend
}

template <class C, class T>
bool contains(const C& c, const T& x) {
  return std::find(c.begin(), c.end(), x) != c.end();
}

// -- constrained assignment (all subscriptions equal) ----------------------------------------

/// True when every member subscribes to the same topics; then fills `owned` with each
/// member's still-valid owned partitions (highest generation wins, partitions claimed twice in
/// one generation belong to nobody and go to `contested`).
bool all_subscriptions_equal(const partition_counts& counts, const members_map& members,
                             owned_map& owned, std::set<topic_partition>& contested) {
  std::set<std::string> topics;
  bool first = true;
  for (auto& [id, m] : members) {
    std::set<std::string> mine(m.subscription.topics.begin(), m.subscription.topics.end());
    if (first)
      topics = mine;
    else if (mine != topics)
      return false;
    first = false;
  }
  int32_t max_generation = default_generation;
  std::set<std::string> old_generation, current_generation;
  std::map<topic_partition, std::pair<std::string, int32_t>> claimed; // owner, generation
  for (auto& [id, m] : members) {
    auto md = member_data_of(m.subscription);
    auto& mine = owned[id];
    bool valid = (md.generation && *md.generation >= max_generation) ||
                 (!md.generation && max_generation == default_generation);
    if (!valid)
      continue;
    if (md.generation && *md.generation > max_generation) {
      old_generation.insert(current_generation.begin(), current_generation.end());
      current_generation.clear();
      max_generation = *md.generation;
    }
    current_generation.insert(id);
    int32_t gen = md.generation.value_or(default_generation);
    for (auto& tp : md.partitions) {
      if (!counts.count(tp.topic) || contested.count(tp))
        continue;
      auto other = claimed.find(tp);
      if (other == claimed.end()) {
        claimed[tp] = {id, gen};
        mine.push_back(tp);
      } else if (other->second.second == gen) {
        contested.insert(tp);
        auto& theirs = owned[other->second.first];
        theirs.erase(std::remove(theirs.begin(), theirs.end(), tp), theirs.end());
      } else if (gen > other->second.second) {
        auto& theirs = owned[other->second.first];
        theirs.erase(std::remove(theirs.begin(), theirs.end(), tp), theirs.end());
        other->second = {id, gen};
        mine.push_back(tp);
      }
    }
  }
  for (auto& id : old_generation)
    owned[id].clear();
  return true;
}

group_assignment constrained_assign(const partition_counts& counts, owned_map& owned,
                                    const std::set<topic_partition>& contested, transfers& moving) {
  auto all = all_partitions(counts);
  auto members = static_cast<int32_t>(owned.size());
  auto total = static_cast<int32_t>(all.size());
  int32_t min_quota = total / members;
  int32_t max_quota = (total + members - 1) / members;
  int32_t expected_over_min = total % members;
  int32_t current_over_min = 0;

  group_assignment out;
  std::set<topic_partition> assigned, revoked(contested.begin(), contested.end());
  std::vector<std::string> under_min, exactly_min;
  for (auto& [id, mine] : owned) {
    auto& target = out[id];
    auto keep = [&](int32_t n) {
      for (int32_t i = 0; i < static_cast<int32_t>(mine.size()); ++i) {
        if (i < n) {
          target.push_back(mine[static_cast<size_t>(i)]);
          assigned.insert(mine[static_cast<size_t>(i)]);
        } else {
          revoked.insert(mine[static_cast<size_t>(i)]);
        }
      }
    };
    auto n = static_cast<int32_t>(mine.size());
    if (n < min_quota) {
      keep(n);
      under_min.push_back(id);
    } else if (n >= max_quota && current_over_min < expected_over_min) {
      keep(max_quota);
      if (++current_over_min == expected_over_min)
        exactly_min.clear();
    } else {
      keep(min_quota);
      if (current_over_min < expected_over_min)
        exactly_min.push_back(id);
    }
  }
  std::sort(under_min.begin(), under_min.end());
  std::sort(exactly_min.begin(), exactly_min.end());

  // Round-robin the rest over members under minQuota, then one more each to members at it.
  size_t next = 0;
  for (auto& tp : all) {
    if (assigned.count(tp))
      continue;
    std::string member;
    if (next < under_min.size()) {
      member = under_min[next];
    } else if (!under_min.empty()) {
      next = 0;
      member = under_min[next];
    } else if (!exactly_min.empty()) {
      member = exactly_min.front();
      exactly_min.erase(exactly_min.begin());
    } else {
      break; // unreachable with the quotas above; leaves the partition unassigned
    }
    auto& target = out[member];
    target.push_back(tp);
    if (revoked.count(tp))
      moving[tp] = member;
    auto count = static_cast<int32_t>(target.size());
    if (next < under_min.size() && under_min[next] == member) {
      if (count == min_quota) {
        under_min.erase(under_min.begin() + static_cast<std::ptrdiff_t>(next));
        exactly_min.push_back(member);
      } else {
        ++next;
      }
    }
    if (count == max_quota && count > min_quota)
      ++current_over_min;
  }
  return out;
}

} // namespace

namespace {

class cooperative_sticky_assignor : public assignor {
public:
  std::string name() const override { return "cooperative-sticky"; }
  std::vector<rebalance_protocol> supported_protocols() const override {
    return {rebalance_protocol::cooperative, rebalance_protocol::eager};
  }
  std::optional<std::string> subscription_user_data(const std::vector<std::string>&,
                                                    int32_t generation) const override {
    std::string out(4, '\0');
    auto v = static_cast<uint32_t>(generation);
    for (int i = 0; i < 4; ++i)
      out[static_cast<size_t>(i)] = static_cast<char>((v >> (8 * (3 - i))) & 0xff);
    return out;
  }

  group_assignment assign(const partition_counts& counts, const members_map& members) override {
    group_assignment out;
    if (members.empty())
      return out;
    owned_map owned;
    std::set<topic_partition> contested;
    transfers moving;
    if (all_subscriptions_equal(counts, members, owned, contested)) {
      out = constrained_assign(counts, owned, contested, moving);
    } else {
      out = detail::sticky_general_assign(counts, members);
      moving = transferring_ownership(members, out);
    }
    // KIP-429: a partition changing owner is withheld until its old owner revoked it; the
    // follow-up rebalance the old owner requests hands it over.
    for (auto& [tp, member] : moving) {
      auto& list = out[member];
      list.erase(std::remove(list.begin(), list.end(), tp), list.end());
    }
    for (auto& [id, m] : members)
      out[id];
    return out;
  }

private:
  /// Partitions some member owns, loses now, and another member gains.
  static transfers transferring_ownership(const members_map& members,
                                          const group_assignment& assignment) {
    transfers added;
    std::set<topic_partition> revoked;
    for (auto& [id, list] : assignment) {
      auto it = members.find(id);
      if (it == members.end())
        continue;
      auto& owned = it->second.subscription.owned_partitions;
      for (auto& tp : list)
        if (!contains(owned, tp))
          added[tp] = id;
      for (auto& tp : owned)
        if (!contains(list, tp))
          revoked.insert(tp);
    }
    transfers out;
    for (auto& [tp, id] : added)
      if (revoked.count(tp))
        out[tp] = id;
    return out;
  }
};

} // namespace

std::unique_ptr<assignor> make_cooperative_sticky_assignor() {
  return std::make_unique<cooperative_sticky_assignor>();
}

} // namespace tributary::client
