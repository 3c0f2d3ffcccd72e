// AbstractStickyAssignor.generalAssign (members subscribe to different topics): keep every
// valid current owner, hand unassigned partitions to the least loaded eligible member, then
// move partitions (fewest potential owners first) while that improves the balance, preferring
// to move a partition back to its previous owner and never ping-ponging a topic's partitions
// between two members (PartitionMovements). Reverts to the pre-balance assignment when moving
// did not lower the balance score.
#include "assignor_sticky.hpp"

#include <algorithm>
#include <cstdlib>
#include <set>

namespace tributary::client::detail {
namespace {

using tp_list = std::vector<topic_partition>;
using assignment_map = std::map<std::string, tp_list>;
using members_map = std::map<std::string, group_member_info>;

template <class C, class T>
bool contains(const C& c, const T& x) {
  return std::find(c.begin(), c.end(), x) != c.end();
}

template <class T>
void erase_value(std::vector<T>& v, const T& x) {
  v.erase(std::remove(v.begin(), v.end(), x), v.end());
}

/// Members ordered by (assigned count, member id): Kafka's TreeSet with SubscriptionComparator.
/// Remove a member before changing its count and add it back after.
class member_order {
public:
  explicit member_order(const assignment_map& a) : a_(&a) {}
  void add(const std::string& m) { set_.emplace(a_->at(m).size(), m); }
  void remove(const std::string& m) { set_.erase({a_->at(m).size(), m}); }
  void rebuild() {
    set_.clear();
    for (auto& [m, list] : *a_)
      set_.emplace(list.size(), m);
  }
  bool empty() const { return set_.empty(); }
  const std::string& first() const { return set_.begin()->second; }
  const std::string& last() const { return set_.rbegin()->second; }
  /// A snapshot: callers modify the order while walking it.
  std::vector<std::string> members() const {
    std::vector<std::string> out;
    for (auto& [n, m] : set_)
      out.push_back(m);
    return out;
  }

private:
  const assignment_map* a_;
  std::set<std::pair<size_t, std::string>> set_;
};

struct consumer_pair {
  std::string src, dst;
  friend bool operator<(const consumer_pair& a, const consumer_pair& b) {
    return a.src != b.src ? a.src < b.src : a.dst < b.dst;
  }
};

/// Kafka's PartitionMovements: where each partition moved during this assignment, so a move
/// back along the reverse path cancels an earlier move instead of adding a new one.
class partition_movements {
public:
  void move(const topic_partition& tp, const std::string& from, const std::string& to) {
    auto it = moves_.find(tp);
    if (it == moves_.end()) {
      add(tp, consumer_pair{from, to});
      return;
    }
    auto previous = remove(tp);
    if (previous.src != to)
      add(tp, consumer_pair{previous.src, to});
  }

  topic_partition actual_partition_to_move(const topic_partition& tp, std::string from,
                                           const std::string& to) const {
    auto topic = by_topic_.find(tp.topic);
    if (topic == by_topic_.end())
      return tp;
    if (auto it = moves_.find(tp); it != moves_.end())
      from = it->second.src;
    auto reverse = topic->second.find(consumer_pair{to, from});
    if (reverse == topic->second.end() || reverse->second.empty())
      return tp;
    return *reverse->second.begin();
  }

private:
  consumer_pair remove(const topic_partition& tp) {
    auto pair = moves_.at(tp);
    moves_.erase(tp);
    auto& topic = by_topic_[tp.topic];
    topic[pair].erase(tp);
    if (topic[pair].empty())
      topic.erase(pair);
    if (topic.empty())
      by_topic_.erase(tp.topic);
    return pair;
  }
  void add(const topic_partition& tp, const consumer_pair& pair) {
    moves_[tp] = pair;
    by_topic_[tp.topic][pair].insert(tp);
  }

