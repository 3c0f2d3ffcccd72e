// Assignors against Kafka's documented examples (RangeAssignor / RoundRobinAssignor /
// StickyAssignor javadoc) and the cooperative-sticky rules: sticky, balanced, and a moving
// partition withheld until its old owner revoked it.
#include "tributary/client/assignor.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

using namespace tributary::client;

namespace {

using members_map = std::map<std::string, group_member_info>;

group_member_info member(const std::string& id, std::vector<std::string> topics,
                         std::vector<topic_partition> owned = {}, int32_t generation = -1) {
  group_member_info m;
  m.member_id = id;
  m.subscription.topics = std::move(topics);
  m.subscription.owned_partitions = std::move(owned);
  m.subscription.generation_id = generation;
  return m;
}

void add(members_map& m, group_member_info info) {
  auto id = info.member_id;
  m.emplace(id, std::move(info));
}

std::set<topic_partition> as_set(const std::vector<topic_partition>& v) {
  return {v.begin(), v.end()};
}

/// Each partition of `counts` is assigned at most once.
void check_no_duplicates(const group_assignment& a) {
  std::set<topic_partition> seen;
  for (auto& [id, list] : a)
    for (auto& tp : list) {
      INFO(tp.to_string() << " assigned twice");
      CHECK(seen.insert(tp).second);
    }
}

size_t total(const group_assignment& a) {
  size_t n = 0;
  for (auto& [id, list] : a)
    n += list.size();
  return n;
}

/// Feeds an assignment back as the members' owned partitions of `generation`.
members_map owning(members_map m, const group_assignment& a, int32_t generation) {
  for (auto& [id, info] : m) {
    auto it = a.find(id);
    info.subscription.owned_partitions =
        it == a.end() ? std::vector<topic_partition>{} : it->second;
    info.subscription.generation_id = generation;
  }
  return m;
}

} // namespace

TEST_CASE("range: Kafka's example, two members and two topics of three", "[assignor]") {
  members_map m;
  add(m, member("C0", {"t0", "t1"}));
  add(m, member("C1", {"t0", "t1"}));
  auto a = make_range_assignor()->assign({{"t0", 3}, {"t1", 3}}, m);
  CHECK(a["C0"] == std::vector<topic_partition>{{"t0", 0}, {"t0", 1}, {"t1", 0}, {"t1", 1}});
  CHECK(a["C1"] == std::vector<topic_partition>{{"t0", 2}, {"t1", 2}});
}

TEST_CASE("range: the first members get the extra partitions, per topic", "[assignor]") {
  members_map m;
  add(m, member("c", {"t"}));
  add(m, member("a", {"t", "u"}));
  add(m, member("b", {"t"}));
  auto a = make_range_assignor()->assign({{"t", 8}, {"u", 2}, {"missing", 4}}, m);
  CHECK(a["a"] == std::vector<topic_partition>{{"t", 0}, {"t", 1}, {"t", 2}, {"u", 0}, {"u", 1}});
  CHECK(a["b"] == std::vector<topic_partition>{{"t", 3}, {"t", 4}, {"t", 5}});
  CHECK(a["c"] == std::vector<topic_partition>{{"t", 6}, {"t", 7}});
}

TEST_CASE("range: static members sort by group.instance.id before dynamic ones", "[assignor]") {
  members_map m;
  auto x = member("a-dynamic", {"t"});
  auto y = member("z-static", {"t"});
  y.group_instance_id = "instance-1";
  add(m, x);
  add(m, y);
  CHECK(sorted_member_ids(m) == std::vector<std::string>{"z-static", "a-dynamic"});
  auto a = make_range_assignor()->assign({{"t", 3}}, m);
  CHECK(a["z-static"] == std::vector<topic_partition>{{"t", 0}, {"t", 1}});
  CHECK(a["a-dynamic"] == std::vector<topic_partition>{{"t", 2}});
}

TEST_CASE("roundrobin: Kafka's example, two members and two topics of three", "[assignor]") {
  members_map m;
  add(m, member("C0", {"t0", "t1"}));
  add(m, member("C1", {"t0", "t1"}));
  auto a = make_roundrobin_assignor()->assign({{"t0", 3}, {"t1", 3}}, m);
  CHECK(a["C0"] == std::vector<topic_partition>{{"t0", 0}, {"t0", 2}, {"t1", 1}});
  CHECK(a["C1"] == std::vector<topic_partition>{{"t0", 1}, {"t1", 0}, {"t1", 2}});
}

