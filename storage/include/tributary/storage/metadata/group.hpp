#pragma once
// Consumer groups as the metadata store persists them: the group coordinator's state after
// each rebalance step, so a restarted node resumes the same generation. Plain value types.

#include "tributary/common/strong_id.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::storage::metadata {

/// Kafka's group states (GroupState in the Java coordinator), stored by name.
enum class group_state { empty, preparing_rebalance, completing_rebalance, stable, dead };

/// Kafka's spelling ("Empty", "PreparingRebalance", ...), as ListGroups reports it.
std::string_view to_string(group_state s) noexcept;
/// Parses Kafka's spelling; nullopt for anything else.
std::optional<group_state> group_state_from_string(std::string_view s) noexcept;

/// Opaque bytes (ConsumerProtocol subscription / assignment), never interpreted here.
using blob = std::vector<uint8_t>;

/// One member of a group, as JoinGroup / SyncGroup left it.
struct group_member {
  std::string member_id;
  std::optional<std::string> group_instance_id; // group.instance.id (static membership)
  std::string client_id;
  std::string client_host;
  int32_t session_timeout_ms = 0;
  int32_t rebalance_timeout_ms = 0;
  blob subscription; // the metadata of the chosen protocol
  blob assignment;   // what SyncGroup handed this member

  friend bool operator==(const group_member& a, const group_member& b) {
    return a.member_id == b.member_id && a.group_instance_id == b.group_instance_id &&
           a.client_id == b.client_id && a.client_host == b.client_host &&
           a.session_timeout_ms == b.session_timeout_ms &&
           a.rebalance_timeout_ms == b.rebalance_timeout_ms && a.subscription == b.subscription &&
           a.assignment == b.assignment;
  }
};

/// A group and its members. state_ms is when it entered `state` (Kafka's
/// currentStateTimestamp). Offsets of an Empty group with a protocol type expire
/// offsets.retention.minutes after state_ms (KIP-211); those of a standalone group (empty
/// protocol_type) expire that long after each commit; an explicit per-offset expiry wins.
struct group_record {
  std::string group_id;
  group_state state = group_state::empty;
  std::string protocol_type;                // "consumer", "connect", or "" (offsets only)
  std::optional<std::string> protocol_name; // chosen assignor, e.g. "range"
  generation_id generation{0};
  std::optional<std::string> leader_member;
  int64_t state_ms = 0;
  std::vector<group_member> members;
};

/// One row of ListGroups.
struct group_overview {
  std::string group_id;
  group_state state = group_state::empty;
  std::string protocol_type;
};

} // namespace tributary::storage::metadata