  std::map<std::string, std::map<consumer_pair, std::set<topic_partition>>> by_topic_;
  std::map<topic_partition, consumer_pair> moves_;
};

struct owner_generation {
  std::string member;
  int32_t generation = default_generation;
};

class general_assigner {
public:
  general_assigner(const partition_counts& counts, const members_map& members)
      : counts_(counts), members_(members), order_(current_) {}

  assignment_map run() {
    prepopulate();
    for (auto& [topic, n] : counts_)
      for (int32_t p = 0; p < n; ++p)
        potential_members_[topic_partition{topic, p}];
    for (auto& [id, m] : members_) {
      auto& mine = potential_partitions_[id];
      for (auto& topic : m.subscription.topics) {
        auto n = counts_.find(topic);
        if (n == counts_.end())
          continue;
        for (int32_t p = 0; p < n->second; ++p) {
          mine.push_back(topic_partition{topic, p});
          potential_members_[topic_partition{topic, p}].push_back(id);
        }
      }
      current_[id];
    }
    for (auto& [id, list] : current_)
      for (auto& tp : list)
        owner_[tp] = id;

    std::vector<topic_partition> sorted;
    for (auto& [tp, ms] : potential_members_)
      sorted.push_back(tp);
    std::stable_sort(sorted.begin(), sorted.end(), [&](auto& a, auto& b) {
      return potential_members_[a].size() < potential_members_[b].size();
    });
    auto unassigned = sorted;
    bool revocation_required = false;
    for (auto& [id, list] : current_) {
      auto& topics = members_.at(id).subscription.topics;
      for (auto it = list.begin(); it != list.end();) {
        if (!potential_members_.count(*it)) {
          owner_.erase(*it);
          it = list.erase(it);
        } else if (!contains(topics, it->topic)) {
          it = list.erase(it);
          revocation_required = true;
        } else {
          erase_value(unassigned, *it);
          ++it;
        }
      }
    }
    order_.rebuild();
    balance(sorted, unassigned, revocation_required);
    return current_;
  }

private:
  /// The current owner of each partition is the claimant with the highest generation; the
  /// one before it is the previous owner.
  void prepopulate() {
    std::map<topic_partition, std::map<int32_t, std::string>> by_generation;
    for (auto& [id, m] : members_) {
      auto md = member_data_of(m.subscription);
      for (auto& tp : md.partitions) {
        auto& claimants = by_generation[tp];
        if (md.generation && claimants.count(*md.generation))
          continue; // claimed twice in one generation: the first claim stands
        claimants[md.generation.value_or(default_generation)] = id;
      }
    }
    for (auto& [tp, claimants] : by_generation) {
      auto it = claimants.rbegin();
      current_[it->second].push_back(tp);
      if (++it != claimants.rend())
        previous_[tp] = owner_generation{it->second, it->first};
    }
  }

  void balance(std::vector<topic_partition> sorted, std::vector<topic_partition> unassigned,
               bool revocation_required) {
    bool initializing = current_.at(order_.last()).empty();
    for (auto& tp : unassigned)
      if (!potential_members_[tp].empty())
        assign_partition(tp);

    auto is_fixed = [&](const topic_partition& tp) { return potential_members_[tp].size() < 2; };
    sorted.erase(std::remove_if(sorted.begin(), sorted.end(), is_fixed), sorted.end());
    unassigned.erase(std::remove_if(unassigned.begin(), unassigned.end(), is_fixed),
                     unassigned.end());

    assignment_map fixed;
    for (auto& [id, potential] : potential_partitions_) {
      if (can_participate(id))
        continue;
      order_.remove(id);
      fixed[id] = std::move(current_[id]);
      current_.erase(id);
    }

    auto pre_balance = current_;
    auto pre_balance_owner = owner_;
    if (!revocation_required)
      perform_reassignments(unassigned);
    bool moved = perform_reassignments(sorted);
    if (!initializing && moved && score(current_) >= score(pre_balance)) {
      current_ = pre_balance;
      owner_ = pre_balance_owner;
    }
    for (auto& [id, list] : fixed)
      current_[id] = std::move(list);
    order_.rebuild();
  }

