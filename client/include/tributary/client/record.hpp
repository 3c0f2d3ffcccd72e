#pragma once
// Records as the client API sees them. Keys, values and header values are bytes in
// std::string (binary-safe); std::nullopt is Kafka's null (a tombstone value, a null key).
// Typed views come from serdes.hpp.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tributary::client {

struct header {
  std::string key;
  std::optional<std::string> value;
};

struct topic_partition {
  std::string topic;
  int32_t partition = 0;

  friend bool operator==(const topic_partition& a, const topic_partition& b) {
    return a.partition == b.partition && a.topic == b.topic;
  }
  friend bool operator!=(const topic_partition& a, const topic_partition& b) { return !(a == b); }
  friend bool operator<(const topic_partition& a, const topic_partition& b) {
    return a.topic != b.topic ? a.topic < b.topic : a.partition < b.partition;
  }
  std::string to_string() const { return topic + "-" + std::to_string(partition); }
};

/// What a producer sends. partition unset: the partitioner picks (murmur2 of the key, or
/// sticky for null keys); timestamp -1: now.
struct producer_record {
  std::string topic;
  std::optional<int32_t> partition;
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<header> headers;
  int64_t timestamp = -1;
};

/// Where a record landed.
struct record_metadata {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = -1; // -1 with acks=0
  int64_t timestamp = -1;
  int32_t serialized_key_size = -1;
  int32_t serialized_value_size = -1;
};

enum class timestamp_type : int8_t { create_time = 0, log_append_time = 1 };

/// What a consumer receives.
struct consumer_record {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp = -1;
  client::timestamp_type timestamp_type = client::timestamp_type::create_time;
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<header> headers;
  int32_t leader_epoch = -1;
};

} // namespace tributary::client

template <>
struct std::hash<tributary::client::topic_partition> {
  size_t operator()(const tributary::client::topic_partition& tp) const noexcept {
    return std::hash<std::string>{}(tp.topic) * 31 + static_cast<size_t>(tp.partition);
  }
};
