// group_machine without actors: requests in, effects out, timers fired by a simulated clock.
#include <catch2/catch.hpp>

#include "../src/group_machine.hpp"
#include "../src/group_subscription.hpp"

#include <algorithm>
#include <map>

using namespace tributary::actors;
using namespace tributary::actors::groups;
using tributary::protocol::kafka_error;

namespace {

constexpr int16_t err(kafka_error e) {
  return tributary::protocol::code_of(e);
}

group_protocol proto(const std::string& name, const std::vector<std::string>& topics) {
  return {name, encode_subscription(topics)};
}

join_group_request join_req(const std::string& member_id,
                            std::vector<std::string> topics = {"orders"},
                            const std::string& instance = "",
                            std::vector<std::string> protocols = {"range"},
                            int32_t session_ms = 10000) {
  join_group_request r;
  r.group_id = "g";
  r.member_id = member_id;
  r.group_instance_id = instance;
  r.client_id = "client";
  r.session_timeout_ms = session_ms;
  r.rebalance_timeout_ms = 30000;
  for (const auto& p : protocols)
    r.protocols.push_back(proto(p, topics));
  return r;
}

// Drives one group_machine: keeps the answers to parked requests, pending timers on a
// simulated clock and pending saves the test completes explicitly.
struct harness {
  group_settings settings = [] {
    group_settings s;
    s.initial_rebalance_delay_ms = 0;
    return s;
  }();
  std::unique_ptr<group_machine> g;
  uint64_t next_waiter = 1;
  std::map<uint64_t, join_group_response> joins;
  std::map<uint64_t, sync_group_response> syncs;
  struct pending_timer {
    int64_t due;
    uint64_t order;
    timer_request t;
  };
  std::vector<pending_timer> timers;
  std::vector<save_request> saves;
  int64_t now = 0;
  uint64_t timer_order = 0;
  int uuid = 0;

  explicit harness(int32_t initial_delay = 0) {
    settings.initial_rebalance_delay_ms = initial_delay;
    g = std::make_unique<group_machine>(
        "g", settings, [this] { return "u" + std::to_string(++uuid); }, [] { return 1000; });
  }

  void absorb(effects& fx) {
    for (auto& j : fx.joins)
      joins[j.waiter] = j.response;
    for (auto& s : fx.syncs)
      syncs[s.waiter] = s.response;
    for (auto& t : fx.timers)
      timers.push_back({now + t.delay_ms, timer_order++, t});
    for (auto& s : fx.saves)
      saves.push_back(s);
  }

  // Returns the waiter; an immediate answer is stored under it as well.
  uint64_t join(const join_group_request& r) {
    effects fx;
    auto w = next_waiter++;
    if (auto now_answer = g->join(r, w, fx))
      joins[w] = *now_answer;
    absorb(fx);
    return w;
  }

  uint64_t sync(const std::string& member, int32_t gen,
                std::vector<sync_group_assignment> assignments = {}) {
    sync_group_request r;
    r.group_id = "g";
    r.member_id = member;
    r.generation_id = gen;
    r.assignments = std::move(assignments);
    effects fx;
    auto w = next_waiter++;
    if (auto a = g->sync(r, w, fx))
      syncs[w] = *a;
    absorb(fx);
    return w;
  }

  int16_t heartbeat(const std::string& member, int32_t gen, const std::string& instance = "") {
    effects fx;
    auto r = g->heartbeat({"g", gen, member, instance}, fx);
    absorb(fx);
    return r.error;
  }

  leave_group_response leave(std::vector<leave_group_member> members) {
    effects fx;
    auto r = g->leave({"g", std::move(members)}, fx);
    absorb(fx);
    return r;
  }

  void finish_saves(int16_t error = 0) {
    for (size_t i = 0; i < 100 && !saves.empty(); ++i) {
      auto s = saves.front();
      saves.erase(saves.begin());
      effects fx;
      g->on_saved(s, error, error ? "disk full" : "", fx);
      absorb(fx);
    }
  }

  // Fires every timer due within `ms`, in due order, as the actor's mailbox would.
  void advance(int64_t ms) {
    int64_t target = now + ms;
    for (int guard = 0; guard < 10000; ++guard) {
      auto it = std::min_element(timers.begin(), timers.end(), [](auto& a, auto& b) {
        return a.due != b.due ? a.due < b.due : a.order < b.order;
      });
      if (it == timers.end() || it->due > target)
        break;
      auto t = *it;
      timers.erase(it);
      now = t.due;
      effects fx;
      g->on_timer({static_cast<int32_t>(t.t.kind), t.t.seq, t.t.key}, fx);
      absorb(fx);
    }
    now = target;
  }

