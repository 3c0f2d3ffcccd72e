// topic_config: broker defaults + overrides, describe(), overrides(), alterations.

#include "tributary/config/broker_config.hpp"
#include "tributary/config/errc.hpp"
#include "tributary/config/loader.hpp"
#include "tributary/config/topic_config.hpp"

#include <catch2/catch.hpp>

using namespace tributary::config;

namespace {

const config_entry& find(const std::vector<config_entry>& entries, std::string_view name) {
  for (const auto& e : entries)
    if (e.name == name)
      return e;
  FAIL("no entry " << name);
  return entries.front();
}

broker_config broker_from_env(env_map env) {
  std::string why;
  auto loaded = load_broker_config({{}, std::move(env)}, &why);
  INFO(why);
  REQUIRE(loaded);
  return loaded->config;
}

} // namespace

TEST_CASE("a topic without overrides has Kafka's defaults") {
  topic_config t;
  CHECK(t.retention_ms == 604800000);
  CHECK(t.retention_bytes == -1);
  CHECK(t.segment_bytes == 1073741824);
  CHECK(t.segment_ms == 604800000);
  CHECK(t.segment_index_bytes == 10485760);
  CHECK(t.index_interval_bytes == 4096);
  CHECK(t.max_message_bytes == 1048588);
  CHECK(t.flush_messages == INT64_MAX);
  CHECK(t.flush_ms == INT64_MAX);
  CHECK(t.cleanup_delete);
  CHECK_FALSE(t.cleanup_compact);
  CHECK(t.compression == compression_type::producer);
  CHECK(t.message_timestamp_type == timestamp_type::create_time);
  CHECK(t.delete_retention_ms == 86400000);
  CHECK(t.min_compaction_lag_ms == 0);
  CHECK(t.max_compaction_lag_ms == INT64_MAX);
  CHECK(t.min_insync_replicas == 1);
  CHECK(t.file_delete_delay_ms == 60000);
  CHECK(t.min_cleanable_dirty_ratio == 0.5);
  CHECK_FALSE(t.unclean_leader_election_enable);
  CHECK(t.overrides().empty());
}

TEST_CASE("overrides from a string map are typed and validated") {
  std::string why;
  auto t = make_topic_config(broker_config{},
                             {{"cleanup.policy", "compact,delete"},
                              {"retention.ms", "-1"},
                              {"compression.type", "zstd"},
                              {"message.timestamp.type", "LogAppendTime"},
                              {"segment.bytes", "1048576"}},
                             &why);
  INFO(why);
  REQUIRE(t);
  CHECK(t->cleanup_compact);
  CHECK(t->cleanup_delete);
  CHECK(t->retention_ms == -1);
  CHECK(t->compression == compression_type::zstd);
  CHECK(t->message_timestamp_type == timestamp_type::log_append_time);
  CHECK(t->segment_bytes == 1048576);
  CHECK(t->overrides() == string_map{{"cleanup.policy", "compact,delete"},
                                     {"compression.type", "zstd"},
                                     {"message.timestamp.type", "LogAppendTime"},
                                     {"retention.ms", "-1"},
                                     {"segment.bytes", "1048576"}});
}

TEST_CASE("bad topic overrides name the key and the topic override") {
  std::string why;
  auto t = make_topic_config(broker_config{}, {{"cleanup.policy", "fast"}}, &why);
  REQUIRE_FALSE(t);
  CHECK(t.error() == errc::invalid_value);
  CHECK(why == "invalid value 'fast' for 'cleanup.policy' (from topic override): allowed values "
               "are delete, compact");
  t = make_topic_config(broker_config{}, {{"segment.bytes", "13"}}, &why);
  CHECK(why == "invalid value '13' for 'segment.bytes' (from topic override): must be between "
               "14 and 2147483647");
}

TEST_CASE("unknown topic keys get a hint, broker keys point to the topic key") {
  std::string why;
  auto t = make_topic_config(broker_config{}, {{"retention.msx", "1"}}, &why);
  CHECK(t.error() == errc::unknown_setting);
  CHECK(why == "unknown topic setting 'retention.msx': did you mean 'retention.ms'?");
  t = make_topic_config(broker_config{}, {{"log.retention.ms", "1"}}, &why);
  CHECK(t.error() == errc::wrong_scope);
  CHECK(why == "'log.retention.ms' is the broker-wide default; the topic setting is "
               "'retention.ms'");
  t = make_topic_config(broker_config{}, {{"num.partitions", "3"}}, &why);
  CHECK(why == "'num.partitions' is a broker setting, not a topic setting");
}

TEST_CASE("min.compaction.lag.ms above max.compaction.lag.ms is a conflict") {
  std::string why;
  auto t = make_topic_config(
      broker_config{}, {{"min.compaction.lag.ms", "100"}, {"max.compaction.lag.ms", "10"}}, &why);
  CHECK(t.error() == errc::conflicting_values);
  CHECK(why == "min.compaction.lag.ms (100) must not exceed max.compaction.lag.ms (10)");
}

