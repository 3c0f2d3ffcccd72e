// Aggregations of streams (count, reduce, aggregate) and tables: builder.table() with
// tombstones, and the table operators filter / map_values / to_stream, where a row that stops
// matching a filter becomes a deletion downstream.
#include "support.hpp"

using namespace trib_test;

namespace {

using counts = std::map<str, int64_t>;

/// What a topic holds, in order, as (key, value or nullopt for a tombstone).
std::vector<std::pair<str, std::optional<str>>> changes_of(ts::topology_test_driver& d,
                                                           const str& topic) {
  std::vector<std::pair<str, std::optional<str>>> out;
  for (const auto& r : d.read_raw(topic))
    out.emplace_back(r.key.value_or("<null>"), r.value);
  return out;
}

} // namespace

TEST_CASE("count, reduce and aggregate fold a grouped stream per key", "[streams][tables]") {
  ts::stream_builder b;
  auto grouped = b.stream<str, int64_t>("nums").group_by_key();
  grouped.count(ts::materialized<str, int64_t>::as("cnt")).to_stream().to("cnt-out");
  grouped
      .reduce([](int64_t agg, int64_t v) { return agg + v; },
              ts::materialized<str, int64_t>::as("sum"))
      .to_stream()
      .to("sum-out");
  grouped
      .aggregate([] { return str("["); },
                 [](const str&, int64_t v, const str& agg) { return agg + std::to_string(v); },
                 ts::materialized<str, str>::as("agg"))
      .to_stream()
      .to("agg-out");
  ts::driver_options opts;
  opts.partitions = 2;
  ts::topology_test_driver d(build(b), opts);
  for (auto t : {"nums", "cnt-out", "sum-out", "agg-out"})
    REQUIRE(d.create_topic(t));
  const std::vector<std::pair<str, int64_t>> input{{"a", 1}, {"b", 10}, {"a", 2},
                                                   {"c", 5}, {"a", 3},  {"b", 20}};
  counts cnt, sum;
  std::map<str, str> agg;
  for (const auto& [k, v] : input) {
    REQUIRE(d.pipe<str, int64_t>("nums", k, v, 1000));
    ++cnt[k];
    sum[k] += v;
    agg.emplace(k, "[");
    agg[k] += std::to_string(v);
  }
  process(d);
  CHECK(d.store<str, int64_t>("cnt") == cnt);
  CHECK(d.store<str, int64_t>("sum") == sum);
  CHECK(d.store<str, str>("agg") == agg);
  CHECK(d.read_table<str, int64_t>("cnt-out") == cnt);
  CHECK(d.read_table<str, int64_t>("sum-out") == sum);
  CHECK(d.read_table<str, str>("agg-out") == agg);
  // Every update is emitted: one output record per input record.
  CHECK(d.read_raw("cnt-out").empty()); // read_table consumed them already
  REQUIRE(d.pipe<str, int64_t>("nums", "a", 4, 2000));
  process(d);
  auto more = d.read<str, int64_t>("sum-out");
  REQUIRE(more.size() == 1);
  CHECK(more[0] == std::pair<str, int64_t>{"a", 10});
}

TEST_CASE("a grouped stream re-keyed upstream aggregates each new key in one task",
          "[streams][tables]") {
  ts::stream_builder b;
  b.stream<str, int64_t>("nums")
      .group_by([](const str&, const int64_t& v) { return v % 2 == 0 ? str("even") : str("odd"); })
      .reduce([](int64_t agg, int64_t v) { return agg + v; },
              ts::materialized<str, int64_t>::as("parity-sum"))
      .to_stream()
      .to("out");
  ts::driver_options opts;
  opts.partitions = 3;
  ts::topology_test_driver d(build(b), opts);
  REQUIRE(d.create_topic("nums"));
  REQUIRE(d.create_topic("out", 1));
  counts want;
  for (int64_t v = 1; v <= 30; ++v) {
    REQUIRE(d.pipe<str, int64_t>("nums", "k" + std::to_string(v), v, 1000 + v));
    want[v % 2 == 0 ? "even" : "odd"] += v;
  }
  process(d);
  CHECK(d.store<str, int64_t>("parity-sum") == want);
  CHECK(d.read_table<str, int64_t>("out") == want);
}

TEST_CASE("builder.table keeps the latest value per key and deletes on a tombstone",
          "[streams][tables]") {
  ts::stream_builder b;
  b.table<str, str>("users").to_stream().to("users-out");
  ts::topology_test_driver d(build(b));
  REQUIRE(d.create_topic("users"));
  REQUIRE(d.create_topic("users-out"));
  REQUIRE(d.pipe_raw(raw("users", "u1", "alice")));
  REQUIRE(d.pipe_raw(raw("users", "u2", "bob")));
  REQUIRE(d.pipe_raw(raw("users", "u1", "alicia")));
  process(d);
  CHECK(d.store<str, str>("users-table") == std::map<str, str>{{"u1", "alicia"}, {"u2", "bob"}});
  REQUIRE(d.pipe_raw(raw("users", "u1", std::nullopt)));
  REQUIRE(d.pipe_raw(raw("users", std::nullopt, "nobody"))); // a table drops null keys
  process(d);
  CHECK(d.store<str, str>("users-table") == std::map<str, str>{{"u2", "bob"}});
  using change_list = std::vector<std::pair<str, std::optional<str>>>;
  CHECK(changes_of(d, "users-out") ==
        change_list{{"u1", "alice"}, {"u2", "bob"}, {"u1", "alicia"}, {"u1", std::nullopt}});
}

TEST_CASE("ktable filter and map_values: a row leaving the filter is deleted downstream",
          "[streams][tables]") {
  ts::stream_builder b;
  auto users = b.table<str, str>("users", {}, ts::materialized<str, str>::as("users-store"));
  auto starts_a = [](const str&, const str& v) { return !v.empty() && v[0] == 'a'; };
  users.filter(starts_a)
      .map_values([](const str& v) { return "A:" + v; })
      .to_stream()
      .to("a-users");
  users.filter_not(starts_a)
      .map_values([](const str& k, const str& v) { return k + "=" + v; })
      .to_stream()
      .to("other-users");
  ts::topology_test_driver d(build(b));
  for (auto t : {"users", "a-users", "other-users"})
    REQUIRE(d.create_topic(t));
  REQUIRE(d.pipe_raw(raw("users", "u1", "alice")));      // enters a-users
  REQUIRE(d.pipe_raw(raw("users", "u2", "bob")));        // never in a-users: nothing emitted
  REQUIRE(d.pipe_raw(raw("users", "u1", "bert")));       // leaves a-users: a deletion
  REQUIRE(d.pipe_raw(raw("users", "u3", "anna")));       // enters
  REQUIRE(d.pipe_raw(raw("users", "u3", std::nullopt))); // tombstone of a matching row
  REQUIRE(d.pipe_raw(raw("users", "u2", "amy")));        // enters
  process(d);
  using change_list = std::vector<std::pair<str, std::optional<str>>>;
  CHECK(changes_of(d, "a-users") == change_list{{"u1", "A:alice"},
                                                {"u1", std::nullopt},
                                                {"u3", "A:anna"},
                                                {"u3", std::nullopt},
                                                {"u2", "A:amy"}});
  CHECK(changes_of(d, "other-users") ==
        change_list{{"u2", "u2=bob"}, {"u1", "u1=bert"}, {"u2", std::nullopt}});
  CHECK(d.store<str, str>("users-store") == std::map<str, str>{{"u1", "bert"}, {"u2", "amy"}});
}
