// Two instances of one application (same application_id, own state folders) on one embedded
// node: they split the tasks of a 4-partition input, count everything right together, and when
// one closes the other takes over all tasks (restoring their stores) and keeps counting.
#include "support.hpp"

#include <set>

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

std::unique_ptr<ts::streams_app> start_instance(ts::topology_test_driver& d,
                                                const std::filesystem::path& state_dir) {
  ts::streams_config cfg;
  cfg.application_id = "shared-app";
  cfg.state_dir = state_dir;
  cfg.commit_interval_ms = 200;
  auto app = ts::streams_app::create(counting(), d.conn(), cfg);
  INFO((app ? str{} : app.err().to_string()));
  REQUIRE(app);
  must((*app)->start());
  return std::move(*app);
}

void pipe_batch(ts::topology_test_driver& d, int first, int n, counts& want) {
  for (int i = first; i < first + n; ++i) {
    auto key = "key-" + std::to_string((i * 7) % 13);
    REQUIRE(d.pipe<str, str>("in", key, "v" + std::to_string(i), 1000 + i));
    ++want[key];
  }
}

std::set<int32_t> task_partitions(const ts::streams_app& app) {
  std::set<int32_t> out;
  for (const auto& t : app.tasks())
    out.insert(t.id.partition);
  return out;
}

bool all_restored(const ts::streams_app& app) {
  for (const auto& t : app.tasks())
    if (t.restoring)
      return false;
  return true;
}

/// Waits until the output topic's table shows `want`; on a timeout, shows the difference.
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

} // namespace

TEST_CASE("two instances share the tasks; the survivor takes over when one closes",
          "[streams][instances]") {
  ts::driver_options opts;
  opts.partitions = 4;
  ts::topology_test_driver d(counting(), opts); // the node and its clients; its app stays off
  REQUIRE(d.create_topic("in"));
  REQUIRE(d.create_topic("out", 1));
  scratch_dir dir;
  auto a = start_instance(d, dir.path() / "a");
  auto b = start_instance(d, dir.path() / "b");

  // Both get tasks, and together exactly the four partitions.
  bool split = wait_until([&] {
    auto pa = task_partitions(*a);
    auto pb = task_partitions(*b);
    if (pa.empty() || pb.empty() || pa.size() + pb.size() != 4)
      return false;
    pa.insert(pb.begin(), pb.end());
    return pa.size() == 4;
  });
  INFO("a has " << a->tasks().size() << " tasks, b has " << b->tasks().size());
  REQUIRE(split);

  counts want;
  pipe_batch(d, 0, 80, want);
  wait_for_output(d, want);
  // Each key's count lives in exactly one instance's store.
  CHECK(wait_until([&] {
    auto qa = decode_counts(a->query_all("counts"));
    auto qb = decode_counts(b->query_all("counts"));
    for (const auto& [k, v] : qb)
      if (qa.count(k) != 0)
        return false;
    qa.insert(qb.begin(), qb.end());
    return qa == want;
  }));

  b->close();
  CHECK(b->state() == ts::app_state::stopped);
  bool took_over = wait_until([&] {
    return task_partitions(*a) == std::set<int32_t>{0, 1, 2, 3} && all_restored(*a);
  });
  INFO("a has " << a->tasks().size() << " tasks after b closed");
  REQUIRE(took_over);

  pipe_batch(d, 80, 60, want);
  wait_for_output(d, want);
  CHECK(wait_until([&] { return decode_counts(a->query_all("counts")) == want; }));
  for (const auto& [k, n] : want) { // single-key queries find every key on the survivor
    auto v = a->query("counts", k);
    REQUIRE(v);
    CHECK(tc::serde<int64_t>::deserialize(*v).value() == n);
  }
  must(a->commit_now());
  CHECK(d.read_table<str, int64_t>("out") == want); // nothing counted twice
  a->close();
}