  const join_group_response& answer(uint64_t w) {
    REQUIRE(joins.count(w));
    return joins.at(w);
  }
};

// Two dynamic members in one generation, synced and Stable; returns their ids.
std::pair<std::string, std::string> stable_pair(harness& h, const std::string& ia = "",
                                                const std::string& ib = "",
                                                int32_t session_ms = 10000) {
  auto wa = h.join(join_req("", {"orders"}, ia, {"range"}, session_ms));
  auto wb = h.join(join_req("", {"orders"}, ib, {"range"}, session_ms));
  h.advance(3000);
  auto a = h.answer(wa).member_id;
  // With no initial delay the first member formed generation 1 alone; the second join
  // started a rebalance the first member must rejoin.
  if (h.g->state() == group_state::preparing_rebalance)
    h.join(join_req(a, {"orders"}, ia, {"range"}, session_ms));
  auto b = h.answer(wb).member_id;
  auto gen = h.answer(wb).generation_id;
  REQUIRE(h.g->state() == group_state::completing_rebalance);
  h.sync(b, gen);
  h.sync(a, gen, {{a, bytes{'A'}}, {b, bytes{'B'}}});
  h.finish_saves();
  REQUIRE(h.g->state() == group_state::stable);
  return {a, b};
}

} // namespace

TEST_CASE("two members join one generation; the leader gets both; sync makes it Stable",
          "[group]") {
  harness h{3000};
  auto wa = h.join(join_req(""));
  auto wb = h.join(join_req(""));
  CHECK(h.g->state() == group_state::preparing_rebalance);
  CHECK(h.joins.empty()); // both wait for the initial delay
  h.advance(3000);        // B arrived during the delay: one more delay
  CHECK(h.joins.empty());
  h.advance(3000);
  REQUIRE(h.joins.size() == 2);
  const auto& ra = h.answer(wa);
  const auto& rb = h.answer(wb);
  CHECK(ra.error == 0);
  CHECK(ra.generation_id == 1);
  CHECK(rb.generation_id == 1);
  CHECK(ra.member_id.rfind("client-", 0) == 0);
  CHECK(ra.leader == ra.member_id);
  CHECK(rb.leader == ra.member_id);
  CHECK(ra.members.size() == 2);
  CHECK(rb.members.empty());
  CHECK(ra.protocol_name == "range");
  CHECK(h.g->state() == group_state::completing_rebalance);

  auto sb = h.sync(rb.member_id, 1);
  CHECK(h.syncs.empty());
  auto sa = h.sync(ra.member_id, 1, {{ra.member_id, {'1'}}, {rb.member_id, {'2'}}});
  CHECK(h.syncs.empty()); // answered only once stored
  REQUIRE(h.saves.size() == 1);
  CHECK(h.saves[0].record.state == group_state::stable);
  CHECK(h.saves[0].record.members.size() == 2);
  h.finish_saves();
  CHECK(h.g->state() == group_state::stable);
  CHECK(h.syncs.at(sa).assignment == bytes{'1'});
  CHECK(h.syncs.at(sb).assignment == bytes{'2'});
  CHECK(h.heartbeat(rb.member_id, 1) == 0);
}

TEST_CASE("a third member triggers a rebalance the others learn of by heartbeat", "[group]") {
  harness h;
  auto [a, b] = stable_pair(h);
  auto gen = h.g->generation();
  auto wc = h.join(join_req(""));
  CHECK(h.g->state() == group_state::preparing_rebalance);
  CHECK(h.heartbeat(a, gen) == err(kafka_error::rebalance_in_progress));
  CHECK(h.sync(b, gen) > 0);
  CHECK(h.syncs.rbegin()->second.error == err(kafka_error::rebalance_in_progress));
  auto wa = h.join(join_req(a));
  CHECK_FALSE(h.joins.count(wc));
  auto wb = h.join(join_req(b));
  CHECK(h.answer(wa).generation_id == gen + 1);
  CHECK(h.answer(wa).members.size() == 3);
  CHECK(h.answer(wb).generation_id == gen + 1);
  CHECK(h.answer(wc).generation_id == gen + 1);
}

