// Every stateless kstream operator through the topology_test_driver (the real runtime): what
// each emits, branch/split routing, merge, to with a partitioner, through, repartition, and
// that headers, timestamps and Kafka nulls travel unchanged.
#include "support.hpp"

#include <mutex>
#include <set>

using namespace trib_test;

namespace {

using kv = std::pair<str, str>;
using kvs = std::vector<kv>;

std::multiset<kv> as_set(const kvs& xs) {
  return {xs.begin(), xs.end()};
}

std::vector<str> chars_of(const str& s) {
  std::vector<str> out;
  for (char c : s)
    out.emplace_back(1, c);
  return out;
}

/// Thread-safe record of what a user function saw (tasks run on CAF's threads).
struct seen_log {
  std::mutex mu;
  kvs seen;
  void add(const str& k, const str& v) {
    std::lock_guard<std::mutex> lock(mu);
    seen.emplace_back(k, v);
  }
  kvs get() {
    std::lock_guard<std::mutex> lock(mu);
    return seen;
  }
};

} // namespace

TEST_CASE("record-at-a-time operators emit what their functions return", "[streams][stateless]") {
  auto peeked = std::make_shared<seen_log>();
  auto each = std::make_shared<seen_log>();
  ts::stream_builder b;
  auto in = b.stream<str, str>("in");
  auto long_word = [](const str&, const str& v) { return v.size() > 3; };
  in.filter(long_word).to("filtered");
  in.filter_not(long_word).to("filtered-not");
  in.map_values([](const str& v) { return v + "!"; }).to("mv");
  in.map_values([](const str& k, const str& v) { return k + ":" + v; }).to("mv-kv");
  in.map([](const str& k, const str& v) { return std::make_pair(v, k); }).to("mapped");
  in.select_key([](const str&, const str& v) { return v.substr(0, 1); }).to("rekeyed");
  in.flat_map([](const str& k, const str& v) {
      std::vector<std::pair<str, int64_t>> out;
      for (char c : v.substr(0, 2))
        out.emplace_back(k + c, int64_t{c});
      return out;
    }).to("fm");
  in.flat_map_values([](const str& v) { return chars_of(v.substr(0, 2)); }).to("fmv");
  in.flat_map_values([](const str& k, const str& v) {
      return std::vector<str>{k, v};
    }).to("fmv-kv");
  in.peek([peeked](const str& k, const str& v) { peeked->add(k, v); }).to("peeked");
  in.foreach ([each](const str& k, const str& v) { each->add(k, v); });
  ts::topology_test_driver d(build(b));
  for (auto t : {"in", "filtered", "filtered-not", "mv", "mv-kv", "mapped", "rekeyed", "fm", "fmv",
                 "fmv-kv", "peeked"})
    REQUIRE(d.create_topic(t));
  const kvs input{{"a", "apple"}, {"b", "kiwi"}, {"c", "fig"}};
  for (const auto& [k, v] : input)
    REQUIRE(d.pipe<str, str>("in", k, v, 1000));
  process(d);

  CHECK(d.read<str, str>("filtered") == kvs{{"a", "apple"}, {"b", "kiwi"}});
  CHECK(d.read<str, str>("filtered-not") == kvs{{"c", "fig"}});
  CHECK(d.read<str, str>("mv") == kvs{{"a", "apple!"}, {"b", "kiwi!"}, {"c", "fig!"}});
  CHECK(d.read<str, str>("mv-kv") == kvs{{"a", "a:apple"}, {"b", "b:kiwi"}, {"c", "c:fig"}});
  CHECK(d.read<str, str>("mapped") == kvs{{"apple", "a"}, {"kiwi", "b"}, {"fig", "c"}});
  CHECK(d.read<str, str>("rekeyed") == kvs{{"a", "apple"}, {"k", "kiwi"}, {"f", "fig"}});
  using ki = std::vector<std::pair<str, int64_t>>;
  CHECK(d.read<str, int64_t>("fm") ==
        ki{{"aa", 'a'}, {"ap", 'p'}, {"bk", 'k'}, {"bi", 'i'}, {"cf", 'f'}, {"ci", 'i'}});
  CHECK(d.read<str, str>("fmv") ==
        kvs{{"a", "a"}, {"a", "p"}, {"b", "k"}, {"b", "i"}, {"c", "f"}, {"c", "i"}});
  CHECK(d.read<str, str>("fmv-kv") ==
        kvs{{"a", "a"}, {"a", "apple"}, {"b", "b"}, {"b", "kiwi"}, {"c", "c"}, {"c", "fig"}});
  CHECK(d.read<str, str>("peeked") == input);
  CHECK(peeked->get() == input);
  CHECK(each->get() == input);
}

