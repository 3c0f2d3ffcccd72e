// Broker administration beyond create/delete: AlterConfigs (incremental and not) persisted and
// pushed to the partitions, DeleteRecords fan-out, and the switches that turn features off
// (delete.topic.enable, auto.create.topics.enable).
#include "broker_test_support.hpp"

#include "tributary/actors/node.hpp"
#include "tributary/protocol/kafka_error.hpp"

using namespace broker_test;
using namespace tributary::actors;
using tributary::protocol::code_of;
using tributary::protocol::kafka_error;

namespace {

std::string config_value(caf::scoped_actor& self, const broker_actor& b, const std::string& topic,
                         const std::string& key) {
  describe_configs_request dc;
  dc.resources.push_back({resource_topic, topic, {key}});
  auto d = ask<describe_configs_response>(self, b, dc);
  REQUIRE(d.results.size() == 1);
  REQUIRE(d.results[0].entries.size() == 1);
  return d.results[0].entries[0].value;
}

} // namespace

TEST_CASE("altered topic configs are stored, pushed to partitions and survive a restart",
          "[broker]") {
  temp_dir dir;
  {
    auto n = node::start(node_config(dir.path, false));
    REQUIRE(n);
    caf::scoped_actor self{(*n)->system()};
    auto& b = (*n)->broker();
    ask<create_topics_response>(self, b, create_request("alt", 1, {{"retention.ms", "5000"}}));
    // Incremental: set one key, delete another.
    alter_configs_request inc;
    inc.resources.push_back(
        {resource_topic, "alt", {{"max.message.bytes", 0, "200"}, {"retention.ms", 1, ""}}});
    auto r = ask<alter_configs_response>(self, b, inc);
    REQUIRE(r.results.size() == 1);
    CHECK(r.results[0].error == 0);
    CHECK(config_value(self, b, "alt", "max.message.bytes") == "200");
    CHECK(config_value(self, b, "alt", "retention.ms") == "604800000"); // back to the default
    // The partition enforces the pushed max.message.bytes.
    auto big = ask<produce_response>(self, b, produce("alt", 0, {std::string(1000, 'x')}));
    CHECK(big.error == code_of(kafka_error::message_too_large));
    // validate_only changes nothing.
    alter_configs_request dry;
    dry.validate_only = true;
    dry.resources.push_back({resource_topic, "alt", {{"segment.ms", 0, "3600000"}}});
    CHECK(ask<alter_configs_response>(self, b, dry).results[0].error == 0);
    CHECK(config_value(self, b, "alt", "segment.ms") == "604800000");
    // Non-incremental: the set replaces every override.
    alter_configs_request full;
    full.incremental = false;
    full.resources.push_back({resource_topic, "alt", {{"cleanup.policy", 0, "compact"}}});
    CHECK(ask<alter_configs_response>(self, b, full).results[0].error == 0);
    CHECK(config_value(self, b, "alt", "cleanup.policy") == "compact");
    CHECK(config_value(self, b, "alt", "max.message.bytes") == "1048588");
    // Errors name the resource.
    alter_configs_request bad;
    bad.resources.push_back({resource_topic, "nope", {{"retention.ms", 0, "1"}}});
    bad.resources.push_back({resource_broker, "0", {{"num.partitions", 0, "3"}}});
    bad.resources.push_back({resource_topic, "alt", {{"no.such.key", 0, "1"}}});
    auto errs = ask<alter_configs_response>(self, b, bad);
    REQUIRE(errs.results.size() == 3);
    CHECK(errs.results[0].error == code_of(kafka_error::unknown_topic_or_partition));
    CHECK(errs.results[1].error == code_of(kafka_error::invalid_request));
    CHECK(errs.results[2].error == code_of(kafka_error::invalid_config));
    CHECK(errs.results[2].error_message.find("no.such.key") != std::string::npos);
  }
  auto n = node::start(node_config(dir.path, false));
  REQUIRE(n);
  caf::scoped_actor self{(*n)->system()};
  CHECK(config_value(self, (*n)->broker(), "alt", "cleanup.policy") == "compact");
  CHECK(config_value(self, (*n)->broker(), "alt", "max.message.bytes") == "1048588");
}

TEST_CASE("delete records fans out and reports unknown partitions", "[broker]") {
  temp_dir dir;
  auto n = node::start(node_config(dir.path, false));
  REQUIRE(n);
  caf::scoped_actor self{(*n)->system()};
  auto& b = (*n)->broker();
  ask<create_topics_response>(self, b, create_request("dr", 2));
  for (int i = 0; i < 4; ++i)
    ask<produce_response>(self, b, produce("dr", 0, {"v" + std::to_string(i)}));
  delete_records_request req;
  req.partitions = {{"dr", 0, 2}, {"dr", 5, 1}};
  auto r = ask<delete_records_response>(self, b, req);
  REQUIRE(r.partitions.size() == 2);
  CHECK(r.partitions[0].error == 0);
  CHECK(r.partitions[0].low_watermark == 2);
  CHECK(r.partitions[1].error == code_of(kafka_error::unknown_topic_or_partition));
  list_offsets_request lo;
  lo.partitions = {{"dr", 0, -2}};
  CHECK(ask<list_offsets_response>(self, b, lo).partitions.at(0).offset == 2);
}

TEST_CASE("delete.topic.enable and auto.create.topics.enable switch features off", "[broker]") {
  temp_dir dir;
  auto cfg = node_config(dir.path, false);
  cfg.delete_topic_enable = false;
  cfg.auto_create_topics_enable = false;
  auto n = node::start(cfg);
  REQUIRE(n);
  caf::scoped_actor self{(*n)->system()};
  auto& b = (*n)->broker();
  ask<create_topics_response>(self, b, create_request("stays", 1));
  delete_topics_request dt;
  dt.names = {"stays"};
  auto d = ask<delete_topics_response>(self, b, dt);
  CHECK(d.topics.at(0).error == code_of(kafka_error::topic_deletion_disabled));
  metadata_request mr;
  mr.all_topics = false;
  mr.topics = {"stays", "never"};
  auto md = ask<metadata_response>(self, b, mr);
  CHECK(md.topics.at(0).error == 0);
  CHECK(md.topics.at(1).error == code_of(kafka_error::unknown_topic_or_partition));
  CHECK(md.topics.at(1).error_message == "topic 'never' does not exist");
}
