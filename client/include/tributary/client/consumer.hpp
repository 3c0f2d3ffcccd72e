#pragma once
// consumer: reads records from a node, alone (assign()) or as a member of a consumer group
// (subscribe()), with Kafka's consumer semantics:
//
//   auto c = consumer::create(conn, config);             // config.group_id = "billing"
//   c->subscribe({"orders"}, listener);                  // or subscribe(topic_pattern{"o.*"})
//   while (running) {
//     auto batch = c->poll(std::chrono::milliseconds(100));
//     if (!batch) { handle(batch.err()); continue; }
//     for (auto& r : *batch) process(r);
//   }                                                    // auto-commit, or c->commit_sync()
//   c->close();
//
// Group membership (join, heartbeats, the leader's assignment) and fetching run in background
// actors; poll() runs in the user's thread: it hands out fetched records (the next fetch is
// already in flight), runs the rebalance listener, advances positions and auto-commits. Not
// thread-safe, like Kafka's KafkaConsumer: one thread uses a consumer at a time (wakeup()
// is the exception). Errors come back as outcome values with Kafka's error codes; nothing
// throws. Not calling poll() for max.poll.interval.ms makes the consumer leave its group; the
// next poll() reports the partitions lost and rejoins.

#include "tributary/client/admin_types.hpp"
#include "tributary/client/connection.hpp"
#include "tributary/client/consumer_config.hpp"
#include "tributary/client/consumer_records.hpp"
#include "tributary/client/error.hpp"
#include "tributary/client/rebalance_listener.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tributary::client {

/// offset_and_metadata (a committed position: the offset of the next record to read) is
/// shared with the admin API (admin_types.hpp).
using offset_map = std::map<topic_partition, offset_and_metadata>;

/// Called (in the poll thread, from a later poll(), commit_sync() or close()) when an
/// asynchronous commit finished.
using commit_callback = std::function<void(const offset_map& offsets, const outcome<void>& result)>;

/// A regex (ECMAScript) matched against whole topic names; matches are re-evaluated with
/// every metadata refresh (metadata.max.age.ms).
struct topic_pattern {
  std::string regex;
};

class consumer {
public:
  /// A consumer on `conn`. Fails with INVALID_CONFIG when `config` does not validate.
  static outcome<consumer> create(connection conn, consumer_config config);
  /// The same from Kafka-style keys ({"group.id", "billing"}, ...; see consumer_config).
  static outcome<consumer> create(connection conn,
                                  const std::map<std::string, std::string>& config);

  consumer(consumer&&) noexcept;
  consumer& operator=(consumer&&) noexcept;
  /// close() with request.timeout.ms when the user did not close.
  ~consumer();

  // -- what to read ---------------------------------------------------------------------------

  /// Joins group.id reading `topics` (replacing an earlier subscription); the assignment
  /// arrives during later poll() calls. Fails with INVALID_GROUP_ID without a group.id and
  /// with ILLEGAL_STATE-like INVALID_REQUEST after assign().
  outcome<void> subscribe(const std::vector<std::string>& topics,
                          std::shared_ptr<rebalance_listener> listener = nullptr);
  outcome<void> subscribe(std::initializer_list<std::string> topics,
                          std::shared_ptr<rebalance_listener> listener = nullptr) {
    return subscribe(std::vector<std::string>(topics), std::move(listener));
  }
  outcome<void> subscribe(const topic_pattern& pattern,
                          std::shared_ptr<rebalance_listener> listener = nullptr);
  /// Leaves the group (revoking through the listener); assign() mode: drops the assignment.
  outcome<void> unsubscribe();
  /// Reads exactly `partitions` without group membership (commits still go to group.id
  /// when set). Replaces an earlier assign(); fails after subscribe().
  outcome<void> assign(const std::vector<topic_partition>& partitions);
  /// The partitions this consumer reads now (sorted).
  std::vector<topic_partition> assignment() const;
  /// The subscribed topics (a pattern's current matches), sorted.
  std::vector<std::string> subscription() const;

  // -- reading --------------------------------------------------------------------------------

  /// Up to max.poll.records records, waiting up to `timeout` when none are buffered. Also
  /// completes rebalances (listener callbacks run here), resolves starting positions
  /// (committed offsets, else auto.offset.reset) and auto-commits. Fails with
  /// OFFSET_OUT_OF_RANGE under auto.offset.reset=none, CORRUPT_MESSAGE for a bad batch,
  /// or the group's fatal error (FENCED_INSTANCE_ID, ...).
  outcome<consumer_records> poll(std::chrono::milliseconds timeout);
  /// Makes a poll() blocked in another thread (or the next one) return empty at once.
  /// Thread-safe.
  void wakeup();

  // -- positions ------------------------------------------------------------------------------

  /// The next offset poll() returns for `tp` (resolving it first when unknown).
  outcome<int64_t> position(const topic_partition& tp);
  outcome<void> seek(const topic_partition& tp, int64_t offset);
  /// Empty list: every assigned partition. The position is looked up lazily (next poll or
  /// position()).
  outcome<void> seek_to_beginning(const std::vector<topic_partition>& partitions = {});
  outcome<void> seek_to_end(const std::vector<topic_partition>& partitions = {});
  /// Stop / restart fetching; buffered records of paused partitions are kept for resume().
  outcome<void> pause(const std::vector<topic_partition>& partitions);
  outcome<void> resume(const std::vector<topic_partition>& partitions);
  std::vector<topic_partition> paused() const;

  // -- offsets --------------------------------------------------------------------------------

  /// Commits the current positions of every assigned partition (or `offsets`) and waits.
  /// Fails with REBALANCE_IN_PROGRESS / ILLEGAL_GENERATION / UNKNOWN_MEMBER_ID when the group
  /// moved on, or the coordinator's error; retriable errors are retried until
  /// default.api.timeout.ms.
  outcome<void> commit_sync();
  outcome<void> commit_sync(const offset_map& offsets);
  /// Sends the commit and returns; `done` runs in a later poll(), commit_sync() or close().
  void commit_async(commit_callback done = {});
  void commit_async(const offset_map& offsets, commit_callback done = {});
  /// The group's committed offsets for `partitions`; partitions without one are absent.
  outcome<offset_map> committed(const std::vector<topic_partition>& partitions);

  /// Group membership as seen by the last rebalance ("" / -1 when not in a group).
  std::string member_id() const;
  int32_t generation_id() const;

  /// Commits (auto-commit), revokes through the listener, leaves the group and stops the
  /// background actors, waiting at most `timeout`. Idempotent; the consumer is unusable
  /// afterwards (calls fail with INVALID_REQUEST).
  outcome<void> close(std::chrono::milliseconds timeout = std::chrono::seconds(30));

  struct impl;

private:
  explicit consumer(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

} // namespace tributary::client
