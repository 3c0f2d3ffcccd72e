#pragma once
// group_actor: the typed interface of one consumer group's coordinator. The broker routes every
// group request by group_id to it (spawning it on first use); see group_coordinator.hpp.

#include "tributary/actors/messages/control.hpp"
#include "tributary/actors/messages/groups.hpp"
#include "tributary/actors/messages/inspection.hpp"

#include "caf/replies_to.hpp"
#include "caf/typed_actor.hpp"

namespace tributary::actors {

/// DescribeGroups / DeleteGroups for the one group the actor coordinates.
struct describe_group {};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, describe_group&) {
  return f(caf::meta::type_name("trib.describe_group"));
}
struct delete_group {};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, delete_group&) {
  return f(caf::meta::type_name("trib.delete_group"));
}

using group_actor =
    caf::typed_actor<caf::replies_to<join_group_request>::with<join_group_response>,
                     caf::replies_to<sync_group_request>::with<sync_group_response>,
                     caf::replies_to<heartbeat_request>::with<heartbeat_response>,
                     caf::replies_to<leave_group_request>::with<leave_group_response>,
                     caf::replies_to<offset_commit_request>::with<offset_commit_response>,
                     caf::replies_to<offset_fetch_request>::with<offset_fetch_response>,
                     caf::replies_to<offset_delete_request>::with<offset_delete_response>,
                     caf::replies_to<describe_group>::with<described_group>,
                     caf::replies_to<delete_group>::with<group_result>,
                     caf::replies_to<close_request>::with<close_response>,
                     caf::replies_to<stats_request>::with<actor_info>, caf::reacts_to<timer_tick>>;

} // namespace tributary::actors
