#pragma once
// spawn_broker: the node's front door (see broker_actor.hpp). Loads topics from the metadata
// actor, spawns one partition actor per partition and group coordinators on demand, handles
// metadata and admin requests, and shuts everything down in order on shutdown_request.

#include "tributary/actors/broker_actor.hpp"
#include "tributary/actors/worker_actors.hpp"
#include "tributary/config/broker_config.hpp"

#include "caf/fwd.hpp"

#include <functional>
#include <string>

namespace tributary::actors {

struct broker_spec {
  config::broker_config config;
  std::string cluster_id;
  broker_node self; // this node as clients reach it (advertised host and ports)
  int64_t started_ms = 0;
  /// offsets.retention.check.interval.ms (Kafka's default; not a Tributary setting yet).
  int64_t offsets_check_interval_ms = 600000;
  /// Wall clock in ms for offset expiry; empty: the system clock (tests move time forward).
  std::function<int64_t()> now_ms;
};

struct broker_deps {
  metadata_actor metadata;
  disk_actor disk;
  inspector_actor inspector;
};

/// Spawns the broker; it finishes loading topics before handling its first request.
broker_actor spawn_broker(caf::actor_system& sys, broker_spec spec, broker_deps deps);

} // namespace tributary::actors
