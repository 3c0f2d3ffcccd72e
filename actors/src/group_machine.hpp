#pragma once
// group_machine: Kafka's classic group membership protocol for ONE group as a plain value
// (Kafka's GroupCoordinator + GroupMetadata): Empty / PreparingRebalance /
// CompletingRebalance / Stable / Dead, JoinGroup, SyncGroup, Heartbeat, LeaveGroup, static
// membership, protocol selection and the generation checks of offset commits. No actors, no
// I/O, no clock: the coordinator actor (group_coordinator.cpp) feeds it requests and timer
// ticks and carries out the `effects` it asks for -- answer a parked request, arm a timer,
// persist the group. That keeps every rule unit-testable without a scheduler.

#include "group_effects.hpp"

#include "tributary/actors/group_coordinator.hpp"
#include "tributary/actors/messages/control.hpp"
#include "tributary/protocol/kafka_error.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace tributary::actors::groups {

/// Owned by one coordinator actor; not thread-safe. Never throws (except std::bad_alloc);
/// every refusal is a Kafka error code with a sentence naming the group and member.
class group_machine {
public:
  using id_source = std::function<std::string()>; // a fresh UUID per call
  using wall_clock = std::function<int64_t()>;    // ms since the epoch, for state_ms

  group_machine(std::string group_id, group_settings settings, id_source uuid = {},
                wall_clock now_ms = {});

  // -- lifecycle ------------------------------------------------------------------------------
  /// Resumes a stored group: Stable with session timers for its members (a group stored in
  /// the middle of a rebalance starts a new one), or Empty.
  void load(const storage::metadata::group_record& stored, effects& fx);
  /// Answers every parked request with NOT_COORDINATOR and becomes Dead (node shutdown).
  void close(effects& fx);
  /// DeleteGroups: Dead when Empty; GROUP_ID_NOT_FOUND / NON_EMPTY_GROUP otherwise.
  check_result begin_delete();
  /// The store refused the deletion: back to Empty.
  void abort_delete();

  // -- group protocol -------------------------------------------------------------------------
  /// The answer now, or nullopt when the request waits for the rebalance (as `waiter`).
  std::optional<join_group_response> join(const join_group_request& req, uint64_t waiter,
                                          effects& fx);
  std::optional<sync_group_response> sync(const sync_group_request& req, uint64_t waiter,
                                          effects& fx);
  heartbeat_response heartbeat(const heartbeat_request& req, effects& fx);
  leave_group_response leave(const leave_group_request& req, effects& fx);
  void on_timer(const timer_tick& tick, effects& fx);
  /// Outcome of a save_request (error 0: stored).
  void on_saved(const save_request& save, int16_t error, const std::string& message, effects& fx);

  // -- offsets --------------------------------------------------------------------------------
  /// Kafka's validateOffsetCommit: the error every partition of the commit gets, if any.
  check_result check_commit(const offset_commit_request& req, effects& fx);
  /// A commit was stored: the group exists from now on (standalone consumers).
  void on_offsets_committed() { exists_ = true; }
  offset_delete_plan plan_offset_delete(const std::vector<topic_partition_ref>& parts) const;

