#pragma once
// kgrouped_stream<K, V>: a stream grouped by key, ready to aggregate (Kafka Streams'
// KGroupedStream). count / reduce / aggregate keep one value per key in a key-value store
// (named by materialized::as, else derived: "<anchor>-count") with a changelog topic, and
// return the table of aggregates. If the key was changed upstream, group_by_key put a
// repartition topic in between so each key is aggregated by exactly one task.

#include "tributary/streams/detail/aggregate_ops.hpp"
#include "tributary/streams/kstream.hpp"
#include "tributary/streams/windowed_stream.hpp"

#include <cstdint>

namespace tributary::streams {

template <class K, class V>
class kgrouped_stream {
public:
  kgrouped_stream(kstream<K, V> in, serdes<K, V> s) : in_(std::move(in)), serdes_(std::move(s)) {}

  /// Records per key.
  ktable<K, int64_t> count(materialized<K, int64_t> m = {}) const {
    return aggregate_impl<int64_t>("count", std::move(m),
                                   [](const K&, const V&, const std::optional<int64_t>& n) {
                                     return n ? *n + 1 : int64_t{1};
                                   });
  }

  /// Combines the values of a key with f(aggregate, value); the first value starts it.
  template <class F>
  ktable<K, V> reduce(F f, materialized<K, V> m = {}) const {
    return aggregate_impl<V>("reduce", std::move(m),
                             [f](const K&, const V& v, const std::optional<V>& agg) mutable {
                               return agg ? V(f(*agg, v)) : v;
                             });
  }

  /// Folds values into init() with f(key, value, aggregate).
  template <class VA, class Init, class F>
  ktable<K, VA> aggregate(Init init, F f, materialized<K, VA> m = {}) const {
    return aggregate_impl<VA>(
        "aggregate", std::move(m),
        [init, f](const K& k, const V& v, const std::optional<VA>& agg) mutable {
          return VA(f(k, v, agg ? *agg : VA(init())));
        });
  }

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
  template <class VA>
  ktable<K, VA>
  aggregate_impl(const std::string& op, materialized<K, VA> m,
                 std::function<VA(const K&, const V&, const std::optional<VA>&)> add) const;

  kstream<K, V> in_;
  serdes<K, V> serdes_;
};

} // namespace tributary::streams
