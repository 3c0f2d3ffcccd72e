#pragma once
// streams_app: runs a topology (Kafka Streams' KafkaStreams). It joins the consumer group
// named by application_id, creates the internal topics, makes one task actor per assigned
// sub-topology and partition, restores their stores from the changelogs, and loops: poll,
// hand each task its records, commit every commit_interval_ms (at-least-once). Starting the
// same app in another process (or twice in one) splits the partitions between instances;
// when one stops, the others take over its tasks.
//
//   auto app = streams_app::create(topo, conn, config);
//   app->start();
//   ...
//   app->close();
//
// Thread-safe: every method may be called from any thread.

#include "tributary/client/connection.hpp"
#include "tributary/client/error.hpp"
#include "tributary/streams/processor.hpp"
#include "tributary/streams/streams_config.hpp"
#include "tributary/streams/topology.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tributary::streams {

enum class app_state { created, starting, rebalancing, running, pending_shutdown, stopped, failed };
const char* to_string(app_state s);

/// One task's figures (metrics and the inspection console).
struct task_info {
  task_id id;
  bool restoring = false;
  int64_t records_in = 0;
  int64_t records_out = 0;
  int64_t dropped = 0;
  int64_t skipped_errors = 0;
  int64_t punctuations = 0;
  int64_t lag = 0; // records in its input partitions not yet processed (last known)
  std::map<std::string, int64_t> store_entries;
};

class streams_app {
public:
  static client::outcome<std::unique_ptr<streams_app>>
  create(topology topo, client::connection conn, streams_config config);
  ~streams_app();

  /// Starts the poll thread; returns at once (state goes starting -> rebalancing -> running).
  client::outcome<void> start();
  /// Commits, closes the tasks, leaves the group and stops. Idempotent.
  void close(std::chrono::milliseconds timeout = std::chrono::seconds(30));

  app_state state() const;
  /// Why the app failed (state failed), else empty.
  std::string failure() const;

  /// Flushes and commits now (waits up to `timeout` for the poll thread to do it).
  client::outcome<void> commit_now(std::chrono::milliseconds timeout = std::chrono::seconds(30));

  /// Per-task figures of this instance.
  std::vector<task_info> tasks() const;
  /// The next offset each local task will process per input partition.
  std::map<client::topic_partition, int64_t> positions() const;

  /// Interactive query: a key-value store's value for `key_bytes` on this instance (the
  /// task owning it), or nullopt.
  std::optional<std::string> query(const std::string& store, const std::string& key_bytes) const;
  /// Every entry of a key-value store held by this instance's tasks.
  std::vector<std::pair<std::string, std::string>> query_all(const std::string& store) const;

  const topology& topo() const;
  const streams_config& config() const;

  class impl;

private:
  explicit streams_app(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

} // namespace tributary::streams
