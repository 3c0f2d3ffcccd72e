// Message types survive CAF's binary serialization (what the middleman does for every remote
// message), both as plain values and inside a caf::message with the registered type names.
#include "broker_test_support.hpp"

#include "tributary/actors/system_setup.hpp"

using namespace broker_test;
using namespace tributary::actors;

namespace {

template <class T>
T round_trip(caf::actor_system& sys, T x) {
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  auto err = sink(x);
  REQUIRE_FALSE(err);
  T y;
  caf::binary_deserializer source{sys, buf};
  err = source(y);
  REQUIRE_FALSE(err);
  return y;
}

} // namespace

TEST_CASE("message types round-trip through CAF's binary serializer", "[node]") {
  caf::actor_system_config cfg;
  configure_actor_system(cfg, system_options{1, "sharing", false, 1000});
  caf::actor_system sys{cfg};

  auto p = produce("orders", 3, {"a", "b"});
  p.acks = -1;
  auto p2 = round_trip(sys, p);
  CHECK(p2.topic == "orders");
  CHECK(p2.partition == 3);
  CHECK(p2.acks == -1);
  CHECK(p2.records == p.records);

  metadata_response md;
  md.cluster_id = "c";
  md.brokers.push_back({0, "127.0.0.1", 9092, 19092, "r1"});
  topic_metadata t;
  t.name = "orders";
  t.partitions.push_back({0, 0, 0, 5, {0}, {0}, {}});
  md.topics.push_back(t);
  auto md2 = round_trip(sys, md);
  CHECK(md2.brokers.at(0).native_port == 19092);
  CHECK(md2.topics.at(0).partitions.at(0).leader_epoch == 5);

  actor_snapshot snap;
  actor_info info;
  info.kind = "partition";
  info.name = "partition orders-3";
  info.counters.records_in = 42;
  info.details.push_back({"high_watermark", "42"});
  snap.actors.push_back(info);
  auto snap2 = round_trip(sys, snap);
  CHECK(snap2.actors.at(0).counters.records_in == 42);
  CHECK(snap2.actors.at(0).details.at(0).value == "42");

  // Inside a caf::message the registered names travel: the receiver rebuilds the type.
  auto msg = caf::make_message(p);
  auto msg2 = round_trip(sys, msg);
  REQUIRE(msg2.match_elements<produce_request>());
  CHECK(msg2.get_as<produce_request>(0).records == p.records);
  auto fr = caf::make_message(fetch("orders", 1, 7));
  auto fr2 = round_trip(sys, fr);
  REQUIRE(fr2.match_elements<fetch_request>());
  CHECK(fr2.get_as<fetch_request>(0).partitions.at(0).fetch_offset == 7);
}
