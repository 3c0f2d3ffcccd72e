// admin against a real node, the same body on both transports: topics, partitions, configs,
// offsets, records, groups and the cluster, including the per-item errors users see.

#include "connection_test_support.hpp"

#include "tributary/client/admin.hpp"
#include "tributary/client/consumer_protocol.hpp"
#include "tributary/client/producer.hpp"

#include <algorithm>

using namespace tributary::client;
using client_test::test_node;
using tributary::protocol::kafka_error;

namespace {

void produce(const connection& conn, const std::string& topic, int32_t partition, int n,
             int64_t timestamp = -1) {
  auto p = producer::create(conn, {{"linger.ms", "0"}});
  REQUIRE(p);
  for (int i = 0; i < n; ++i)
    p->send({topic, partition, std::nullopt, "v" + std::to_string(i), {}, timestamp}, {});
  REQUIRE(p->flush(std::chrono::seconds(30)));
  REQUIRE(p->metrics().records_sent == static_cast<uint64_t>(n));
}

} // namespace

TEST_CASE("admin creates, lists, describes, grows and deletes topics", "[admin]") {
  auto transport = GENERATE(std::string("embedded"), std::string("remote"));
  SECTION(transport) {
    test_node n;
    auto conn = n.connect(transport);
    auto a = admin::create(conn);
    REQUIRE(a);
    auto created = a->create_topics({{"alpha", 3, -1, {{"retention.ms", "3600000"}}},
                                     {"beta", 1, -1, {}},
                                     {"bad", 1, -1, {{"retention.ms", "soon"}}},
                                     {"in valid", 1, -1, {}}});
    REQUIRE(created);
    REQUIRE(created->size() == 4);
    std::map<std::string, topic_result> by_name;
    for (auto& r : *created)
      by_name[r.name] = r;
    CHECK(by_name["alpha"].ok());
    CHECK(by_name["alpha"].partitions == 3);
    CHECK(by_name["beta"].ok());
    CHECK(by_name["bad"].err.code == kafka_error::invalid_config);
    CHECK(by_name["bad"].err.message.find("retention.ms") != std::string::npos);
    CHECK(by_name["in valid"].err.code == kafka_error::invalid_topic_exception);

    auto again = a->create_topics({{"alpha", 3, -1, {}}});
    REQUIRE(again);
    CHECK((*again)[0].err.code == kafka_error::topic_already_exists);
    auto dry = a->create_topics({{"gamma", 2, -1, {}}}, true);
    REQUIRE(dry);
    CHECK((*dry)[0].ok());

    auto names = a->list_topics();
    REQUIRE(names);
    CHECK(*names == std::vector<std::string>{"alpha", "beta"}); // validate_only made nothing

    produce(conn, "alpha", 1, 7);
    auto described = a->describe_topics({"alpha", "nope"});
    REQUIRE(described);
    REQUIRE(described->size() == 2);
    auto& alpha = (*described)[0].name == "alpha" ? (*described)[0] : (*described)[1];
    auto& nope = (*described)[0].name == "nope" ? (*described)[0] : (*described)[1];
    CHECK(alpha.ok());
    REQUIRE(alpha.partitions.size() == 3);
    CHECK(alpha.partitions[1].partition == 1);
    CHECK(alpha.partitions[1].high_watermark == 7);
    CHECK(alpha.partitions[1].log_end_offset == 7);
    CHECK(alpha.partitions[0].high_watermark == 0);
    CHECK(alpha.partitions[1].leader == 0);
    CHECK(nope.err.code == kafka_error::unknown_topic_or_partition);

    auto grown = a->create_partitions({{"alpha", 5}, {"beta", 1}});
    REQUIRE(grown);
    for (auto& r : *grown) {
      if (r.name == "alpha")
        CHECK(r.ok());
      else
        CHECK(r.err.code == kafka_error::invalid_partitions); // not an increase
    }
    auto after = a->describe_topics({"alpha"});
    REQUIRE(after);
    CHECK((*after)[0].partitions.size() == 5);

    auto deleted = a->delete_topics({"beta", "missing"});
    REQUIRE(deleted);
    for (auto& r : *deleted) {
      if (r.name == "beta")
        CHECK(r.ok());
      else
        CHECK(r.err.code == kafka_error::unknown_topic_or_partition);
    }
    auto left = a->list_topics();
    REQUIRE(left);
    CHECK(*left == std::vector<std::string>{"alpha"});
  }
}

