#pragma once
// consumer_config: a consumer's settings with Kafka's names and defaults (the comment after
// each field is the key from_map() takes). A plain value the user fills in or builds from a
// string map; the consumer copies it at create() and checks it there with validate().

#include "tributary/client/error.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tributary::client {

/// auto.offset.reset: where a partition without a committed offset (or whose position fell
/// out of the log) starts. none: poll() fails instead.
enum class offset_reset : int8_t { earliest, latest, none };

/// isolation.level: read_committed stops at the last stable offset.
enum class isolation_level : int8_t { read_uncommitted = 0, read_committed = 1 };

struct consumer_config {
  /// Kafka's defaults. (User-provided so that create(conn, {{"group.id", "x"}}) picks the map.)
  consumer_config();

  std::string group_id;                    // group.id; empty: no group (assign() only, no commits)
  std::string client_id = "trib-consumer"; // client.id
  std::string group_instance_id;           // group.instance.id; non-empty: static membership
  std::string client_rack;                 // client.rack (ConsumerProtocol rack_id)
  offset_reset auto_offset_reset = offset_reset::latest; // auto.offset.reset
  bool enable_auto_commit = true;              // enable.auto.commit (only with a group.id)
  int32_t auto_commit_interval_ms = 5000;      // auto.commit.interval.ms
  int32_t session_timeout_ms = 45000;          // session.timeout.ms
  int32_t heartbeat_interval_ms = 3000;        // heartbeat.interval.ms
  int32_t max_poll_interval_ms = 300000;       // max.poll.interval.ms (also the rebalance timeout)
  int32_t max_poll_records = 500;              // max.poll.records
  int32_t fetch_min_bytes = 1;                 // fetch.min.bytes
  int32_t fetch_max_wait_ms = 500;             // fetch.max.wait.ms
  int32_t fetch_max_bytes = 52428800;          // fetch.max.bytes
  int32_t max_partition_fetch_bytes = 1048576; // max.partition.fetch.bytes
  std::vector<std::string> partition_assignment_strategy = {
      "range", "cooperative-sticky"}; // partition.assignment.strategy (comma-separated)
  client::isolation_level isolation_level = client::isolation_level::read_uncommitted;
  // isolation.level
  int32_t request_timeout_ms = 30000;     // request.timeout.ms
  int32_t default_api_timeout_ms = 60000; // default.api.timeout.ms (commit_sync, committed, ...)
  int32_t retry_backoff_ms = 100;         // retry.backoff.ms
  int64_t metadata_max_age_ms = 300000;   // metadata.max.age.ms (pattern / partition checks)
  bool allow_auto_create_topics = true;   // allow.auto.create.topics
  bool exclude_internal_topics = true;    // exclude.internal.topics (pattern subscriptions)
  bool check_crcs = true;                 // check.crcs

  /// Builds a config from Kafka-style keys over the defaults. Fails with INVALID_CONFIG naming
  /// the key, the value and what is allowed (unknown keys suggest the closest known one).
  static outcome<consumer_config> from_map(const std::map<std::string, std::string>& values);

  /// The checks across settings: positive sizes and timeouts, heartbeat.interval.ms below
  /// session.timeout.ms, known assignors, group.instance.id only with group.id.
  outcome<void> validate() const;
};

} // namespace tributary::client