  bool can_participate(const std::string& id) {
    auto& mine = current_.at(id);
    if (mine.size() < potential_partitions_.at(id).size())
      return true;
    return std::any_of(mine.begin(), mine.end(),
                       [&](auto& tp) { return potential_members_[tp].size() >= 2; });
  }

  void assign_partition(const topic_partition& tp) {
    for (auto& id : order_.members()) {
      if (!contains(potential_partitions_.at(id), tp))
        continue;
      order_.remove(id);
      current_.at(id).push_back(tp);
      owner_[tp] = id;
      order_.add(id);
      return;
    }
  }

  bool is_balanced() {
    if (order_.empty())
      return true;
    auto min = current_.at(order_.first()).size();
    auto max = current_.at(order_.last()).size();
    if (min + 1 >= max)
      return true;
    std::map<topic_partition, std::string> holder;
    for (auto& [id, list] : current_)
      for (auto& tp : list)
        holder[tp] = id;
    for (auto& id : order_.members()) {
      auto& mine = current_.at(id);
      auto& potential = potential_partitions_.at(id);
      if (mine.size() == potential.size())
        continue;
      for (auto& tp : potential) {
        if (contains(mine, tp))
          continue;
        auto other = holder.find(tp);
        if (other != holder.end() && mine.size() < current_.at(other->second).size())
          return false;
      }
    }
    return true;
  }

  bool perform_reassignments(const std::vector<topic_partition>& partitions) {
    bool performed = false;
    bool modified = true;
    while (modified) {
      modified = false;
      for (auto& tp : partitions) {
        if (is_balanced())
          break;
        auto owner = owner_.find(tp);
        if (owner == owner_.end() || !current_.count(owner->second))
          continue;
        auto size = current_.at(owner->second).size();
        auto prev = previous_.find(tp);
        if (prev != previous_.end() && current_.count(prev->second.member) &&
            size > current_.at(prev->second.member).size() + 1) {
          reassign(tp, prev->second.member);
          performed = modified = true;
          continue;
        }
        for (auto& other : potential_members_[tp]) {
          if (current_.count(other) && size > current_.at(other).size() + 1) {
            reassign(tp, least_loaded_for(tp));
            performed = modified = true;
            break;
          }
        }
      }
    }
    return performed;
  }

  std::string least_loaded_for(const topic_partition& tp) const {
    for (auto& id : order_.members())
      if (contains(potential_partitions_.at(id), tp))
        return id;
    return owner_.at(tp);
  }

  void reassign(const topic_partition& tp, const std::string& to) {
    auto actual = movements_.actual_partition_to_move(tp, owner_.at(tp), to);
    auto from = owner_.at(actual);
    order_.remove(from);
    order_.remove(to);
    movements_.move(actual, from, to);
    erase_value(current_.at(from), actual);
    current_.at(to).push_back(actual);
    owner_[actual] = to;
    order_.add(to);
    order_.add(from);
  }

  static long score(const assignment_map& a) {
    long total = 0;
    for (auto i = a.begin(); i != a.end(); ++i)
      for (auto j = std::next(i); j != a.end(); ++j)
        total +=
            std::labs(static_cast<long>(i->second.size()) - static_cast<long>(j->second.size()));
    return total;
  }

  const partition_counts& counts_;
  const members_map& members_;
  assignment_map current_;
  member_order order_;
  std::map<topic_partition, owner_generation> previous_;
  std::map<topic_partition, std::vector<std::string>> potential_members_;
  std::map<std::string, tp_list> potential_partitions_;
  std::map<topic_partition, std::string> owner_;
  partition_movements movements_;
};

} // namespace

group_assignment sticky_general_assign(const partition_counts& counts,
                                       const std::map<std::string, group_member_info>& members) {
  return general_assigner{counts, members}.run();
}

} // namespace tributary::client::detail
