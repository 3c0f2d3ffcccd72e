// DescribeConfigs, AlterConfigs and IncrementalAlterConfigs end to end over a plain TCP
// socket to a real kafka_listener and node, at every served version: what each version
// carries (v0 is_default, v1 synonyms and sources, v3 types and documentation), the
// replace-all semantics of AlterConfigs, the four incremental operations, and the
// per-resource refusals.
#include "kafka_admin_test_support.hpp"

#include "tributary/protocol/kafka/alter_configs.hpp"
#include "tributary/protocol/kafka/incremental_alter_configs.hpp"

using namespace kafka_admin_test;

namespace {

using described = pk::describe_configs_response::describe_configs_resource_result;

constexpr int8_t k_topic = 2;
constexpr int8_t k_broker = 4;

bool has_text(const std::optional<std::string>& message, const std::string& part) {
  return message && message->find(part) != std::string::npos;
}

pk::describe_configs_request::describe_configs_resource
resource(int8_t type, const std::string& name, std::optional<std::vector<std::string>> keys) {
  pk::describe_configs_request::describe_configs_resource r;
  r.resource_type = type;
  r.resource_name = name;
  r.configuration_keys = std::move(keys);
  return r;
}

const described* entry(const pk::describe_configs_response::describe_configs_result& r,
                       const std::string& name) {
  for (const auto& e : r.configs)
    if (e.name == name)
      return &e;
  return nullptr;
}

using alter_resource = pk::alter_configs_request::alter_configs_resource;

alter_resource replace_with(int8_t type, const std::string& name,
                            std::vector<std::pair<std::string, std::optional<std::string>>> kv) {
  alter_resource r;
  r.resource_type = type;
  r.resource_name = name;
  for (auto& [k, v] : kv)
    r.configs.push_back({k, v});
  return r;
}

pk::alter_configs_response alter(kafka_client& c, std::vector<alter_resource> resources,
                                 int16_t version, bool validate_only = false) {
  pk::alter_configs_request req;
  req.resources = std::move(resources);
  req.validate_only = validate_only;
  auto resp = c.call<pk::alter_configs_response>(req, version);
  REQUIRE(resp.responses.size() == req.resources.size());
  return resp;
}

using incremental_resource = pk::incremental_alter_configs_request::alter_configs_resource;

struct op {
  std::string name;
  int8_t operation;
  std::optional<std::string> value;
};

incremental_resource ops_on(const std::string& topic, std::vector<op> ops) {
  incremental_resource r;
  r.resource_type = k_topic;
  r.resource_name = topic;
  for (auto& o : ops)
    r.configs.push_back({o.name, o.operation, o.value});
  return r;
}

pk::incremental_alter_configs_response
incremental(kafka_client& c, std::vector<incremental_resource> resources, int16_t version) {
  pk::incremental_alter_configs_request req;
  req.resources = std::move(resources);
  auto resp = c.call<pk::incremental_alter_configs_response>(req, version);
  REQUIRE(resp.responses.size() == req.resources.size());
  return resp;
}

std::optional<std::string> value_of(kafka_client& c, const std::string& topic,
                                    const std::string& key) {
  auto all = topic_configs(c, topic);
  REQUIRE(all.count(key) == 1);
  return all[key].value;
}

} // namespace

