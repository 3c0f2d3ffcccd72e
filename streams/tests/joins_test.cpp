// Join semantics through the test driver: stream-table, table-table and windowed
// stream-stream joins (inner, left, outer), and the co-partitioning check.
#include "tributary/streams/streams.hpp"
#include "tributary/streams/topology_test_driver.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

namespace ts = tributary::streams;
using str = std::string;
using opt = std::optional<std::string>;

namespace {

void process(ts::topology_test_driver& d) {
  auto r = d.process();
  INFO((r ? "" : r.err().to_string()));
  REQUIRE(r);
}

ts::topology build(ts::stream_builder& b) {
  auto t = b.build();
  INFO((t ? "" : t.err().to_string()));
  REQUIRE(t);
  return *t;
}

std::map<str, str> as_map(const std::vector<std::pair<str, str>>& xs) {
  std::map<str, str> out;
  for (const auto& [k, v] : xs)
    out[k] = v;
  return out;
}

} // namespace

TEST_CASE("stream-table join and left join", "[streams][joins]") {
  ts::stream_builder b;
  auto users = b.table<str, str>("users");
  auto views = b.stream<str, str>("views");
  views.join(users, [](const str& page, const str& user) { return page + "@" + user; })
      .to("joined");
  views
      .left_join(users,
                 [](const str& page, const opt& user) { return page + "@" + user.value_or("?"); })
      .to("left-joined");
  ts::topology_test_driver d(build(b));
  for (auto t : {"users", "views", "joined", "left-joined"})
    REQUIRE(d.create_topic(t));
  REQUIRE(d.pipe<str, str>("users", "u1", "alice", 1));
  process(d); // the table row is there before the views arrive
  REQUIRE(d.pipe<str, str>("views", "u1", "home", 10));
  REQUIRE(d.pipe<str, str>("views", "u2", "cart", 11));
  process(d);
  auto joined = d.read<str, str>("joined");
  REQUIRE(joined.size() == 1);
  CHECK(joined[0] == std::pair<str, str>{"u1", "home@alice"});
  CHECK(as_map(d.read<str, str>("left-joined")) ==
        std::map<str, str>{{"u1", "home@alice"}, {"u2", "cart@?"}});
}

TEST_CASE("table-table joins follow updates and deletions of either side", "[streams][joins]") {
  ts::stream_builder b;
  auto left = b.table<str, str>("left");
  auto right = b.table<str, str>("right");
  left.join(right, [](const str& a, const str& c) { return a + "+" + c; }).to_stream().to("inner");
  left.outer_join(
          right, [](const opt& a, const opt& c) { return a.value_or("-") + "+" + c.value_or("-"); })
      .to_stream()
      .to("outer");
  ts::topology_test_driver d(build(b));
  for (auto t : {"left", "right", "inner", "outer"})
    REQUIRE(d.create_topic(t));
  REQUIRE(d.pipe<str, str>("left", "k", "a", 1));
  process(d);
  REQUIRE(d.pipe<str, str>("right", "k", "c", 2));
  process(d);
  REQUIRE(d.pipe<str, str>("left", "k", "b", 3));
  process(d);
  auto inner = d.read<str, str>("inner");
  REQUIRE(inner.size() == 2);
  CHECK(inner[0].second == "a+c");
  CHECK(inner[1].second == "b+c");
  auto outer = d.read<str, str>("outer");
  REQUIRE(outer.size() == 3);
  CHECK(outer[0].second == "a+-");
  CHECK(outer[1].second == "a+c");
  CHECK(outer[2].second == "b+c");
  // Deleting the right row: the inner join's row goes (a null value), the outer's stays.
  tributary::client::producer_record del;
  del.topic = "right";
  del.key = "k";
  del.timestamp = 4;
  REQUIRE(d.pipe_raw(del));
  process(d);
  auto gone = d.read_raw("inner");
  REQUIRE(gone.size() == 1);
  CHECK_FALSE(gone[0].value.has_value());
  auto outer2 = d.read<str, str>("outer");
  REQUIRE(outer2.size() == 1);
  CHECK(outer2[0].second == "b+-");
}

