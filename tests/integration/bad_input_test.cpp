// Bad input gets a clear error naming what was wrong, and the node keeps serving: unknown
// topic and partition, a record over max.message.bytes, invalid topic configs, and a commit
// with a wrong group generation through the client's connection to the broker.

#include "itest.hpp"

#include "tributary/actors/broker_actor.hpp"
#include "tributary/client/consumer.hpp"

#include <caf/all.hpp>
#include <catch2/catch.hpp>

using namespace tributary;
using namespace tributary::itest;

namespace {

/// Proof the node still works: a produce and a consume of one record through trib.
void check_still_serving(const node_process& node, const temp_dir& scratch,
                         const std::string& marker) {
  auto produced = trib(node, {"produce", "alive"}, scratch, marker + "\n");
  INFO(describe(produced));
  REQUIRE(produced.exit_code == 0);
  auto consumed =
      trib(node, {"consume", "alive", "--from-beginning", "-e", "-f", "%s\\n"}, scratch);
  REQUIRE(consumed.exit_code == 0);
  CHECK(contains(consumed.out, marker));
}

} // namespace

TEST_CASE("bad requests get clear errors and the node keeps serving", "[integration][errors]") {
  temp_dir scratch;
  node_process node(scratch);
  node.start();
  REQUIRE(trib(node, {"topic", "create", "alive"}, scratch).exit_code == 0);
  REQUIRE(
      trib(node,
           {"topic", "create", "small", "--partitions", "2", "--config", "max.message.bytes=1000"},
           scratch)
          .exit_code == 0);

  SECTION("unknown topic") {
    auto r = trib(node, {"consume", "ghost", "--count", "1"}, scratch);
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "UNKNOWN_TOPIC_OR_PARTITION"));
    CHECK(contains(r.err, "'ghost'"));
  }
  SECTION("unknown partition") {
    auto consume = trib(node, {"consume", "small", "-p", "7", "--count", "1"}, scratch);
    CHECK(consume.exit_code == 1);
    CHECK(contains(consume.err, "partition 7"));
    auto produce = trib(node, {"produce", "small", "-p", "7"}, scratch, "x\n");
    INFO(describe(produce));
    CHECK(produce.exit_code == 1);
    CHECK(contains(produce.err, "UNKNOWN_TOPIC_OR_PARTITION"));
  }
  SECTION("record over max.message.bytes") {
    auto r = trib(node, {"produce", "small"}, scratch, std::string(5000, 'x') + "\n");
    INFO(describe(r));
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "MESSAGE_TOO_LARGE"));
    CHECK(contains(r.err, "max.message.bytes"));
    CHECK(contains(r.err, "line 1"));
  }
  SECTION("invalid topic config") {
    auto create = trib(node, {"topic", "create", "bad", "--config", "retention.ms=soon"}, scratch);
    CHECK(create.exit_code == 1);
    CHECK(contains(create.err, "INVALID_CONFIG"));
    CHECK(contains(create.err, "retention.ms"));
    auto alter = trib(node, {"topic", "alter-config", "small", "--set", "cleanup.policy=sometimes"},
                      scratch);
    CHECK(alter.exit_code == 1);
    CHECK(contains(alter.err, "cleanup.policy"));
    auto unknown_key =
        trib(node, {"topic", "alter-config", "small", "--set", "no.such.key=1"}, scratch);
    CHECK(unknown_key.exit_code == 1);
    CHECK(contains(unknown_key.err, "no.such.key"));
  }
  SECTION("commit with a wrong group generation") {
    auto conn = client::connection::remote("127.0.0.1", node.port());
    REQUIRE(conn);
    client::consumer_config config;
    config.group_id = "gen";
    config.session_timeout_ms = 6000;
    config.heartbeat_interval_ms = 500;
    auto c = client::consumer::create(*conn, config);
    REQUIRE(c);
    REQUIRE(c->subscribe({"small"}));
    REQUIRE(wait_until([&] {
      auto batch = c->poll(std::chrono::milliseconds(50));
      REQUIRE(batch);
      return !c->assignment().empty();
    }));
    actors::offset_commit_request request;
    request.group_id = "gen";
    request.member_id = c->member_id();
    request.generation_id = c->generation_id() + 7;
    request.partitions.push_back({"small", 0, 1, -1, ""});
    caf::scoped_actor self{conn->system()};
    int16_t error = 0;
    std::string message;
    self->request(conn->broker(), std::chrono::seconds(10), request)
        .receive(
            [&](const actors::offset_commit_response& r) {
              REQUIRE(r.partitions.size() == 1);
              error = r.partitions[0].error;
              message = r.partitions[0].error_message;
            },
            [&](const caf::error& e) { FAIL("commit request failed: " << to_string(e)); });
    CHECK(error == static_cast<int16_t>(protocol::kafka_error::illegal_generation));
    INFO(message);
    // The member itself is unaffected: its own commit with the right generation works.
    CHECK(c->commit_sync());
    REQUIRE(c->close(std::chrono::seconds(10)));
  }
  check_still_serving(node, scratch, "still-here");
}
