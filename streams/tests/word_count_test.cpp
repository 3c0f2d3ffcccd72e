// Word count through the topology_test_driver: flat_map_values -> group_by -> count -> to.
#include "tributary/client/admin.hpp"
#include "tributary/streams/streams.hpp"
#include "tributary/streams/topology_test_driver.hpp"

#include <catch2/catch.hpp>

#include <sstream>

namespace ts = tributary::streams;

namespace {

std::vector<std::string> words_of(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string w; in >> w;)
    out.push_back(w);
  return out;
}

ts::topology word_count() {
  ts::stream_builder b;
  b.stream<std::string, std::string>("lines")
      .flat_map_values([](const std::string& line) { return words_of(line); })
      .group_by([](const std::string&, const std::string& w) { return w; })
      .count(ts::materialized<std::string, int64_t>::as("word-counts"))
      .to_stream()
      .to("counts");
  auto t = b.build();
  REQUIRE(t);
  return *t;
}

} // namespace

TEST_CASE("word count counts words across records and partitions", "[streams][driver]") {
  ts::driver_options opts;
  opts.partitions = 2;
  ts::topology_test_driver d(word_count(), opts);
  REQUIRE(d.create_topic("lines"));
  REQUIRE(d.create_topic("counts"));
  REQUIRE(d.pipe<std::string, std::string>("lines", "a", "the cat and the hat", 1000));
  REQUIRE(d.pipe<std::string, std::string>("lines", "b", "the end", 2000));
  auto r = d.process();
  INFO((r ? "" : r.err().to_string()));
  REQUIRE(r);
  auto counts = d.read_table<std::string, int64_t>("counts");
  CHECK(counts["the"] == 3);
  CHECK(counts["cat"] == 1);
  CHECK(counts["end"] == 1);
  CHECK(counts.size() == 5);
  auto store = d.store<std::string, int64_t>("word-counts");
  CHECK(store == counts);
  // The app and its tasks (2 sub-topologies x 2 partitions) are in the node's inspector.
  auto admin = tributary::client::admin::create(d.conn());
  REQUIRE(admin);
  auto tasks = admin->describe_actors("streams_task");
  REQUIRE(tasks);
  CHECK(tasks->actors.size() == 4);
  for (const auto& a : tasks->actors)
    CHECK(a.parent == "streams test-app");
  // Everything is processed and committed: no task lags.
  for (const auto& t : d.app()->tasks())
    CHECK(t.lag == 0);
  auto apps = admin->describe_actors("streams_app");
  REQUIRE(apps);
  CHECK(apps->actors.size() == 1);
}

TEST_CASE("describe() shows sub-topologies split at the repartition topic", "[streams][dsl]") {
  auto t = word_count();
  REQUIRE(t.subtopologies().size() == 2);
  auto text = t.describe();
  CHECK(text.find("Sub-topology: 1") != std::string::npos);
  CHECK(text.find("word-counts") != std::string::npos);
  auto dot = t.describe_dot();
  CHECK(dot.find("digraph") == 0);
}
