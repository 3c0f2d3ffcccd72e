// Consumers in a group against a real node: the assignment arrives through poll() with the
// listener called in the poll thread; commits survive the consumer; two members split the
// partitions and one takes over when the other leaves; cooperative-sticky revokes only what
// moves; a member that stops polling loses its partitions and rejoins; pattern subscriptions
// follow new topics. Every wait is a bounded poll loop.

#include "consumer_test_support.hpp"

#include <set>
#include <thread>

using namespace tributary::client;
using namespace consumer_test;
using client_test::test_node;
using tributary::protocol::kafka_error;

namespace {

/// Records what the listener saw (runs in the poll thread: no locking needed).
struct listener_log {
  struct entry {
    std::string what;
    std::vector<topic_partition> partitions;
  };
  std::vector<entry> entries;
  std::thread::id poll_thread = std::this_thread::get_id();
  bool wrong_thread = false;

  std::shared_ptr<rebalance_listener> make() {
    auto note = [this](const char* what) {
      return [this, what](const std::vector<topic_partition>& tps) {
        wrong_thread = wrong_thread || std::this_thread::get_id() != poll_thread;
        entries.push_back(entry{what, tps});
      };
    };
    return make_rebalance_listener(note("assigned"), note("revoked"), note("lost"));
  }
  size_t count(const std::string& what) const {
    size_t n = 0;
    for (auto& e : entries)
      n += e.what == what;
    return n;
  }
  std::set<topic_partition> all(const std::string& what) const {
    std::set<topic_partition> out;
    for (auto& e : entries)
      if (e.what == what)
        out.insert(e.partitions.begin(), e.partitions.end());
    return out;
  }
};

std::set<topic_partition> as_set(const std::vector<topic_partition>& v) {
  return {v.begin(), v.end()};
}

/// Polls every consumer in turn (50 ms each) until `done()` or 30 s.
void poll_all(std::vector<consumer*> cs, std::vector<collected*> got,
              const std::function<bool()>& done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    for (size_t i = 0; i < cs.size(); ++i) {
      auto batch = cs[i]->poll(std::chrono::milliseconds(50));
      INFO("consumer " << i << ": " << (batch ? "" : batch.err().to_string()));
      REQUIRE(batch);
      got[i]->add(*batch);
    }
  }
}

std::vector<topic_partition> partitions_of(const std::string& topic, int32_t n) {
  std::vector<topic_partition> out;
  for (int32_t p = 0; p < n; ++p)
    out.push_back({topic, p});
  return out;
}

} // namespace

TEST_CASE("a group member consumes, commits, and a new member resumes from the commit",
          "[consumer]") {
  auto transport = GENERATE(std::string("embedded"), std::string("remote"));
  SECTION(transport) {
    test_node n;
    auto conn = n.connect(transport);
    create_topic(conn, "orders", 3);
    for (int32_t p = 0; p < 3; ++p)
      produce(conn, "orders", p, 30, "first");
    auto cfg = quick_config("billing");
    cfg.enable_auto_commit = false;
    listener_log log;
    {
      auto c = consumer::create(conn, cfg);
      REQUIRE(c);
      REQUIRE(c->subscribe({"orders"}, log.make()));
      collected got;
      poll_until(*c, got, [&] { return got.total >= 90; });
      REQUIRE(got.total == 90);
      CHECK(as_set(c->assignment()) == as_set(partitions_of("orders", 3)));
      CHECK(log.all("assigned") == as_set(partitions_of("orders", 3)));
      CHECK(c->generation_id() >= 1);
      CHECK_FALSE(c->member_id().empty());
      REQUIRE(c->commit_sync());
      auto committed = c->committed(partitions_of("orders", 3));
      REQUIRE(committed);
      REQUIRE(committed->size() == 3);
      for (auto& [tp, om] : *committed)
        CHECK(om.offset == 30);
      REQUIRE(c->close());
      CHECK(log.all("revoked") == as_set(partitions_of("orders", 3)));
      CHECK_FALSE(log.wrong_thread);
    }
    for (int32_t p = 0; p < 3; ++p)
      produce(conn, "orders", p, 10, "second");
    auto c = consumer::create(conn, cfg);
    REQUIRE(c);
    REQUIRE(c->subscribe({"orders"}));
    collected got;
    poll_until(*c, got, [&] { return got.total >= 30; });
    REQUIRE(got.total == 30);
    for (auto& [tp, records] : got.by_partition) {
      REQUIRE(records.size() == 10);
      CHECK(records.front().offset == 30);
      CHECK(records.front().value == "second-0");
    }
  }
}