TEST_CASE("DescribeConfigs answers what each version carries", "[kafka-admin]") {
  kafka_node n;
  kafka_client c(n.port);
  create_topics(c, {new_topic("described", 1, {{"retention.ms", "3600000"}})});
  for (int16_t v = 0; v <= 4; ++v) {
    INFO("DescribeConfigs v" << v);
    pk::describe_configs_request req;
    req.resources.push_back(
        resource(k_topic, "described", std::vector<std::string>{"retention.ms", "cleanup.policy"}));
    req.include_synonyms = true;
    req.include_documentation = true;
    auto resp = c.call<pk::describe_configs_response>(req, v);
    REQUIRE(resp.results.size() == 1);
    const auto& r = resp.results[0];
    CHECK(r.error_code == 0);
    CHECK(!r.error_message);
    CHECK(r.resource_type == k_topic);
    CHECK(r.resource_name == "described");
    REQUIRE(r.configs.size() == 2);
    const auto* retention = entry(r, "retention.ms");
    const auto* policy = entry(r, "cleanup.policy");
    REQUIRE(retention);
    REQUIRE(policy);
    CHECK(retention->value == std::optional<std::string>("3600000"));
    CHECK(policy->value == std::optional<std::string>("delete"));
    CHECK_FALSE(retention->read_only);
    if (v == 0) {
      CHECK_FALSE(retention->is_default);
      CHECK(policy->is_default);
    } else {
      CHECK(retention->config_source == 1); // DYNAMIC_TOPIC_CONFIG
      CHECK(policy->config_source == 5);    // DEFAULT_CONFIG
      REQUIRE(!retention->synonyms.empty());
      CHECK(retention->synonyms[0].name == "retention.ms");
      CHECK(retention->synonyms[0].source == 1);
    }
    if (v >= 3) {
      CHECK(retention->config_type == 5); // LONG
      CHECK(policy->config_type == 7);    // LIST
      REQUIRE(retention->documentation);
      CHECK(!retention->documentation->empty());
    }
  }
  SECTION("no documentation or synonyms unless asked") {
    pk::describe_configs_request req;
    req.resources.push_back(
        resource(k_topic, "described", std::vector<std::string>{"retention.ms"}));
    auto resp = c.call<pk::describe_configs_response>(req, 3);
    REQUIRE(resp.results.at(0).configs.size() == 1);
    CHECK(!resp.results[0].configs[0].documentation);
    CHECK(resp.results[0].configs[0].synonyms.empty());
  }
  SECTION("null and empty key lists both mean every key") {
    pk::describe_configs_request req;
    req.resources.push_back(resource(k_topic, "described", std::nullopt));
    req.resources.push_back(resource(k_topic, "described", std::vector<std::string>{}));
    auto resp = c.call<pk::describe_configs_response>(req, 1);
    REQUIRE(resp.results.size() == 2);
    CHECK(resp.results[0].configs.size() > 5);
    CHECK(resp.results[1].configs.size() == resp.results[0].configs.size());
  }
  SECTION("broker resources are this node's read-only settings") {
    pk::describe_configs_request req;
    req.resources.push_back(resource(k_broker, "0", std::nullopt));
    req.resources.push_back(resource(k_broker, "", std::nullopt));
    auto resp = c.call<pk::describe_configs_response>(req, 2);
    REQUIRE(resp.results.size() == 2);
    for (const auto& r : resp.results) {
      CHECK(r.error_code == 0);
      REQUIRE(!r.configs.empty());
      CHECK(r.configs[0].read_only);
    }
  }
  SECTION("refusals are per resource, in request order") {
    pk::describe_configs_request req;
    req.resources.push_back(resource(8, "0", std::nullopt)); // BROKER_LOGGER
    req.resources.push_back(
        resource(k_topic, "described", std::vector<std::string>{"retention.ms"}));
    req.resources.push_back(resource(k_topic, "nowhere", std::nullopt));
    req.resources.push_back(resource(k_broker, "5", std::nullopt));
    auto resp = c.call<pk::describe_configs_response>(req, 4);
    REQUIRE(resp.results.size() == 4);
    CHECK(resp.results[0].error_code == code(kafka_error::invalid_request));
    CHECK(has_text(resp.results[0].error_message, "BROKER_LOGGER"));
    CHECK(resp.results[0].resource_type == 8);
    CHECK(resp.results[1].error_code == 0);
    CHECK(resp.results[1].configs.size() == 1);
    CHECK(resp.results[2].error_code == code(kafka_error::unknown_topic_or_partition));
    CHECK(has_text(resp.results[2].error_message, "nowhere"));
    CHECK(resp.results[3].error_code == code(kafka_error::invalid_request));
  }
}

TEST_CASE("AlterConfigs replaces every override of a topic", "[kafka-admin]") {
  kafka_node n;
  kafka_client c(n.port);
  create_topics(c, {new_topic("altered")});
  auto first = alter(
      c,
      {replace_with(k_topic, "altered", {{"retention.ms", "1000"}, {"cleanup.policy", "compact"}})},
      0);
  CHECK(first.responses[0].error_code == 0);
  CHECK(first.responses[0].resource_name == "altered");
  CHECK(value_of(c, "altered", "retention.ms") == std::optional<std::string>("1000"));
  CHECK(value_of(c, "altered", "cleanup.policy") == std::optional<std::string>("compact"));

  // The new set holds only max.message.bytes: the earlier overrides are gone.
  auto second = alter(c, {replace_with(k_topic, "altered", {{"max.message.bytes", "2048"}})}, 1);
  CHECK(second.responses[0].error_code == 0);
  auto all = topic_configs(c, "altered");
  CHECK(all["max.message.bytes"].value == std::optional<std::string>("2048"));
  CHECK(all["retention.ms"].source != 1);
  CHECK(all["cleanup.policy"].value == std::optional<std::string>("delete"));

  auto dry = alter(c, {replace_with(k_topic, "altered", {{"retention.ms", "5"}})}, 2, true);
  CHECK(dry.responses[0].error_code == 0);
  CHECK(topic_configs(c, "altered")["max.message.bytes"].source == 1); // unchanged

  // A null value is "no override for this key".
  auto nulled =
      alter(c, {replace_with(k_topic, "altered", {{"max.message.bytes", std::nullopt}})}, 2);
  CHECK(nulled.responses[0].error_code == 0);
  CHECK(topic_configs(c, "altered")["max.message.bytes"].source != 1);

  SECTION("refusals") {
    auto resp = alter(c,
                      {replace_with(k_topic, "nowhere", {{"retention.ms", "1"}}),
                       replace_with(k_topic, "altered", {{"retention.ms", "soon"}}),
                       replace_with(k_broker, "0", {{"num.partitions", "3"}}),
                       replace_with(8, "0", {{"root", "DEBUG"}})},
                      2);
    CHECK(resp.responses[0].error_code == code(kafka_error::unknown_topic_or_partition));
    CHECK(resp.responses[1].error_code == code(kafka_error::invalid_config));
    CHECK(has_text(resp.responses[1].error_message, "retention.ms"));
    CHECK(resp.responses[2].error_code == code(kafka_error::invalid_request));
    CHECK(has_text(resp.responses[2].error_message, "static"));
    CHECK(resp.responses[3].error_code == code(kafka_error::invalid_request));
    CHECK(resp.responses[3].resource_type == 8);
  }
  SECTION("a resource listed twice is refused both times and nothing changes") {
    auto resp = alter(c,
                      {replace_with(k_topic, "altered", {{"retention.ms", "7"}}),
                       replace_with(k_topic, "altered", {{"retention.ms", "8"}})},
                      1);
    CHECK(resp.responses[0].error_code == code(kafka_error::invalid_request));
    CHECK(resp.responses[1].error_code == code(kafka_error::invalid_request));
    CHECK(has_text(resp.responses[0].error_message, "more than once"));
    CHECK(topic_configs(c, "altered")["retention.ms"].source != 1);
  }
}

