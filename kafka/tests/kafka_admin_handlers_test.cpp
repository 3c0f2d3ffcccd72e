// The topic, records and cluster admin handlers end to end: requests encoded with the
// generated codec over a plain TCP socket to a real kafka_listener in front of a real node,
// at every served version, with the refusals each handler makes. The last test puts the
// listener in front of a broker that is gone, so every handler's failure path answers.
#include "kafka_admin_test_support.hpp"

#include "tributary/protocol/kafka/create_partitions.hpp"
#include "tributary/protocol/kafka/delete_records.hpp"
#include "tributary/protocol/kafka/delete_topics.hpp"
#include "tributary/protocol/kafka/describe_cluster.hpp"
#include "tributary/protocol/kafka/describe_producers.hpp"
#include "tributary/protocol/kafka/init_producer_id.hpp"

#include "caf/actor_cast.hpp"
#include "caf/actor_system_config.hpp"
#include "caf/event_based_actor.hpp"

#include <limits>
#include <set>

using namespace kafka_admin_test;

namespace {

bool has_text(const std::optional<std::string>& message, const std::string& part) {
  return message && message->find(part) != std::string::npos;
}

pk::create_topics_response create_one(kafka_client& c, create_topic t, int16_t version,
                                      bool validate_only = false) {
  pk::create_topics_request req;
  req.topics.push_back(std::move(t));
  req.timeout_ms = 10000;
  req.validate_only = validate_only;
  auto resp = c.call<pk::create_topics_response>(req, version);
  REQUIRE(resp.topics.size() == 1);
  return resp;
}

create_topic assigned(const std::string& name, std::vector<std::vector<int32_t>> replicas) {
  create_topic t;
  t.name = name;
  t.num_partitions = -1;
  t.replication_factor = -1;
  for (size_t p = 0; p < replicas.size(); ++p) {
    pk::create_topics_request::creatable_replica_assignment a;
    a.partition_index = static_cast<int32_t>(p);
    a.broker_ids = replicas[p];
    t.assignments.push_back(a);
  }
  return t;
}

pk::create_partitions_response
grow(kafka_client& c, const std::string& topic, int32_t count, int16_t version,
     std::optional<std::vector<std::vector<int32_t>>> assignments = std::nullopt,
     bool validate_only = false) {
  pk::create_partitions_request req;
  auto& t = req.topics.emplace_back();
  t.name = topic;
  t.count = count;
  t.assignments = std::nullopt;
  if (assignments) {
    t.assignments.emplace();
    for (auto& ids : *assignments)
      t.assignments->push_back({ids});
  }
  req.timeout_ms = 10000;
  req.validate_only = validate_only;
  auto resp = c.call<pk::create_partitions_response>(req, version);
  REQUIRE(resp.results.size() == 1);
  return resp;
}

pk::delete_records_response trim(kafka_client& c, const std::string& topic, int32_t partition,
                                 int64_t offset, int16_t version) {
  pk::delete_records_request req;
  auto& t = req.topics.emplace_back();
  t.name = topic;
  t.partitions.push_back({partition, offset});
  req.timeout_ms = 10000;
  auto resp = c.call<pk::delete_records_response>(req, version);
  REQUIRE(resp.topics.size() == 1);
  REQUIRE(resp.topics[0].partitions.size() == 1);
  return resp;
}

} // namespace

