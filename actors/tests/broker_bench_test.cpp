// Scheduler choice for the node (hidden benchmark, run by hand: actors_tests "[.broker-bench]"):
// produce and fetch round trips through the broker to a partition, one at a time, from a
// scoped_actor (a client thread: CLI, tests, the Kafka listener's hand-off) and from an event-
// based actor (the native producer / consumer), with 'sharing' and 'stealing' on 2 threads.
// Prints figures; asserts only that the requests succeed.
#include "broker_test_support.hpp"

#include "tributary/actors/broker.hpp"
#include "tributary/actors/inspector.hpp"
#include "tributary/actors/system_setup.hpp"
#include "tributary/actors/workers.hpp"
#include "tributary/storage/metadata/metadata_store.hpp"

#include <cstdio>
#include <future>

using namespace broker_test;
using namespace tributary::actors;
namespace md = tributary::storage::metadata;
using clk = std::chrono::steady_clock;

namespace {

double per_second(int n, clk::duration d) {
  return n / std::chrono::duration<double>(d).count();
}

// An event-based client doing `n` produce round trips, one in flight, then reporting.
void actor_round_trips(caf::event_based_actor* self, broker_actor broker, int n,
                       std::shared_ptr<std::promise<clk::duration>> done, clk::time_point t0,
                       produce_request req) {
  if (n == 0) {
    done->set_value(clk::now() - t0);
    return;
  }
  self->request(broker, std::chrono::seconds(10), req)
      .then([=](produce_response&) { actor_round_trips(self, broker, n - 1, done, t0, req); },
            [=](caf::error&) { done->set_value(clk::duration::zero()); });
}

void run(const std::string& policy, size_t threads) {
  temp_dir dir;
  auto cfg = node_config(dir.path, false);
  auto store = md::metadata_store::open(dir.path + "/metadata.db");
  REQUIRE(store);
  auto cluster = store->cluster_id();
  caf::actor_system_config sys_cfg;
  configure_actor_system(sys_cfg, system_options{threads, policy, false, 1000});
  caf::actor_system sys{sys_cfg};
  auto inspector = spawn_inspector(sys, 0);
  auto meta = spawn_metadata_actor(sys, std::move(*store), inspector);
  auto disk = spawn_disk_worker(sys, "disk-0", inspector);
  broker_spec spec{cfg, cluster, {}, 0};
  auto broker = spawn_broker(sys, spec, broker_deps{meta, disk, inspector});
  {
    caf::scoped_actor self{sys};
    ask<create_topics_response>(self, broker, create_request("bench", 1));
    auto small = produce("bench", 0, {std::string(100, 'x')});
    std::vector<std::string> thousand(1000, std::string(100, 'y'));
    auto big = produce("bench", 0, thousand);
    for (int i = 0; i < 200; ++i) // warm up
      ask<produce_response>(self, broker, small);
    const int n = 3000;
    auto t0 = clk::now();
    for (int i = 0; i < n; ++i)
      ask<produce_response>(self, broker, small);
    auto produce_rt = per_second(n, clk::now() - t0);
    t0 = clk::now();
    for (int i = 0; i < n; ++i) {
      auto f = fetch("bench", 0, i % 1000, 0);
      f.partitions[0].max_bytes = 1024; // one small batch: the round trip, not the copy
      ask<fetch_response>(self, broker, f);
    }
    auto fetch_rt = per_second(n, clk::now() - t0);
    const int nb = 300;
    t0 = clk::now();
    for (int i = 0; i < nb; ++i)
      ask<produce_response>(self, broker, big);
    auto batch_rt = per_second(nb, clk::now() - t0);
    auto done = std::make_shared<std::promise<clk::duration>>();
    auto fut = done->get_future();
    sys.spawn(actor_round_trips, broker, n, done, clk::now(), small);
    auto took = fut.get();
    REQUIRE(took != clk::duration::zero());
    auto actor_rt = per_second(n, took);
    std::printf("%-8s %zu thr | scoped produce 100B: %7.0f rt/s | scoped fetch: %7.0f rt/s | "
                "scoped produce 1000x100B: %5.0f rt/s (%4.0f MB/s) | actor produce 100B: %7.0f "
                "rt/s\n",
                policy.c_str(), threads, produce_rt, fetch_rt, batch_rt, batch_rt * 100000 / 1e6,
                actor_rt);
    ask<close_response>(self, broker, shutdown_request{5000});
    ask<close_response>(self, meta, close_request{});
  }
  caf::anon_send_exit(disk, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(inspector, caf::exit_reason::user_shutdown);
}

} // namespace

TEST_CASE("broker round trips with sharing vs stealing", "[.broker-bench]") {
  for (int round = 0; round < 2; ++round) {
    run("sharing", 2);
    run("stealing", 2);
  }
}
