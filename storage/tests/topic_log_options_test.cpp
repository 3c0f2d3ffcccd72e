#include "tributary/storage/topic_log_options.hpp"

#include <catch2/catch.hpp>

using namespace tributary;

TEST_CASE("Kafka's topic defaults give the log Kafka's defaults") {
  auto o = storage::to_log_options(config::topic_config{});
  storage::log_options kafka;
  CHECK(o.segment_bytes == kafka.segment_bytes);
  CHECK(o.segment_ms == kafka.segment_ms);
  CHECK(o.retention_ms == kafka.retention_ms);
  CHECK(o.retention_bytes == kafka.retention_bytes);
  CHECK(o.max_message_bytes == kafka.max_message_bytes);
  CHECK(o.flush_messages == kafka.flush_messages);
  CHECK(o.flush_ms == kafka.flush_ms);
  CHECK(o.index_interval_bytes == kafka.index_interval_bytes);
  CHECK(o.cleanup_delete);
  CHECK_FALSE(o.cleanup_compact);
}

TEST_CASE("topic overrides reach the log options under Kafka's names") {
  auto topic = config::topic_config{}.with_overrides({{"segment.bytes", "1048576"},
                                                      {"retention.ms", "-1"},
                                                      {"cleanup.policy", "compact,delete"},
                                                      {"message.timestamp.type", "LogAppendTime"},
                                                      {"flush.messages", "1"},
                                                      {"min.compaction.lag.ms", "5000"}});
  REQUIRE(topic);
  auto o = storage::to_log_options(*topic);
  CHECK(o.segment_bytes == 1048576);
  CHECK(o.retention_ms == -1);
  CHECK(o.cleanup_compact);
  CHECK(o.cleanup_delete);
  CHECK(o.timestamp_type == storage::message_timestamp_type::log_append_time);
  CHECK(o.flush_messages == 1);
  CHECK(o.min_compaction_lag_ms == 5000);
}