TEST_CASE("a leaving member triggers a rebalance without it", "[group]") {
  harness h;
  auto [a, b] = stable_pair(h);
  auto gen = h.g->generation();
  auto out = h.leave({{b, "", "shutting down"}, {"nobody", "", ""}});
  REQUIRE(out.members.size() == 2);
  CHECK(out.members[0].error == 0);
  CHECK(out.members[1].error == err(kafka_error::unknown_member_id));
  CHECK(h.g->state() == group_state::preparing_rebalance);
  auto wa = h.join(join_req(a));
  CHECK(h.answer(wa).generation_id == gen + 1);
  CHECK(h.answer(wa).members.size() == 1);
  CHECK(h.heartbeat(b, gen) == err(kafka_error::unknown_member_id));
}

TEST_CASE("the last member leaving empties the group and stores it", "[group]") {
  harness h;
  auto [a, b] = stable_pair(h);
  h.saves.clear();
  h.leave({{a, "", ""}});
  auto wb = h.join(join_req(b));
  h.sync(b, h.answer(wb).generation_id, {{b, {}}});
  h.finish_saves();
  h.leave({{b, "", ""}});
  CHECK(h.g->state() == group_state::empty);
  REQUIRE(h.saves.size() == 1);
  CHECK(h.saves[0].purpose == save_purpose::empty_group);
  CHECK(h.saves[0].record.members.empty());
  CHECK(h.g->describe().state == "Empty");
}

TEST_CASE("a member whose session expires is removed and the group rebalances", "[group]") {
  harness h;
  auto [a, b] = stable_pair(h);
  auto gen = h.g->generation();
  for (int i = 0; i < 3; ++i) { // a heartbeats every 3 s, b is silent
    h.advance(3000);
    REQUIRE(h.heartbeat(a, gen) == 0);
  }
  CHECK(h.g->find(b) != nullptr);
  h.advance(3000); // b's 10 s session ran out
  CHECK(h.g->find(b) == nullptr);
  CHECK(h.g->state() == group_state::preparing_rebalance);
  CHECK(h.heartbeat(a, gen) == err(kafka_error::rebalance_in_progress));
  auto wa = h.join(join_req(a));
  CHECK(h.answer(wa).generation_id == gen + 1);
  CHECK(h.answer(wa).members.size() == 1);
}

TEST_CASE("a static member restarting rejoins without a rebalance and fences its old id",
          "[group]") {
  harness h;
  auto [a, b] = stable_pair(h, "inst-a", "inst-b");
  auto gen = h.g->generation();
  CHECK(a.rfind("inst-a-", 0) == 0);
  h.saves.clear();
  auto w = h.join(join_req("", {"orders"}, "inst-b"));
  REQUIRE(h.saves.size() == 1);
  CHECK(h.saves[0].purpose == save_purpose::static_member);
  CHECK_FALSE(h.joins.count(w)); // answered after the store
  h.finish_saves();
  const auto& r = h.answer(w);
  CHECK(r.error == 0);
  CHECK(r.generation_id == gen);
  CHECK(r.member_id != b);
  CHECK(r.leader == a);
  CHECK(h.g->state() == group_state::stable);
  CHECK(h.g->generation() == gen);
  // The old incarnation is fenced, the new one continues with the old assignment.
  CHECK(h.heartbeat(b, gen, "inst-b") == err(kafka_error::fenced_instance_id));
  CHECK(h.heartbeat(r.member_id, gen, "inst-b") == 0);
  auto s = h.sync(r.member_id, gen);
  CHECK(h.syncs.at(s).assignment == bytes{'B'});
}