TEST_CASE("CreateTopics creates at every version and answers what was created", "[kafka-admin]") {
  kafka_node n;
  kafka_client c(n.port);
  for (int16_t v = 0; v <= 7; ++v) {
    INFO("CreateTopics v" << v);
    auto name = "created-v" + std::to_string(v);
    auto resp = create_one(c, new_topic(name, 2, {{"retention.ms", "3600000"}}), v);
    const auto& t = resp.topics[0];
    CHECK(t.name == name);
    REQUIRE(t.error_code == 0);
    if (v >= 1) // v0 has no error_message: it decodes as the schema's default
      CHECK(!t.error_message);
    CHECK(partition_count(c, name) == 2);
    if (v >= 5) {
      CHECK(t.num_partitions == 2);
      CHECK(t.replication_factor == 1);
      CHECK(t.topic_config_error_code == 0);
      REQUIRE(t.configs);
      std::map<std::string, pk::create_topics_response::creatable_topic_configs> by_name;
      for (const auto& e : *t.configs)
        by_name[e.name] = e;
      REQUIRE(by_name.count("retention.ms") == 1);
      CHECK(by_name["retention.ms"].value == std::optional<std::string>("3600000"));
      CHECK(by_name["retention.ms"].config_source == 1);
      // Every config, not just the override: the defaults come with their own source.
      REQUIRE(by_name.count("cleanup.policy") == 1);
      CHECK(by_name["cleanup.policy"].config_source != 1);
    }
    CHECK((v >= 7) == (t.topic_id != pk::uuid{}));
  }
  SECTION("-1 means the broker's defaults") {
    auto t = new_topic("defaults", -1);
    t.replication_factor = -1;
    auto resp = create_one(c, t, 5);
    REQUIRE(resp.topics[0].error_code == 0);
    CHECK(resp.topics[0].num_partitions == 1);
    CHECK(resp.topics[0].replication_factor == 1);
    CHECK(partition_count(c, "defaults") == 1);
  }
  SECTION("validate_only creates nothing") {
    auto resp = create_one(c, new_topic("dry-run", 4), 5, true);
    REQUIRE(resp.topics[0].error_code == 0);
    CHECK(resp.topics[0].num_partitions == 4);
    CHECK(partition_count(c, "dry-run") == -1);
  }
  SECTION("replica assignments that are exactly this node") {
    auto resp = create_one(c, assigned("placed", {{0}, {0}, {0}}), 7);
    REQUIRE(resp.topics[0].error_code == 0);
    CHECK(resp.topics[0].num_partitions == 3);
    CHECK(partition_count(c, "placed") == 3);
  }
}

TEST_CASE("CreateTopics refuses per topic with Kafka's codes and a sentence", "[kafka-admin]") {
  kafka_node n;
  kafka_client c(n.port);
  create_topics(c, {new_topic("taken")});
  struct refusal_case {
    const char* what;
    create_topic topic;
    kafka_error error;
    const char* says;
  };
  auto both = assigned("both", {{0}});
  both.num_partitions = 1;
  auto gap = assigned("gap", {{0}, {0}});
  gap.assignments[1].partition_index = 2;
  auto null_config = new_topic("null-config");
  null_config.configs.push_back({"retention.ms", std::nullopt});
  std::vector<refusal_case> cases = {
      {"exists", new_topic("taken"), kafka_error::topic_already_exists, "taken"},
      {"replication 3", new_topic("rf3"), kafka_error::invalid_replication_factor, "rf3"},
      {"another node", assigned("elsewhere", {{0}, {7}}), kafka_error::invalid_request, "[7]"},
      {"two nodes", assigned("pair", {{0, 1}}), kafka_error::invalid_request, "[0,1]"},
      {"counts and assignments", both, kafka_error::invalid_request, "-1"},
      {"partition gap", gap, kafka_error::invalid_replica_assignment, "got 2"},
      {"null config", null_config, kafka_error::invalid_config, "retention.ms"},
      {"bad config", new_topic("bad-config", 1, {{"retention.ms", "soon"}}),
       kafka_error::invalid_config, "retention.ms"},
      {"bad name", new_topic("no/slashes"), kafka_error::invalid_topic_exception, ""},
  };
  cases[1].topic.replication_factor = 3;
  for (auto& rc : cases) {
    INFO(rc.what);
    auto resp = create_one(c, rc.topic, 7);
    CHECK(resp.topics[0].error_code == code(rc.error));
    CHECK(has_text(resp.topics[0].error_message, rc.says));
    CHECK(resp.topics[0].num_partitions == -1);
  }
  CHECK(partition_count(c, "elsewhere") == -1);
  SECTION("a name listed twice is refused both times and not created") {
    pk::create_topics_request req;
    req.topics = {new_topic("twice"), new_topic("twice", 2), new_topic("once")};
    auto resp = c.call<pk::create_topics_response>(req, 4);
    REQUIRE(resp.topics.size() == 3);
    CHECK(resp.topics[0].error_code == code(kafka_error::invalid_request));
    CHECK(resp.topics[1].error_code == code(kafka_error::invalid_request));
    CHECK(resp.topics[2].error_code == 0);
    CHECK(partition_count(c, "twice") == -1);
  }
  SECTION("v0 has no message, only the code") {
    auto resp = create_one(c, new_topic("taken"), 0);
    CHECK(resp.topics[0].error_code == code(kafka_error::topic_already_exists));
  }
}