TEST_CASE("IncrementalAlterConfigs applies SET, DELETE, APPEND and SUBTRACT", "[kafka-admin]") {
  kafka_node n;
  kafka_client c(n.port);
  create_topics(c, {new_topic("incremental")});
  auto set = incremental(c, {ops_on("incremental", {{"retention.ms", 0, "2000"}})}, 0);
  CHECK(set.responses[0].error_code == 0);
  CHECK(!set.responses[0].error_message);
  CHECK(value_of(c, "incremental", "retention.ms") == std::optional<std::string>("2000"));
  auto append = incremental(c, {ops_on("incremental", {{"cleanup.policy", 2, "compact"}})}, 1);
  CHECK(append.responses[0].error_code == 0);
  CHECK(value_of(c, "incremental", "cleanup.policy") ==
        std::optional<std::string>("delete,compact"));
  auto subtract = incremental(c, {ops_on("incremental", {{"cleanup.policy", 3, "delete"}})}, 1);
  CHECK(subtract.responses[0].error_code == 0);
  CHECK(value_of(c, "incremental", "cleanup.policy") == std::optional<std::string>("compact"));
  auto remove = incremental(c, {ops_on("incremental", {{"retention.ms", 1, std::nullopt}})}, 0);
  CHECK(remove.responses[0].error_code == 0);
  CHECK(topic_configs(c, "incremental")["retention.ms"].source != 1);

  SECTION("a topic named by several resources is refused each time") {
    auto resp = incremental(
        c,
        {ops_on("incremental", {{"retention.ms", 0, "9"}, {"segment.ms", 7, "1"}}),
         ops_on("incremental", {{"retention.ms", 0, std::nullopt}}),
         ops_on("incremental", {{"retention.ms", 0, "9"}, {"retention.ms", 1, std::nullopt}}),
         ops_on("nowhere", {{"retention.ms", 0, "9"}}),
         ops_on("incremental", {{"retention.ms", 0, "soon"}})},
        1);
    // Resources 0-2 and 4 name the same topic: all refused as listed more than once.
    for (size_t i : {0u, 1u, 2u, 4u}) {
      INFO("resource " << i);
      CHECK(resp.responses[i].error_code == code(kafka_error::invalid_request));
    }
    CHECK(resp.responses[3].error_code == code(kafka_error::unknown_topic_or_partition));
    CHECK(topic_configs(c, "incremental")["retention.ms"].source != 1);
  }
  SECTION("each malformed operation is refused with a sentence") {
    struct bad {
      std::vector<op> ops;
      kafka_error error;
      const char* says;
    };
    std::vector<bad> cases = {
        {{{"retention.ms", 0, "9"}, {"segment.ms", 7, "1"}}, kafka_error::invalid_request, "7"},
        {{{"retention.ms", 0, std::nullopt}}, kafka_error::invalid_request, "null"},
        {{{"retention.ms", 0, "9"}, {"retention.ms", 1, std::nullopt}},
         kafka_error::invalid_request,
         "more than once"},
        {{{"retention.ms", 0, "soon"}}, kafka_error::invalid_config, "retention.ms"},
    };
    for (auto& b : cases) {
      INFO(b.says);
      auto resp = incremental(c, {ops_on("incremental", b.ops)}, 1);
      CHECK(resp.responses[0].error_code == code(b.error));
      CHECK(has_text(resp.responses[0].error_message, b.says));
    }
    incremental_resource broker;
    broker.resource_type = k_broker;
    broker.resource_name = "0";
    broker.configs.push_back({"num.partitions", 0, "3"});
    auto resp = incremental(c, {broker}, 0);
    CHECK(resp.responses[0].error_code == code(kafka_error::invalid_request));
    CHECK(topic_configs(c, "incremental")["retention.ms"].source != 1);
  }
}