TEST_CASE("admin describes and alters topic configs", "[admin]") {
  auto transport = GENERATE(std::string("embedded"), std::string("remote"));
  SECTION(transport) {
    test_node n;
    auto conn = n.connect(transport);
    auto a = admin::create(conn);
    REQUIRE(a);
    REQUIRE((*a->create_topics({{"conf", 1, -1, {}}}))[0].ok());
    config_resource res{config_resource_type::topic, "conf"};
    auto altered = a->alter_configs({{res, {{"retention.ms", config_op::set, "7200000"}}}});
    REQUIRE(altered);
    REQUIRE(altered->size() == 1);
    INFO((*altered)[0].err.to_string());
    CHECK((*altered)[0].ok());
    auto described = a->describe_configs({res});
    REQUIRE(described);
    REQUIRE(described->size() == 1);
    auto* retention = (*described)[0].find("retention.ms");
    REQUIRE(retention);
    CHECK(retention->value == "7200000");
    CHECK(retention->source == config_source::dynamic_topic);
    auto bad = a->alter_configs({{res, {{"retention.ms", config_op::set, "forever"}}}});
    REQUIRE(bad);
    CHECK((*bad)[0].err.code == kafka_error::invalid_config);
    auto removed = a->alter_configs({{res, {{"retention.ms", config_op::remove, ""}}}});
    REQUIRE(removed);
    CHECK((*removed)[0].ok());
    auto again = a->describe_configs({res});
    REQUIRE(again);
    CHECK((*again)[0].find("retention.ms")->source != config_source::dynamic_topic);
  }
}

TEST_CASE("admin lists offsets, deletes records and manages group offsets", "[admin]") {
  auto transport = GENERATE(std::string("embedded"), std::string("remote"));
  SECTION(transport) {
    test_node n;
    auto conn = n.connect(transport);
    auto a = admin::create(conn);
    REQUIRE(a);
    REQUIRE((*a->create_topics({{"events", 2, -1, {}}}))[0].ok());
    produce(conn, "events", 0, 10, 1000);
    produce(conn, "events", 1, 4, 5000);
    topic_partition p0{"events", 0}, p1{"events", 1};

    auto latest = a->list_offsets({{p0, offset_spec::to_latest()}, {p1, offset_spec::to_latest()}});
    REQUIRE(latest);
    for (auto& l : *latest)
      CHECK(l.offset == (l.tp == p0 ? 10 : 4));
    auto by_time = a->list_offsets({{p1, offset_spec::to_timestamp(4000)}});
    REQUIRE(by_time);
    CHECK((*by_time)[0].offset == 0);

    auto trimmed = a->delete_records({{p0, 3}});
    REQUIRE(trimmed);
    REQUIRE(trimmed->size() == 1);
    CHECK((*trimmed)[0].ok());
    CHECK((*trimmed)[0].low_watermark == 3);
    auto earliest = a->list_offsets({{p0, offset_spec::to_earliest()}});
    REQUIRE(earliest);
    CHECK((*earliest)[0].offset == 3);

    // An empty group takes an admin commit (generation -1).
    auto committed = a->alter_consumer_group_offsets("readers", {{p0, {5, -1, "by admin"}}});
    REQUIRE(committed);
    REQUIRE(committed->size() == 1);
    INFO((*committed)[0].err.to_string());
    CHECK((*committed)[0].ok());
    auto offsets = a->list_consumer_group_offsets("readers");
    REQUIRE(offsets);
    REQUIRE(offsets->count(p0) == 1);
    CHECK((*offsets)[p0].offset == 5);
    CHECK((*offsets)[p0].metadata == "by admin");

    auto to_earliest =
        a->reset_consumer_group_offsets("readers", {"events"}, offset_spec::to_earliest());
    REQUIRE(to_earliest);
    CHECK((*to_earliest)[p0] == 3);
    CHECK((*to_earliest)[p1] == 0);
    auto to_offset =
        a->reset_consumer_group_offsets("readers", {"events"}, offset_spec::to_offset(8));
    REQUIRE(to_offset);
    CHECK((*to_offset)[p0] == 8);
    CHECK((*to_offset)[p1] == 4); // clamped to the end of the log
    auto to_latest =
        a->reset_consumer_group_offsets("readers", {"events"}, offset_spec::to_latest());
    REQUIRE(to_latest);
    CHECK((*to_latest)[p0] == 10);
    auto final_offsets = a->list_consumer_group_offsets("readers", {p0, p1});
    REQUIRE(final_offsets);
    CHECK((*final_offsets)[p1].offset == 4);

    auto groups = a->list_groups();
    REQUIRE(groups);
    REQUIRE(std::any_of(groups->begin(), groups->end(),
                        [](auto& g) { return g.group_id == "readers"; }));
    auto described = a->describe_groups({"readers"});
    REQUIRE(described);
    REQUIRE(described->size() == 1);
    CHECK((*described)[0].state == "Empty");
    CHECK((*described)[0].members.empty());

    auto deleted = a->delete_groups({"readers", "strangers"});
    REQUIRE(deleted);
    for (auto& g : *deleted) {
      if (g.group_id == "readers")
        CHECK(g.ok());
      else
        CHECK(g.err.code == kafka_error::group_id_not_found);
    }
    auto gone = a->list_consumer_group_offsets("readers");
    REQUIRE(gone);
    CHECK(gone->empty());
  }
}

