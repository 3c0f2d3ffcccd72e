// The broker published on the native port: a second actor system (as a remote client would
// build it) connects through CAF's middleman with remote_actor<broker_actor> and does the
// create / produce / fetch round trip over loopback.
#include "broker_test_support.hpp"

#include "tributary/actors/node.hpp"
#include "tributary/actors/system_setup.hpp"

#include "caf/io/all.hpp"

using namespace broker_test;
using namespace tributary::actors;

TEST_CASE("a remote actor system reaches the broker through the native port", "[broker]") {
  temp_dir dir;
  std::string why;
  auto n = node::start(node_config(dir.path, true), &why);
  INFO(why);
  REQUIRE(n);
  REQUIRE((*n)->native_port() != 0);
  {
    caf::actor_system_config cfg;
    configure_actor_system(cfg);
    caf::actor_system client{cfg};
    auto broker = client.middleman().remote_actor<broker_actor>("127.0.0.1", (*n)->native_port());
    INFO((broker ? std::string{} : client.render(broker.error())));
    REQUIRE(broker);
    caf::scoped_actor self{client};
    auto created = ask<create_topics_response>(self, *broker, create_request("remote", 2));
    CHECK(created.topics.at(0).error == 0);
    metadata_request mr;
    mr.all_topics = false;
    mr.topics = {"remote"};
    auto md = ask<metadata_response>(self, *broker, mr);
    CHECK(md.brokers.at(0).native_port == (*n)->native_port());
    CHECK(md.topics.at(0).partitions.size() == 2);
    std::vector<std::string> values;
    for (int i = 0; i < 100; ++i)
      values.push_back("value-" + std::to_string(i));
    auto p = ask<produce_response>(self, *broker, produce("remote", 1, values));
    CHECK(p.error == 0);
    CHECK(p.base_offset == 0);
    auto fr = ask<fetch_response>(self, *broker, fetch("remote", 1, 0));
    auto got = decode(fr.partitions.at(0).records);
    REQUIRE(got.size() == 100);
    CHECK(got[99].second == "value-99");
    auto err = ask<produce_response>(self, *broker, produce("remote", 9, {"x"}));
    CHECK(err.error_message == "topic 'remote' has 2 partitions; partition 9 does not exist");
  }
  CHECK((*n)->stop());
}
