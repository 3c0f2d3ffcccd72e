// Building topologies: clashing names fail build() with a message naming the clash,
// describe() shows every node, and derived names of stateful operators (stores, repartition
// and changelog topics) do not move when stateless operators are added upstream.
#include "support.hpp"

#include <set>

using namespace trib_test;

namespace {

tc::outcome<ts::topology> try_build(ts::stream_builder& b) {
  return b.build();
}

std::set<str> store_names(const ts::topology& t) {
  std::set<str> out;
  for (const auto& s : t.stores())
    out.insert(s.name);
  return out;
}

std::set<str> internal_topic_names(const ts::topology& t) {
  std::set<str> out;
  for (const auto& it : t.internal_topics())
    out.insert(it.base);
  return out;
}

bool keep_all(const str&, const str&) {
  return true;
}

} // namespace

TEST_CASE("two operators with the same explicit name fail build with a clear message",
          "[streams][topology]") {
  SECTION("two stateless operators") {
    ts::stream_builder b;
    b.stream<str, str>("in")
        .filter(keep_all, "dup")
        .map_values([](const str& v) { return v; }, "dup")
        .to("out");
    auto t = try_build(b);
    REQUIRE_FALSE(t);
    CHECK(t.err().message.find("'dup'") != str::npos);
    CHECK(t.err().message.find("another name") != str::npos);
  }
  SECTION("a stateless operator and a store") {
    ts::stream_builder b;
    auto in = b.stream<str, str>("in");
    in.filter(keep_all, "counts").to("out");
    in.group_by_key().count(ts::materialized<str, int64_t>::as("counts"));
    auto t = try_build(b);
    REQUIRE_FALSE(t);
    CHECK(t.err().message.find("'counts'") != str::npos);
  }
  SECTION("two stores") {
    ts::stream_builder b;
    auto g = b.stream<str, str>("in").group_by_key();
    g.count(ts::materialized<str, int64_t>::as("same"));
    g.count(ts::materialized<str, int64_t>::as("same"));
    auto t = try_build(b);
    REQUIRE_FALSE(t);
    CHECK(t.err().message.find("'same'") != str::npos);
  }
  SECTION("two sources with the same name") {
    ts::stream_builder b;
    ts::consumed<str, str> c;
    c.name = "src";
    b.stream<str, str>("a", c).to("x");
    b.stream<str, str>("b", c).to("y");
    auto t = try_build(b);
    REQUIRE_FALSE(t);
    CHECK(t.err().message.find("'src'") != str::npos);
  }
}

TEST_CASE("describe lists every node, its topics and its stores", "[streams][topology]") {
  ts::stream_builder b;
  auto in = b.stream<str, str>("in");
  auto parts = in.filter(keep_all).branch({[](const str&, const str& v) { return v.size() > 2; },
                                           [](const str&, const str&) { return true; }});
  parts[0].map_values([](const str& v) { return v + "!"; }).to("long");
  parts[1]
      .group_by([](const str&, const str& v) { return v; })
      .count(ts::materialized<str, int64_t>::as("short-counts"))
      .to_stream()
      .to("short");
  auto t = build(b);
  auto text = t.describe();
  INFO(text);
  size_t listed = 0;
  for (const auto& n : t.nodes()) {
    INFO("node " << n.name);
    CHECK(text.find(": " + n.name + " (") != str::npos);
    for (const auto& topic : n.topics)
      CHECK(text.find(topic) != str::npos);
    for (const auto& s : n.stores)
      CHECK(text.find(s) != str::npos);
  }
  for (size_t pos = 0; (pos = text.find("\n    ", pos)) != str::npos; ++pos)
    if (text.compare(pos + 5, 1, " ") != 0) // node lines; edge lines are indented further
      ++listed;
  CHECK(listed == t.nodes().size());
  CHECK(t.subtopologies().size() == 2); // split at the repartition topic of group_by
  auto dot = t.describe_dot();
  for (const auto& n : t.nodes())
    CHECK(dot.find("\"" + n.name + "\"") != str::npos);
}

