#pragma once
// kgrouped_table<K, V>: a table re-grouped by a new key (Kafka Streams' KGroupedTable). Its
// aggregations take an adder and a subtractor: when a row changes, its old value is
// subtracted from the old group and its new value added to the new group, so counts and sums
// stay right as rows move between groups or disappear.
//
//   users.group_by([](const std::string& id, const json& u) {
//          return std::make_pair(u["region"].get<std::string>(), id); })
//        .count(materialized<std::string, int64_t>::as("users-per-region"));

#include "tributary/streams/detail/table_group_ops.hpp"
#include "tributary/streams/kstream.hpp"

namespace tributary::streams {

template <class K, class V>
class kgrouped_table {
public:
  kgrouped_table(kstream<K, change<V>> deltas, serdes<K, V> s)
      : deltas_(std::move(deltas)), serdes_(std::move(s)) {}

  ktable<K, int64_t> count(materialized<K, int64_t> m = {}) const {
    return aggregate_impl<int64_t>(
        "count", std::move(m),
        [](const K&, const V&, const std::optional<int64_t>& n) { return (n ? *n : 0) + 1; },
        [](const K&, const V&, const std::optional<int64_t>& n) { return (n ? *n : 0) - 1; });
  }

  /// adder(agg, value) and subtractor(agg, value); the first value starts the aggregate.
  template <class Add, class Sub>
  ktable<K, V> reduce(Add adder, Sub subtractor, materialized<K, V> m = {}) const {
    return aggregate_impl<V>(
        "reduce", std::move(m),
        [adder](const K&, const V& v, const std::optional<V>& agg) mutable {
          return agg ? V(adder(*agg, v)) : v;
        },
        [subtractor](const K&, const V& v, const std::optional<V>& agg) mutable {
          return agg ? V(subtractor(*agg, v)) : v;
        });
  }

  /// adder(key, value, agg) and subtractor(key, value, agg), starting from init().
  template <class VA, class Init, class Add, class Sub>
  ktable<K, VA> aggregate(Init init, Add adder, Sub subtractor, materialized<K, VA> m = {}) const {
    return aggregate_impl<VA>(
        "aggregate", std::move(m),
        [init, adder](const K& k, const V& v, const std::optional<VA>& agg) mutable {
          return VA(adder(k, v, agg ? *agg : VA(init())));
        },
        [init, subtractor](const K& k, const V& v, const std::optional<VA>& agg) mutable {
          return VA(subtractor(k, v, agg ? *agg : VA(init())));
        });
  }

private:
  template <class VA>
  ktable<K, VA>
  aggregate_impl(const std::string& op, materialized<K, VA> m,
                 std::function<VA(const K&, const V&, const std::optional<VA>&)> add,
                 std::function<VA(const K&, const V&, const std::optional<VA>&)> subtract) const;

  kstream<K, change<V>> deltas_;
  serdes<K, V> serdes_;
};

} // namespace tributary::streams