TEST_CASE("branch and split: the first matching predicate wins, no match is dropped",
          "[streams][stateless]") {
  ts::stream_builder b;
  auto in = b.stream<str, str>("in");
  auto starts_a = [](const str&, const str& v) { return !v.empty() && v[0] == 'a'; };
  auto is_long = [](const str&, const str& v) { return v.size() > 3; };
  auto branches = in.branch({starts_a, is_long});
  REQUIRE(branches.size() == 2);
  branches[0].to("b-a");
  branches[1].to("b-long");
  auto named = in.split({{"a", starts_a}, {"long", is_long}});
  REQUIRE(named.size() == 2);
  named.at("a").to("s-a");
  named.at("long").to("s-long");
  ts::topology_test_driver d(build(b));
  for (auto t : {"in", "b-a", "b-long", "s-a", "s-long"})
    REQUIRE(d.create_topic(t));
  // "apple" matches both predicates: only the first branch gets it; "fig" matches none.
  for (const auto& [k, v] : kvs{{"1", "apple"}, {"2", "kiwi"}, {"3", "fig"}, {"4", "ant"}})
    REQUIRE(d.pipe<str, str>("in", k, v, 1000));
  process(d);
  CHECK(d.read<str, str>("b-a") == kvs{{"1", "apple"}, {"4", "ant"}});
  CHECK(d.read<str, str>("b-long") == kvs{{"2", "kiwi"}});
  CHECK(d.read<str, str>("s-a") == kvs{{"1", "apple"}, {"4", "ant"}});
  CHECK(d.read<str, str>("s-long") == kvs{{"2", "kiwi"}});
}

TEST_CASE("merge emits the records of both streams", "[streams][stateless]") {
  ts::stream_builder b;
  auto left = b.stream<str, str>("left");
  auto right = b.stream<str, str>("right").map_values([](const str& v) { return v + "-r"; });
  left.merge(right).to("merged");
  ts::topology_test_driver d(build(b));
  for (auto t : {"left", "right", "merged"})
    REQUIRE(d.create_topic(t));
  REQUIRE(d.pipe<str, str>("left", "k1", "l1", 1000));
  REQUIRE(d.pipe<str, str>("right", "k2", "x", 1001));
  REQUIRE(d.pipe<str, str>("left", "k3", "l2", 1002));
  process(d);
  CHECK(as_set(d.read<str, str>("merged")) == as_set({{"k1", "l1"}, {"k2", "x-r"}, {"k3", "l2"}}));
}

TEST_CASE("to with a custom partitioner writes each record to the partition it chose",
          "[streams][stateless]") {
  auto counts_seen = std::make_shared<std::atomic<int32_t>>(-1);
  ts::stream_builder b;
  ts::produced<str, int64_t> p;
  p.partitioner = [counts_seen](const str&, const int64_t& v, int32_t n) -> std::optional<int32_t> {
    counts_seen->store(n);
    return static_cast<int32_t>(v % n);
  };
  b.stream<str, int64_t>("in").to("out", p);
  ts::topology_test_driver d(build(b));
  REQUIRE(d.create_topic("in", 1));
  REQUIRE(d.create_topic("out", 4));
  for (int64_t v = 0; v < 12; ++v)
    REQUIRE(d.pipe<str, int64_t>("in", "same-key", v, 1000 + v));
  process(d);
  auto out = d.read_raw("out");
  REQUIRE(out.size() == 12);
  CHECK(counts_seen->load() == 4);
  for (const auto& r : out) {
    REQUIRE(r.value);
    auto v = tc::serde<int64_t>::deserialize(*r.value);
    REQUIRE(v);
    INFO("value " << *v);
    CHECK(r.partition == *v % 4);
  }
}

