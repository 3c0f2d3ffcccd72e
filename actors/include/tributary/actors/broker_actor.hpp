#pragma once
// broker_actor: the node's front door, and the only handle a client needs. In-process clients
// get it from actors::node, remote ones through CAF's middleman (remote_actor<broker_actor>
// checks this interface at connect time). It answers metadata and admin requests itself and
// routes produce/fetch to partition actors and group requests to group actors. Clients
// components (streams apps and tasks) register with the node's inspector through it, so they
// appear in the live console whether they run in the node's process or elsewhere.

#include "tributary/actors/messages/control.hpp"
#include "tributary/actors/messages/fetch.hpp"
#include "tributary/actors/messages/groups.hpp"
#include "tributary/actors/messages/inspection.hpp"
#include "tributary/actors/messages/produce.hpp"
#include "tributary/actors/messages/replication.hpp"
#include "tributary/actors/messages/topics.hpp"

#include "caf/replies_to.hpp"
#include "caf/typed_actor.hpp"

namespace tributary::actors {

/// Status of every partition of the listed topics (all when empty), for `trib topic describe`.
struct partition_status_query {
  std::vector<std::string> topics;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, partition_status_query& x) {
  return f(caf::meta::type_name("trib.partition_status_query"), x.topics);
}
struct partition_status_list {
  std::vector<partition_status> partitions;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, partition_status_list& x) {
  return f(caf::meta::type_name("trib.partition_status_list"), x.partitions);
}

using broker_actor =
    caf::typed_actor<caf::replies_to<metadata_request>::with<metadata_response>,
                     caf::replies_to<produce_request>::with<produce_response>,
                     caf::replies_to<fetch_request>::with<fetch_response>,
                     caf::replies_to<list_offsets_request>::with<list_offsets_response>,
                     caf::replies_to<delete_records_request>::with<delete_records_response>,
                     caf::replies_to<create_topics_request>::with<create_topics_response>,
                     caf::replies_to<delete_topics_request>::with<delete_topics_response>,
                     caf::replies_to<create_partitions_request>::with<create_partitions_response>,
                     caf::replies_to<describe_configs_request>::with<describe_configs_response>,
                     caf::replies_to<alter_configs_request>::with<alter_configs_response>,
                     caf::replies_to<partition_status_query>::with<partition_status_list>,
                     caf::replies_to<find_coordinator_request>::with<find_coordinator_response>,
                     caf::replies_to<join_group_request>::with<join_group_response>,
                     caf::replies_to<sync_group_request>::with<sync_group_response>,
                     caf::replies_to<heartbeat_request>::with<heartbeat_response>,
                     caf::replies_to<leave_group_request>::with<leave_group_response>,
                     caf::replies_to<offset_commit_request>::with<offset_commit_response>,
                     caf::replies_to<offset_fetch_request>::with<offset_fetch_response>,
                     caf::replies_to<offset_delete_request>::with<offset_delete_response>,
                     caf::replies_to<describe_groups_request>::with<describe_groups_response>,
                     caf::replies_to<list_groups_request>::with<list_groups_response>,
                     caf::replies_to<delete_groups_request>::with<delete_groups_response>,
                     caf::replies_to<init_producer_id_request>::with<init_producer_id_response>,
                     caf::replies_to<describe_cluster_request>::with<describe_cluster_response>,
                     caf::replies_to<actor_snapshot_request>::with<actor_snapshot>,
                     caf::replies_to<shutdown_request>::with<close_response>,
                     caf::replies_to<stats_request>::with<actor_info>, caf::reacts_to<timer_tick>,
                     caf::reacts_to<native_listener_bound>, caf::reacts_to<register_actor>>;

} // namespace tributary::actors
