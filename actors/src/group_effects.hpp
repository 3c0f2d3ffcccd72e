#pragma once
// What group_machine asks its actor to do (effects: replies to parked requests, timers,
// saves) and the small value types it reports with. Plain values, no behaviour beyond
// member_state's accessors. Private to actors/.

#include "tributary/actors/messages/groups.hpp"
#include "tributary/storage/metadata/group.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tributary::actors::groups {

using storage::metadata::group_state;

/// timer_tick::kind values of a coordinator. seq makes a tick stale once its timer is
/// replaced: session (key = member, seq = the member's latest heartbeat), pending_member
/// (key = id handed out with MEMBER_ID_REQUIRED), join (seq = rebalance round), sync
/// (seq = generation), load (the actor's retry of a failed load; not for the machine).
enum class timer_kind : int32_t { session = 1, pending_member, join, sync, load };

struct timer_request {
  timer_kind kind = timer_kind::session;
  uint64_t seq = 0;
  std::string key;
  int64_t delay_ms = 0;
};

/// The answer to a parked JoinGroup / SyncGroup, by the waiter id the actor passed in.
struct join_reply {
  uint64_t waiter = 0;
  join_group_response response;
};
struct sync_reply {
  uint64_t waiter = 0;
  sync_group_response response;
};

enum class save_purpose {
  assignment,    // the leader's SyncGroup: answered once stored (Kafka's storeGroup)
  static_member, // a static member replaced its member id in a Stable group
  empty_group,   // the group became Empty (its offsets now age, KIP-211)
};

/// What a failed static-member save puts back (Kafka reverts the replacement).
struct static_revert {
  std::string instance_id;
  std::string old_member_id;
  std::string new_member_id;
  std::string previous_leader;
  std::vector<group_protocol> old_protocols;
  int32_t old_session_timeout_ms = 0;
  int32_t old_rebalance_timeout_ms = 0;
  bool supports_skip_assignment = false;
};

/// A request to persist `record`; the actor reports the outcome with on_saved(*this, ...).
struct save_request {
  save_purpose purpose = save_purpose::assignment;
  int32_t generation = 0;
  storage::metadata::group_record record;
  std::vector<sync_group_assignment> assignments; // purpose assignment: one per member
  static_revert revert;                           // purpose static_member
};

/// Everything a call asks the actor to do, in order within each list.
struct effects {
  std::vector<join_reply> joins;
  std::vector<sync_reply> syncs;
  std::vector<timer_request> timers;
  std::vector<save_request> saves;
};

/// One member as the coordinator tracks it.
struct member_state {
  std::string member_id;
  std::string group_instance_id; // "" for a dynamic member
  std::string client_id;
  std::string client_host;
  int32_t session_timeout_ms = 0;
  int32_t rebalance_timeout_ms = 0;
  std::vector<group_protocol> protocols; // in the member's order of preference
  bytes assignment;
  uint64_t join_order = 0;  // leader choice and member lists follow the order of joining
  uint64_t session_seq = 0; // the live session timer
  bool is_new = false;      // joined without a member id during the current rebalance
  std::optional<uint64_t> join_waiter;
  std::optional<uint64_t> sync_waiter;

  bool awaiting_join() const { return join_waiter.has_value(); }
  bool awaiting_sync() const { return sync_waiter.has_value(); }
  bool is_static() const { return !group_instance_id.empty(); }
  /// The member's metadata for `protocol`, nullptr when it does not support it.
  const bytes* metadata(const std::string& protocol) const;
};

/// An error code (0: none) with the sentence that explains it.
struct check_result {
  int16_t error = 0;
  std::string message;
};

/// OffsetDelete's split: partitions to delete, partitions refused, or a group-level error.
struct offset_delete_plan {
  int16_t error = 0;
  std::string message;
  std::vector<topic_partition_ref> eligible;
  std::vector<partition_error> refused;
};

} // namespace tributary::actors::groups
