#pragma once
// Private to the group member actor: its state and the functions its two files share
// (group_member.cpp: behavior, heartbeats, metadata, leave, commits; group_member_join.cpp:
// JoinGroup, the leader's assignment, SyncGroup).

#include "consumer_channel.hpp"
#include "group_member.hpp"

#include "caf/all.hpp"

#include <spdlog/spdlog.h>

#include <optional>
#include <regex>
#include <set>

namespace tributary::client::detail {

using member_tick_atom = caf::atom_constant<caf::atom("c_mtick")>;
using member_retry_atom = caf::atom_constant<caf::atom("c_mretry")>;

enum class member_phase : uint8_t {
  idle,          // not in the group (never joined, left, or failed fatally)
  joining,       // JoinGroup in flight (or waiting to retry it)
  syncing,       // SyncGroup in flight
  stable,        // assignment delivered; heartbeating
  awaiting_join, // a rebalance is needed; waiting for the poll thread's member_join
};

struct member_state {
  actors::broker_actor broker;
  std::shared_ptr<consumer_channel> channel;
  member_settings settings;

  // subscription
  bool subscribed = false;
  std::vector<std::string> topics; // explicit, or the pattern's current matches (sorted)
  std::optional<std::regex> pattern;
  bool pattern_resolved = false;

  // membership
  member_phase phase = member_phase::idle;
  std::string member_id;
  int32_t generation = -1;
  std::string protocol_name;
  member_join pending;   // what the current join announces
  uint64_t join_seq = 0; // bumps per attempt: answers to older attempts are ignored
  bool join_after_metadata = false;

  // timers
  bool ticking = false;
  int64_t last_heartbeat_ms = 0;
  bool heartbeat_in_flight = false;
  int64_t next_metadata_ms = 0;
  bool metadata_in_flight = false;
  partition_counts counts;            // of the topics we watch, from the last metadata answer
  std::set<std::string> group_topics; // leader: every member's topics at the last assignment

  static constexpr const char* name = "consumer_group_member";
};

using member_actor = caf::stateful_actor<member_state>;

std::shared_ptr<spdlog::logger> member_logger();

/// A CAF request failure as the client error a user sees.
client::error request_error(member_actor* self, const caf::error& err, const char* what);

// group_member_join.cpp
void start_join(member_actor* self);
void retry_join_later(member_actor* self);

// group_member.cpp
void post_event(member_actor* self, group_event::kind what, std::string reason,
                client::error err = {});
void refresh_metadata(member_actor* self);

} // namespace tributary::client::detail
