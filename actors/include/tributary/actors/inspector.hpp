#pragma once
// spawn_inspector: the node's directory of actors for `trib cluster actors` and the live
// console. Every Tributary actor registers its kind, name and parent on start (actor_meta.hpp);
// the inspector monitors it, forgets it when it dies, and answers actor_snapshot_request by
// asking every registered actor for its actor_info with HIGH priority (so the answer overtakes
// a backlog) within a deadline; actors that do not answer in time are listed from their
// registration and counted in actor_snapshot::unanswered.

#include "tributary/actors/worker_actors.hpp"

#include "caf/fwd.hpp"

#include <chrono>
#include <cstdint>

namespace tributary::actors {

/// How long a snapshot waits for the slowest actor before filling in its registration.
constexpr std::chrono::milliseconds k_snapshot_deadline{1000};

/// A scheduled actor (it never blocks). Registers itself, so snapshots list it too.
inspector_actor spawn_inspector(caf::actor_system& sys, int32_t node_id);

} // namespace tributary::actors
