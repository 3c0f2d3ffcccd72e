// The inspector: registrations, a snapshot of a running node (broker, partitions, workers,
// the inspector itself, with counters), forgetting dead actors, and actors that do not answer
// within the deadline.
#include "broker_test_support.hpp"

#include "tributary/actors/inspector.hpp"
#include "tributary/actors/node.hpp"
#include "tributary/actors/system_setup.hpp"

#include <algorithm>

using namespace broker_test;
using namespace tributary::actors;

namespace {

const actor_info* find_kind(const actor_snapshot& s, const std::string& kind,
                            const std::string& name = {}) {
  for (auto& a : s.actors)
    if (a.kind == kind && (name.empty() || a.name == name))
      return &a;
  return nullptr;
}

using stats_only = caf::typed_actor<caf::replies_to<stats_request>::with<actor_info>>;

// Spawned with an argument: CAF 0.17 spawning a function actor without arguments binds a
// reference to a null (empty) tuple, which UBSan reports.
stats_only::behavior_type answering(stats_only::pointer self, uint64_t messages) {
  return {[=](stats_request) -> actor_info {
    actor_info i;
    i.actor_id = self->id();
    i.kind = "test";
    i.name = "answers";
    i.counters.messages = messages;
    return i;
  }};
}

// Never answers: keeps the promise forever, like an actor stuck in a long job.
stats_only::behavior_type silent(stats_only::pointer self, int /* unused */) {
  return {[=](stats_request) -> caf::result<actor_info> {
    return self->make_response_promise<actor_info>();
  }};
}

} // namespace

TEST_CASE("a node's snapshot lists broker, partitions, workers and inspector", "[inspector]") {
  temp_dir dir;
  auto n = node::start(node_config(dir.path, false));
  REQUIRE(n);
  caf::scoped_actor self{(*n)->system()};
  ask<create_topics_response>(self, (*n)->broker(), create_request("seen", 2));
  ask<produce_response>(self, (*n)->broker(), produce("seen", 0, {"a", "b"}));
  // Both partitions have opened their logs (a partition answers nothing before that, and a
  // busy disk may take longer than the snapshot deadline).
  ask<partition_status_list>(self, (*n)->broker(), partition_status_query{{"seen"}});
  auto snap = ask<actor_snapshot>(self, (*n)->broker(), actor_snapshot_request{});
  for (auto& a : snap.actors)
    for (auto& d : a.details)
      if (d.name == "answered")
        FAIL_CHECK(a.kind << " '" << a.name << "' did not answer the snapshot");
  CHECK(snap.unanswered == 0);
  auto* broker = find_kind(snap, "broker", "broker 0");
  REQUIRE(broker != nullptr);
  CHECK(broker->parent == "node 0");
  CHECK(broker->counters.messages >= 3);
  CHECK(broker->counters.bytes_in > 0);
  CHECK(find_kind(snap, "inspector") != nullptr);
  CHECK(find_kind(snap, "metadata") != nullptr);
  CHECK(find_kind(snap, "disk_worker") != nullptr);
  size_t partitions = std::count_if(snap.actors.begin(), snap.actors.end(),
                                    [](const actor_info& a) { return a.kind == "partition"; });
  CHECK(partitions == 2);
  for (auto& a : snap.actors)
    if (a.kind == "partition")
      CHECK(a.parent == "broker 0");
  auto only = ask<actor_snapshot>(self, (*n)->broker(), actor_snapshot_request{"partition"});
  CHECK(only.actors.size() == 2);
}

TEST_CASE("the inspector forgets dead actors and reports silent ones", "[inspector]") {
  caf::actor_system_config cfg;
  configure_actor_system(cfg, system_options{2, "sharing", false, 1000});
  caf::actor_system sys{cfg};
  auto inspector = spawn_inspector(sys, 4);
  auto a = sys.spawn(answering, uint64_t{7});
  auto s = sys.spawn(silent, 0);
  caf::anon_send(inspector, register_actor{a.address(), "test", "answers", "node 4"});
  caf::anon_send(inspector, register_actor{s.address(), "test", "silent", "node 4"});
  {
    caf::scoped_actor self{sys};
    auto snap = ask<actor_snapshot>(self, inspector, actor_snapshot_request{"test"},
                                    std::chrono::seconds(10));
    REQUIRE(snap.actors.size() == 2);
    CHECK(snap.node_id == 4);
    CHECK(snap.unanswered == 1);
    auto* answered = find_kind(snap, "test", "answers");
    REQUIRE(answered != nullptr);
    CHECK(answered->counters.messages == 7);
    auto* stuck = find_kind(snap, "test", "silent");
    REQUIRE(stuck != nullptr);
    CHECK(stuck->actor_id == s.id());
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    self->wait_for(a);
    // The down message reaches the inspector before a later snapshot request from us? Not
    // ordered across senders: ask until it is gone (bounded).
    bool gone = false;
    for (int i = 0; i < 200 && !gone; ++i) {
      auto later = ask<actor_snapshot>(self, inspector, actor_snapshot_request{"test"},
                                       std::chrono::seconds(10));
      gone = find_kind(later, "test", "answers") == nullptr;
      if (!gone)
        self->receive(caf::after(std::chrono::milliseconds(5)) >> [] {});
    }
    CHECK(gone);
  }
  caf::anon_send_exit(s, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(inspector, caf::exit_reason::user_shutdown);
}
