// The group coordinator actor, deterministic: CAF's testing scheduler, a scheduled metadata
// actor on a temporary SQLite file, and a test clock advanced by hand for the timeouts.
#include <catch2/catch.hpp>

#include "tributary/actors/group_coordinator.hpp"
#include "tributary/actors/workers.hpp"
#include "tributary/protocol/kafka_error.hpp"
#include "tributary/storage/metadata/metadata_store.hpp"

#include "../src/group_subscription.hpp"

#include "caf/all.hpp"

#include <cstdlib>
#include <filesystem>

using namespace tributary::actors;
using tributary::protocol::kafka_error;
namespace md = tributary::storage::metadata;

namespace {

constexpr int16_t err(kafka_error e) {
  return tributary::protocol::code_of(e);
}

join_group_request join_req(const std::string& member_id, const std::string& instance = "") {
  join_group_request r;
  r.group_id = "g";
  r.member_id = member_id;
  r.group_instance_id = instance;
  r.client_id = "app";
  r.session_timeout_ms = 10000;
  r.rebalance_timeout_ms = 30000;
  r.protocols.push_back({"range", groups::encode_subscription({"orders"})});
  return r;
}

offset_commit_request commit_req(const std::string& member, int32_t gen,
                                 std::vector<offset_commit_partition> parts) {
  offset_commit_request r;
  r.group_id = "g";
  r.member_id = member;
  r.generation_id = gen;
  r.partitions = std::move(parts);
  return r;
}

offset_fetch_request fetch_req(std::vector<topic_partition_ref> parts) {
  offset_fetch_request r;
  r.group_id = "g";
  r.partitions = std::move(parts);
  return r;
}

struct group_fixture {
  caf::actor_system_config cfg;
  caf::actor_system sys;
  caf::scheduler::test_coordinator& sched;
  caf::scoped_actor self;
  std::string dir;
  metadata_actor meta;
  std::vector<group_actor> spawned;

  static caf::actor_system_config& init(caf::actor_system_config& c) {
    c.set("scheduler.policy", caf::atom("testing"));
    return c;
  }

  group_fixture()
      : sys(init(cfg)), sched(dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler())),
        self(sys, true) {
    std::string tmpl = "/tmp/trib-group-XXXXXX";
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    dir = tmpl;
    auto store = md::metadata_store::open(dir + "/metadata.db");
    REQUIRE(store);
    REQUIRE(store->create_topic({"orders", 2, 1, {}, {}}));
    meta = spawn_metadata_actor(sys, std::move(*store), inspector_actor{}, 0, false);
    sched.run();
  }

