#pragma once
// Windowed aggregations of a grouped stream (Kafka Streams' TimeWindowedKStream and
// SessionWindowedKStream): group_by_key().windowed_by(time_windows::of(60'000)).count()
// gives a ktable<windowed<K>, int64_t>, one row per key and window, in a window store named
// like any other store (materialized::as, else "<anchor>-count"). The table remembers the
// grace period so suppress(until_window_closes()) knows when a window is final.

#include "tributary/streams/detail/folding.hpp"
#include "tributary/streams/detail/sliding_window_op.hpp"
#include "tributary/streams/detail/window_ops.hpp"
#include "tributary/streams/kstream.hpp"
#include "tributary/streams/windows.hpp"

namespace tributary::streams {

template <class K, class V>
class time_windowed_stream : public detail::folding<time_windowed_stream<K, V>, K, V, windowed<K>> {
public:
  time_windowed_stream(kstream<K, V> in, serdes<K, V> s, time_windows w)
      : in_(std::move(in)), serdes_(std::move(s)), windows_(w) {}

private:
  friend class detail::folding<time_windowed_stream<K, V>, K, V, windowed<K>>;
  template <class VA>
  ktable<windowed<K>, VA>
  fold(const std::string& op, materialized<K, VA> m,
       std::function<VA(const K&, const V&, const std::optional<VA>&)> add) const {
    const auto& b = in_.builder();
    if (!windows_.valid())
      b->fail("time windows need size > 0 and 0 < advance <= size");
    auto name = b->stable_name(m.name, in_.node(), "windowed-" + op);
    b->add_store(store_def{name, store_kind::window, m.logged, windows_.retention()});
    auto s = m.with;
    auto w = windows_;
    auto n = in_.add_node(
        name, "windowed-" + op,
        [name, w, s, add] {
          return std::make_unique<detail::time_window_aggregate_node<K, V, VA>>(name, w, s, add);
        },
        {name}, name);
    ktable<windowed<K>, VA> out(b, n, name,
                                serdes<windowed<K>, VA>{windowed_serde<K>(s.key), s.value});
    out.set_grace(windows_.grace_ms);
    return out;
  }

  kstream<K, V> in_;
  serdes<K, V> serdes_;
  time_windows windows_;
};

template <class K, class V>
class sliding_windowed_stream
    : public detail::folding<sliding_windowed_stream<K, V>, K, V, windowed<K>> {
public:
  sliding_windowed_stream(kstream<K, V> in, serdes<K, V> s, sliding_windows w)
      : in_(std::move(in)), serdes_(std::move(s)), windows_(w) {}

private:
  friend class detail::folding<sliding_windowed_stream<K, V>, K, V, windowed<K>>;
  template <class VA>
  ktable<windowed<K>, VA>
  fold(const std::string& op, materialized<K, VA> m,
       std::function<VA(const K&, const V&, const std::optional<VA>&)> add) const {
    const auto& b = in_.builder();
    if (!windows_.valid())
      b->fail("sliding windows need a time difference > 0");
    auto name = b->stable_name(m.name, in_.node(), "sliding-" + op);
    auto raw = name + "-records";
    b->add_store(store_def{name, store_kind::window, m.logged, windows_.retention()});
    b->add_store(store_def{raw, store_kind::window, m.logged, windows_.retention()});
    auto s = m.with;
    auto w = windows_;
    auto vs = serdes_.value;
    auto n = in_.add_node(
        name, "sliding-" + op,
        [name, raw, w, s, vs, add] {
          return std::make_unique<detail::sliding_window_aggregate_node<K, V, VA>>(
              name, raw, w, s.key, vs, s.value, add);
        },
        {name, raw}, name);
    ktable<windowed<K>, VA> out(b, n, name,
                                serdes<windowed<K>, VA>{windowed_serde<K>(s.key), s.value});
    out.set_grace(windows_.grace_ms);
    return out;
  }

  kstream<K, V> in_;
  serdes<K, V> serdes_;
  sliding_windows windows_;
};

template <class K, class V>
class session_windowed_stream {
public:
  session_windowed_stream(kstream<K, V> in, serdes<K, V> s, session_windows w)
      : in_(std::move(in)), serdes_(std::move(s)), windows_(w) {}

  ktable<windowed<K>, int64_t> count(materialized<K, int64_t> m = {}) const {
    return aggregate_impl<int64_t>(
        "count", std::move(m),
        [](const K&, const V&, const std::optional<int64_t>& n) { return n ? *n + 1 : 1; },
        [](const K&, const int64_t& a, const int64_t& b) { return a + b; });
  }
  /// Folds values into init() with f(key, value, agg); merge(key, a, b) joins two sessions
  /// that a record bridges.
  template <class VA, class Init, class F, class M>
  ktable<windowed<K>, VA> aggregate(Init init, F f, M merge, materialized<K, VA> m = {}) const {
    return aggregate_impl<VA>(
        "aggregate", std::move(m),
        [init, f](const K& k, const V& v, const std::optional<VA>& agg) mutable {
          return VA(f(k, v, agg ? *agg : VA(init())));
        },
        merge);
  }

private:
  template <class VA>
  ktable<windowed<K>, VA>
  aggregate_impl(const std::string& op, materialized<K, VA> m,
                 std::function<VA(const K&, const V&, const std::optional<VA>&)> add,
                 std::function<VA(const K&, const VA&, const VA&)> merge) const {
    const auto& b = in_.builder();
    if (!windows_.valid())
      b->fail("session windows need an inactivity gap > 0");
    auto name = b->stable_name(m.name, in_.node(), "session-" + op);
    b->add_store(store_def{name, store_kind::session, m.logged, windows_.retention()});
    auto s = m.with;
    auto w = windows_;
    auto n = in_.add_node(
        name, "session-" + op,
        [name, w, s, add, merge] {
          return std::make_unique<detail::session_window_aggregate_node<K, V, VA>>(name, w, s, add,
                                                                                   merge);
        },
        {name}, name);
    ktable<windowed<K>, VA> out(b, n, name,
                                serdes<windowed<K>, VA>{windowed_serde<K>(s.key), s.value});
    out.set_grace(windows_.grace_ms);
    return out;
  }

  kstream<K, V> in_;
  serdes<K, V> serdes_;
  session_windows windows_;
};

} // namespace tributary::streams
