#pragma once
// The producer's sender: one event-based actor per producer, in the connection's actor system.
// Woken by the accumulator (a ready batch, a linger deadline), it ships batches as
// produce_requests (one partition per request, several batches of that partition
// concatenated up to max.request.size, at most max.in.flight requests per partition), retries
// retriable errors after retry.backoff.ms until delivery.timeout.ms or `retries`, refreshes
// metadata on UNKNOWN_TOPIC_OR_PARTITION / NOT_LEADER_OR_FOLLOWER, and completes batches
// through the accumulator. On close_atom it fails whatever it still holds and quits.

#include "record_accumulator.hpp"

#include "tributary/client/metadata_cache.hpp"

#include "caf/fwd.hpp"

#include <atomic>
#include <memory>

namespace tributary::client::detail {

/// Counters the sender bumps and producer::metrics() reads (relaxed atomics).
struct sender_metrics {
  std::atomic<uint64_t> records_sent{0};
  std::atomic<uint64_t> records_failed{0};
  std::atomic<uint64_t> batches_sent{0};
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> retries{0};
  std::atomic<uint64_t> bytes_sent{0};
};

struct sender_context {
  connection conn;
  producer_config config;
  std::shared_ptr<record_accumulator> accumulator;
  std::shared_ptr<metadata_cache> metadata;
  std::shared_ptr<sender_metrics> metrics;
};

/// Spawns the sender in conn.system().
caf::actor spawn_sender(std::shared_ptr<sender_context> ctx);

/// Messages from the accumulator hooks and the producer (anon_send from any thread).
void send_wake(const caf::actor& sender);
void send_linger(const caf::actor& sender, clock::time_point deadline);
/// Blocks until the sender failed what it holds (with "producer closed") and quit.
void close_sender(caf::actor_system& sys, const caf::actor& sender);

} // namespace tributary::client::detail