TEST_CASE("two members split the partitions and one takes over when the other closes",
          "[consumer]") {
  test_node n;
  auto conn = n.connect("embedded");
  create_topic(conn, "clicks", 4);
  auto cfg = quick_config("analytics");
  cfg.partition_assignment_strategy = {"range"};
  listener_log log_a;
  auto a = consumer::create(conn, cfg);
  auto b = consumer::create(conn, cfg);
  REQUIRE(a);
  REQUIRE(b);
  REQUIRE(a->subscribe({"clicks"}, log_a.make()));
  REQUIRE(b->subscribe({"clicks"}));
  collected got_a, got_b;
  poll_all({&*a, &*b}, {&got_a, &got_b},
           [&] { return a->assignment().size() == 2 && b->assignment().size() == 2; });
  REQUIRE(a->assignment().size() == 2);
  REQUIRE(b->assignment().size() == 2);
  std::set<topic_partition> both = as_set(a->assignment());
  for (auto& tp : b->assignment())
    CHECK(both.insert(tp).second); // disjoint
  CHECK(both == as_set(partitions_of("clicks", 4)));

  for (int32_t p = 0; p < 4; ++p)
    produce(conn, "clicks", p, 25);
  poll_all({&*a, &*b}, {&got_a, &got_b}, [&] { return got_a.total + got_b.total >= 100; });
  CHECK(got_a.total + got_b.total == 100);
  for (auto& [tp, records] : got_a.by_partition)
    CHECK(got_b.by_partition[tp].empty()); // no partition read by both

  // b leaves: a gets everything (eager: revoke all, then assigned all four).
  auto revoked_before = log_a.count("revoked");
  REQUIRE(b->close());
  poll_all({&*a}, {&got_a}, [&] { return a->assignment().size() == 4; });
  CHECK(a->assignment().size() == 4);
  CHECK(log_a.count("revoked") > revoked_before);
  CHECK(log_a.entries.back().what == "assigned");
  CHECK_FALSE(log_a.wrong_thread);
}

TEST_CASE("cooperative-sticky revokes only the partitions that move", "[consumer]") {
  test_node n;
  auto conn = n.connect("embedded");
  create_topic(conn, "jobs", 4);
  auto cfg = quick_config("workers");
  cfg.partition_assignment_strategy = {"cooperative-sticky"};
  listener_log log_a, log_b;
  auto a = consumer::create(conn, cfg);
  REQUIRE(a);
  REQUIRE(a->subscribe({"jobs"}, log_a.make()));
  collected got_a, got_b;
  poll_all({&*a}, {&got_a}, [&] { return a->assignment().size() == 4; });
  REQUIRE(a->assignment().size() == 4);
  auto before = as_set(a->assignment());

  auto b = consumer::create(conn, cfg);
  REQUIRE(b);
  REQUIRE(b->subscribe({"jobs"}, log_b.make()));
  poll_all({&*a, &*b}, {&got_a, &got_b},
           [&] { return a->assignment().size() == 2 && b->assignment().size() == 2; });
  REQUIRE(a->assignment().size() == 2);
  REQUIRE(b->assignment().size() == 2);
  // a kept two of its partitions throughout and revoked exactly the two b got.
  auto revoked = log_a.all("revoked");
  CHECK(revoked.size() == 2);
  CHECK(revoked == as_set(b->assignment()));
  for (auto& tp : a->assignment())
    CHECK(before.count(tp) == 1);
  CHECK(log_a.count("lost") == 0);
  CHECK(log_b.all("assigned") == as_set(b->assignment()));
}

