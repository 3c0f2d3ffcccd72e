#pragma once
// The inspector's data: every actor's kind, name, parent and live counters. Actors keep an
// actor_counters in their state, bump it per message / batch, and answer a stats_request
// with an actor_info (mailbox depth read from inside the actor, the only place CAF 0.17
// allows it). `trib cluster actors` and the live console render actor_snapshot.

#include "tributary/actors/messages/common.hpp"

namespace tributary::actors {

struct actor_counters {
  uint64_t messages = 0; // handled
  uint64_t batches_in = 0;
  uint64_t records_in = 0;
  uint64_t bytes_in = 0;
  uint64_t batches_out = 0;
  uint64_t records_out = 0;
  uint64_t bytes_out = 0;
  uint64_t errors = 0; // requests answered with an error
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, actor_counters& x) {
  return f(caf::meta::type_name("trib.actor_counters"), x.messages, x.batches_in, x.records_in,
           x.bytes_in, x.batches_out, x.records_out, x.bytes_out, x.errors);
}

/// kind: "node", "broker", "partition", "replica", "group", "metadata", "inspector",
/// "disk_worker", "fetch_session", "producer", "consumer", ...
struct actor_info {
  uint64_t actor_id = 0;
  int32_t node_id = 0;
  std::string kind;
  std::string name;   // e.g. "partition orders-3"
  std::string parent; // the parent's name, "" for the root
  uint64_t mailbox_depth = 0;
  int64_t started_ms = 0;
  actor_counters counters;
  std::vector<config_kv> details; // kind-specific: "high_watermark", "state", ...
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, actor_info& x) {
  return f(caf::meta::type_name("trib.actor_info"), x.actor_id, x.node_id, x.kind, x.name, x.parent,
           x.mailbox_depth, x.started_ms, x.counters, x.details);
}

/// Sent (with high priority) to each registered actor; answered with actor_info.
struct stats_request {};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stats_request&) {
  return f(caf::meta::type_name("trib.stats_request"));
}

struct actor_snapshot_request {
  std::string kind_filter; // "" for all kinds
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, actor_snapshot_request& x) {
  return f(caf::meta::type_name("trib.actor_snapshot_request"), x.kind_filter);
}

struct actor_snapshot {
  int32_t node_id = 0;
  int64_t taken_ms = 0;
  std::vector<actor_info> actors; // sorted by parent, kind, name
  int32_t unanswered = 0;         // actors that did not answer within the deadline
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, actor_snapshot& x) {
  return f(caf::meta::type_name("trib.actor_snapshot"), x.node_id, x.taken_ms, x.actors,
           x.unanswered);
}

} // namespace tributary::actors
