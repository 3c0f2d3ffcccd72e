#pragma once
// kgrouped_stream<K, V>: a stream grouped by key, ready to aggregate (Kafka Streams'
// KGroupedStream). count / reduce / aggregate keep one value per key in a key-value store
// (named by materialized::as, else derived: "<anchor>-count") with a changelog topic, and
// return the table of aggregates. If the key was changed upstream, group_by_key put a
// repartition topic in between so each key is aggregated by exactly one task.

#include "tributary/streams/detail/aggregate_ops.hpp"
#include "tributary/streams/detail/folding.hpp"
#include "tributary/streams/kstream.hpp"
#include "tributary/streams/windowed_stream.hpp"

#include <cstdint>

namespace tributary::streams {

template <class K, class V>
class kgrouped_stream : public detail::folding<kgrouped_stream<K, V>, K, V, K> {
public:
  kgrouped_stream(kstream<K, V> in, serdes<K, V> s) : in_(std::move(in)), serdes_(std::move(s)) {}

  /// Aggregations per key and time window (tumbling or hopping).
  time_windowed_stream<K, V> windowed_by(time_windows w) const {
    return time_windowed_stream<K, V>(in_, serdes_, w);
  }
  /// Aggregations per key over sliding windows (every distinct window of `difference` ms).
  sliding_windowed_stream<K, V> windowed_by(sliding_windows w) const {
    return sliding_windowed_stream<K, V>(in_, serdes_, w);
  }
  /// Aggregations per key and session.
  session_windowed_stream<K, V> windowed_by(session_windows w) const {
    return session_windowed_stream<K, V>(in_, serdes_, w);
  }

  const kstream<K, V>& stream() const { return in_; }
  const serdes<K, V>& with() const { return serdes_; }

private:
  friend class detail::folding<kgrouped_stream<K, V>, K, V, K>;
  template <class VA>
  ktable<K, VA> fold(const std::string& op, materialized<K, VA> m,
                     std::function<VA(const K&, const V&, const std::optional<VA>&)> add) const;

  kstream<K, V> in_;
  serdes<K, V> serdes_;
};

} // namespace tributary::streams