TEST_CASE("through writes to a user topic and continues from it", "[streams][stateless]") {
  ts::stream_builder b;
  b.stream<str, int64_t>("in")
      .map_values([](int64_t v) { return v + 1; })
      .through("mid")
      .map_values([](int64_t v) { return v * 10; })
      .to("out");
  auto topo = build(b);
  CHECK(topo.subtopologies().size() == 2); // the topic read back starts a new sub-topology
  ts::topology_test_driver d(topo);
  for (auto t : {"in", "mid", "out"})
    REQUIRE(d.create_topic(t));
  REQUIRE(d.pipe<str, int64_t>("in", "a", 1, 1000));
  REQUIRE(d.pipe<str, int64_t>("in", "b", 2, 1001));
  process(d);
  using ki = std::vector<std::pair<str, int64_t>>;
  CHECK(d.read<str, int64_t>("mid") == ki{{"a", 2}, {"b", 3}});
  CHECK(d.read<str, int64_t>("out") == ki{{"a", 20}, {"b", 30}});
}

TEST_CASE("repartition puts records with the same key in the same partition",
          "[streams][stateless]") {
  ts::stream_builder b;
  ts::repartitioned<str, int64_t> named;
  named.name = "by-mod";
  b.stream<str, int64_t>("in")
      .select_key([](const str&, const int64_t& v) { return "m" + std::to_string(v % 3); })
      .repartition(named)
      .to("out");
  auto topo = build(b);
  ts::driver_options opts;
  opts.partitions = 4;
  ts::topology_test_driver d(topo, opts);
  REQUIRE(d.create_topic("in"));
  REQUIRE(d.create_topic("out", 1));
  // Input keys spread over the 4 input partitions; the new keys must not stay spread.
  for (int64_t v = 0; v < 24; ++v)
    REQUIRE(d.pipe<str, int64_t>("in", "k" + std::to_string(v), v, 1000 + v));
  process(d);
  auto topic = "test-app-by-mod-repartition";
  auto repart = d.read_raw(topic);
  REQUIRE(repart.size() == 24);
  std::map<str, std::set<int32_t>> partitions_of_key;
  for (const auto& r : repart)
    partitions_of_key[r.key.value_or("<null>")].insert(r.partition);
  REQUIRE(partitions_of_key.size() == 3);
  for (const auto& [k, ps] : partitions_of_key) {
    INFO("key " << k);
    CHECK(ps.size() == 1);
  }
  auto out = d.read<str, int64_t>("out");
  CHECK(out.size() == 24);
  for (const auto& [k, v] : out)
    CHECK(k == "m" + std::to_string(v % 3));
}

TEST_CASE("repartition with a partitioner writes each record to the partition it chose",
          "[streams][stateless]") {
  ts::stream_builder b;
  ts::repartitioned<str, int64_t> r;
  r.name = "chosen";
  r.partitioner = [](const str&, const int64_t& v, int32_t n) -> std::optional<int32_t> {
    return static_cast<int32_t>((v * 3) % n);
  };
  b.stream<str, int64_t>("in").repartition(r).to("out");
  ts::driver_options opts;
  opts.partitions = 4;
  ts::topology_test_driver d(build(b), opts);
  REQUIRE(d.create_topic("in"));
  REQUIRE(d.create_topic("out", 1));
  for (int64_t v = 0; v < 16; ++v)
    REQUIRE(d.pipe<str, int64_t>("in", "k", v, 1000 + v));
  process(d);
  auto repart = d.read_raw("test-app-chosen-repartition");
  REQUIRE(repart.size() == 16);
  for (const auto& rec : repart) {
    REQUIRE(rec.value);
    auto v = tc::serde<int64_t>::deserialize(*rec.value);
    REQUIRE(v);
    INFO("value " << *v);
    CHECK(rec.partition == (*v * 3) % 4);
  }
  CHECK(d.read_raw("out").size() == 16);
}

