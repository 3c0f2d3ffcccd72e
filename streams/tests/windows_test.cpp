// Windowed aggregations through the test driver: tumbling and hopping counts, grace and late
// records, suppress(until_window_closes), session windows merging.
#include "tributary/streams/streams.hpp"
#include "tributary/streams/topology_test_driver.hpp"

#include <catch2/catch.hpp>

namespace ts = tributary::streams;
using wkey = ts::windowed<std::string>;

namespace {

ts::topology windowed_count(ts::time_windows w, bool suppress) {
  ts::stream_builder b;
  auto counts = b.stream<std::string, std::string>("events").group_by_key().windowed_by(w).count(
      ts::materialized<std::string, int64_t>::as("counts"));
  if (suppress)
    counts = counts.suppress(ts::until_window_closes());
  counts.to_stream().to("out");
  auto t = b.build();
  REQUIRE(t);
  return *t;
}

struct driver_fixture {
  ts::topology_test_driver d;
  explicit driver_fixture(ts::topology t) : d(std::move(t)) {
    REQUIRE(d.create_topic("events"));
    REQUIRE(d.create_topic("out"));
  }
  void pipe(const std::string& key, int64_t ts) {
    REQUIRE(d.pipe<std::string, std::string>("events", key, "x", ts));
  }
  void process() {
    auto r = d.process();
    INFO((r ? "" : r.err().to_string()));
    REQUIRE(r);
  }
  std::vector<std::pair<wkey, int64_t>> out() { return d.read<wkey, int64_t>("out"); }
};

} // namespace

TEST_CASE("tumbling windows count per key and window; late records are dropped",
          "[streams][windows]") {
  driver_fixture f(windowed_count(ts::time_windows::of(1000, 500), false));
  f.pipe("a", 100);
  f.pipe("a", 900);
  f.pipe("b", 950);
  f.pipe("a", 1100); // next window
  f.pipe("a", 1600); // stream time 1600: window [0,1000) closes at 1500
  f.pipe("a", 300);  // late: dropped
  f.pipe("b", 1700);
  f.process();
  std::map<wkey, int64_t> last;
  for (auto& [k, v] : f.out())
    last[k] = v;
  CHECK(last[wkey{"a", 0, 1000}] == 2);
  CHECK(last[wkey{"b", 0, 1000}] == 1);
  CHECK(last[wkey{"a", 1000, 2000}] == 2);
  CHECK(last[wkey{"b", 1000, 2000}] == 1);
  CHECK(last.size() == 4);
  auto tasks = f.d.app()->tasks();
  REQUIRE(tasks.size() == 1);
}

TEST_CASE("hopping windows put a record in every window that contains it", "[streams][windows]") {
  driver_fixture f(windowed_count(ts::time_windows::of(1000).advance_by(500).grace(10'000), false));
  f.pipe("k", 700);  // windows [0,1000) and [500,1500)
  f.pipe("k", 1200); // windows [500,1500) and [1000,2000)
  f.process();
  std::map<wkey, int64_t> last;
  for (auto& [k, v] : f.out())
    last[k] = v;
  CHECK(last[wkey{"k", 0, 1000}] == 1);
  CHECK(last[wkey{"k", 500, 1500}] == 2);
  CHECK(last[wkey{"k", 1000, 2000}] == 1);
  CHECK(last.size() == 3);
}

TEST_CASE("suppress(until_window_closes) emits one final count per window", "[streams][windows]") {
  driver_fixture f(windowed_count(ts::time_windows::of(1000, 200), true));
  for (int64_t t : {10, 20, 30, 500})
    f.pipe("a", t);
  f.process();
  CHECK(f.out().empty()); // window [0,1000) is still open
  f.pipe("a", 1100);      // stream time 1100 < 1000 + 200: still open
  f.process();
  CHECK(f.out().empty());
  f.pipe("a", 1250); // closes [0,1000)
  f.process();
  auto out = f.out();
  REQUIRE(out.size() == 1);
  CHECK(out[0].first == wkey{"a", 0, 1000});
  CHECK(out[0].second == 4);
}

TEST_CASE("session windows merge records within the gap", "[streams][windows]") {
  ts::stream_builder b;
  b.stream<std::string, std::string>("events")
      .group_by_key()
      .windowed_by(ts::session_windows::with_inactivity_gap(100, 1000))
      .count(ts::materialized<std::string, int64_t>::as("sessions"))
      .to_stream()
      .to("out");
  auto t = b.build();
  REQUIRE(t);
  driver_fixture f(*t);
  f.pipe("u", 1000);
  f.pipe("u", 1050);
  f.pipe("u", 1500); // a new session
  f.pipe("u", 1120); // extends the first: [1000, 1120]
  f.process();
  std::map<wkey, std::optional<int64_t>> last;
  for (const auto& r : f.d.read_raw("out")) {
    auto k = ts::windowed_serde<std::string>().deserialize(*r.key);
    REQUIRE(k);
    last[*k] =
        r.value ? std::optional<int64_t>(*tributary::client::serde<int64_t>::deserialize(*r.value))
                : std::nullopt;
  }
  CHECK(last[wkey{"u", 1000, 1120}] == 3);
  CHECK(last[wkey{"u", 1500, 1500}] == 1);
  CHECK_FALSE(last[wkey{"u", 1000, 1050}].has_value()); // merged away: a tombstone
}

TEST_CASE("sliding windows: one window per distinct set of records, out-of-order updates",
          "[streams][windows]") {
  ts::stream_builder b;
  b.stream<std::string, std::string>("events")
      .group_by_key()
      .windowed_by(ts::sliding_windows::with_time_difference(10, 100))
      .count(ts::materialized<std::string, int64_t>::as("sliding"))
      .to_stream()
      .to("out");
  auto t = b.build();
  REQUIRE(t);
  driver_fixture f(*t);
  for (int64_t ts : {10, 15, 30})
    f.pipe("k", ts);
  f.process();
  std::map<wkey, int64_t> last;
  for (auto& [k, v] : f.out())
    last[k] = v;
  CHECK(last == std::map<wkey, int64_t>{{wkey{"k", 0, 10}, 1},
                                        {wkey{"k", 5, 15}, 2},
                                        {wkey{"k", 11, 21}, 1},
                                        {wkey{"k", 20, 30}, 1}});
  f.pipe("k", 12); // out of order, within grace
  f.process();
  for (auto& [k, v] : f.out())
    last[k] = v;
  CHECK(last[wkey{"k", 2, 12}] == 2);
  CHECK(last[wkey{"k", 5, 15}] == 3);
  CHECK(last[wkey{"k", 11, 21}] == 2);
  CHECK(last[wkey{"k", 13, 23}] == 1);
}
