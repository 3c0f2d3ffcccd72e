#pragma once
// What flows between the operators of a topology. A record<K, V> is passed by const
// reference down the operator chain inside one task (function calls, no messages): the
// topic/partition/offset/headers of the input record it came from stay in the task's
// processor_context (record_meta), as in Kafka Streams' ProcessorContext.

#include "tributary/client/record.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tributary::streams {

/// A typed record. has_key / has_value are false for Kafka's null key / null value (the
/// fields then hold default-constructed values): aggregations and joins skip null keys, as
/// Kafka Streams does, and a null value is a table's tombstone.
template <class K, class V>
struct record {
  K key{};
  V value{};
  int64_t timestamp = 0;
  bool has_key = true;
  bool has_value = true;

  template <class K2, class V2>
  record<K2, V2> with(K2 k, V2 v) const {
    return record<K2, V2>{std::move(k), std::move(v), timestamp, has_key, has_value};
  }
};

/// A table update: the value before and after (either absent), Kafka Streams' Change<V>.
/// Table operators forward record<K, change<V>> so aggregations can subtract the old value.
template <class V>
struct change {
  std::optional<V> new_value;
  std::optional<V> old_value;
};

/// Where the record being processed came from (the task's current input record).
struct record_meta {
  std::string topic;
  int32_t partition = -1;
  int64_t offset = -1;
  int64_t timestamp = -1;
  const std::vector<client::header>* headers = nullptr; // valid during process() only
};

} // namespace tributary::streams
