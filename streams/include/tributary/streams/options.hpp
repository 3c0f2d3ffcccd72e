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

} // namespace tributary::streams