TEST_CASE("commit_async reports through its callback in a later poll", "[consumer]") {
  test_node n;
  auto conn = n.connect("embedded");
  create_topic(conn, "audit", 1);
  produce(conn, "audit", 0, 12);
  auto cfg = quick_config("auditors");
  cfg.enable_auto_commit = false;
  auto c = consumer::create(conn, cfg);
  REQUIRE(c);
  REQUIRE(c->subscribe({"audit"}));
  collected got;
  poll_until(*c, got, [&] { return got.total >= 12; });
  REQUIRE(got.total == 12);
  int calls = 0;
  bool ok = false;
  offset_map seen;
  c->commit_async([&](const offset_map& offsets, const outcome<void>& r) {
    ++calls;
    ok = bool(r);
    seen = offsets;
  });
  poll_until(
      *c, got, [&] { return calls > 0; }, std::chrono::seconds(10));
  CHECK(calls == 1);
  CHECK(ok);
  REQUIRE(seen.size() == 1);
  CHECK(seen.begin()->second.offset == 12);
  auto committed = c->committed({{"audit", 0}});
  REQUIRE(committed);
  CHECK(committed->at({"audit", 0}).offset == 12);
}

TEST_CASE("auto-commit stores positions and close commits the rest", "[consumer]") {
  test_node n;
  auto conn = n.connect("embedded");
  create_topic(conn, "metrics", 2);
  produce(conn, "metrics", 0, 40);
  produce(conn, "metrics", 1, 40);
  auto cfg = quick_config("dashboards");
  cfg.auto_commit_interval_ms = 50;
  {
    auto c = consumer::create(conn, cfg);
    REQUIRE(c);
    REQUIRE(c->subscribe({"metrics"}));
    collected got;
    poll_until(*c, got, [&] { return got.total >= 80; });
    REQUIRE(got.total == 80);
  } // destructor: close() commits and leaves
  auto check = consumer::create(conn, cfg);
  REQUIRE(check);
  auto committed = check->committed({{"metrics", 0}, {"metrics", 1}});
  REQUIRE(committed);
  CHECK(committed->at({"metrics", 0}).offset == 40);
  CHECK(committed->at({"metrics", 1}).offset == 40);
}

TEST_CASE("a member that stops polling loses its partitions and rejoins", "[consumer]") {
  test_node n;
  auto conn = n.connect("embedded");
  create_topic(conn, "slow", 2);
  auto cfg = quick_config("sleepy");
  cfg.max_poll_interval_ms = 600;
  listener_log log;
  auto c = consumer::create(conn, cfg);
  REQUIRE(c);
  REQUIRE(c->subscribe({"slow"}, log.make()));
  collected got;
  poll_until(*c, got, [&] { return c->assignment().size() == 2; });
  REQUIRE(c->assignment().size() == 2);
  // Not polling: wait (bounded) until the node shows the member gone.
  auto a = admin::create(conn);
  REQUIRE(a);
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    auto d = a->describe_groups({"sleepy"});
    REQUIRE(d);
    gone = d->size() == 1 && (*d)[0].members.empty();
    if (!gone)
      std::this_thread::sleep_for(std::chrono::milliseconds(25)); // not polling is the point
  }
  REQUIRE(gone);
  auto batch = c->poll(std::chrono::milliseconds(50));
  REQUIRE(batch);
  CHECK(log.all("lost") == as_set(partitions_of("slow", 2)));
  poll_until(*c, got, [&] { return c->assignment().size() == 2; });
  CHECK(c->assignment().size() == 2);
  CHECK(log.entries.back().what == "assigned");
}

