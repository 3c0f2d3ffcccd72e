#pragma once
// partition_actor: the typed interface of one partition (its leader replica and log). One
// actor per partition, spawned by the broker; see partition.hpp for the implementation entry.

#include "tributary/actors/messages/control.hpp"
#include "tributary/actors/messages/fetch.hpp"
#include "tributary/actors/messages/inspection.hpp"
#include "tributary/actors/messages/produce.hpp"
#include "tributary/actors/messages/replication.hpp"
#include "tributary/actors/messages/topics.hpp"

#include "caf/replies_to.hpp"
#include "caf/typed_actor.hpp"

namespace tributary::actors {

using partition_actor =
    caf::typed_actor<caf::replies_to<produce_request>::with<produce_response>,
                     caf::replies_to<partition_fetch>::with<fetch_partition_data>,
                     caf::replies_to<partition_list_offset>::with<list_offsets_result>,
                     caf::replies_to<partition_delete_records>::with<delete_records_result>,
                     caf::replies_to<replica_fetch_request>::with<fetch_partition_data>,
                     caf::replies_to<epoch_end_offset_request>::with<epoch_end_offset_response>,
                     caf::replies_to<truncate_request>::with<partition_status>,
                     caf::replies_to<leadership_change>::with<partition_status>,
                     caf::replies_to<partition_status_request>::with<partition_status>,
                     caf::replies_to<topic_config_update>::with<resource_result>,
                     caf::replies_to<close_request>::with<close_response>,
                     caf::replies_to<stats_request>::with<actor_info>, caf::reacts_to<timer_tick>>;

} // namespace tributary::actors