TEST_CASE("a static member keeps its place over a rebalance until its session expires", "[group]") {
  harness h;
  auto [a, b] = stable_pair(h, "inst-a", "inst-b");
  auto gen = h.g->generation();
  auto wc = h.join(join_req(""));
  auto wa = h.join(join_req(a, {"orders"}, "inst-a"));
  for (int i = 0; i < 10; ++i) { // 30 s: b stays alive but never rejoins
    h.advance(3000);
    h.heartbeat(b, gen, "inst-b");
  }
  // A dynamic member would be gone; the static one is still in the new generation.
  REQUIRE(h.answer(wa).generation_id == gen + 1);
  CHECK(h.answer(wa).members.size() == 3);
  CHECK(h.g->find(b) != nullptr);
  CHECK(h.heartbeat(b, gen, "inst-b") == err(kafka_error::illegal_generation));
  auto c = h.answer(wc).member_id;
  h.sync(a, gen + 1, {{a, {'a'}}, {b, {'b'}}, {c, {'c'}}});
  h.sync(c, gen + 1);
  h.finish_saves();
  for (int i = 0; i < 5; ++i) { // b is silent from now on; a and c heartbeat
    h.advance(3000);
    h.heartbeat(a, gen + 1);
    h.heartbeat(c, gen + 1);
  }
  CHECK(h.g->find(b) == nullptr);
  CHECK(h.g->find(a) != nullptr);
}

TEST_CASE("a static leader rejoining with another subscription triggers a rebalance", "[group]") {
  harness h;
  auto [a, b] = stable_pair(h, "inst-a", "inst-b");
  auto gen = h.g->generation();
  h.saves.clear();
  auto w = h.join(join_req("", {"orders", "payments"}, "inst-a"));
  CHECK(h.saves.empty());
  CHECK(h.g->state() == group_state::preparing_rebalance);
  CHECK_FALSE(h.joins.count(w));
  auto wb = h.join(join_req(b, {"orders"}, "inst-b"));
  CHECK(h.answer(w).generation_id == gen + 1);
  CHECK(h.answer(w).members.size() == 2); // the new id leads
  CHECK(h.answer(wb).leader == h.answer(w).member_id);
}

TEST_CASE("a static leader rejoining unchanged learns it leads but skips the assignment",
          "[group]") {
  harness h;
  auto [a, b] = stable_pair(h, "inst-a", "inst-b");
  auto req = join_req("", {"orders"}, "inst-a");
  req.supports_skip_assignment = true;
  auto w = h.join(req);
  h.finish_saves();
  const auto& r = h.answer(w);
  CHECK(r.leader == r.member_id);
  CHECK(r.skip_assignment);
  CHECK(r.members.size() == 2);
  CHECK(h.g->state() == group_state::stable);
}

TEST_CASE("commits from a stale generation, an unknown member or mid-rebalance are refused",
          "[group]") {
  harness h;
  offset_commit_request standalone;
  standalone.group_id = "g";
  effects fx;
  CHECK(h.g->check_commit(standalone, fx).error == 0); // Empty: assign() consumers commit
  auto [a, b] = stable_pair(h);
  auto gen = h.g->generation();
  offset_commit_request c;
  c.group_id = "g";
  c.member_id = a;
  c.generation_id = gen - 1;
  auto stale = h.g->check_commit(c, fx);
  CHECK(stale.error == err(kafka_error::illegal_generation));
  CHECK(stale.message.find("generation " + std::to_string(gen)) != std::string::npos);
  c.generation_id = gen;
  CHECK(h.g->check_commit(c, fx).error == 0);
  c.member_id = "ghost";
  CHECK(h.g->check_commit(c, fx).error == err(kafka_error::unknown_member_id));
  CHECK(h.g->check_commit(standalone, fx).error == err(kafka_error::unknown_member_id));
  // CompletingRebalance: the member has the new generation but no assignment yet.
  h.join(join_req(""));
  h.join(join_req(a));
  h.join(join_req(b));
  REQUIRE(h.g->state() == group_state::completing_rebalance);
  c.member_id = a;
  c.generation_id = h.g->generation();
  CHECK(h.g->check_commit(c, fx).error == err(kafka_error::rebalance_in_progress));
}

TEST_CASE("a member that vanishes mid-rebalance does not block the others", "[group]") {
  harness h;
  auto [a, b] = stable_pair(h, "", "", 45000);
  auto gen = h.g->generation();
  auto wc = h.join(join_req("", {"orders"}, "", {"range"}, 45000));
  auto wa = h.join(join_req(a, {"orders"}, "", {"range"}, 45000));
  CHECK(h.joins.count(wa) == 0);
  h.advance(30000); // b never rejoins: removed at the rebalance timeout
  CHECK(h.g->find(b) == nullptr);
  CHECK(h.answer(wa).generation_id == gen + 1);
  CHECK(h.answer(wc).generation_id == gen + 1);
  // Now c vanishes before SyncGroup: the pending-sync timer removes it and rebalances.
  auto c = h.answer(wc).member_id;
  auto sa = h.sync(a, gen + 1, {{a, {'x'}}, {c, {'y'}}});
  h.finish_saves();
  CHECK(h.syncs.at(sa).error == 0);
  CHECK(h.syncs.at(sa).assignment == bytes{'x'});
  h.advance(30000);
  CHECK(h.g->find(c) == nullptr);
  CHECK(h.g->find(a) != nullptr);
  CHECK(h.g->state() == group_state::preparing_rebalance);
}