TEST_CASE("broker log.* settings become the topic defaults") {
  auto broker = broker_from_env({{"TRIB_LOG_RETENTION_MS", "1000"},
                                 {"TRIB_LOG_SEGMENT_BYTES", "4096"},
                                 {"TRIB_MESSAGE_MAX_BYTES", "2000"},
                                 {"TRIB_LOG_CLEANUP_POLICY", "compact"},
                                 {"TRIB_LOG_FLUSH_INTERVAL_MESSAGES", "1"},
                                 {"TRIB_LOG_FLUSH_INTERVAL_MS", "10"},
                                 {"TRIB_COMPRESSION_TYPE", "lz4"},
                                 {"TRIB_LOG_MESSAGE_TIMESTAMP_TYPE", "LogAppendTime"},
                                 {"TRIB_LOG_CLEANER_DELETE_RETENTION_MS", "5"},
                                 {"TRIB_LOG_CLEANER_MIN_COMPACTION_LAG_MS", "7"}});
  auto t = broker.topic_defaults();
  CHECK(t.retention_ms == 1000);
  CHECK(t.segment_bytes == 4096);
  CHECK(t.max_message_bytes == 2000);
  CHECK(t.cleanup_compact);
  CHECK_FALSE(t.cleanup_delete);
  CHECK(t.flush_messages == 1);
  CHECK(t.flush_ms == 10);
  CHECK(t.compression == compression_type::lz4);
  CHECK(t.message_timestamp_type == timestamp_type::log_append_time);
  CHECK(t.delete_retention_ms == 5);
  CHECK(t.min_compaction_lag_ms == 7);
  CHECK(t.overrides().empty()); // broker defaults are not topic overrides
}

TEST_CASE("describe says default, broker or topic override for each key") {
  auto broker = broker_from_env({{"TRIB_LOG_RETENTION_MS", "1000"}});
  std::string why;
  auto t = make_topic_config(broker, {{"segment.bytes", "4096"}}, &why);
  REQUIRE(t);
  auto entries = t->describe();
  CHECK(entries.size() == topic_registry().defs().size());

  const auto& seg = find(entries, "segment.bytes");
  CHECK(seg.value == "4096");
  CHECK(seg.source == config_source::topic_override);
  CHECK(kafka_config_source(seg.source) == 1);
  CHECK(seg.type == setting_type::int32);
  CHECK(kafka_config_type(seg.type) == 3);
  REQUIRE(seg.synonyms.size() == 2);
  CHECK(seg.synonyms[1].name == "log.segment.bytes");
  CHECK(seg.synonyms[1].value == "1073741824");

  const auto& ret = find(entries, "retention.ms");
  CHECK(ret.value == "1000");
  CHECK(ret.source == config_source::environment);
  CHECK(kafka_config_source(ret.source) == 4);
  CHECK(ret.origin == "TRIB_LOG_RETENTION_MS as 'log.retention.ms'");
  REQUIRE(ret.synonyms.size() == 2);
  CHECK(ret.synonyms[0].name == "log.retention.ms");
  CHECK(ret.synonyms[0].source == config_source::environment);

  const auto& flush = find(entries, "flush.messages");
  CHECK(flush.value == "9223372036854775807");
  CHECK(flush.source == config_source::default_value);
  CHECK(kafka_config_source(flush.source) == 5);
  CHECK_FALSE(flush.is_read_only);
}

TEST_CASE("with_overrides replaces the previous overrides (AlterConfigs)") {
  std::string why;
  auto t = make_topic_config(broker_config{}, {{"retention.ms", "5"}}, &why);
  auto next = t->with_overrides({{"segment.ms", "100"}}, &why);
  REQUIRE(next);
  CHECK(next->retention_ms == 604800000);
  CHECK(next->segment_ms == 100);
}

TEST_CASE("altered applies set, delete, append and subtract (IncrementalAlterConfigs)") {
  std::string why;
  auto t = make_topic_config(broker_config{}, {{"retention.ms", "5"}}, &why);
  auto next = t->altered({{"retention.ms", alter_op::remove, ""},
                          {"segment.ms", alter_op::set, "100"},
                          {"cleanup.policy", alter_op::append, "compact"}},
                         &why);
  INFO(why);
  REQUIRE(next);
  CHECK(next->retention_ms == 604800000);
  CHECK(next->segment_ms == 100);
  CHECK(next->cleanup_delete);
  CHECK(next->cleanup_compact);
  auto fewer = next->altered({{"cleanup.policy", alter_op::subtract, "delete"}}, &why);
  REQUIRE(fewer);
  CHECK_FALSE(fewer->cleanup_delete);
  CHECK(fewer->overrides().at("cleanup.policy") == "compact");
  auto none = fewer->altered({{"cleanup.policy", alter_op::subtract, "compact"}}, &why);
  CHECK_FALSE(none);
  CHECK(why.find("must list at least one of delete, compact") != std::string::npos);
  auto bad = t->altered({{"segment.ms", alter_op::append, "1"}}, &why);
  CHECK_FALSE(bad);
  CHECK(why.find("is not a list") != std::string::npos);
}
