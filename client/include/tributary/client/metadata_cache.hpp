#pragma once
// metadata_cache: the client's view of which topics exist and how many partitions each has,
// filled from metadata_request answers. Producers look up partition counts per record (a
// cached lookup), consumers expand subscriptions; both invalidate a topic when the node says
// UNKNOWN_TOPIC_OR_PARTITION or NOT_LEADER_OR_FOLLOWER and refresh it.
// Shared by one client's user threads and its actors (shared_ptr); thread-safe (one mutex).
// Blocking refreshes run on the caller's thread (never call them from an actor handler);
// actors send make_request() themselves and hand the answer to update().

#include "tributary/actors/messages/topics.hpp"
#include "tributary/client/connection.hpp"

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace tributary::client {

class metadata_cache {
public:
  /// allow_auto_create: lookups of unknown topics ask the node to create them (when the node
  /// has auto.create.topics.enable), like Kafka's producer metadata requests.
  /// Entries older than `max_age` (metadata.max.age.ms) are fetched again on lookup.
  explicit metadata_cache(connection conn, bool allow_auto_create = true,
                          std::chrono::milliseconds max_age = std::chrono::minutes(5));

  /// The partition count of `topic`: cached, or fetched from the node (blocking up to
  /// `timeout`). Fails with the node's error for the topic (UNKNOWN_TOPIC_OR_PARTITION,
  /// INVALID_TOPIC_EXCEPTION, ...) or the request's (REQUEST_TIMED_OUT, ...).
  outcome<int32_t> partition_count(const std::string& topic, std::chrono::milliseconds timeout);

  /// The cached partition count, without asking the node.
  std::optional<int32_t> cached_partition_count(const std::string& topic) const;

  /// Asks the node about `topics` (every topic when empty) and caches the answer. Per-topic
  /// errors are cached as such; only a failed request fails.
  outcome<actors::metadata_response> refresh(const std::vector<std::string>& topics,
                                             std::chrono::milliseconds timeout);

  /// The request an actor sends to refresh `topics`, and what it does with the answer.
  actors::metadata_request make_request(std::vector<std::string> topics) const;
  void update(const actors::metadata_response& response);

  /// Forgets `topic`: the next lookup asks the node.
  void invalidate(const std::string& topic);

  /// Topics known without error, sorted (complete after refresh({})).
  std::vector<std::string> topics() const;

  /// Bumped by every update/invalidate; readers compare it to skip re-reading an unchanged
  /// cache (a relaxed atomic read, no lock).
  uint64_t version() const noexcept { return version_.load(std::memory_order_acquire); }

  const connection& conn() const noexcept { return conn_; }

private:
  struct entry {
    int32_t partitions = 0;
    int16_t error = 0;
    std::string error_message;
    std::chrono::steady_clock::time_point fetched;
  };

  void store(const actors::topic_metadata& t);

  connection conn_;
  bool allow_auto_create_;
  std::chrono::milliseconds max_age_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, entry> topics_;
  std::atomic<uint64_t> version_{0};
};

} // namespace tributary::client
