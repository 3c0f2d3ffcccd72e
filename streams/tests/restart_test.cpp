// Restarting a counting app: a clean close and a new app with the same application id and
// state folder continues the counts exactly (no update lost or counted twice); with the state
// folder deleted in between, the store is restored from its changelog topic.
#include "support.hpp"

using namespace trib_test;

namespace {

using counts = std::map<str, int64_t>;

ts::topology counting() {
  ts::stream_builder b;
  b.stream<str, str>("in")
      .group_by_key()
      .count(ts::materialized<str, int64_t>::as("counts"))
      .to_stream()
      .to("out");
  return build(b);
}

/// Pipes n records with keys cycling through 7 names from `first` on, and counts them into
/// `want` (the reference).
void pipe_batch(ts::topology_test_driver& d, int first, int n, counts& want) {
  for (int i = first; i < first + n; ++i) {
    auto key = "key-" + std::to_string((i * 5) % 7);
    REQUIRE(d.pipe<str, str>("in", key, "v" + std::to_string(i), 1000 + i));
    ++want[key];
  }
}

/// Waits until the output topic's table shows `want`; on a timeout, shows what it shows.
void wait_for_output(ts::topology_test_driver& d, const counts& want) {
  counts seen;
  bool reached = wait_until([&] {
    seen = d.read_table<str, int64_t>("out");
    return seen == want;
  });
  if (!reached)
    for (const auto& [k, v] : want)
      CHECK(seen[k] == v);
  REQUIRE(reached);
}

ts::streams_config config_in(const std::filesystem::path& state_dir) {
  ts::streams_config cfg;
  cfg.application_id = "restart-app";
  cfg.state_dir = state_dir;
  cfg.commit_interval_ms = 200;
  return cfg;
}

std::unique_ptr<ts::streams_app> start_app(ts::topology_test_driver& d,
                                           const std::filesystem::path& state_dir) {
  auto app = ts::streams_app::create(counting(), d.conn(), config_in(state_dir));
  INFO((app ? str{} : app.err().to_string()));
  REQUIRE(app);
  must((*app)->start());
  return std::move(*app);
}

} // namespace

TEST_CASE("restart_app continues the counts where the closed app left them", "[streams][restart]") {
  ts::topology_test_driver d(counting());
  REQUIRE(d.create_topic("in"));
  REQUIRE(d.create_topic("out"));
  counts want;
  pipe_batch(d, 0, 40, want);
  process(d);
  CHECK(d.store<str, int64_t>("counts") == want);
  must(d.restart_app());
  pipe_batch(d, 40, 25, want);
  process(d);
  CHECK(d.store<str, int64_t>("counts") == want);
  CHECK(d.read_table<str, int64_t>("out") == want);
}

TEST_CASE("restart_app catches up when only some input partitions get new records",
          "[streams][restart]") {
  // After a restart the new app has processed nothing of partition 1, so it has no position
  // for it; the driver must still see that partition as caught up (its committed offset).
  ts::driver_options opts;
  opts.partitions = 2;
  ts::topology_test_driver d(counting(), opts);
  REQUIRE(d.create_topic("in"));
  REQUIRE(d.create_topic("out", 1));
  counts want;
  for (int p = 0; p < 2; ++p) {
    auto r = raw("in", "p" + std::to_string(p), "v");
    r.partition = p;
    REQUIRE(d.pipe_raw(r));
    ++want["p" + std::to_string(p)];
  }
  process(d);
  must(d.restart_app());
  auto r = raw("in", "p0", "v");
  r.partition = 0;
  REQUIRE(d.pipe_raw(r));
  ++want["p0"];
  auto done = d.process(std::chrono::seconds(15));
  INFO((done ? str{} : done.err().to_string()));
  CHECK(done);
  CHECK(d.store<str, int64_t>("counts") == want);
}

TEST_CASE("a new app on the same state folder continues the counts exactly", "[streams][restart]") {
  ts::driver_options opts;
  opts.partitions = 2;
  ts::topology_test_driver d(counting(), opts); // the node and its clients; its app stays off
  REQUIRE(d.create_topic("in"));
  REQUIRE(d.create_topic("out", 1));
  scratch_dir dir;
  counts want;

  auto first = start_app(d, dir.path());
  pipe_batch(d, 0, 50, want);
  wait_for_output(d, want);
  first->close();
  CHECK(first->state() == ts::app_state::stopped);
  first.reset();

  auto second = start_app(d, dir.path());
  pipe_batch(d, 50, 30, want);
  wait_for_output(d, want);
  // Both tasks have their store open again; together they hold every count.
  CHECK(wait_until([&] { return decode_counts(second->query_all("counts")) == want; }));
  must(second->commit_now());
  CHECK(d.read_table<str, int64_t>("out") == want); // nothing late or counted twice
  second->close();
}

TEST_CASE("with the state folder deleted, the store is restored from its changelog",
          "[streams][restart]") {
  ts::driver_options opts;
  opts.partitions = 2;
  ts::topology_test_driver d(counting(), opts);
  REQUIRE(d.create_topic("in"));
  REQUIRE(d.create_topic("out", 1));
  scratch_dir dir;
  counts want;

  auto first = start_app(d, dir.path());
  pipe_batch(d, 0, 60, want);
  wait_for_output(d, want);
  first->close();
  first.reset();
  std::filesystem::remove_all(dir.path() / "restart-app");
  REQUIRE_FALSE(std::filesystem::exists(dir.path() / "restart-app"));

  auto second = start_app(d, dir.path());
  // Restored before any new record: the queries see the old counts once restoring is done.
  CHECK(wait_until([&] {
    auto tasks = second->tasks();
    if (tasks.size() != 2)
      return false;
    for (const auto& t : tasks)
      if (t.restoring)
        return false;
    return decode_counts(second->query_all("counts")) == want;
  }));
  pipe_batch(d, 60, 35, want);
  wait_for_output(d, want);
  CHECK(wait_until([&] { return decode_counts(second->query_all("counts")) == want; }));
  second->close();
}