TEST_CASE("the protocol every member supports with the most votes is chosen", "[group]") {
  harness h{3000};
  auto w1 = h.join(join_req("", {"t"}, "", {"roundrobin", "range"}));
  auto w2 = h.join(join_req("", {"t"}, "", {"roundrobin", "range", "sticky"}));
  auto w3 = h.join(join_req("", {"t"}, "", {"range", "roundrobin"}));
  auto bad = h.join(join_req("", {"t"}, "", {"sticky"}));
  CHECK(h.answer(bad).error == err(kafka_error::inconsistent_group_protocol));
  CHECK(h.answer(bad).error_message.find("[sticky]") != std::string::npos);
  h.advance(6000); // one initial delay, extended once because others arrived during it
  CHECK(h.answer(w1).protocol_name == "roundrobin");
  CHECK(h.answer(w2).protocol_name == "roundrobin");
  CHECK(h.answer(w3).protocol_name == "roundrobin");
  auto other_type = join_req("", {"t"}, "", {"range"});
  other_type.protocol_type = "connect";
  CHECK(h.answer(h.join(other_type)).error == err(kafka_error::inconsistent_group_protocol));
}

TEST_CASE("MEMBER_ID_REQUIRED hands out an id that expires unless used", "[group]") {
  harness h;
  auto req = join_req("");
  req.require_known_member_id = true;
  auto w = h.join(req);
  CHECK(h.answer(w).error == err(kafka_error::member_id_required));
  auto id = h.answer(w).member_id;
  CHECK(h.g->pending_count() == 1);
  CHECK(h.g->state() == group_state::empty);
  auto w2 = h.join(join_req(id));
  CHECK(h.answer(w2).error == 0);
  CHECK(h.answer(w2).member_id == id);
  auto w3 = h.join(req);
  auto forgotten = h.answer(w3).member_id;
  h.advance(10000);
  CHECK(h.g->pending_count() == 0);
  CHECK(h.answer(h.join(join_req(forgotten))).error == err(kafka_error::unknown_member_id));
}

TEST_CASE("JoinGroup refuses a session timeout out of range and a full group", "[group]") {
  harness h;
  auto req = join_req("");
  req.session_timeout_ms = 100;
  const auto& r = h.answer(h.join(req));
  CHECK(r.error == err(kafka_error::invalid_session_timeout));
  CHECK(r.error_message.find("[6000, 1800000]") != std::string::npos);
  harness small;
  small.settings.max_size = 1;
  small.g = std::make_unique<group_machine>("g", small.settings);
  small.join(join_req(""));
  CHECK(small.answer(small.join(join_req(""))).error == err(kafka_error::group_max_size_reached));
}

TEST_CASE("a stored Stable group resumes with its generation and session timers", "[group]") {
  harness h;
  auto [a, b] = stable_pair(h);
  auto stored = h.g->snapshot();
  stored.state = group_state::stable;
  harness r;
  effects fx;
  r.g->load(stored, fx);
  r.absorb(fx);
  CHECK(r.g->state() == group_state::stable);
  CHECK(r.g->generation() == h.g->generation());
  auto gen = r.g->generation();
  CHECK(r.heartbeat(a, gen) == 0);
  auto s = r.sync(a, gen);
  CHECK(r.syncs.at(s).assignment == bytes{'A'});
  for (int i = 0; i < 4; ++i) {
    r.advance(3000);
    r.heartbeat(a, gen);
  }
  CHECK(r.g->find(b) == nullptr); // b did not come back within its session timeout
  CHECK(r.g->state() == group_state::preparing_rebalance);
}

