#pragma once
// spawn_follower_replica: a follower replica of one partition. It owns its own log folder and
// pulls from the leader's partition actor with the replication messages
// (messages/replication.hpp): replica_fetch_request in a loop (its fetch offset tells the
// leader its log end offset, so the leader advances the high watermark and the ISR),
// append_with_offsets of what comes back, the leader's high watermark mirrored locally, and
// after a leader epoch change epoch_end_offset_request + truncation of a diverging tail
// before fetching again. On one node it proves the protocol; a follower on another node uses
// the same messages through CAF's middleman.

#include "tributary/actors/messages/control.hpp"
#include "tributary/actors/messages/inspection.hpp"
#include "tributary/actors/messages/replication.hpp"
#include "tributary/actors/partition.hpp"
#include "tributary/actors/partition_actor.hpp"
#include "tributary/config/topic_config.hpp"

#include "caf/fwd.hpp"
#include "caf/replies_to.hpp"
#include "caf/typed_actor.hpp"

#include <string>

namespace tributary::actors {

/// The follower's interface: the controller (broker) tells it about leadership changes,
/// tools ask its status, the owner closes it.
using replica_actor =
    caf::typed_actor<caf::replies_to<leadership_change>::with<partition_status>,
                     caf::replies_to<partition_status_request>::with<partition_status>,
                     caf::replies_to<close_request>::with<close_response>,
                     caf::replies_to<stats_request>::with<actor_info>, caf::reacts_to<timer_tick>>;

struct replica_spec {
  std::string topic;
  int32_t partition = 0;
  std::string dir;             // this replica's own folder
  config::topic_config config; // as the leader's
  int32_t node_id = 0;         // this replica's id (the leader must list it in its replicas)
  partition_actor leader;
  int32_t leader_epoch = 0;
  int32_t leader_id = -1;            // for status and logs
  std::string parent;                // inspector parent name
  int32_t fetch_max_wait_ms = 500;   // replica.fetch.wait.max.ms
  int32_t fetch_max_bytes = 1 << 20; // replica.fetch.max.bytes
  int64_t fetch_backoff_ms = 1000;   // replica.fetch.backoff.ms (after an error)
};

/// Spawns the follower; its log is opened on deps.disk first (inline without a disk worker,
/// as spawn_partition). It keeps fetching until closed (close_request or an exit message),
/// retrying every fetch_backoff_ms while the leader errs or is unreachable; a leadership
/// change naming this node as leader is refused (spawn a partition actor instead).
replica_actor spawn_follower_replica(caf::actor_system& sys, replica_spec spec,
                                     partition_deps deps);

} // namespace tributary::actors
