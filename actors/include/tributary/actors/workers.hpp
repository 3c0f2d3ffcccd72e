#pragma once
// The detached workers: the metadata actor owns the node's SQLite metadata_store; disk
// workers run blocking file work (log open, fsync, compaction, deletes). Both are detached
// (their own thread) so SQLite and fsync never stall the scheduler; both run jobs in arrival
// order, one at a time.

#include "tributary/actors/worker_actors.hpp"

#include "caf/fwd.hpp"

#include <string>

namespace tributary::storage::metadata {
class metadata_store;
} // namespace tributary::storage::metadata

namespace tributary::actors {

/// Takes ownership of `store`. detached=false spawns a scheduled actor instead, for
/// deterministic tests with CAF's testing scheduler. close_request closes the store and quits.
metadata_actor spawn_metadata_actor(caf::actor_system& sys, storage::metadata::metadata_store store,
                                    inspector_actor inspector, int32_t node_id = 0,
                                    bool detached = true);

/// A disk worker named `name` (e.g. "disk-0") for the inspector.
disk_actor spawn_disk_worker(caf::actor_system& sys, std::string name, inspector_actor inspector,
                             int32_t node_id = 0, bool detached = true);

} // namespace tributary::actors
