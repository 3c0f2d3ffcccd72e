// node: start and stop on a temporary folder, the data folder lock, restart with topics and
// data kept, the native listener, and a shutdown within its deadline.
#include "broker_test_support.hpp"

#include "tributary/actors/node.hpp"

#include <filesystem>

using namespace broker_test;
using namespace tributary::actors;

TEST_CASE("node starts on an empty folder and stops cleanly", "[node]") {
  temp_dir dir;
  std::string why;
  auto t0 = std::chrono::steady_clock::now();
  auto n = node::start(node_config(dir.path + "/data"), &why);
  INFO(why);
  REQUIRE(n);
  auto started = std::chrono::steady_clock::now() - t0;
  WARN("node start took " << std::chrono::duration_cast<std::chrono::milliseconds>(started).count()
                          << " ms");
  CHECK((*n)->is_running());
  CHECK((*n)->native_port() != 0);
  CHECK_FALSE((*n)->cluster_id().empty());
  CHECK(std::filesystem::exists(dir.path + "/data/metadata.db"));
  {
    caf::scoped_actor self{(*n)->system()}; // must not outlive the node's actor system
    auto md = ask<metadata_response>(self, (*n)->broker(), metadata_request{});
    REQUIRE(md.brokers.size() == 1);
    CHECK(md.brokers[0].native_port == (*n)->native_port());
    CHECK(md.cluster_id == (*n)->cluster_id());
    auto dc = ask<describe_cluster_response>(self, (*n)->broker(), describe_cluster_request{});
    CHECK(dc.data_dir == dir.path + "/data");
    CHECK(dc.brokers.at(0).native_port == (*n)->native_port());
  }
  auto stopped = (*n)->stop(std::chrono::seconds(5));
  CHECK(stopped);
  CHECK_FALSE((*n)->is_running());
  CHECK((*n)->stop()); // idempotent
}

TEST_CASE("a second node on the same data folder is refused", "[node]") {
  temp_dir dir;
  auto first = node::start(node_config(dir.path, false));
  REQUIRE(first);
  std::string why;
  auto second = node::start(node_config(dir.path, false), &why);
  REQUIRE_FALSE(second);
  CHECK(why.find("in use by another Tributary node") != std::string::npos);
  CHECK(why.find(dir.path) != std::string::npos);
  REQUIRE((*first)->stop());
  auto third = node::start(node_config(dir.path, false), &why);
  CHECK(third); // the lock is released by stop()
}

TEST_CASE("a restarted node keeps its topics, data and cluster id", "[node]") {
  temp_dir dir;
  std::string cluster;
  std::string topic_id;
  {
    auto n = node::start(node_config(dir.path, false));
    REQUIRE(n);
    cluster = (*n)->cluster_id();
    caf::scoped_actor self{(*n)->system()};
    auto created = ask<create_topics_response>(
        self, (*n)->broker(), create_request("kept", 2, {{"retention.ms", "99999"}}));
    topic_id = created.topics.at(0).topic_id;
    ask<produce_response>(self, (*n)->broker(), produce("kept", 1, {"one", "two"}));
  } // ~scoped_actor, then ~node stops the node
  auto n = node::start(node_config(dir.path, false));
  REQUIRE(n);
  CHECK((*n)->cluster_id() == cluster);
  caf::scoped_actor self{(*n)->system()};
  metadata_request mr;
  auto md = ask<metadata_response>(self, (*n)->broker(), mr);
  REQUIRE(md.topics.size() == 1);
  CHECK(md.topics[0].topic_id == topic_id);
  CHECK(md.topics[0].partitions.size() == 2);
  auto fr = ask<fetch_response>(self, (*n)->broker(), fetch("kept", 1, 0));
  auto got = decode(fr.partitions.at(0).records);
  REQUIRE(got.size() == 2);
  CHECK(got[1].second == "two");
  describe_configs_request dc;
  dc.resources.push_back({resource_topic, "kept", {"retention.ms"}});
  auto d = ask<describe_configs_response>(self, (*n)->broker(), dc);
  CHECK(d.results.at(0).entries.at(0).value == "99999");
  auto p = ask<produce_response>(self, (*n)->broker(), produce("kept", 1, {"three"}));
  CHECK(p.base_offset == 2);
}

TEST_CASE("node shutdown finishes within its deadline with partitions and groups", "[node]") {
  temp_dir dir;
  auto n = node::start(node_config(dir.path, true));
  REQUIRE(n);
  {
    caf::scoped_actor self{(*n)->system()};
    create_topics_request req;
    for (int i = 0; i < 5; ++i)
      req.topics.push_back({"t" + std::to_string(i), 3, -1, {}});
    auto created = ask<create_topics_response>(self, (*n)->broker(), req);
    for (auto& t : created.topics)
      CHECK(t.error == 0);
    for (int i = 0; i < 5; ++i)
      ask<produce_response>(self, (*n)->broker(), produce("t" + std::to_string(i), 0, {"x"}));
    // A long-polling fetch is pending while the node stops.
    self->send((*n)->broker(), fetch("t0", 1, 0, 60000));
  }
  auto t0 = std::chrono::steady_clock::now();
  auto stopped = (*n)->stop(std::chrono::seconds(5));
  auto took = std::chrono::steady_clock::now() - t0;
  CHECK(stopped); // an error means something missed the deadline
  WARN("stop took " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                    << " ms");
}
