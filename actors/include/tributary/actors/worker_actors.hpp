#pragma once
// The detached actors that do blocking work so scheduler threads never wait on SQLite or
// fsync: the metadata actor (owns the node's metadata_store) and disk workers (log opening,
// flush tickets, compaction runs, segment deletion). Both run jobs in arrival order.

#include "tributary/actors/messages/control.hpp"
#include "tributary/actors/messages/inspection.hpp"

#include "caf/replies_to.hpp"
#include "caf/typed_actor.hpp"

namespace tributary::actors {

using metadata_actor = caf::typed_actor<caf::replies_to<store_job>::with<job_done>,
                                        caf::replies_to<close_request>::with<close_response>,
                                        caf::replies_to<stats_request>::with<actor_info>>;

using disk_actor = caf::typed_actor<caf::replies_to<disk_job>::with<job_done>,
                                    caf::replies_to<stats_request>::with<actor_info>>;

using inspector_actor =
    caf::typed_actor<caf::reacts_to<register_actor>,
                     caf::replies_to<actor_snapshot_request>::with<actor_snapshot>,
                     caf::replies_to<stats_request>::with<actor_info>>;

} // namespace tributary::actors
