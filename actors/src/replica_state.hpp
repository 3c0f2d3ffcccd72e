#pragma once
// The follower replica actor's state and its fetch loop (replica_fetcher.cpp); the behavior,
// open and close live in replica_actor.cpp. Everything runs on the replica actor.

#include "actor_meta.hpp"
#include "replica_log.hpp"

#include "tributary/actors/replica.hpp"

#include "caf/all.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace tributary::actors {

/// timer_tick kinds of the follower.
enum replica_timer : int32_t {
  k_replica_retry = 1, // seq: the retry arming it belongs to
};

struct replica_state {
  static constexpr const char* name = "replica";

  /// Truncating: asking the leader where our latest epoch ends (after open or a leader
  /// change). Fetching: the replica_fetch_request loop.
  enum class phase { truncating, fetching };

  replica_spec spec;
  partition_deps deps;
  actor_meta meta;
  log_owner store;
  std::string open_error;

  int32_t leader_epoch = 0;
  int32_t leader_id = -1;
  int64_t high_watermark = 0; // the leader's, capped at our log end
  phase step = phase::truncating;
  bool is_in_flight = false; // a request to the leader is out
  uint64_t generation = 0;   // bumped by leader changes: older answers are dropped
  uint64_t retry_seq = 0;    // the live retry timer
  std::string last_error;    // the leader's last error, for status / stats
  uint64_t fetches = 0;

  bool is_closing = false;
  std::vector<caf::typed_response_promise<close_response>> close_waiters;
};

using replica_self = replica_actor::stateful_pointer<replica_state>;

// replica_fetcher.cpp
/// Sends the next request to the leader unless one is out, closing, or the log is missing.
void replica_step(replica_self self);
/// Retries after spec.fetch_backoff_ms (a leader error or an unreachable leader).
void replica_retry_later(replica_self self, const std::string& why);
void replica_on_timer(replica_self self, const timer_tick& t);

} // namespace tributary::actors