TEST_CASE("DeleteTopics deletes by name and names what it cannot delete", "[kafka-admin]") {
  kafka_node n;
  kafka_client c(n.port);
  for (int16_t v = 0; v <= 5; ++v) {
    INFO("DeleteTopics v" << v);
    auto name = "doomed-v" + std::to_string(v);
    create_topics(c, {new_topic(name, 2)});
    pk::delete_topics_request req;
    req.topic_names = {name, "never-was"};
    req.timeout_ms = 10000;
    auto resp = c.call<pk::delete_topics_response>(req, v);
    REQUIRE(resp.responses.size() == 2);
    CHECK(resp.responses[0].name == name);
    CHECK(resp.responses[0].error_code == 0);
    CHECK(!resp.responses[0].error_message);
    CHECK(resp.responses[1].error_code == code(kafka_error::unknown_topic_or_partition));
    if (v >= 5)
      CHECK(has_text(resp.responses[1].error_message, "never-was"));
    CHECK(topic_describe_error(c, name) == code(kafka_error::unknown_topic_or_partition));
  }
  pk::delete_topics_request none;
  CHECK(c.call<pk::delete_topics_response>(none, 5).responses.empty());
}

TEST_CASE("CreatePartitions grows topics and keeps Kafka's assignment rules", "[kafka-admin]") {
  kafka_node n;
  kafka_client c(n.port);
  create_topics(c, {new_topic("grow")});
  auto ok = [](const pk::create_partitions_response& r) {
    INFO(r.results[0].error_message.value_or(""));
    CHECK(r.results[0].name == "grow");
    CHECK(!r.results[0].error_message);
    return r.results[0].error_code == 0;
  };
  CHECK(ok(grow(c, "grow", 2, 0)));
  CHECK(partition_count(c, "grow") == 2);
  CHECK(ok(grow(c, "grow", 5, 1, std::nullopt, true))); // validate only
  CHECK(partition_count(c, "grow") == 2);
  CHECK(ok(grow(c, "grow", 3, 2, std::vector<std::vector<int32_t>>{{0}})));
  CHECK(partition_count(c, "grow") == 3);

  auto elsewhere = grow(c, "grow", 4, 3, std::vector<std::vector<int32_t>>{{7}});
  CHECK(elsewhere.results[0].error_code == code(kafka_error::invalid_request));
  CHECK(has_text(elsewhere.results[0].error_message, "[7]"));
  auto short_list = grow(c, "grow", 5, 3, std::vector<std::vector<int32_t>>{{0}});
  CHECK(short_list.results[0].error_code == code(kafka_error::invalid_replica_assignment));
  CHECK(has_text(short_list.results[0].error_message, "needs 2 assignments"));
  auto shrink = grow(c, "grow", 2, 3);
  CHECK(shrink.results[0].error_code == code(kafka_error::invalid_partitions));
  CHECK(has_text(shrink.results[0].error_message, "grow"));
  auto unknown = grow(c, "nowhere", 2, 3, std::vector<std::vector<int32_t>>{{0}});
  CHECK(unknown.results[0].error_code == code(kafka_error::unknown_topic_or_partition));
  CHECK(partition_count(c, "grow") == 3);

  pk::create_partitions_request twice;
  twice.topics = {{"grow", 6, std::nullopt}, {"grow", 7, std::nullopt}};
  twice.timeout_ms = 10000;
  auto resp = c.call<pk::create_partitions_response>(twice, 3);
  REQUIRE(resp.results.size() == 2);
  CHECK(resp.results[0].error_code == code(kafka_error::invalid_request));
  CHECK(resp.results[1].error_code == code(kafka_error::invalid_request));
  CHECK(partition_count(c, "grow") == 3);
}

