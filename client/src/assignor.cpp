// The range and roundrobin assignors, member ordering and the assignor factory.
#include "tributary/client/assignor.hpp"

#include <algorithm>
#include <set>

namespace tributary::client {
namespace {

/// Kafka's MemberInfo.compareTo: instance ids first (when both have one), then member ids.
bool member_before(const group_member_info& a, const group_member_info& b) {
  if (a.group_instance_id && b.group_instance_id)
    return *a.group_instance_id < *b.group_instance_id;
  if (a.group_instance_id)
    return true;
  if (b.group_instance_id)
    return false;
  return a.member_id < b.member_id;
}

bool subscribes(const group_member_info& m, const std::string& topic) {
  auto& t = m.subscription.topics;
  return std::find(t.begin(), t.end(), topic) != t.end();
}

group_assignment empty_assignment(const std::map<std::string, group_member_info>& members) {
  group_assignment out;
  for (auto& [id, info] : members)
    out[id];
  return out;
}

/// RangeAssignor: co-partitioned topics land on the same members (partition i of every topic
/// goes to the same member when the subscriptions agree).
class range_assignor : public assignor {
public:
  std::string name() const override { return "range"; }

  group_assignment assign(const partition_counts& partitions,
                          const std::map<std::string, group_member_info>& members) override {
    auto out = empty_assignment(members);
    auto order = sorted_member_ids(members);
    for (auto& [topic, count] : partitions) {
      std::vector<std::string> consumers;
      for (auto& id : order)
        if (subscribes(members.at(id), topic))
          consumers.push_back(id);
      if (consumers.empty())
        continue;
      auto n = static_cast<int32_t>(consumers.size());
      int32_t per_consumer = count / n;
      int32_t with_extra = count % n;
      for (int32_t i = 0; i < n; ++i) {
        int32_t start = per_consumer * i + std::min(i, with_extra);
        int32_t length = per_consumer + (i + 1 > with_extra ? 0 : 1);
        for (int32_t p = start; p < start + length; ++p)
          out[consumers[static_cast<size_t>(i)]].push_back(topic_partition{topic, p});
      }
    }
    return out;
  }
};

/// RoundRobinAssignor: all partitions of all subscribed topics (topics sorted) dealt in turn.
class roundrobin_assignor : public assignor {
public:
  std::string name() const override { return "roundrobin"; }

  group_assignment assign(const partition_counts& partitions,
                          const std::map<std::string, group_member_info>& members) override {
    auto out = empty_assignment(members);
    auto order = sorted_member_ids(members);
    if (order.empty())
      return out;
    std::set<std::string> topics;
    for (auto& [id, info] : members)
      topics.insert(info.subscription.topics.begin(), info.subscription.topics.end());
    size_t next = 0;
    for (auto& topic : topics) {
      auto count = partitions.find(topic);
      if (count == partitions.end())
        continue;
      for (int32_t p = 0; p < count->second; ++p) {
        // Someone subscribes to every topic in `topics`, so this ends within one lap.
        while (!subscribes(members.at(order[next]), topic))
          next = (next + 1) % order.size();
        out[order[next]].push_back(topic_partition{topic, p});
        next = (next + 1) % order.size();
      }
    }
    return out;
  }
};

} // namespace

std::vector<std::string>
sorted_member_ids(const std::map<std::string, group_member_info>& members) {
  std::vector<const group_member_info*> list;
  for (auto& [id, info] : members)
    list.push_back(&info);
  std::stable_sort(list.begin(), list.end(),
                   [](auto* a, auto* b) { return member_before(*a, *b); });
  std::vector<std::string> out;
  for (auto* m : list)
    out.push_back(m->member_id);
  return out;
}

rebalance_protocol common_rebalance_protocol(const std::vector<std::shared_ptr<assignor>>& list) {
  bool all_cooperative = !list.empty();
  for (auto& a : list) {
    auto p = a->supported_protocols();
    if (std::find(p.begin(), p.end(), rebalance_protocol::cooperative) == p.end())
      all_cooperative = false;
  }
  return all_cooperative ? rebalance_protocol::cooperative : rebalance_protocol::eager;
}

std::unique_ptr<assignor> make_range_assignor() {
  return std::make_unique<range_assignor>();
}

std::unique_ptr<assignor> make_roundrobin_assignor() {
  return std::make_unique<roundrobin_assignor>();
}

outcome<std::unique_ptr<assignor>> make_assignor(std::string_view name) {
  auto is = [&](std::string_view short_name, std::string_view java_class) {
    return name == short_name || name == java_class;
  };
  if (is("range", "org.apache.kafka.clients.consumer.RangeAssignor"))
    return make_range_assignor();
  if (is("roundrobin", "org.apache.kafka.clients.consumer.RoundRobinAssignor"))
    return make_roundrobin_assignor();
  if (is("cooperative-sticky", "org.apache.kafka.clients.consumer.CooperativeStickyAssignor"))
    return make_cooperative_sticky_assignor();
  return error{protocol::kafka_error::invalid_config,
               "partition.assignment.strategy: unknown assignor '" + std::string{name} +
                   "' (known: range, roundrobin, cooperative-sticky)"};
}

} // namespace tributary::client
