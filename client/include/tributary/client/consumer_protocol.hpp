#pragma once
// Kafka's ConsumerProtocol: the Subscription and Assignment blobs consumer-group members put
// into JoinGroup / SyncGroup (schemas ConsumerProtocolSubscription.json v0-v3 and
// ConsumerProtocolAssignment.json v0-v3, non-flexible, each blob starting with an int16
// version). The coordinator never looks inside them; using Kafka's exact bytes lets Java and
// librdkafka members share a group with ours.
//
//   Subscription: version i16 | topics [string] | user_data bytes(nullable)
//                 | v1+: owned_partitions [topic string, partitions [i32]]
//                 | v2+: generation_id i32 | v3+: rack_id string(nullable)
//   Assignment:   version i16 | assigned_partitions [topic string, partitions [i32]]
//                 | user_data bytes(nullable)
//
// Pure functions, thread-safe. Decoding follows Kafka: a newer version than we know is read
// with the newest format we know (later fields ignored); truncated or negative lengths fail
// with INCONSISTENT_GROUP_PROTOCOL naming the field.

#include "tributary/client/error.hpp"
#include "tributary/client/record.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tributary::client {

/// The newest ConsumerProtocol version we read and write.
inline constexpr int16_t consumer_protocol_version = 3;

/// What one member tells the group leader when it joins. A plain value.
struct member_subscription {
  std::vector<std::string> topics;
  std::optional<std::string> user_data;          // assignor-specific bytes, nullopt = null
  std::vector<topic_partition> owned_partitions; // v1+: what the member holds now
  int32_t generation_id = -1;                    // v2+: generation of owned_partitions
  std::optional<std::string> rack_id;            // v3+: client.rack
  int16_t version = consumer_protocol_version;   // as decoded (encode takes it as argument)
};

/// What the leader hands one member in SyncGroup. A plain value.
struct member_assignment {
  std::vector<topic_partition> partitions;
  std::optional<std::string> user_data;
  int16_t version = consumer_protocol_version;
};

/// Encodes `s` in `version` (0..3); fields the version lacks are left out. Partitions are
/// grouped by topic in order of first appearance.
std::vector<char> encode_subscription(const member_subscription& s,
                                      int16_t version = consumer_protocol_version);
outcome<member_subscription> decode_subscription(const char* data, size_t size);
inline outcome<member_subscription> decode_subscription(const std::vector<char>& bytes) {
  return decode_subscription(bytes.data(), bytes.size());
}

std::vector<char> encode_assignment(const member_assignment& a,
                                    int16_t version = consumer_protocol_version);
outcome<member_assignment> decode_assignment(const char* data, size_t size);
inline outcome<member_assignment> decode_assignment(const std::vector<char>& bytes) {
  return decode_assignment(bytes.data(), bytes.size());
}

} // namespace tributary::client