  // -- views ----------------------------------------------------------------------------------
  described_group describe() const;
  storage::metadata::group_record snapshot() const;
  std::vector<config_kv> details() const;
  const std::string& group_id() const { return group_id_; }
  group_state state() const { return state_; }
  int32_t generation() const { return generation_; }
  const std::string& leader() const { return leader_; }
  const std::string& protocol_type() const { return protocol_type_; }
  const std::string& protocol_name() const { return protocol_name_; }
  size_t size() const { return members_.size(); }
  size_t pending_count() const { return pending_members_.size(); }
  bool exists() const { return exists_ || !members_.empty() || !pending_members_.empty(); }
  const member_state* find(const std::string& member_id) const;

private:
  // group_machine.cpp: membership, rebalance rounds, persistence views
  member_state* find_mut(const std::string& member_id);
  std::vector<member_state*> ordered();
  std::vector<const member_state*> ordered() const;
  std::string quoted() const { return "group '" + group_id_ + "'"; }
  void transition(group_state s);
  void schedule_session(member_state& m, int64_t timeout_ms, effects& fx);
  int32_t rebalance_timeout() const;
  void maybe_prepare_rebalance(const std::string& reason, effects& fx);
  void prepare_rebalance(const std::string& reason, effects& fx);
  bool all_members_joined() const;
  void maybe_complete_join(effects& fx);
  void complete_join(effects& fx);
  bool elect_joined_leader();
  void init_next_generation();
  std::string select_protocol() const;
  bool supports_protocols(const std::string& type, const std::vector<group_protocol>& ps) const;
  void compute_subscribed_topics();
  std::vector<join_group_member> member_list() const;
  join_group_response current_generation(const member_state& m) const;
  void remove(const std::string& member_id, const std::string& why, effects& fx);
  void remove_member_and_update(const std::string& member_id, const std::string& why, effects& fx);
  void propagate_assignment(int16_t error, const std::string& message, effects& fx);
  check_result validate_member(const std::string& member_id, const std::string& instance) const;
  check_result check_generation(int32_t generation, const std::string& member_id) const;

  // group_join.cpp / group_static.cpp: the JoinGroup paths
  bool accept_joining_member(const std::string& member_id) const;
  std::optional<join_group_response> join_new_member(const join_group_request& req, uint64_t waiter,
                                                     effects& fx);
  std::optional<join_group_response> join_current_member(const join_group_request& req,
                                                         uint64_t waiter, effects& fx);
  std::optional<join_group_response> add_member_and_rebalance(const join_group_request& req,
                                                              const std::string& member_id,
                                                              uint64_t waiter, effects& fx);
  std::optional<join_group_response> update_static_member(const join_group_request& req,
                                                          const std::string& old_id,
                                                          const std::string& new_id,
                                                          uint64_t waiter, effects& fx);
  void update_member(member_state& m, const join_group_request& req, std::optional<uint64_t> waiter,
                     effects& fx);
  void replace_static_member(const std::string& instance, const std::string& old_id,
                             const std::string& new_id, effects& fx);
  bool same_subscription(const std::vector<group_protocol>& before,
                         const std::vector<group_protocol>& after) const;
  void on_static_saved(const static_revert& r, int16_t error, const std::string& message,
                       effects& fx);
  std::string inconsistent_protocol_message(const join_group_request& req) const;

  // group_members.cpp: timers
  void on_session_timer(const timer_tick& tick, effects& fx);
  void on_join_timer(const timer_tick& tick, effects& fx);
  void on_sync_timer(const timer_tick& tick, effects& fx);

  std::string group_id_;
  group_settings settings_;
  id_source uuid_;
  wall_clock now_ms_;
  bool exists_ = false; // loaded from the store, joined or committed to
  group_state state_ = group_state::empty;
  int64_t state_ms_ = 0;
  int32_t generation_ = 0;
  std::string protocol_type_;
  std::string protocol_name_;
  std::string leader_;
  std::map<std::string, member_state> members_;
  std::map<std::string, std::string> static_members_; // group.instance.id -> member id
  std::map<std::string, uint64_t> pending_members_;   // MEMBER_ID_REQUIRED ids -> timer seq
  std::set<std::string> pending_sync_; // joined this generation, SyncGroup not yet seen
  std::optional<std::set<std::string>> subscribed_topics_; // nullopt: unknown
  uint64_t next_join_order_ = 0;
  uint64_t timer_seq_ = 0;
  uint64_t rebalance_seq_ = 0;
  bool initial_delay_active_ = false; // group.initial.rebalance.delay.ms is running
  bool new_member_added_ = false;     // ... and a member joined during the current delay
  int64_t initial_remaining_ms_ = 0;
};

/// A Kafka error code of protocol::kafka_error as the int16 the messages carry.
int16_t code(protocol::kafka_error e);

/// A JoinGroup refusal: the code, the member id to report and the explanation.
join_group_response join_error(protocol::kafka_error e, std::string member_id, std::string message);

} // namespace tributary::actors::groups