TEST_CASE("windowed stream-stream joins: inner, left and outer", "[streams][joins]") {
  ts::stream_builder b;
  auto clicks = b.stream<str, str>("clicks");
  auto buys = b.stream<str, str>("buys");
  // Grace covers records of the two topics arriving in different polls.
  auto w = ts::join_windows::of(100, 1000);
  clicks
      .join(
          buys, [](const str& c, const str& p) { return c + "|" + p; }, w)
      .to("inner");
  clicks
      .left_join(
          buys, [](const str& c, const opt& p) { return c + "|" + p.value_or("none"); }, w)
      .to("left");
  clicks
      .outer_join(
          buys,
          [](const opt& c, const opt& p) { return c.value_or("none") + "|" + p.value_or("none"); },
          w)
      .to("outer");
  ts::topology_test_driver d(build(b));
  for (auto t : {"clicks", "buys", "inner", "left", "outer"})
    REQUIRE(d.create_topic(t));
  REQUIRE(d.pipe<str, str>("clicks", "a", "c1", 1000));
  REQUIRE(d.pipe<str, str>("buys", "a", "p1", 1050));   // within 100 ms of c1
  REQUIRE(d.pipe<str, str>("clicks", "b", "c2", 1100)); // never bought
  REQUIRE(d.pipe<str, str>("buys", "c", "p2", 1150));   // never clicked
  process(d);
  auto inner1 = d.read<str, str>("inner");
  for (auto& [k, v] : inner1)
    UNSCOPED_INFO(k << "=" << v);
  CHECK(inner1 == std::vector<std::pair<str, str>>{{"a", "c1|p1"}});
  // Unmatched records wait for their window to close.
  CHECK(d.read<str, str>("left") == std::vector<std::pair<str, str>>{{"a", "c1|p1"}});
  REQUIRE(d.pipe<str, str>("clicks", "z", "tick", 5000)); // stream time moves past the windows
  process(d);
  CHECK(as_map(d.read<str, str>("left")) == std::map<str, str>{{"b", "c2|none"}});
  auto outer = as_map(d.read<str, str>("outer"));
  for (auto& [k, v] : outer)
    UNSCOPED_INFO(k << "=" << v);
  CHECK(outer == std::map<str, str>{{"a", "c1|p1"}, {"b", "c2|none"}, {"c", "none|p2"}});
}

TEST_CASE("joining topics with different partition counts fails with a clear error",
          "[streams][joins]") {
  ts::stream_builder b;
  auto users = b.table<str, str>("users");
  b.stream<str, str>("views")
      .join(users, [](const str& v, const str& u) { return v + u; })
      .to("out");
  ts::topology_test_driver d(build(b));
  REQUIRE(d.create_topic("users", 2));
  REQUIRE(d.create_topic("views", 3));
  REQUIRE(d.create_topic("out"));
  auto r = d.process();
  REQUIRE_FALSE(r);
  CHECK_THAT(r.err().to_string(), Catch::Contains("co-partitioned"));
}

TEST_CASE("a re-keyed stream is repartitioned like the table it joins, not like its source",
          "[streams][joins]") {
  // clicks has more partitions than users: the repartition topic must take the table's
  // count, or key k of the stream and of the table land in different tasks.
  ts::stream_builder b;
  auto users = b.table<str, str>("users");
  b.stream<str, str>("clicks")
      .select_key([](const str&, const str& v) { return v.substr(0, v.find(':')); })
      .join(users, [](const str& click, const str& user) { return click + "@" + user; })
      .to("joined");
  ts::topology_test_driver d(build(b));
  REQUIRE(d.create_topic("users", 2));
  REQUIRE(d.create_topic("clicks", 5));
  REQUIRE(d.create_topic("joined"));
  // Clicks of one user come from different partitions of "clicks": their order after the
  // repartition is not the input order, so compare what was joined, sorted.
  std::vector<std::pair<str, str>> want;
  for (int u = 0; u < 8; ++u)
    REQUIRE(d.pipe<str, str>("users", "u" + std::to_string(u), "name" + std::to_string(u), 1));
  process(d);
  for (int i = 0; i < 40; ++i) {
    auto user = "u" + std::to_string(i % 8);
    auto click = user + ":c" + std::to_string(i);
    REQUIRE(d.pipe<str, str>("clicks", "k" + std::to_string(i), click, 10 + i));
    want.emplace_back(user, click + "@name" + std::to_string(i % 8));
  }
  process(d);
  auto joined = d.read<str, str>("joined");
  std::sort(joined.begin(), joined.end());
  std::sort(want.begin(), want.end());
  CHECK(joined == want);
}