TEST_CASE("headers and timestamps travel from input to output, across a repartition too",
          "[streams][stateless]") {
  ts::stream_builder b;
  auto mapped = b.stream<str, str>("in")
                    .filter([](const str&, const str&) { return true; })
                    .map_values([](const str& v) { return v + "!"; });
  mapped.to("out");
  mapped.repartition().to("out-repartitioned");
  ts::topology_test_driver d(build(b));
  for (auto t : {"in", "out", "out-repartitioned"})
    REQUIRE(d.create_topic(t));
  REQUIRE(d.pipe_raw(raw("in", "k1", "v1", 4242, {{"h1", "one"}, {"h2", std::nullopt}})));
  REQUIRE(d.pipe_raw(raw("in", "k2", "v2", 4343, {})));
  process(d);
  for (auto topic : {"out", "out-repartitioned"}) {
    INFO("topic " << topic);
    auto out = d.read_raw(topic);
    REQUIRE(out.size() == 2);
    CHECK(out[0].value == std::optional<str>("v1!"));
    CHECK(out[0].timestamp == 4242);
    REQUIRE(out[0].headers.size() == 2);
    CHECK(out[0].headers[0].key == "h1");
    CHECK(out[0].headers[0].value == std::optional<str>("one"));
    CHECK(out[0].headers[1].key == "h2");
    CHECK_FALSE(out[0].headers[1].value);
    CHECK(out[1].timestamp == 4343);
    CHECK(out[1].headers.empty());
  }
}

TEST_CASE("null keys and null values pass through stateless operators", "[streams][stateless]") {
  auto peeked = std::make_shared<std::atomic<int>>(0);
  ts::stream_builder b;
  b.stream<str, str>("in")
      .filter([](const str&, const str&) { return true; })
      .map_values([](const str& v) { return v + "!"; })
      .peek([peeked](const str&, const str&) { ++*peeked; })
      .to("out");
  ts::topology_test_driver d(build(b));
  REQUIRE(d.create_topic("in"));
  REQUIRE(d.create_topic("out"));
  REQUIRE(d.pipe_raw(raw("in", std::nullopt, "v1")));
  REQUIRE(d.pipe_raw(raw("in", "k2", std::nullopt)));
  REQUIRE(d.pipe_raw(raw("in", std::nullopt, std::nullopt)));
  process(d);
  auto out = d.read_raw("out");
  REQUIRE(out.size() == 3);
  CHECK_FALSE(out[0].key);
  CHECK(out[0].value == std::optional<str>("v1!"));
  CHECK(out[1].key == std::optional<str>("k2"));
  CHECK_FALSE(out[1].value); // a null value stays null through map_values
  CHECK_FALSE(out[2].key);
  CHECK_FALSE(out[2].value);
  CHECK(peeked->load() == 3);
}

TEST_CASE("count drops records with a null key or value and counts them as dropped",
          "[streams][stateless]") {
  ts::stream_builder b;
  b.stream<str, str>("in")
      .group_by_key()
      .count(ts::materialized<str, int64_t>::as("counts"))
      .to_stream()
      .to("out");
  ts::topology_test_driver d(build(b));
  REQUIRE(d.create_topic("in"));
  REQUIRE(d.create_topic("out"));
  REQUIRE(d.pipe_raw(raw("in", "a", "x")));
  REQUIRE(d.pipe_raw(raw("in", std::nullopt, "y")));
  REQUIRE(d.pipe_raw(raw("in", "a", "z")));
  REQUIRE(d.pipe_raw(raw("in", "b", std::nullopt)));
  process(d);
  CHECK(d.store<str, int64_t>("counts") == std::map<str, int64_t>{{"a", 2}});
  CHECK(d.read_table<str, int64_t>("out") == std::map<str, int64_t>{{"a", 2}});
  int64_t dropped = 0;
  for (const auto& t : d.app()->tasks())
    dropped += t.dropped;
  CHECK(dropped == 2);
}
