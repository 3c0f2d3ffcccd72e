#pragma once
// fetcher: a consumer's background actor that keeps fetch requests going to the broker for
// every assigned, unpaused partition with a known position, and pushes the answers into the
// consumer_channel. Per partition at most one fetch is in flight and at most
// `max_buffered_chunks` answers wait unconsumed, so the next fetch is already under way while
// the user works through the previous one (prefetch) without unbounded buffering.
// Owned by one consumer; spawned in the connection's actor system; stopped by send_exit on
// close. Retriable partition errors are retried after retry.backoff.ms inside the actor; any
// other error goes to the poll thread as a chunk carrying the error code.

#include "tributary/actors/broker_actor.hpp"
#include "tributary/client/record.hpp"

#include "caf/allowed_unsafe_message_type.hpp"
#include "caf/fwd.hpp"

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace tributary::client {

class consumer_channel;

struct fetcher_settings {
  int32_t max_wait_ms = 500;
  int32_t min_bytes = 1;
  int32_t max_bytes = 50 << 20;
  int32_t max_partition_bytes = 1 << 20;
  int8_t isolation_level = 0;
  int32_t retry_backoff_ms = 100;
  int32_t request_timeout_ms = 30000;
  int32_t max_buffered_chunks = 2; // per partition, including the one being consumed
  size_t max_requests_in_flight = 4;
};

/// Where to fetch one partition from. `epoch` changes whenever the poll thread moves the
/// position itself (seek, reset, new assignment): the fetcher then forgets buffered and
/// in-flight data of the old epoch.
struct fetch_position {
  topic_partition tp;
  int64_t offset = -1;
  uint32_t epoch = 0;
  bool fetchable = false; // position known and not paused
};

/// The complete set of partitions to fetch (replaces the previous plan).
struct fetch_plan {
  std::vector<fetch_position> partitions;
};

/// Chunks the poll thread finished with (consumed or dropped): tp and the chunk's epoch.
struct fetch_done {
  std::vector<std::pair<topic_partition, uint32_t>> chunks;
};

caf::actor spawn_fetcher(caf::actor_system& sys, actors::broker_actor broker,
                         std::shared_ptr<consumer_channel> channel, fetcher_settings settings);

} // namespace tributary::client

// Local-only messages between a consumer and its own actors (never serialized).
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tributary::client::fetch_plan)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tributary::client::fetch_done)
