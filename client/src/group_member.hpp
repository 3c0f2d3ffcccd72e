#pragma once
// group_member: a consumer's background actor for Kafka's group protocol. It runs JoinGroup
// (with MEMBER_ID_REQUIRED and retries), computes the assignment when it is the leader (the
// assignor the coordinator picked, on partition counts it asks the broker for), SyncGroup,
// heartbeats every heartbeat.interval.ms, watches metadata for pattern matches and partition
// count changes, leaves the group on request or when the user did not poll within
// max.poll.interval.ms, and sends asynchronous commits. It never runs user code: everything the
// user must see (assignment, rebalance, lost partitions, commit results) goes to the poll
// thread through the consumer_channel, and a rejoin waits for the poll thread's member_join
// (sent after it ran the revocation callbacks), like Java's consumer.
// Owned by one consumer; spawned in the connection's actor system; stopped by send_exit.

#include "tributary/actors/broker_actor.hpp"
#include "tributary/client/assignor.hpp"

#include "caf/allowed_unsafe_message_type.hpp"
#include "caf/fwd.hpp"

#include <memory>
#include <string>
#include <vector>

namespace tributary::client {

class consumer_channel;

struct member_settings {
  std::string group_id;
  std::string client_id;
  std::string group_instance_id;
  std::string client_rack;
  int32_t session_timeout_ms = 45000;
  int32_t rebalance_timeout_ms = 300000; // max.poll.interval.ms
  int32_t heartbeat_interval_ms = 3000;
  int32_t max_poll_interval_ms = 300000;
  int32_t retry_backoff_ms = 100;
  int32_t request_timeout_ms = 30000;
  int64_t metadata_max_age_ms = 300000;
  bool allow_auto_create_topics = true;
  bool exclude_internal_topics = true;
  std::vector<std::shared_ptr<assignor>> assignors; // partition.assignment.strategy order
  rebalance_protocol protocol = rebalance_protocol::eager;
};

/// The subscription (a topic list, or a regex matched against the cluster's topics).
/// Both empty: unsubscribed.
struct member_subscribe {
  std::vector<std::string> topics;
  std::string pattern;
};

/// Join (or rejoin) now: the poll thread prepared (revoked what it had to). `owned` and
/// `generation` go into the subscription's owned_partitions / generation_id.
struct member_join {
  std::vector<topic_partition> owned;
  int32_t generation = -1;
  std::string reason;
};

/// Leave the group (LeaveGroup unless static), then report group_event::left.
struct member_leave {
  std::string reason;
};

/// Send this commit and report a commit_result with `id`.
struct member_commit {
  uint64_t id = 0;
  actors::offset_commit_request request;
};

caf::actor spawn_group_member(caf::actor_system& sys, actors::broker_actor broker,
                              std::shared_ptr<consumer_channel> channel, member_settings settings);

} // namespace tributary::client

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tributary::client::member_subscribe)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tributary::client::member_join)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tributary::client::member_leave)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tributary::client::member_commit)
