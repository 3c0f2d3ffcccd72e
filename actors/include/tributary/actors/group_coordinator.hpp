#pragma once
// spawn_group_coordinator: starts the actor that coordinates one consumer group with Kafka's
// group protocol (Empty / PreparingRebalance / CompletingRebalance / Stable / Dead; join,
// sync, heartbeat, leave; session and rebalance timeouts; static membership; protocol
// selection) and stores its state and committed offsets through the metadata actor.

#include "tributary/actors/group_actor.hpp"
#include "tributary/actors/worker_actors.hpp"

#include "caf/fwd.hpp"

#include <string>

namespace tributary::actors {

/// The broker settings a coordinator uses (copied from config::broker_config).
struct group_settings {
  int32_t initial_rebalance_delay_ms = 3000;
  int32_t min_session_timeout_ms = 6000;
  int32_t max_session_timeout_ms = 1800000;
  int32_t max_size = 0; // 0: unlimited
  int64_t offsets_retention_ms = 7LL * 24 * 3600 * 1000;
  int32_t node_id = 0;
  int32_t offset_metadata_max_bytes = 4096; // offset.metadata.max.bytes
  // How long a JoinGroup of a member without an id may wait in a rebalance (Kafka's
  // NewMemberJoinTimeoutMs): such members cannot heartbeat, and a client that gave up on its
  // request would otherwise hold the rebalance until the rebalance timeout.
  int32_t new_member_join_timeout_ms = 5 * 60 * 1000;
};

struct group_spec {
  std::string group_id;
  group_settings settings;
  std::string parent; // inspector parent name
};

struct group_deps {
  metadata_actor metadata;
  inspector_actor inspector; // may be invalid (tests)
};

/// Spawns the coordinator. It loads the group's stored state (if any) from the metadata
/// actor before handling its first request; a restarted node resumes the stored generation
/// with members expected to rejoin within their session timeouts.
group_actor spawn_group_coordinator(caf::actor_system& sys, group_spec spec, group_deps deps);

} // namespace tributary::actors