TEST_CASE("DeleteRecords moves the log start per partition", "[kafka-admin]") {
  kafka_node n;
  kafka_client c(n.port);
  create_topics(c, {new_topic("trim", 2)});
  n.produce("trim", 0, 10);
  auto first = trim(c, "trim", 0, 4, 0);
  CHECK(first.topics[0].name == "trim");
  CHECK(first.topics[0].partitions[0].partition_index == 0);
  CHECK(first.topics[0].partitions[0].error_code == 0);
  CHECK(first.topics[0].partitions[0].low_watermark == 4);
  auto all = trim(c, "trim", 0, -1, 1); // -1: up to the high watermark
  CHECK(all.topics[0].partitions[0].error_code == 0);
  CHECK(all.topics[0].partitions[0].low_watermark == 10);
  auto past = trim(c, "trim", 0, 99, 2);
  CHECK(past.topics[0].partitions[0].error_code == code(kafka_error::offset_out_of_range));
  CHECK(past.topics[0].partitions[0].low_watermark == -1);
  auto missing = trim(c, "trim", 7, 0, 2);
  CHECK(missing.topics[0].partitions[0].error_code ==
        code(kafka_error::unknown_topic_or_partition));
  auto unknown = trim(c, "nowhere", 0, 0, 2);
  CHECK(unknown.topics[0].partitions[0].error_code ==
        code(kafka_error::unknown_topic_or_partition));
}

TEST_CASE("InitProducerId hands out ids and refuses what Kafka refuses", "[kafka-admin]") {
  kafka_node n;
  kafka_client c(n.port);
  std::set<int64_t> ids;
  for (int16_t v = 0; v <= 4; ++v) {
    INFO("InitProducerId v" << v);
    pk::init_producer_id_request req;
    req.transactional_id = std::nullopt;
    req.transaction_timeout_ms = 60000;
    auto resp = c.call<pk::init_producer_id_response>(req, v);
    CHECK(resp.error_code == 0);
    CHECK(resp.producer_id >= 0);
    CHECK(resp.producer_epoch == 0);
    ids.insert(resp.producer_id);
  }
  CHECK(ids.size() == 5);
  pk::init_producer_id_request empty;
  empty.transactional_id = std::string{};
  empty.transaction_timeout_ms = 60000;
  auto refused = c.call<pk::init_producer_id_response>(empty, 4);
  CHECK(refused.error_code == code(kafka_error::invalid_request));
  CHECK(refused.producer_id == -1);
  CHECK(refused.producer_epoch == -1);
  pk::init_producer_id_request no_timeout;
  no_timeout.transactional_id = std::string{"tx-1"};
  no_timeout.transaction_timeout_ms = 0;
  auto bad = c.call<pk::init_producer_id_response>(no_timeout, 2);
  CHECK(bad.error_code == code(kafka_error::invalid_transaction_timeout));
  CHECK(bad.producer_id == -1);
}

TEST_CASE("DescribeCluster lists this node where the listener advertises it", "[kafka-admin]") {
  kafka_node n;
  kafka_client c(n.port);
  for (int16_t v = 0; v <= 1; ++v) {
    INFO("DescribeCluster v" << v);
    pk::describe_cluster_request req;
    auto resp = c.call<pk::describe_cluster_response>(req, v);
    CHECK(resp.error_code == 0);
    CHECK(resp.cluster_id == n.node->cluster_id());
    CHECK(resp.controller_id == 0);
    CHECK(resp.endpoint_type == 1);
    CHECK(resp.cluster_authorized_operations == std::numeric_limits<int32_t>::min());
    REQUIRE(resp.brokers.size() == 1);
    CHECK(resp.brokers[0].broker_id == 0);
    CHECK(resp.brokers[0].host == "127.0.0.1");
    CHECK(resp.brokers[0].port == n.port);
  }
  pk::describe_cluster_request ops;
  ops.include_cluster_authorized_operations = true;
  auto with_ops = c.call<pk::describe_cluster_response>(ops, 1);
  // DESCRIBE (8), ALTER_CONFIGS (11) and IDEMPOTENT_WRITE (12) among the seven cluster ops.
  CHECK((with_ops.cluster_authorized_operations & (1 << 8)) != 0);
  CHECK((with_ops.cluster_authorized_operations & (1 << 11)) != 0);
  CHECK((with_ops.cluster_authorized_operations & (1 << 12)) != 0);
  pk::describe_cluster_request controllers;
  controllers.endpoint_type = 2;
  auto mismatched = c.call<pk::describe_cluster_response>(controllers, 1);
  CHECK(mismatched.error_code == 114); // MISMATCHED_ENDPOINT_TYPE
  CHECK(mismatched.error_message);
  CHECK(mismatched.brokers.empty());
  controllers.endpoint_type = 9;
  CHECK(c.call<pk::describe_cluster_response>(controllers, 1).error_code == 115);
}

