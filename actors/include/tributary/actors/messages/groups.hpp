#pragma once
// Kafka's group protocol and offset APIs: JoinGroup, SyncGroup, Heartbeat, LeaveGroup,
// OffsetCommit, OffsetFetch, OffsetDelete, DescribeGroups, ListGroups, DeleteGroups. Field
// meanings follow Kafka's schemas (../shared/kafka-protocol); empty group_instance_id = none.
// Subscription and assignment blobs are Kafka's ConsumerProtocol bytes, never interpreted by
// the coordinator, so Java, librdkafka and native members can share a group.

#include "tributary/actors/messages/common.hpp"

namespace tributary::actors {

struct group_protocol {
  std::string name; // assignor, e.g. "range", "roundrobin", "cooperative-sticky"
  bytes metadata;   // ConsumerProtocol Subscription
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, group_protocol& x) {
  return f(caf::meta::type_name("trib.group_protocol"), x.name, x.metadata);
}

struct join_group_request {
  std::string group_id;
  int32_t session_timeout_ms = 45000;
  int32_t rebalance_timeout_ms = 300000;
  std::string member_id; // "" on the first join
  std::string group_instance_id;
  std::string protocol_type = "consumer";
  std::vector<group_protocol> protocols;
  std::string client_id;
  std::string client_host;
  std::string reason;
  bool require_known_member_id = false; // JoinGroup v4+: answer MEMBER_ID_REQUIRED first
  // JoinGroup v9+ (KIP-814): a static leader rejoining a Stable group gets the member list
  // with skip_assignment instead of being told an older leader id.
  bool supports_skip_assignment = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, join_group_request& x) {
  return f(caf::meta::type_name("trib.join_group_request"), x.group_id, x.session_timeout_ms,
           x.rebalance_timeout_ms, x.member_id, x.group_instance_id, x.protocol_type, x.protocols,
           x.client_id, x.client_host, x.reason, x.require_known_member_id,
           x.supports_skip_assignment);
}

struct join_group_member {
  std::string member_id;
  std::string group_instance_id;
  bytes metadata;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, join_group_member& x) {
  return f(caf::meta::type_name("trib.join_group_member"), x.member_id, x.group_instance_id,
           x.metadata);
}

struct join_group_response {
  int16_t error = 0;
  std::string error_message;
  int32_t generation_id = -1;
  std::string protocol_type;
  std::string protocol_name;
  std::string leader;
  bool skip_assignment = false;
  std::string member_id;
  std::vector<join_group_member> members; // only for the leader
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, join_group_response& x) {
  return f(caf::meta::type_name("trib.join_group_response"), x.error, x.error_message,
           x.generation_id, x.protocol_type, x.protocol_name, x.leader, x.skip_assignment,
           x.member_id, x.members);
}

struct sync_group_assignment {
  std::string member_id;
  bytes assignment; // ConsumerProtocol Assignment
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sync_group_assignment& x) {
  return f(caf::meta::type_name("trib.sync_group_assignment"), x.member_id, x.assignment);
}

struct sync_group_request {
  std::string group_id;
  int32_t generation_id = -1;
  std::string member_id;
  std::string group_instance_id;
  std::string protocol_type;
  std::string protocol_name;
  std::vector<sync_group_assignment> assignments; // only from the leader
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sync_group_request& x) {
  return f(caf::meta::type_name("trib.sync_group_request"), x.group_id, x.generation_id,
           x.member_id, x.group_instance_id, x.protocol_type, x.protocol_name, x.assignments);
}

struct sync_group_response {
  int16_t error = 0;
  std::string error_message;
  std::string protocol_type;
  std::string protocol_name;
  bytes assignment;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sync_group_response& x) {
  return f(caf::meta::type_name("trib.sync_group_response"), x.error, x.error_message,
           x.protocol_type, x.protocol_name, x.assignment);
}

struct heartbeat_request {
  std::string group_id;
  int32_t generation_id = -1;
  std::string member_id;
  std::string group_instance_id;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, heartbeat_request& x) {
  return f(caf::meta::type_name("trib.heartbeat_request"), x.group_id, x.generation_id, x.member_id,
           x.group_instance_id);
}

struct heartbeat_response {
  int16_t error = 0; // REBALANCE_IN_PROGRESS tells the member to rejoin
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, heartbeat_response& x) {
  return f(caf::meta::type_name("trib.heartbeat_response"), x.error);
}

struct leave_group_member {
  std::string member_id;
  std::string group_instance_id;
  std::string reason;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, leave_group_member& x) {
  return f(caf::meta::type_name("trib.leave_group_member"), x.member_id, x.group_instance_id,
           x.reason);
}

struct leave_group_request {
  std::string group_id;
  std::vector<leave_group_member> members;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, leave_group_request& x) {
  return f(caf::meta::type_name("trib.leave_group_request"), x.group_id, x.members);
}

struct leave_group_member_result {
  std::string member_id;
  std::string group_instance_id;
  int16_t error = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, leave_group_member_result& x) {
  return f(caf::meta::type_name("trib.leave_group_member_result"), x.member_id, x.group_instance_id,
           x.error);
}

struct leave_group_response {
  int16_t error = 0;
  std::vector<leave_group_member_result> members;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, leave_group_response& x) {
  return f(caf::meta::type_name("trib.leave_group_response"), x.error, x.members);
}

// -- offsets --------------------------------------------------------------------------------

struct offset_commit_partition {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  int32_t leader_epoch = -1;
  std::string metadata;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, offset_commit_partition& x) {
  return f(caf::meta::type_name("trib.offset_commit_partition"), x.topic, x.partition, x.offset,
           x.leader_epoch, x.metadata);
}

/// generation_id -1 with an empty member_id: a standalone (assign()) commit, no checks.
struct offset_commit_request {
  std::string group_id;
  int32_t generation_id = -1;
  std::string member_id;
  std::string group_instance_id;
  int64_t retention_ms = -1; // v2-v4 explicit retention, -1: offsets.retention.minutes
  std::vector<offset_commit_partition> partitions;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, offset_commit_request& x) {
  return f(caf::meta::type_name("trib.offset_commit_request"), x.group_id, x.generation_id,
           x.member_id, x.group_instance_id, x.retention_ms, x.partitions);
}

struct offset_commit_response {
  std::vector<partition_error> partitions;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, offset_commit_response& x) {
  return f(caf::meta::type_name("trib.offset_commit_response"), x.partitions);
}

struct offset_fetch_request {
  std::string group_id;
  bool all_partitions = false; // true: every committed offset of the group
  std::vector<topic_partition_ref> partitions;
  bool require_stable = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, offset_fetch_request& x) {
  return f(caf::meta::type_name("trib.offset_fetch_request"), x.group_id, x.all_partitions,
           x.partitions, x.require_stable);
}

struct offset_fetch_partition {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = -1; // -1: nothing committed
  int32_t leader_epoch = -1;
  std::string metadata;
  int16_t error = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, offset_fetch_partition& x) {
  return f(caf::meta::type_name("trib.offset_fetch_partition"), x.topic, x.partition, x.offset,
           x.leader_epoch, x.metadata, x.error);
}

struct offset_fetch_response {
  int16_t error = 0;
  std::vector<offset_fetch_partition> partitions;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, offset_fetch_response& x) {
  return f(caf::meta::type_name("trib.offset_fetch_response"), x.error, x.partitions);
}

struct offset_delete_request {
  std::string group_id;
  std::vector<topic_partition_ref> partitions;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, offset_delete_request& x) {
  return f(caf::meta::type_name("trib.offset_delete_request"), x.group_id, x.partitions);
}

struct offset_delete_response {
  int16_t error = 0;
  std::vector<partition_error> partitions;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, offset_delete_response& x) {
  return f(caf::meta::type_name("trib.offset_delete_response"), x.error, x.partitions);
}

// -- describe / list / delete ----------------------------------------------------------------

struct describe_groups_request {
  std::vector<std::string> groups;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, describe_groups_request& x) {
  return f(caf::meta::type_name("trib.describe_groups_request"), x.groups);
}

struct described_member {
  std::string member_id;
  std::string group_instance_id;
  std::string client_id;
  std::string client_host;
  bytes metadata;
  bytes assignment;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, described_member& x) {
  return f(caf::meta::type_name("trib.described_member"), x.member_id, x.group_instance_id,
           x.client_id, x.client_host, x.metadata, x.assignment);
}

struct described_group {
  int16_t error = 0;
  std::string group_id;
  std::string state; // Kafka's spelling: "Empty", "Stable", ... "Dead" for unknown groups
  std::string protocol_type;
  std::string protocol_name;
  int32_t generation_id = -1;
  std::string leader;
  std::vector<described_member> members;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, described_group& x) {
  return f(caf::meta::type_name("trib.described_group"), x.error, x.group_id, x.state,
           x.protocol_type, x.protocol_name, x.generation_id, x.leader, x.members);
}

struct describe_groups_response {
  std::vector<described_group> groups;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, describe_groups_response& x) {
  return f(caf::meta::type_name("trib.describe_groups_response"), x.groups);
}

struct list_groups_request {
  std::vector<std::string> states_filter; // empty: all
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, list_groups_request& x) {
  return f(caf::meta::type_name("trib.list_groups_request"), x.states_filter);
}

struct listed_group {
  std::string group_id;
  std::string protocol_type;
  std::string state;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, listed_group& x) {
  return f(caf::meta::type_name("trib.listed_group"), x.group_id, x.protocol_type, x.state);
}

struct list_groups_response {
  int16_t error = 0;
  std::vector<listed_group> groups;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, list_groups_response& x) {
  return f(caf::meta::type_name("trib.list_groups_response"), x.error, x.groups);
}

struct delete_groups_request {
  std::vector<std::string> groups;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, delete_groups_request& x) {
  return f(caf::meta::type_name("trib.delete_groups_request"), x.groups);
}

struct group_result {
  std::string group_id;
  int16_t error = 0;
  std::string error_message;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, group_result& x) {
  return f(caf::meta::type_name("trib.group_result"), x.group_id, x.error, x.error_message);
}

struct delete_groups_response {
  std::vector<group_result> groups;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, delete_groups_response& x) {
  return f(caf::meta::type_name("trib.delete_groups_response"), x.groups);
}

} // namespace tributary::actors
