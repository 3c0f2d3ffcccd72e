// The registry: names, aliases, environment names, suggestions.

#include "tributary/config/registry.hpp"
#include "tributary/config/settings.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace tributary::config;

TEST_CASE("every topic setting has a broker-level default with the same Kafka default") {
  for (const auto& def : topic_registry().defs()) {
    INFO(def.name);
    REQUIRE_FALSE(def.broker_name.empty());
    auto broker = broker_registry().resolve(def.broker_name);
    REQUIRE(broker);
    CHECK(broker->def->topic_name == def.name);
    CHECK(broker->def->default_text == def.default_text);
    CHECK(broker->def->type == def.type);
  }
}

TEST_CASE("the Kafka mapping of broker keys to topic keys") {
  auto topic_of = [](std::string_view broker_key) {
    return broker_registry().resolve(broker_key)->def->topic_name;
  };
  CHECK(topic_of("log.retention.ms") == "retention.ms");
  CHECK(topic_of("log.segment.bytes") == "segment.bytes");
  CHECK(topic_of("message.max.bytes") == "max.message.bytes");
  CHECK(topic_of("log.cleanup.policy") == "cleanup.policy");
  CHECK(topic_of("log.flush.interval.messages") == "flush.messages");
  CHECK(topic_of("log.flush.interval.ms") == "flush.ms");
  CHECK(topic_of("compression.type") == "compression.type");
  CHECK(topic_of("log.message.timestamp.type") == "message.timestamp.type");
  CHECK(topic_of("log.cleaner.delete.retention.ms") == "delete.retention.ms");
  CHECK(topic_of("log.cleaner.min.compaction.lag.ms") == "min.compaction.lag.ms");
}

TEST_CASE("no setting name is a dotted prefix of another, so any TOML spelling works") {
  for (const auto* reg : {&broker_registry(), &topic_registry()})
    for (const auto& a : reg->defs())
      for (const auto& b : reg->defs()) {
        INFO(a.name << " vs " << b.name);
        CHECK(b.name.rfind(a.name + ".", 0) == std::string::npos);
      }
}

TEST_CASE("environment variable names resolve to names and aliases") {
  CHECK(env_name("log.retention.ms") == "TRIB_LOG_RETENTION_MS");
  auto& reg = broker_registry();
  CHECK(reg.resolve_env("TRIB_LOG_RETENTION_MS")->def->name == "log.retention.ms");
  auto hours = reg.resolve_env("TRIB_LOG_RETENTION_HOURS");
  REQUIRE(hours);
  CHECK(hours->def->name == "log.retention.ms");
  CHECK(hours->scale == 3600000);
  CHECK(reg.resolve_env("TRIB_RETENTION_MS")->def->name == "log.retention.ms");
  CHECK(reg.resolve_env("TRIB_LOG_DIRS")->def->name == "data.dir");
  CHECK_FALSE(reg.resolve_env("TRIB_JOBS"));
}

TEST_CASE("edit distance counts an adjacent transposition as one edit") {
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("abc", "abc") == 0);
  CHECK(edit_distance("log.retention.ms", "log.retnetion.ms") == 1);
  CHECK(edit_distance("segment.bytes", "segmnt.bytes") == 1);
  CHECK(edit_distance("kitten", "sitting") == 3);
}

TEST_CASE("did you mean suggests the closest name and nothing for unrelated words") {
  auto& reg = broker_registry();
  CHECK(reg.suggest("log.retention.msx") == "log.retention.ms");
  CHECK(reg.suggest("log.retnetion.ms") == "log.retention.ms");
  CHECK(reg.suggest("num.partition") == "num.partitions");
  CHECK(reg.suggest("log_retention_ms") == "log.retention.ms");
  CHECK(reg.suggest("banana") == "");
  CHECK(reg.unknown_message("log.retention.msx", "--log.retention.msx") ==
        "unknown setting 'log.retention.msx' (from --log.retention.msx): did you mean "
        "'log.retention.ms'?");
}

TEST_CASE("names, aliases and their TRIB_* variables are unique in each registry") {
  for (const auto* reg : {&broker_registry(), &topic_registry()}) {
    std::set<std::string> names, variables;
    std::size_t count = 0;
    for (const auto& def : reg->defs()) {
      names.insert(def.name);
      variables.insert(env_name(def.name));
      ++count;
      for (const auto& alias : def.aliases) {
        names.insert(alias.name);
        variables.insert(env_name(alias.name));
        ++count;
      }
    }
    CHECK(names.size() == count);
    CHECK(variables.size() == count);
  }
}

TEST_CASE("every default is valid and already in canonical form") {
  for (const auto* reg : {&broker_registry(), &topic_registry()}) {
    settings values(*reg);
    for (const auto& entry : values.entries()) {
      INFO(entry.def->name);
      CHECK(entry.text == entry.def->default_text);
      CHECK_FALSE(entry.def->doc.empty());
    }
  }
}