TEST_CASE("derived names of stateful operators do not change when a filter is added upstream",
          "[streams][topology]") {
  auto plain = [](bool with_extra_ops) {
    ts::stream_builder b;
    auto in = b.stream<str, str>("in");
    if (with_extra_ops) {
      in.filter(keep_all).to("elsewhere"); // an unrelated branch, numbered first
      in = in.filter(keep_all).map_values([](const str& v) { return v; });
    }
    in.group_by_key().count().to_stream().to("counts");
    return build(b);
  };
  auto rekeyed = [](bool with_extra_ops) {
    ts::stream_builder b;
    auto in = b.stream<str, str>("lines");
    if (with_extra_ops)
      in = in.filter_not([](const str&, const str& v) {
               return v.empty();
             }).peek([](const str&, const str&) {});
    in.group_by([](const str&, const str& v) { return v; }).count().to_stream().to("counts");
    return build(b);
  };
  SECTION("without a repartition") {
    auto before = plain(false);
    auto after = plain(true);
    CHECK(store_names(before) == std::set<str>{"in-count"});
    CHECK(store_names(after) == store_names(before));
  }
  SECTION("with a repartition topic in between") {
    auto before = rekeyed(false);
    auto after = rekeyed(true);
    CHECK(store_names(before) == std::set<str>{"lines-group_by-count"});
    CHECK(store_names(after) == store_names(before));
    CHECK(internal_topic_names(before) == std::set<str>{"lines-group_by-repartition"});
    CHECK(internal_topic_names(after) == internal_topic_names(before));
  }
}

TEST_CASE("a derived store keeps its state when a filter is added upstream",
          "[streams][topology]") {
  // The same state directory and changelog serve a topology that gained a filter: the counts
  // continue where they were, because the store's derived name did not change.
  auto topo = [](bool with_filter) {
    ts::stream_builder b;
    auto in = b.stream<str, str>("in");
    if (with_filter)
      in = in.filter(keep_all);
    in.group_by_key().count().to_stream().to("counts");
    return build(b);
  };
  ts::topology_test_driver d(topo(false));
  REQUIRE(d.create_topic("in"));
  REQUIRE(d.create_topic("counts"));
  REQUIRE(d.pipe<str, str>("in", "k", "1", 1000));
  REQUIRE(d.pipe<str, str>("in", "k", "2", 1001));
  process(d);
  CHECK(d.store<str, int64_t>("in-count") == std::map<str, int64_t>{{"k", 2}});

  // A second app with the new topology on the same node, the same application id and a state
  // folder of its own: it finds the count in the changelog of the same store.
  scratch_dir dir;
  ts::streams_config cfg;
  cfg.application_id = "test-app";
  cfg.state_dir = dir.path();
  cfg.commit_interval_ms = 100;
  d.app()->close();
  auto app = ts::streams_app::create(topo(true), d.conn(), cfg);
  REQUIRE(app);
  must((*app)->start());
  REQUIRE(d.pipe<str, str>("in", "k", "3", 1002));
  CHECK(wait_until([&] {
    return d.read_table<str, int64_t>("counts") == std::map<str, int64_t>{{"k", 3}};
  }));
  CHECK(decode_counts((*app)->query_all("in-count")) == std::map<str, int64_t>{{"k", 3}});
  (*app)->close();
}

TEST_CASE("two re-keying aggregations of one stream get distinct derived names",
          "[streams][topology]") {
  // Kafka Streams accepts this without names; derived names must not clash.
  ts::stream_builder b;
  auto words = b.stream<str, str>("words");
  words.group_by([](const str&, const str& v) { return v; }).count().to_stream().to("by-word");
  words.group_by([](const str&, const str& v) { return v.substr(0, 1); })
      .count()
      .to_stream()
      .to("by-letter");
  auto t = try_build(b);
  INFO((t ? str{} : t.err().message));
  REQUIRE(t);
  CHECK(t->stores().size() == 2);
  CHECK(t->internal_topics().size() == 2);
  ts::topology_test_driver d(*t);
  for (auto topic : {"words", "by-word", "by-letter"})
    REQUIRE(d.create_topic(topic));
  for (auto w : {"apple", "avocado", "apple", "banana"})
    REQUIRE(d.pipe<str, str>("words", "k", w, 1000));
  process(d);
  using counts = std::map<str, int64_t>;
  CHECK(d.read_table<str, int64_t>("by-word") ==
        counts{{"apple", 2}, {"avocado", 1}, {"banana", 1}});
  CHECK(d.read_table<str, int64_t>("by-letter") == counts{{"a", 3}, {"b", 1}});
}

TEST_CASE("two unnamed repartition() calls on one stream get distinct topics",
          "[streams][topology]") {
  ts::stream_builder b;
  auto in = b.stream<str, str>("in");
  in.repartition().to("a");
  in.repartition().to("b");
  auto t = try_build(b);
  INFO((t ? str{} : t.err().message));
  REQUIRE(t);
  CHECK(t->internal_topics().size() == 2);
}