TEST_CASE("a pattern subscription follows topics as they appear", "[consumer]") {
  test_node n;
  auto conn = n.connect("embedded");
  create_topic(conn, "sensor-a", 1);
  create_topic(conn, "sensor-b", 2);
  create_topic(conn, "other", 1);
  auto c = consumer::create(conn, quick_config("sensors"));
  REQUIRE(c);
  REQUIRE(c->subscribe(topic_pattern{"sensor-.*"}));
  collected got;
  poll_until(*c, got, [&] { return c->assignment().size() == 3; });
  REQUIRE(c->assignment().size() == 3);
  CHECK(c->subscription() == std::vector<std::string>{"sensor-a", "sensor-b"});
  create_topic(conn, "sensor-c", 1);
  produce(conn, "sensor-c", 0, 5);
  poll_until(*c, got, [&] { return got.by_partition[{"sensor-c", 0}].size() >= 5; });
  CHECK(got.by_partition[{"sensor-c", 0}].size() == 5);
  CHECK(c->assignment().size() == 4);
  auto bad = c->subscribe(topic_pattern{"sensor-("});
  REQUIRE_FALSE(bad);
  CHECK(bad.err().message.find("sensor-(") != std::string::npos);
}

TEST_CASE("unsubscribe revokes and leaves; assign() is refused while subscribed", "[consumer]") {
  test_node n;
  auto conn = n.connect("embedded");
  create_topic(conn, "t", 1);
  listener_log log;
  auto c = consumer::create(conn, quick_config("leavers"));
  REQUIRE(c);
  REQUIRE(c->subscribe({"t"}, log.make()));
  collected got;
  poll_until(*c, got, [&] { return c->assignment().size() == 1; });
  REQUIRE(c->assignment().size() == 1);
  CHECK_FALSE(c->assign({{"t", 0}}));
  REQUIRE(c->unsubscribe());
  CHECK(c->assignment().empty());
  CHECK(log.all("revoked") == std::set<topic_partition>{{"t", 0}});
  REQUIRE(c->assign({{"t", 0}}));
  CHECK(c->assignment().size() == 1);
}

TEST_CASE("a static member that restarts gets its partitions back without a rebalance",
          "[consumer]") {
  test_node n;
  auto conn = n.connect("embedded");
  create_topic(conn, "static", 4);
  auto cfg = quick_config("statics");
  cfg.partition_assignment_strategy = {"range"};
  auto cfg_a = cfg, cfg_b = cfg;
  cfg_a.group_instance_id = "host-a";
  cfg_b.group_instance_id = "host-b";
  listener_log log_b;
  auto b = consumer::create(conn, cfg_b);
  REQUIRE(b);
  REQUIRE(b->subscribe({"static"}, log_b.make()));
  std::vector<topic_partition> before;
  collected got_a, got_b;
  {
    auto a = consumer::create(conn, cfg_a);
    REQUIRE(a);
    REQUIRE(a->subscribe({"static"}));
    poll_all({&*a, &*b}, {&got_a, &got_b},
             [&] { return a->assignment().size() == 2 && b->assignment().size() == 2; });
    REQUIRE(a->assignment().size() == 2);
    before = a->assignment();
    REQUIRE(a->close()); // static: no LeaveGroup, the partitions wait for host-a
  }
  auto revocations = log_b.count("revoked");
  auto generation = b->generation_id();
  auto a = consumer::create(conn, cfg_a);
  REQUIRE(a);
  REQUIRE(a->subscribe({"static"}));
  poll_all({&*a, &*b}, {&got_a, &got_b}, [&] { return a->assignment().size() == 2; });
  CHECK(a->assignment() == before);
  CHECK(log_b.count("revoked") == revocations);
  CHECK(b->generation_id() == generation);
}
