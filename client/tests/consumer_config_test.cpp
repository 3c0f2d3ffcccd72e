// consumer_config: Kafka's defaults, Kafka-style keys from a string map, and errors naming the
// key and value.
#include "connection_test_support.hpp"

#include "tributary/client/consumer.hpp"
#include "tributary/client/consumer_config.hpp"

#include <catch2/catch.hpp>

using namespace tributary::client;
using tributary::protocol::kafka_error;

TEST_CASE("consumer config defaults are Kafka's", "[consumer]") {
  consumer_config c;
  CHECK(c.auto_offset_reset == offset_reset::latest);
  CHECK(c.enable_auto_commit);
  CHECK(c.auto_commit_interval_ms == 5000);
  CHECK(c.session_timeout_ms == 45000);
  CHECK(c.heartbeat_interval_ms == 3000);
  CHECK(c.max_poll_interval_ms == 300000);
  CHECK(c.max_poll_records == 500);
  CHECK(c.fetch_min_bytes == 1);
  CHECK(c.fetch_max_wait_ms == 500);
  CHECK(c.fetch_max_bytes == 52428800);
  CHECK(c.max_partition_fetch_bytes == 1048576);
  CHECK(c.partition_assignment_strategy == std::vector<std::string>{"range", "cooperative-sticky"});
  CHECK(c.isolation_level == isolation_level::read_uncommitted);
  CHECK(c.validate());
}

TEST_CASE("consumer config reads Kafka's keys", "[consumer]") {
  auto c = consumer_config::from_map(
      {{"group.id", "billing"},
       {"client.id", "c-1"},
       {"group.instance.id", "host-7"},
       {"auto.offset.reset", "earliest"},
       {"enable.auto.commit", "false"},
       {"auto.commit.interval.ms", "100"},
       {"session.timeout.ms", "10000"},
       {"heartbeat.interval.ms", "500"},
       {"max.poll.interval.ms", "20000"},
       {"max.poll.records", "7"},
       {"fetch.min.bytes", "10"},
       {"fetch.max.wait.ms", "50"},
       {"fetch.max.bytes", "1000000"},
       {"max.partition.fetch.bytes", "65536"},
       {"partition.assignment.strategy", "roundrobin, org.apache.kafka.clients.consumer."
                                         "CooperativeStickyAssignor"},
       {"isolation.level", "read_committed"},
       {"metadata.max.age.ms", "1000"}});
  INFO((c ? "" : c.err().to_string()));
  REQUIRE(c);
  CHECK(c->group_id == "billing");
  CHECK(c->client_id == "c-1");
  CHECK(c->group_instance_id == "host-7");
  CHECK(c->auto_offset_reset == offset_reset::earliest);
  CHECK_FALSE(c->enable_auto_commit);
  CHECK(c->auto_commit_interval_ms == 100);
  CHECK(c->session_timeout_ms == 10000);
  CHECK(c->heartbeat_interval_ms == 500);
  CHECK(c->max_poll_interval_ms == 20000);
  CHECK(c->max_poll_records == 7);
  CHECK(c->fetch_min_bytes == 10);
  CHECK(c->fetch_max_wait_ms == 50);
  CHECK(c->fetch_max_bytes == 1000000);
  CHECK(c->max_partition_fetch_bytes == 65536);
  CHECK(c->partition_assignment_strategy ==
        std::vector<std::string>{"roundrobin",
                                 "org.apache.kafka.clients.consumer.CooperativeStickyAssignor"});
  CHECK(c->isolation_level == isolation_level::read_committed);
  CHECK(c->metadata_max_age_ms == 1000);
}

TEST_CASE("consumer config errors name the key and the value", "[consumer]") {
  auto bad = consumer_config::from_map({{"max.poll.records", "lots"}});
  REQUIRE_FALSE(bad);
  CHECK(bad.err().code == kafka_error::invalid_config);
  CHECK(bad.err().message.find("max.poll.records='lots'") != std::string::npos);

  auto reset = consumer_config::from_map({{"auto.offset.reset", "smallest"}});
  REQUIRE_FALSE(reset);
  CHECK(reset.err().message.find("earliest, latest or none") != std::string::npos);

  auto unknown = consumer_config::from_map({{"max.poll.recrds", "5"}});
  REQUIRE_FALSE(unknown);
  CHECK(unknown.err().message.find("did you mean 'max.poll.records'") != std::string::npos);

  auto negative = consumer_config::from_map({{"fetch.max.wait.ms", "-1"}});
  REQUIRE_FALSE(negative);
  CHECK(negative.err().message.find("fetch.max.wait.ms") != std::string::npos);
}

TEST_CASE("consumer config checks settings against each other", "[consumer]") {
  auto slow_heartbeat = consumer_config::from_map(
      {{"session.timeout.ms", "6000"}, {"heartbeat.interval.ms", "6000"}});
  REQUIRE_FALSE(slow_heartbeat);
  CHECK(slow_heartbeat.err().message.find("heartbeat.interval.ms") != std::string::npos);

  auto assignor = consumer_config::from_map({{"partition.assignment.strategy", "range,sticky2"}});
  REQUIRE_FALSE(assignor);
  CHECK(assignor.err().message.find("sticky2") != std::string::npos);

  auto instance = consumer_config::from_map({{"group.instance.id", "x"}});
  REQUIRE_FALSE(instance);
  CHECK(instance.err().message.find("group.id") != std::string::npos);
}

TEST_CASE("a consumer is created from Kafka-style keys", "[consumer]") {
  client_test::test_node n;
  auto conn = n.connect("embedded");
  auto c = consumer::create(conn, {{"group.id", "g"}, {"max.poll.records", "3"}});
  REQUIRE(c);
  REQUIRE(c->close());
  auto bad = consumer::create(conn, {{"group.id", "g"}, {"session.timeout.ms", "soon"}});
  REQUIRE_FALSE(bad);
  CHECK(bad.err().message.find("session.timeout.ms='soon'") != std::string::npos);
}
