#pragma once
// The identity and counters every Tributary actor keeps for the inspector, and the two things
// it does with them: register on start, answer stats_request. Private to actors/.

#include "tributary/actors/messages/inspection.hpp"
#include "tributary/actors/worker_actors.hpp"

#include "caf/all.hpp"

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace tributary::actors {

inline int64_t wall_clock_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

struct actor_meta {
  std::string kind;
  std::string name;
  std::string parent;
  int32_t node_id = 0;
  int64_t started_ms = wall_clock_ms();
  actor_counters counters;

  void count_in(uint64_t batches, uint64_t records, uint64_t bytes) {
    counters.batches_in += batches;
    counters.records_in += records;
    counters.bytes_in += bytes;
  }
  void count_out(uint64_t batches, uint64_t records, uint64_t bytes) {
    counters.batches_out += batches;
    counters.records_out += records;
    counters.bytes_out += bytes;
  }
};

/// Tells the inspector about `self` (no-op without an inspector).
template <class Self>
void register_with(const inspector_actor& inspector, Self* self, const actor_meta& meta) {
  if (inspector)
    caf::anon_send(inspector, register_actor{self->address(), meta.kind, meta.name, meta.parent});
}

/// The stats_request answer; reads the mailbox depth, which only the actor itself may do.
template <class Self>
actor_info make_actor_info(Self* self, const actor_meta& meta,
                           std::vector<config_kv> details = {}) {
  actor_info info;
  info.actor_id = self->id();
  info.node_id = meta.node_id;
  info.kind = meta.kind;
  info.name = meta.name;
  info.parent = meta.parent;
  info.mailbox_depth = self->mailbox().size();
  info.started_ms = meta.started_ms;
  info.counters = meta.counters;
  info.details = std::move(details);
  return info;
}

} // namespace tributary::actors
