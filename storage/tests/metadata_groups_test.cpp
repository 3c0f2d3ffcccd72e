// metadata_store: consumer groups and members.
#include "metadata_test_util.hpp"

using namespace tributary;
using namespace tributary::storage::metadata;
using namespace tributary::storage::metadata::test;

namespace {

group_member member(std::string id, std::optional<std::string> instance = std::nullopt) {
  group_member m;
  m.member_id = std::move(id);
  m.group_instance_id = std::move(instance);
  m.client_id = "client-" + m.member_id;
  m.client_host = "/127.0.0.1";
  m.session_timeout_ms = 45000;
  m.rebalance_timeout_ms = 300000;
  m.subscription = {0, 1, 2, 0xff};
  m.assignment = {};
  return m;
}

group_record stable_group() {
  group_record g;
  g.group_id = "payments";
  g.state = group_state::stable;
  g.protocol_type = "consumer";
  g.protocol_name = "range";
  g.generation = generation_id{3};
  g.leader_member = "m1";
  g.state_ms = 123;
  g.members = {member("m1", std::string("instance-1")), member("m2")};
  return g;
}

void check_same(const group_record& a, const group_record& b) {
  CHECK(a.group_id == b.group_id);
  CHECK(a.state == b.state);
  CHECK(a.protocol_type == b.protocol_type);
  CHECK(a.protocol_name == b.protocol_name);
  CHECK(a.generation == b.generation);
  CHECK(a.leader_member == b.leader_member);
  CHECK(a.state_ms == b.state_ms);
  CHECK(a.members == b.members);
}

} // namespace

TEST_CASE("a saved group loads back with every member field and blob", "[metadata]") {
  temp_dir dir;
  auto store = open_ok(dir.db());
  auto g = stable_group();
  REQUIRE(store.save_group(g));
  auto loaded = store.load_group("payments");
  REQUIRE(loaded);
  check_same(*loaded, g);
}

TEST_CASE("saving a group again replaces its state and member list", "[metadata]") {
  temp_dir dir;
  auto store = open_ok(dir.db());
  auto g = stable_group();
  REQUIRE(store.save_group(g));
  g.state = group_state::preparing_rebalance;
  g.generation = generation_id{4};
  g.members = {member("m3")};
  g.leader_member = std::nullopt;
  REQUIRE(store.save_group(g));
  check_same(*store.load_group("payments"), g);
}

TEST_CASE("members are added, replaced and removed one at a time", "[metadata]") {
  temp_dir dir;
  auto store = open_ok(dir.db());
  REQUIRE(store.save_group(stable_group()));
  auto m = member("m9");
  m.assignment = {9, 9};
  REQUIRE(store.save_member("payments", m));
  m.assignment = {8};
  REQUIRE(store.save_member("payments", m));
  auto loaded = store.load_group("payments");
  REQUIRE(loaded->members.size() == 3);
  CHECK(loaded->members.back() == m);
  REQUIRE(store.remove_member("payments", "m1"));
  CHECK(store.load_group("payments")->members.size() == 2);
  CHECK(store.remove_member("payments", "m1").error() == errc::unknown_member);
  CHECK(store.save_member("nope", m).error() == errc::unknown_group);
}

TEST_CASE("list_groups and load_groups return every group in id order", "[metadata]") {
  temp_dir dir;
  auto store = open_ok(dir.db());
  auto a = stable_group();
  a.group_id = "b-group";
  auto b = stable_group();
  b.group_id = "a-group";
  b.state = group_state::empty;
  b.members.clear();
  REQUIRE(store.save_group(a));
  REQUIRE(store.save_group(b));
  auto list = store.list_groups();
  REQUIRE(list);
  REQUIRE(list->size() == 2);
  CHECK(list->at(0).group_id == "a-group");
  CHECK(list->at(0).state == group_state::empty);
  CHECK(list->at(1).protocol_type == "consumer");
  auto all = store.load_groups();
  REQUIRE(all);
  REQUIRE(all->size() == 2);
  CHECK(all->at(0).members.empty());
  check_same(all->at(1), a);
}

TEST_CASE("deleting a group removes its members and committed offsets", "[metadata]") {
  temp_dir dir;
  auto store = open_ok(dir.db());
  REQUIRE(store.create_topic(simple_topic("orders", 1)));
  REQUIRE(store.save_group(stable_group()));
  REQUIRE(store.commit_offsets("payments", {{"orders", partition_id{0}, offset{10}}}));
  REQUIRE(store.delete_group("payments"));
  CHECK(store.load_group("payments").error() == errc::unknown_group);
  CHECK(store.fetch_offsets("payments")->empty());
  CHECK(raw_query(dir.db(), "SELECT count(*) FROM group_members") == "0");
  CHECK(store.delete_group("payments").error() == errc::unknown_group);
}

TEST_CASE("group state names are Kafka's and round-trip", "[metadata]") {
  for (auto s : {group_state::empty, group_state::preparing_rebalance,
                 group_state::completing_rebalance, group_state::stable, group_state::dead})
    CHECK(group_state_from_string(to_string(s)) == s);
  CHECK(to_string(group_state::completing_rebalance) == "CompletingRebalance");
  CHECK_FALSE(group_state_from_string("stable"));
}
