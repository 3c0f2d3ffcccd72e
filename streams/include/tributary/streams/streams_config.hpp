#pragma once
// streams_config: how a streams_app runs (Kafka Streams' StreamsConfig, the keys users
// actually set). application_id names the consumer group, the internal topics
// ("<application.id>-...") and the state directory, so two instances with the same id share
// the work and a restarted instance finds its state.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>

namespace tributary::streams {

/// What happens to a record that fails: its key or value does not deserialize, or an
/// operator throws while processing it.
enum class error_action {
  log_and_continue, // log, count, skip the record
  log_and_fail,     // log and stop the application (state: failed)
  dead_letter,      // send the original bytes to dead_letter_topic with the error in headers
};

struct streams_config {
  std::string application_id;
  /// Root of the local state: <state_dir>/<application_id>/<task>/<store>.db.
  std::filesystem::path state_dir = "./tributary-streams-state";
  /// How often processed offsets are committed (after output and changelogs are acked).
  int64_t commit_interval_ms = 30000;
  /// Per store: bytes of unflushed writes kept before the store is flushed early.
  size_t cache_max_bytes = size_t{10} << 20;
  /// Replication factor of the internal (repartition, changelog) topics.
  int16_t replication_factor = 1;
  /// Partitions of repartition topics when the upstream count is not known.
  int32_t default_partitions = 1;
  int64_t poll_ms = 100;
  error_action on_deserialization_error = error_action::log_and_fail;
  error_action on_processing_error = error_action::log_and_fail;
  /// "" = "<application_id>-dlq".
  std::string dead_letter_topic;
  /// Extra settings for the inner consumer / producer (Kafka-style keys).
  std::map<std::string, std::string> consumer_overrides;
  std::map<std::string, std::string> producer_overrides;
  /// Wall-clock time in ms (wall-clock punctuators); empty = the system clock. The test
  /// driver installs its own.
  std::function<int64_t()> clock;

  std::string dlq_topic() const {
    return dead_letter_topic.empty() ? application_id + "-dlq" : dead_letter_topic;
  }
};

} // namespace tributary::streams