TEST_CASE("roundrobin: Kafka's example with different subscriptions", "[assignor]") {
  members_map m;
  add(m, member("C0", {"t0"}));
  add(m, member("C1", {"t0", "t1"}));
  add(m, member("C2", {"t0", "t1", "t2"}));
  auto a = make_roundrobin_assignor()->assign({{"t0", 1}, {"t1", 2}, {"t2", 3}}, m);
  CHECK(a["C0"] == std::vector<topic_partition>{{"t0", 0}});
  CHECK(a["C1"] == std::vector<topic_partition>{{"t1", 0}});
  CHECK(a["C2"] == std::vector<topic_partition>{{"t1", 1}, {"t2", 0}, {"t2", 1}, {"t2", 2}});
}

TEST_CASE("every member gets an entry, even with nothing to assign", "[assignor]") {
  members_map m;
  add(m, member("a", {"t"}));
  add(m, member("b", {"t"}));
  for (auto name : {"range", "roundrobin", "cooperative-sticky"}) {
    auto as = make_assignor(name);
    REQUIRE(as);
    auto a = (*as)->assign({{"t", 1}}, m);
    CHECK(a.size() == 2);
    CHECK(total(a) == 1);
  }
}

TEST_CASE("make_assignor knows Kafka's names and class names and refuses others", "[assignor]") {
  CHECK((*make_assignor("org.apache.kafka.clients.consumer.RoundRobinAssignor"))->name() ==
        "roundrobin");
  auto bad = make_assignor("sticky-ish");
  REQUIRE_FALSE(bad);
  CHECK(bad.err().message.find("sticky-ish") != std::string::npos);
}

TEST_CASE("the rebalance protocol is cooperative only when every assignor supports it",
          "[assignor]") {
  std::vector<std::shared_ptr<assignor>> only_sticky{make_cooperative_sticky_assignor()};
  CHECK(common_rebalance_protocol(only_sticky) == rebalance_protocol::cooperative);
  std::vector<std::shared_ptr<assignor>> mixed{make_range_assignor(),
                                               make_cooperative_sticky_assignor()};
  CHECK(common_rebalance_protocol(mixed) == rebalance_protocol::eager);
}

TEST_CASE("cooperative-sticky: first assignment is balanced round-robin", "[assignor]") {
  members_map m;
  for (auto id : {"c0", "c1", "c2"})
    add(m, member(id, {"t"}));
  auto a = make_cooperative_sticky_assignor()->assign({{"t", 6}}, m);
  CHECK(a["c0"] == std::vector<topic_partition>{{"t", 0}, {"t", 3}});
  CHECK(a["c1"] == std::vector<topic_partition>{{"t", 1}, {"t", 4}});
  CHECK(a["c2"] == std::vector<topic_partition>{{"t", 2}, {"t", 5}});
}

TEST_CASE("cooperative-sticky: members keep what they own when one leaves", "[assignor]") {
  auto as = make_cooperative_sticky_assignor();
  members_map m;
  for (auto id : {"c0", "c1", "c2"})
    add(m, member(id, {"t"}));
  auto first = as->assign({{"t", 6}}, m);
  m.erase("c2");
  auto second = as->assign({{"t", 6}}, owning(m, first, 1));
  CHECK(as_set(second["c0"]) == std::set<topic_partition>{{"t", 0}, {"t", 3}, {"t", 2}});
  CHECK(as_set(second["c1"]) == std::set<topic_partition>{{"t", 1}, {"t", 4}, {"t", 5}});
}

TEST_CASE("cooperative-sticky: a joining member gets moved partitions only after revocation",
          "[assignor]") {
  auto as = make_cooperative_sticky_assignor();
  members_map m;
  add(m, member("c0", {"t"}));
  add(m, member("c1", {"t"}));
  auto first = as->assign({{"t", 6}}, m);
  CHECK(first["c0"].size() == 3);
  CHECK(first["c1"].size() == 3);

  add(m, member("c2", {"t"}));
  auto second = as->assign({{"t", 6}}, owning(m, first, 1));
  check_no_duplicates(second);
  // Owners keep two each (no partition moves to c2 yet): c2 waits for the revocations.
  CHECK(second["c0"].size() == 2);
  CHECK(second["c1"].size() == 2);
  CHECK(second["c2"].empty());
  for (auto& tp : second["c0"])
    CHECK(std::count(first["c0"].begin(), first["c0"].end(), tp) == 1);

  // Follow-up rebalance: the revoked partitions are free now and go to c2.
  auto third = as->assign({{"t", 6}}, owning(m, second, 2));
  check_no_duplicates(third);
  CHECK(total(third) == 6);
  CHECK(as_set(third["c0"]) == as_set(second["c0"]));
  CHECK(as_set(third["c1"]) == as_set(second["c1"]));
  CHECK(third["c2"].size() == 2);
}

