#pragma once
// assignor: how the group leader splits partitions among members (Kafka's client-side
// assignment, ConsumerPartitionAssignor). The leader's consumer runs the assignor the
// coordinator picked from every member's partition.assignment.strategy list; the result
// travels back in SyncGroup as ConsumerProtocol assignments.
//
// Built in, with Kafka's names and algorithms:
//   "range"               per topic: partitions in order, members sorted, the first
//                         (partitions % members) members get one extra (RangeAssignor);
//   "roundrobin"          every topic-partition sorted, dealt to the sorted members in turn,
//                         skipping members not subscribed to the topic (RoundRobinAssignor);
//   "cooperative-sticky"  balanced and sticky (keeps owned partitions where balance allows),
//                         with KIP-429 incremental cooperative rebalancing: a partition that
//                         moves is left out of its new owner's assignment until the old owner
//                         revoked it and a follow-up rebalance hands it over.
// Members sort like Kafka's MemberInfo: by group.instance.id when both have one, members with
// one first, then by member id.

#include "tributary/client/consumer_protocol.hpp"
#include "tributary/client/error.hpp"
#include "tributary/client/record.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::client {

/// EAGER: every member revokes everything before rejoining. COOPERATIVE: members keep what
/// they own and revoke only what moves (KIP-429). A consumer uses COOPERATIVE only when every
/// assignor in its partition.assignment.strategy supports it (Kafka's rule).
enum class rebalance_protocol : int8_t { eager = 0, cooperative = 1 };

/// One member as the leader sees it in JoinGroup's answer.
struct group_member_info {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  member_subscription subscription;
};

/// Topic name -> partition count, for the topics any member subscribed to that exist.
using partition_counts = std::map<std::string, int32_t>;
/// Member id -> its partitions, one entry for every member (possibly empty).
using group_assignment = std::map<std::string, std::vector<topic_partition>>;

/// A partition assignment strategy. Implementations are stateless or keep state only from
/// on_assignment(); the consumer calls them from its group actor (one thread at a time).
/// assign() never fails: members subscribed to unknown topics simply get nothing for them.
class assignor {
public:
  virtual ~assignor() = default;
  /// The protocol name members vote with ("range", "roundrobin", "cooperative-sticky").
  virtual std::string name() const = 0;
  /// Protocols this assignor supports, most preferred first.
  virtual std::vector<rebalance_protocol> supported_protocols() const {
    return {rebalance_protocol::eager};
  }
  /// Bytes for the subscription's user_data (nullopt: null) given this member's topics and
  /// the generation of what it owns.
  virtual std::optional<std::string> subscription_user_data(const std::vector<std::string>&,
                                                            int32_t /*generation*/) const {
    return std::nullopt;
  }
  /// The leader's assignment for `members` (member id -> info).
  virtual group_assignment assign(const partition_counts& partitions,
                                  const std::map<std::string, group_member_info>& members) = 0;
};

std::unique_ptr<assignor> make_range_assignor();
std::unique_ptr<assignor> make_roundrobin_assignor();
std::unique_ptr<assignor> make_cooperative_sticky_assignor();

/// An assignor by its protocol name or Java class name ("range",
/// "org.apache.kafka.clients.consumer.RangeAssignor", ...). Unknown names fail with
/// INVALID_CONFIG listing the known ones.
outcome<std::unique_ptr<assignor>> make_assignor(std::string_view name);

/// Kafka's member order (MemberInfo.compareTo) over `members`, as member ids.
std::vector<std::string> sorted_member_ids(const std::map<std::string, group_member_info>& members);

/// The rebalance protocol a list of assignors agrees on: COOPERATIVE when all support it.
rebalance_protocol common_rebalance_protocol(const std::vector<std::shared_ptr<assignor>>& list);

} // namespace tributary::client
