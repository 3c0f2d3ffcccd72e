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

/// Spawns the coordinator (a scheduled actor; all SQLite work goes to the metadata actor).
/// It loads the group's stored state (if any) before handling its first request; a
/// restarted node resumes the stored generation and members, whose sessions run from the
/// load, so members that come back in time continue without a rebalance. A failed load is
/// retried with backoff; meanwhile requests get COORDINATOR_LOAD_IN_PROGRESS.
///
/// The group is stored when the leader's SyncGroup completes a generation (the SyncGroup
/// answers follow the save, as Kafka answers after its group metadata append), when a
/// static member replaces its member id, when the group becomes Empty, and on
/// close_request (which answers parked requests NOT_COORDINATOR, stores, replies, quits).
/// Offsets are committed in one transaction per request after the generation checks; a
/// refused commit stores nothing. delete_group answers GROUP_ID_NOT_FOUND / NON_EMPTY_GROUP,
/// or deletes the group with its offsets and quits. Every error carries Kafka's code and a
/// sentence naming the group, member, generation or partition.
group_actor spawn_group_coordinator(caf::actor_system& sys, group_spec spec, group_deps deps);

} // namespace tributary::actors