TEST_CASE("cooperative-sticky: owned partitions of an older generation are ignored", "[assignor]") {
  members_map m;
  add(m, member("a", {"t"}, {{"t", 0}, {"t", 1}}, 5));
  add(m, member("b", {"t"}, {{"t", 0}, {"t", 1}}, 4)); // stale claim
  auto a = make_cooperative_sticky_assignor()->assign({{"t", 2}}, m);
  check_no_duplicates(a);
  CHECK(a["a"] == std::vector<topic_partition>{{"t", 0}});
  // t-1 moves from a to b: withheld from b in this round.
  CHECK(a["b"].empty());
}

TEST_CASE("cooperative-sticky: Kafka's StickyAssignor example with different subscriptions",
          "[assignor]") {
  auto as = make_cooperative_sticky_assignor();
  partition_counts counts{{"t0", 1}, {"t1", 2}, {"t2", 3}};
  members_map m;
  add(m, member("C0", {"t0"}));
  add(m, member("C1", {"t0", "t1"}));
  add(m, member("C2", {"t0", "t1", "t2"}));
  auto first = as->assign(counts, m);
  check_no_duplicates(first);
  CHECK(total(first) == 6);
  CHECK(first["C0"] == std::vector<topic_partition>{{"t0", 0}});

  // The javadoc's state after the first round, then C0 leaves: sticky keeps C1's t1-0 and
  // C2's t2-*, gives t0-0 to C1 and moves t1-1 from C2 to C1 (withheld until C2 revokes it).
  members_map before;
  add(before, member("C1", {"t0", "t1"}, {{"t1", 0}}, 1));
  add(before, member("C2", {"t0", "t1", "t2"}, {{"t1", 1}, {"t2", 0}, {"t2", 1}, {"t2", 2}}, 1));
  auto second = as->assign(counts, before);
  check_no_duplicates(second);
  CHECK(as_set(second["C1"]) == std::set<topic_partition>{{"t0", 0}, {"t1", 0}});
  CHECK(as_set(second["C2"]) == std::set<topic_partition>{{"t2", 0}, {"t2", 1}, {"t2", 2}});

  auto third = as->assign(counts, owning(before, second, 2));
  CHECK(as_set(third["C1"]) == std::set<topic_partition>{{"t0", 0}, {"t1", 0}, {"t1", 1}});
  CHECK(as_set(third["C2"]) == as_set(second["C2"]));
}

TEST_CASE("cooperative-sticky: stays balanced and sticky over random membership changes",
          "[assignor]") {
  auto as = make_cooperative_sticky_assignor();
  partition_counts counts{{"a", 7}, {"b", 5}};
  members_map m;
  group_assignment current;
  int32_t generation = 0;
  uint32_t seed = 12345;
  auto rnd = [&] { return seed = seed * 1103515245 + 12345, (seed >> 16) & 0x7fff; };
  for (int round = 0; round < 40; ++round) {
    INFO("round " << round << " seed state " << seed);
    auto id = "m" + std::to_string(rnd() % 6);
    if (m.count(id) && m.size() > 1)
      m.erase(id);
    else
      add(m, member(id, {"a", "b"}));
    // Rebalance until stable: cooperative rounds never hand over a partition its owner
    // still holds.
    for (int step = 0; step < 3; ++step) {
      auto next = as->assign(counts, owning(m, current, generation++));
      check_no_duplicates(next);
      for (auto& [member_id, list] : next)
        for (auto& tp : list)
          for (auto& [other, owned] : current)
            if (other != member_id && m.count(other))
              CHECK(std::count(owned.begin(), owned.end(), tp) == 0);
      // Members revoke what they lost; what they keep stays.
      current = next;
    }
    CHECK(total(current) == 12);
    size_t lo = 100, hi = 0;
    for (auto& [member_id, list] : current) {
      lo = std::min(lo, list.size());
      hi = std::max(hi, list.size());
    }
    CHECK(hi - lo <= 1);
  }
}
