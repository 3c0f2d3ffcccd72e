#pragma once
// spawn_partition: starts the actor that owns one partition's log (storage::partition_log).
// It appends whole batches, keeps the high watermark and leader epoch, long-polls fetches
// with response promises, flushes through a disk worker (fsync never runs on a scheduler
// thread), applies retention and compaction on timers, and registers with the inspector.

#include "tributary/actors/partition_actor.hpp"
#include "tributary/actors/worker_actors.hpp"
#include "tributary/config/topic_config.hpp"

#include "caf/fwd.hpp"

#include <string>

namespace tributary::actors {

struct partition_spec {
  std::string topic;
  int32_t partition = 0;
  std::string dir;             // <data_dir>/<topic>-<partition>
  config::topic_config config; // broker defaults overlaid with the topic's overrides
  int32_t node_id = 0;
  int32_t leader_epoch = 0;
  std::string parent;                           // inspector parent name, e.g. "broker 0"
  int64_t retention_check_interval_ms = 300000; // log.retention.check.interval.ms
  bool cleaner_enabled = true;                  // log.cleaner.enable
  int64_t cleaner_backoff_ms = 15000;           // log.cleaner.backoff.ms
  int64_t replica_lag_time_max_ms = 30000;      // replica.lag.time.max.ms (ISR membership)
  int64_t producer_id_expiration_ms = 86400000; // producer.id.expiration.ms (idempotence)
};

struct partition_deps {
  disk_actor disk;           // log open, flush tickets, compaction, deletes
  inspector_actor inspector; // may be invalid (tests)
};

/// Spawns the partition actor. The log is opened on the disk worker before the actor
/// handles its first request (requests wait in the mailbox meanwhile); if opening fails the
/// actor stays up and answers every request with KAFKA_STORAGE_ERROR and the reason. Without
/// a disk worker (deps.disk invalid: deterministic tests) disk work runs on the actor itself.
/// The actor re-arms timers (retention, compaction): its owner must stop it with a
/// close_request (or an exit message) or actor_system teardown waits for it forever.
partition_actor spawn_partition(caf::actor_system& sys, partition_spec spec, partition_deps deps);

} // namespace tributary::actors