TEST_CASE("DescribeProducers answers per partition", "[kafka-admin]") {
  kafka_node n;
  kafka_client c(n.port);
  create_topics(c, {new_topic("produced", 2)});
  n.produce("produced", 0, 3);
  pk::describe_producers_request req;
  req.topics.push_back({"produced", {0, 1, 5}});
  req.topics.push_back({"absent", {0}});
  auto resp = c.call<pk::describe_producers_response>(req, 0);
  REQUIRE(resp.topics.size() == 2);
  REQUIRE(resp.topics[0].partitions.size() == 3);
  for (int i = 0; i < 2; ++i) {
    const auto& p = resp.topics[0].partitions[static_cast<size_t>(i)];
    CHECK(p.partition_index == i);
    CHECK(p.error_code == 0);
    CHECK(!p.error_message);
    CHECK(p.active_producers.empty()); // producer state is not queryable yet
  }
  const auto& missing = resp.topics[0].partitions[2];
  CHECK(missing.partition_index == 5);
  CHECK(missing.error_code == code(kafka_error::unknown_topic_or_partition));
  CHECK(has_text(missing.error_message, "partition 5 does not exist"));
  REQUIRE(resp.topics[1].partitions.size() == 1);
  CHECK(resp.topics[1].partitions[0].error_code == code(kafka_error::unknown_topic_or_partition));
  CHECK(partition_count(c, "absent") == -1); // asking did not create it
}

TEST_CASE("every admin handler answers when the broker is gone", "[kafka-admin]") {
  caf::actor_system_config sys_cfg;
  caf::actor_system sys{sys_cfg};
  // No behavior: terminates at once. The unused argument avoids CAF 0.17's no-argument spawn
  // path, which UBSan reports (a null tuple of arguments).
  auto gone = sys.spawn([](int) {}, 0);
  {
    caf::scoped_actor self{sys};
    self->wait_for(gone);
  }
  temp_dir dir;
  std::string why;
  auto started = tributary::kafka::kafka_listener::start(
      sys, caf::actor_cast<ta::broker_actor>(gone), listener_config(dir.path), &why);
  INFO(why);
  REQUIRE(started);
  auto listener = std::move(*started);
  {
    kafka_client c(listener->ports().at(0));
    const auto failed = code(kafka_error::unknown_server_error);
    pk::create_topics_request ct;
    ct.topics = {new_topic("a"), assigned("b", {{3}})};
    auto created = c.call<pk::create_topics_response>(ct, 7);
    CHECK(created.topics[0].error_code == failed);
    CHECK(created.topics[0].error_message);
    CHECK(created.topics[1].error_code == code(kafka_error::invalid_request)); // no broker needed
    pk::delete_topics_request dt;
    dt.topic_names = {"a"};
    CHECK(c.call<pk::delete_topics_response>(dt, 5).responses.at(0).error_code == failed);
    CHECK(grow(c, "a", 3, 3).results[0].error_code == failed);
    CHECK(grow(c, "a", 3, 3, std::vector<std::vector<int32_t>>{{0}}).results[0].error_code ==
          failed);
    auto trimmed = trim(c, "a", 0, 1, 2);
    CHECK(trimmed.topics[0].partitions[0].error_code == failed);
    CHECK(trimmed.topics[0].partitions[0].low_watermark == -1);
    CHECK(topic_describe_error(c, "a") == failed);
    pk::init_producer_id_request ip;
    ip.transactional_id = std::nullopt;
    auto pid = c.call<pk::init_producer_id_response>(ip, 4);
    CHECK(pid.error_code == failed);
    CHECK(pid.producer_id == -1);
    auto cluster = c.call<pk::describe_cluster_response>(pk::describe_cluster_request{}, 1);
    CHECK(cluster.error_code == failed);
    CHECK(cluster.error_message);
    pk::describe_producers_request dp;
    dp.topics.push_back({"a", {0}});
    auto producers = c.call<pk::describe_producers_response>(dp, 0);
    CHECK(producers.topics.at(0).partitions.at(0).error_code == failed);
  }
  listener->stop(std::chrono::seconds(2));
}
