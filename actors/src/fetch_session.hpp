#pragma once
// fetch_session: one short-lived actor per fetch_request (Kafka's DelayedFetch). The broker
// resolves the partitions and delegates the request; the session asks every partition at
// once, answers when the partitions together hold min_bytes, or when max_wait_ms expires, and
// keeps the response within max_bytes. Private to actors/.

#include "tributary/actors/messages/control.hpp"
#include "tributary/actors/messages/fetch.hpp"
#include "tributary/actors/partition_actor.hpp"

#include "caf/fwd.hpp"
#include "caf/replies_to.hpp"
#include "caf/typed_actor.hpp"

#include <string>
#include <vector>

namespace tributary::actors {

using fetch_session_actor = caf::typed_actor<caf::replies_to<fetch_request>::with<fetch_response>,
                                             caf::reacts_to<timer_tick>>;

/// What the broker resolved for one requested partition: its actor, or why there is none.
struct fetch_target {
  partition_actor actor; // invalid: answered with `error`
  int16_t error = 0;
  std::string error_message;
};

/// targets[i] belongs to the i-th partition of the fetch_request the session will receive.
/// The session quits after answering.
fetch_session_actor spawn_fetch_session(caf::actor_system& sys, std::vector<fetch_target> targets);

/// Keeps whole RecordBatch v2 of `records` up to `budget` bytes (the batch length field at
/// byte 8 gives each batch's size); returns the bytes kept.
size_t trim_to_batches(bytes& records, size_t budget);

} // namespace tributary::actors
