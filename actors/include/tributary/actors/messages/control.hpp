#pragma once
// Messages between actors of one node that clients never send: timers, topic config pushes,
// orderly close, shutdown, inspector registration, and the jobs handed to detached workers.
// Jobs carry std::function and are local-only (CAF_ALLOW_UNSAFE_MESSAGE_TYPE): sending one to
// another node fails loudly instead of serializing.

#include "tributary/actors/messages/common.hpp"

#include "caf/actor_addr.hpp"
#include "caf/allowed_unsafe_message_type.hpp"

#include <functional>

namespace tributary::storage::metadata {
class metadata_store;
} // namespace tributary::storage::metadata

namespace tributary::actors {

/// A timer an actor sends itself (kind is actor-specific; seq detects stale timers).
struct timer_tick {
  int32_t kind = 0;
  uint64_t seq = 0;
  std::string key; // e.g. the member a session timer belongs to
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, timer_tick& x) {
  return f(caf::meta::type_name("trib.timer_tick"), x.kind, x.seq, x.key);
}

/// New topic-level overrides (the complete set) for a partition's log.
struct topic_config_update {
  std::vector<config_kv> overrides;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, topic_config_update& x) {
  return f(caf::meta::type_name("trib.topic_config_update"), x.overrides);
}

/// Orderly stop of a partition or group: flush, checkpoint, close; delete_data removes the
/// partition's folder afterwards (topic deletion). Answered when done, then the actor quits.
struct close_request {
  bool delete_data = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, close_request& x) {
  return f(caf::meta::type_name("trib.close_request"), x.delete_data);
}

struct close_response {
  int16_t error = 0;
  std::string error_message;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, close_response& x) {
  return f(caf::meta::type_name("trib.close_response"), x.error, x.error_message);
}

/// Node shutdown, sent to the broker: stop taking requests, close every partition and group.
struct shutdown_request {
  int32_t deadline_ms = 10000;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, shutdown_request& x) {
  return f(caf::meta::type_name("trib.shutdown_request"), x.deadline_ms);
}

/// Sent to the broker once a listener is bound: by the node for the native listener (the
/// broker is published after it is spawned, and with port 0 only the middleman knows the real
/// port) and by the Kafka listener for the Kafka port. -1 leaves a port unchanged.
struct native_listener_bound {
  int32_t native_port = -1;
  int32_t kafka_port = -1;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, native_listener_bound& x) {
  return f(caf::meta::type_name("trib.native_listener_bound"), x.native_port, x.kafka_port);
}

/// Registers an actor with the inspector, which monitors it and forgets it when it dies.
struct register_actor {
  caf::actor_addr who;
  std::string kind;
  std::string name;
  std::string parent;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, register_actor& x) {
  return f(caf::meta::type_name("trib.register_actor"), x.who, x.kind, x.name, x.parent);
}

/// Answer of a finished job.
struct job_done {};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, job_done&) {
  return f(caf::meta::type_name("trib.job_done"));
}

/// Work for the metadata actor, run on its thread with the store. The closure writes its
/// results into state it shares with the requester (a shared_ptr captured by value).
struct store_job {
  std::function<void(storage::metadata::metadata_store&)> run;
};

/// Blocking file work (log open, fsync, compaction, segment deletion) for a disk worker.
struct disk_job {
  std::function<void()> run;
};

} // namespace tributary::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tributary::actors::store_job)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tributary::actors::disk_job)