TEST_CASE("admin describes the cluster and its actors", "[admin]") {
  auto transport = GENERATE(std::string("embedded"), std::string("remote"));
  SECTION(transport) {
    test_node n;
    auto conn = n.connect(transport);
    auto a = admin::create(conn);
    REQUIRE(a);
    REQUIRE((*a->create_topics({{"t", 2, -1, {}}}))[0].ok());
    auto cluster = a->describe_cluster();
    REQUIRE(cluster);
    CHECK(cluster->cluster_id == n.node->cluster_id());
    REQUIRE(cluster->nodes.size() == 1);
    CHECK(cluster->nodes[0].native_port == n.node->native_port());
    CHECK(cluster->topic_count == 1);
    CHECK(cluster->partition_count == 2);
    // Partition actors register with the inspector asynchronously, and one that is busy can
    // miss a snapshot's deadline (counted as unanswered): ask again, a bounded number of times.
    long partitions = 0;
    for (int attempt = 0; attempt < 50 && partitions != 2; ++attempt) {
      auto actors = a->describe_actors();
      REQUIRE(actors);
      partitions = std::count_if(actors->actors.begin(), actors->actors.end(),
                                 [](auto& x) { return x.kind == "partition"; });
    }
    CHECK(partitions == 2);
    auto only = a->describe_actors("broker");
    REQUIRE(only);
    REQUIRE_FALSE(only->actors.empty());
    for (auto& x : only->actors)
      CHECK(x.kind == "broker");
  }
}

TEST_CASE("admin config errors name the key", "[admin]") {
  auto unknown = admin::create({{"bootstrap.servers", "127.0.0.1:1"}, {"retries", "3"}});
  REQUIRE_FALSE(unknown);
  CHECK(unknown.err().code == kafka_error::invalid_config);
  CHECK(unknown.err().message.find("'retries'") != std::string::npos);
  auto missing = admin::create({{"client.id", "x"}});
  REQUIRE_FALSE(missing);
  CHECK(missing.err().message.find("bootstrap.servers is missing") != std::string::npos);
  auto bad = admin::create({{"bootstrap.servers", "x:1"}, {"request.timeout.ms", "soon"}});
  REQUIRE_FALSE(bad);
  CHECK(bad.err().message ==
        "admin config request.timeout.ms='soon' is invalid: expected a positive integer "
        "(milliseconds)");
}

TEST_CASE("admin refuses to alter the offsets of a group with active members", "[admin]") {
  auto transport = GENERATE(std::string("embedded"), std::string("remote"));
  SECTION(transport) {
    test_node n;
    auto conn = n.connect(transport);
    auto a = admin::create(conn);
    REQUIRE(a);
    REQUIRE((*a->create_topics({{"busy-topic", 1, -1, {}}}))[0].ok());
    // A member joins the way a consumer does (JoinGroup with a ConsumerProtocol subscription).
    namespace ta = tributary::actors;
    ta::join_group_request join;
    join.group_id = "busy";
    join.session_timeout_ms = 30000;
    join.rebalance_timeout_ms = 5000;
    join.protocol_type = "consumer";
    member_subscription sub;
    sub.topics = {"busy-topic"};
    join.protocols.push_back({"range", encode_subscription(sub)});
    auto joined = blocking_request<ta::join_group_response>(conn, join, std::chrono::seconds(20));
    REQUIRE(joined);
    INFO(joined->error_message);
    REQUIRE(joined->error == 0);
    auto refused = a->alter_consumer_group_offsets("busy", {{{"busy-topic", 0}, {1, -1, ""}}});
    REQUIRE_FALSE(refused);
    CHECK(refused.err().code == kafka_error::unknown_member_id);
    CHECK(refused.err().message.find("group 'busy' has 1 active member(s)") != std::string::npos);
    auto described = a->describe_groups({"busy"});
    REQUIRE(described);
    REQUIRE((*described)[0].members.size() == 1);
    CHECK((*described)[0].members[0].member_id == joined->member_id);
  }
}
