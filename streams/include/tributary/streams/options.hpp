#pragma once
// The small option structs of the DSL (Kafka Streams' Consumed, Produced, Grouped,
// Materialized, Repartitioned). Each carries serdes (default: serde<T>::of()) and an optional
// name; a given name is what keeps state in place when the topology changes.

#include "tributary/streams/detail/stateless_ops.hpp"
#include "tributary/streams/serde.hpp"

#include <string>

namespace tributary::streams {

template <class K, class V>
struct consumed {
  serdes<K, V> with = {};
  detail::timestamp_extractor timestamp_extractor = {}; // default: the record's timestamp
  std::string name = {};
};

template <class K, class V>
struct produced {
  serdes<K, V> with = {};
  detail::stream_partitioner<K, V> partitioner = {}; // default: murmur2 of the key bytes
  std::string name = {};
};

template <class K, class V>
struct grouped {
  serdes<K, V> with = {};
  std::string name = {}; // names the repartition topic when one is needed
};

template <class K, class V>
struct repartitioned {
  serdes<K, V> with = {};
  std::string name = {};
  detail::stream_partitioner<K, V> partitioner = {};
};

/// A store's name and the serdes of what it holds. logged=false: no changelog (the store is
/// lost with its task's local files, as in Kafka Streams).
template <class K, class V>
struct materialized {
  std::string name = {};
  serdes<K, V> with = {};
  bool logged = true;

  static materialized as(std::string store_name) {
    materialized m;
    m.name = std::move(store_name);
    return m;
  }
};

/// The window of a stream-stream join: records join when the other side's timestamp is in
/// [t - before, t + after]; late records (older than stream time - window - grace) drop.
struct join_windows {
  int64_t before_ms = 0;
  int64_t after_ms = 0;
  int64_t grace_ms = 0;

  static join_windows of(int64_t difference_ms, int64_t grace_ms = 0) {
    return join_windows{difference_ms, difference_ms, grace_ms};
  }
  join_windows before(int64_t ms) const {
    auto w = *this;
    w.before_ms = ms;
    return w;
  }
  join_windows after(int64_t ms) const {
    auto w = *this;
    w.after_ms = ms;
    return w;
  }
};

/// Serdes of a stream-stream join's two value types (kept in its window stores) and its name.
template <class K, class V, class VO>
struct stream_joined {
  serde<K> key = default_serde<K>();
  serde<V> value = default_serde<V>();
  serde<VO> other_value = default_serde<VO>();
  std::string name = {};
};

} // namespace tributary::streams
