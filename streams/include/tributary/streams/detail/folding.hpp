#pragma once
// count / reduce / aggregate, written once for every grouped or windowed stream: each is a
// fold of values into an optional aggregate, and the stream type only says where the
// aggregate lives (Derived::fold: a key-value store, a window store, ...) and what the result
// table's key is (KOut: K, or windowed<K>).

#include "tributary/streams/dsl_fwd.hpp"
#include "tributary/streams/options.hpp"

#include <cstdint>
#include <functional>
#include <optional>

namespace tributary::streams::detail {

template <class Derived, class K, class V, class KOut>
class folding {
public:
  /// Records per key (and window).
  ktable<KOut, int64_t> count(materialized<K, int64_t> m = {}) const {
    return self().template fold<int64_t>(
        "count", std::move(m),
        [](const K&, const V&, const std::optional<int64_t>& n) { return n ? *n + 1 : 1; });
  }

  /// Combines the values of a key with f(aggregate, value); the first value starts it.
  template <class F>
  ktable<KOut, V> reduce(F f, materialized<K, V> m = {}) const {
    return self().template fold<V>("reduce", std::move(m),
                                   [f](const K&, const V& v, const std::optional<V>& agg) mutable {
                                     return agg ? V(f(*agg, v)) : v;
                                   });
  }

  /// Folds values into init() with f(key, value, aggregate).
  template <class VA, class Init, class F>
  ktable<KOut, VA> aggregate(Init init, F f, materialized<K, VA> m = {}) const {
    return self().template fold<VA>(
        "aggregate", std::move(m),
        [init, f](const K& k, const V& v, const std::optional<VA>& agg) mutable {
          return VA(f(k, v, agg ? *agg : VA(init())));
        });
  }

private:
  const Derived& self() const { return static_cast<const Derived&>(*this); }
};

} // namespace tributary::streams::detail