TEST_CASE("a group stored mid-rebalance starts a new rebalance when loaded", "[group]") {
  harness h;
  auto [a, b] = stable_pair(h);
  auto stored = h.g->snapshot();
  stored.state = group_state::completing_rebalance;
  harness r;
  effects fx;
  r.g->load(stored, fx);
  r.absorb(fx);
  CHECK(r.g->state() == group_state::preparing_rebalance);
  CHECK(r.heartbeat(a, stored.generation.value) == err(kafka_error::rebalance_in_progress));
}

TEST_CASE("describe and delete: NON_EMPTY_GROUP while members exist", "[group]") {
  harness h;
  CHECK(h.g->describe().state == "Dead");
  CHECK(h.g->begin_delete().error == err(kafka_error::group_id_not_found));
  auto [a, b] = stable_pair(h);
  auto d = h.g->describe();
  CHECK(d.state == "Stable");
  CHECK(d.protocol_type == "consumer");
  CHECK(d.protocol_name == "range");
  REQUIRE(d.members.size() == 2);
  CHECK(d.members[0].member_id == a);
  CHECK(d.members[0].assignment == bytes{'A'});
  CHECK(subscription_topics(d.members[0].metadata) == std::vector<std::string>{"orders"});
  auto refused = h.g->begin_delete();
  CHECK(refused.error == err(kafka_error::non_empty_group));
  CHECK(refused.message.find("2 members") != std::string::npos);
  h.leave({{a, "", ""}, {b, "", ""}});
  CHECK(h.g->state() == group_state::empty);
  CHECK(h.g->begin_delete().error == 0);
  CHECK(h.g->state() == group_state::dead);
  CHECK(h.g->describe().state == "Dead");
}

TEST_CASE("OffsetDelete refuses topics a Stable consumer group subscribes to", "[group]") {
  harness h;
  stable_pair(h);
  auto plan = h.g->plan_offset_delete({{"orders", 0}, {"old", 1}});
  CHECK(plan.error == 0);
  REQUIRE(plan.refused.size() == 1);
  CHECK(plan.refused[0].topic == "orders");
  CHECK(plan.refused[0].error == err(kafka_error::group_subscribed_to_topic));
  REQUIRE(plan.eligible.size() == 1);
  CHECK(plan.eligible[0].topic == "old");
  harness fresh;
  CHECK(fresh.g->plan_offset_delete({{"x", 0}}).error == err(kafka_error::group_id_not_found));
}

TEST_CASE("a failed assignment store fails the syncs and rebalances", "[group]") {
  harness h;
  auto wa = h.join(join_req(""));
  auto a = h.answer(wa).member_id;
  auto s = h.sync(a, 1, {{a, {'x'}}});
  h.finish_saves(err(kafka_error::unknown_server_error));
  CHECK(h.syncs.at(s).error == err(kafka_error::unknown_server_error));
  CHECK(h.syncs.at(s).error_message.find("disk full") != std::string::npos);
  CHECK(h.g->state() == group_state::preparing_rebalance);
}

TEST_CASE("leave by group.instance.id removes a static member", "[group]") {
  harness h;
  auto [a, b] = stable_pair(h, "inst-a", "inst-b");
  auto out = h.leave({{"", "inst-b", "admin"}, {"", "inst-zzz", ""}});
  CHECK(out.members[0].error == 0);
  CHECK(out.members[1].error == err(kafka_error::unknown_member_id));
  CHECK(h.g->find(b) == nullptr);
}

TEST_CASE("ConsumerProtocol subscriptions parse and refuse garbage", "[group]") {
  auto blob = encode_subscription({"a", "bb"});
  CHECK(subscription_topics(blob) == std::vector<std::string>{"a", "bb"});
  for (size_t cut = 0; cut + 4 < blob.size(); ++cut) // every truncation inside the topics
    CHECK_FALSE(subscription_topics(bytes(blob.begin(), blob.begin() + long(cut))));
  bytes huge{0, 0, 0x7f, 0x7f, 0x7f, 0x7f};
  CHECK_FALSE(subscription_topics(huge));
  bytes negative_version{char(0xff), char(0xff), 0, 0, 0, 0};
  CHECK_FALSE(subscription_topics(negative_version));
  bytes v3_tail = encode_subscription({"t"});
  v3_tail[1] = 3; // a later version with fields after v0's: the prefix still parses
  v3_tail.insert(v3_tail.end(), {0, 0, 0, 0});
  CHECK(subscription_topics(v3_tail) == std::vector<std::string>{"t"});
}