  ~group_fixture() {
    for (auto& g : spawned)
      caf::anon_send_exit(g, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(meta, caf::exit_reason::user_shutdown);
    // Pending timers keep their receivers alive: fire them all (bounded).
    for (int i = 0; i < 1000; ++i) {
      sched.run();
      if (sched.trigger_timeouts() == 0)
        break;
    }
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  group_actor spawn_group(int32_t initial_delay_ms = 0, bool run = true) {
    group_spec spec;
    spec.group_id = "g";
    spec.parent = "broker 0";
    spec.settings.initial_rebalance_delay_ms = initial_delay_ms;
    auto g = spawn_group_coordinator(sys, spec, {meta, {}});
    spawned.push_back(g);
    if (run)
      sched.run(); // the stored group is loaded before anything else
    return g;
  }

  template <class T>
  T take() {
    T out{};
    bool got = false;
    self->receive(
        [&](T& x) {
          out = std::move(x);
          got = true;
        },
        caf::after(std::chrono::seconds(0)) >> [] {});
    REQUIRE(got);
    return out;
  }

  template <class T, class Msg>
  T ask(const group_actor& g, Msg msg) {
    self->send(g, std::move(msg));
    sched.run();
    return take<T>();
  }

  void advance(int64_t ms) {
    sched.advance_time(std::chrono::milliseconds(ms));
    sched.run();
  }

  struct pair_ids {
    std::string a, b;
    int32_t gen = 0;
  };

  // Two members join during the initial delay, sync and make generation 1 Stable.
  pair_ids stable_pair(const group_actor& g, const std::string& ia = "",
                       const std::string& ib = "") {
    self->send(g, join_req("", ia));
    self->send(g, join_req("", ib));
    sched.run();
    advance(3000); // b joined during the delay: one more delay
    advance(3000);
    auto ra = take<join_group_response>();
    auto rb = take<join_group_response>();
    REQUIRE(ra.error == 0);
    REQUIRE(ra.members.size() == 2);
    REQUIRE(rb.members.empty());
    pair_ids ids{ra.member_id, rb.member_id, ra.generation_id};
    sync_group_request sb{"g", ids.gen, ids.b, ib, "consumer", "range", {}};
    sync_group_request sa{"g", ids.gen, ids.a, ia, "consumer", "range", {}};
    sa.assignments = {{ids.a, {'A'}}, {ids.b, {'B'}}};
    self->send(g, sb);
    self->send(g, sa);
    sched.run();
    auto first = take<sync_group_response>(); // answers follow the join order: a, then b
    auto second = take<sync_group_response>();
    REQUIRE(first.error == 0);
    REQUIRE(first.assignment == bytes{'A'});
    REQUIRE(second.assignment == bytes{'B'});
    return ids;
  }
};

} // namespace

TEST_CASE_METHOD(group_fixture,
                 "actor: two members reach a Stable generation; stale commits store nothing",
                 "[group]") {
  auto g = spawn_group(3000);
  auto [a, b, gen] = stable_pair(g);
  CHECK(gen == 1);
  auto d = ask<described_group>(g, describe_group{});
  CHECK(d.state == "Stable");
  CHECK(d.members.size() == 2);
  CHECK(d.leader == a);

  auto stale = ask<offset_commit_response>(g, commit_req(a, gen - 1, {{"orders", 0, 5, -1, ""}}));
  REQUIRE(stale.partitions.size() == 1);
  CHECK(stale.partitions[0].error == err(kafka_error::illegal_generation));
  CHECK(stale.partitions[0].error_message.find("generation 1") != std::string::npos);
  auto ghost = ask<offset_commit_response>(g, commit_req("ghost", gen, {{"orders", 0, 5, -1, ""}}));
  CHECK(ghost.partitions[0].error == err(kafka_error::unknown_member_id));
  auto none = ask<offset_fetch_response>(g, fetch_req({{"orders", 0}}));
  REQUIRE(none.partitions.size() == 1);
  CHECK(none.partitions[0].offset == -1); // nothing was stored

  auto ok =
      ask<offset_commit_response>(g, commit_req(b, gen,
                                                {{"orders", 0, 42, 3, "m"},
                                                 {"orders", 7, 1, -1, ""},
                                                 {"nope", 0, 1, -1, ""},
                                                 {"orders", 1, 9, -1, std::string(5000, 'x')}}));
  REQUIRE(ok.partitions.size() == 4);
  CHECK(ok.partitions[0].error == 0);
  CHECK(ok.partitions[1].error == err(kafka_error::unknown_topic_or_partition));
  CHECK(ok.partitions[1].error_message.find("partition 7") != std::string::npos);
  CHECK(ok.partitions[2].error == err(kafka_error::unknown_topic_or_partition));
  CHECK(ok.partitions[3].error == err(kafka_error::offset_metadata_too_large));
  auto got = ask<offset_fetch_response>(g, fetch_req({{"orders", 0}, {"orders", 1}}));
  REQUIRE(got.partitions.size() == 2);
  CHECK(got.partitions[0].offset == 42);
  CHECK(got.partitions[0].leader_epoch == 3);
  CHECK(got.partitions[0].metadata == "m");
  CHECK(got.partitions[1].offset == -1);
}

TEST_CASE_METHOD(group_fixture,
                 "actor: generation, members and offsets survive a coordinator restart",
                 "[group]") {
  auto g = spawn_group(3000);
  auto [a, b, gen] = stable_pair(g);
  auto c = ask<offset_commit_response>(g, commit_req(a, gen, {{"orders", 1, 17, -1, ""}}));
  REQUIRE(c.partitions[0].error == 0);
  auto closed = ask<close_response>(g, close_request{});
  CHECK(closed.error == 0);

  // The first request reaches the new coordinator before its load finished: it waits.
  auto g2 = spawn_group(3000, false);
  auto d = ask<described_group>(g2, describe_group{});
  CHECK(d.state == "Stable");
  CHECK(d.generation_id == gen);
  REQUIRE(d.members.size() == 2);
  for (const auto& m : d.members) // stored members come back in member id order
    CHECK(m.assignment == (m.member_id == b ? bytes{'B'} : bytes{'A'}));
  CHECK(ask<heartbeat_response>(g2, heartbeat_request{"g", gen, a, ""}).error == 0);
  auto f = ask<offset_fetch_response>(g2, fetch_req({{"orders", 1}}));
  CHECK(f.partitions[0].offset == 17);
  // b does not come back within its session timeout: removed, the group rebalances.
  for (int i = 0; i < 4; ++i) {
    advance(3000);
    self->send(g2, heartbeat_request{"g", gen, a, ""});
    sched.run();
  }
  auto last = take<heartbeat_response>();
  for (int i = 0; i < 3; ++i)
    last = take<heartbeat_response>();
  CHECK(last.error == err(kafka_error::rebalance_in_progress));
  auto after = ask<described_group>(g2, describe_group{});
  CHECK(after.state == "PreparingRebalance");
  CHECK(after.members.size() == 1);
}

TEST_CASE_METHOD(group_fixture,
                 "actor: a static member rejoins a restarted coordinator without a rebalance",
                 "[group]") {
  auto g = spawn_group(3000);
  auto [a, b, gen] = stable_pair(g, "inst-a", "inst-b");
  ask<close_response>(g, close_request{});
  auto g2 = spawn_group(3000);
  auto r = ask<join_group_response>(g2, join_req("", "inst-b"));
  CHECK(r.error == 0);
  CHECK(r.generation_id == gen);
  CHECK(r.member_id != b);
  auto s =
      ask<sync_group_response>(g2, sync_group_request{"g", gen, r.member_id, "inst-b", "", "", {}});
  CHECK(s.assignment == bytes{'B'});
  CHECK(ask<heartbeat_response>(g2, heartbeat_request{"g", gen, b, "inst-b"}).error ==
        err(kafka_error::fenced_instance_id));
  auto d = ask<described_group>(g2, describe_group{});
  CHECK(d.state == "Stable");
  CHECK(d.generation_id == gen);
}

TEST_CASE_METHOD(group_fixture,
                 "actor: a member vanishing mid-rebalance is dropped, the rest continue",
                 "[group]") {
  auto g = spawn_group(3000);
  auto [a, b, gen] = stable_pair(g);
  ask<offset_commit_response>(g, commit_req(a, gen, {{"orders", 0, 100, -1, ""}}));
  self->send(g, join_req("")); // a newcomer starts a rebalance
  self->send(g, join_req(a));  // a rejoins; b has vanished
  sched.run();
  advance(10000); // b's session expires: the round completes without it
  auto r1 = take<join_group_response>();
  auto r2 = take<join_group_response>();
  CHECK(r1.generation_id == gen + 1);
  CHECK(r2.generation_id == gen + 1);
  CHECK(r1.members.size() + r2.members.size() == 2); // the leader sees a and the newcomer
  auto late = ask<offset_commit_response>(g, commit_req(b, gen, {{"orders", 0, 999, -1, ""}}));
  CHECK(late.partitions[0].error == err(kafka_error::unknown_member_id));
  auto f = ask<offset_fetch_response>(g, fetch_req({{"orders", 0}}));
  CHECK(f.partitions[0].offset == 100); // nothing lost, nothing overwritten
}

TEST_CASE_METHOD(group_fixture,
                 "actor: delete refuses a group with members, then removes it and its offsets",
                 "[group]") {
  auto g = spawn_group(3000);
  auto [a, b, gen] = stable_pair(g);
  ask<offset_commit_response>(g, commit_req(a, gen, {{"orders", 0, 7, -1, ""}}));
  auto refused = ask<group_result>(g, delete_group{});
  CHECK(refused.error == err(kafka_error::non_empty_group));
  CHECK(refused.error_message.find("2 members") != std::string::npos);
  auto left = ask<leave_group_response>(
      g, leave_group_request{"g", {{a, "", "done"}, {b, "", "done"}, {"ghost", "", ""}}});
  REQUIRE(left.members.size() == 3);
  CHECK(left.members[2].error == err(kafka_error::unknown_member_id));
  CHECK(ask<described_group>(g, describe_group{}).state == "Empty");
  self->monitor(g);
  CHECK(ask<group_result>(g, delete_group{}).error == 0);
  auto down = take<caf::down_msg>(); // the coordinator of a deleted group quits
  CHECK(down.source == g.address());
  auto fresh = spawn_group();
  CHECK(ask<described_group>(fresh, describe_group{}).state == "Dead");
  CHECK(ask<offset_fetch_response>(fresh, fetch_req({{"orders", 0}})).partitions[0].offset == -1);
  CHECK(ask<group_result>(fresh, delete_group{}).error == err(kafka_error::group_id_not_found));
}

TEST_CASE_METHOD(group_fixture, "actor: standalone commits, OffsetDelete and stats", "[group]") {
  auto g = spawn_group();
  auto c = ask<offset_commit_response>(g, commit_req("", -1, {{"orders", 0, 3, -1, ""}}));
  CHECK(c.partitions[0].error == 0);
  offset_fetch_request all;
  all.group_id = "g";
  all.all_partitions = true;
  auto f = ask<offset_fetch_response>(g, all);
  REQUIRE(f.partitions.size() == 1);
  CHECK(f.partitions[0].offset == 3);
  auto del = ask<offset_delete_response>(g, offset_delete_request{"g", {{"orders", 0}}});
  CHECK(del.error == 0);
  CHECK(ask<offset_fetch_response>(g, all).partitions.empty());
  auto info = ask<actor_info>(g, stats_request{});
  CHECK(info.kind == "group");
  CHECK(info.name == "group g");
  CHECK(info.parent == "broker 0");
  bool has_state = false;
  for (const auto& kv : info.details)
    has_state = has_state || (kv.name == "state" && kv.value == "Empty");
  CHECK(has_state);
}

TEST_CASE("actor: a coordinator on real threads serves a member end to end", "[group]") {
  // Production wiring: detached metadata actor, real clock, blocking requests with deadlines.
  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", 2);
  caf::actor_system sys{cfg};
  std::string tmpl = "/tmp/trib-group-mt-XXXXXX";
  REQUIRE(mkdtemp(tmpl.data()) != nullptr);
  auto store = md::metadata_store::open(tmpl + "/metadata.db");
  REQUIRE(store);
  REQUIRE(store->create_topic({"orders", 1, 1, {}, {}}));
  auto meta = spawn_metadata_actor(sys, std::move(*store), inspector_actor{});
  group_spec spec;
  spec.group_id = "g";
  spec.settings.initial_rebalance_delay_ms = 0;
  auto g = spawn_group_coordinator(sys, spec, {meta, {}});
  {
    caf::scoped_actor self{sys};
    auto deadline = std::chrono::seconds(10);
    auto fail = [&](caf::error& e) { FAIL(sys.render(e)); };
    join_group_response joined;
    self->request(g, deadline, join_req(""))
        .receive([&](join_group_response& r) { joined = r; }, fail);
    REQUIRE(joined.error == 0);
    REQUIRE(joined.leader == joined.member_id);
    sync_group_request sync{"g", joined.generation_id, joined.member_id, "", "", "", {}};
    sync.assignments = {{joined.member_id, {'x'}}};
    self->request(g, deadline, sync)
        .receive([&](sync_group_response& r) { CHECK(r.assignment == bytes{'x'}); }, fail);
    self->request(g, deadline,
                  commit_req(joined.member_id, joined.generation_id, {{"orders", 0, 11, -1, ""}}))
        .receive([&](offset_commit_response& r) { CHECK(r.partitions.at(0).error == 0); }, fail);
    self->request(g, deadline, fetch_req({{"orders", 0}}))
        .receive([&](offset_fetch_response& r) { CHECK(r.partitions.at(0).offset == 11); }, fail);
    self->request(g, deadline, close_request{})
        .receive([&](close_response& r) { CHECK(r.error == 0); }, fail);
    self->request(meta, deadline, close_request{}).receive([](close_response&) {}, fail);
  }
  std::error_code ec;
  std::filesystem::remove_all(tmpl, ec);
}

TEST_CASE_METHOD(group_fixture, "actor: a coordinator that cannot load its group refuses requests",
                 "[group]") {
  self->send(meta, close_request{}); // the metadata actor closes its store and quits
  sched.run();
  take<close_response>();
  auto g = spawn_group();
  auto r = ask<join_group_response>(g, join_req(""));
  CHECK(r.error == err(kafka_error::coordinator_load_in_progress));
  CHECK(r.error_message.find("group 'g'") != std::string::npos);
  auto c = ask<offset_commit_response>(g, commit_req("", -1, {{"orders", 0, 1, -1, ""}}));
  CHECK(c.partitions.at(0).error == err(kafka_error::coordinator_load_in_progress));
  auto info = ask<actor_info>(g, stats_request{});
  bool has_load_error = false;
  for (const auto& kv : info.details)
    has_load_error = has_load_error || kv.name == "load_error";
  CHECK(has_load_error);
  // close does not overwrite the stored group with the empty one it never loaded
  CHECK(ask<close_response>(g, close_request{}).error == 0);
}
