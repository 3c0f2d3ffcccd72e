#pragma once
// Private to the sticky assignor: the pieces its two files share (assignor_sticky.cpp holds the
// constrained path and the cooperative wrapper, assignor_sticky_general.cpp the general path).

#include "tributary/client/assignor.hpp"

#include <optional>
#include <vector>

namespace tributary::client::detail {

inline constexpr int32_t default_generation = -1;

/// What a member claims to own, and from which generation (nullopt: unknown).
struct member_data {
  std::vector<topic_partition> partitions;
  std::optional<int32_t> generation;
};

/// Owned partitions and their generation: ConsumerProtocol v2+ generation_id, else the
/// cooperative-sticky user data (a big-endian int32 generation).
member_data member_data_of(const member_subscription& s);

/// AbstractStickyAssignor.generalAssign: balanced, keeping current owners where possible
/// (members' subscriptions differ).
group_assignment sticky_general_assign(const partition_counts& counts,
                                       const std::map<std::string, group_member_info>& members);

} // namespace tributary::client::detail
