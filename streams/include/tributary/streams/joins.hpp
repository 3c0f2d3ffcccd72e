#pragma once
// Definitions of kstream's joins (declared in kstream.hpp): stream-table joins look records up
// in the table's store; stream-stream joins keep both sides in window stores. Either way the
// inputs must be co-partitioned (one task sees key k of both): a stream whose key changed is
// repartitioned first, and streams_app checks the partition counts of the source topics when
// it starts.

#include "tributary/streams/detail/stream_join_op.hpp"
#include "tributary/streams/detail/table_join_ops.hpp"
#include "tributary/streams/ktable.hpp"

namespace tributary::streams {

namespace detail {

template <class K, class V, class VT, class VR>
kstream<K, VR> stream_table_join(const kstream<K, V>& s, const ktable<K, VT>& t,
                                 std::function<VR(const V&, const std::optional<VT>&)> j, bool left,
                                 std::string name) {
  const auto& b = s.builder();
  if (t.store_name().empty())
    b->fail("a stream-table join needs a materialized table (from builder.table() or an "
            "aggregation), not a filtered or mapped view");
  auto op = left ? std::string("left-join") : std::string("join");
  auto base = b->stable_name(name, s.node(), "table-" + op);
  auto in = s.copartitioned(base, serdes<K, V>{t.with().key, default_serde<V>()});
  auto store = t.store_name();
  auto table_serdes = t.with();
  auto n = in.add_node(base, op,
                       [store, table_serdes, j, left] {
                         return std::make_unique<stream_table_join_node<K, V, VT, VR>>(
                             store, table_serdes, j, left);
                       },
                       {store});
  return kstream<K, VR>(b, n, false);
}

template <class K, class V, class VO, class VR>
kstream<K, VR>
stream_stream_join(const kstream<K, V>& self, const kstream<K, VO>& other,
                   std::function<VR(const std::optional<V>&, const std::optional<VO>&)> j,
                   join_windows w, stream_joined<K, V, VO> opts, join_kind kind) {
  const auto& b = self.builder();
  auto op = kind == join_kind::inner  ? std::string("join")
            : kind == join_kind::left ? "left-join"
                                      : "outer-join";
  auto name = b->stable_name(opts.name, self.node(), op);
  auto left_in = self.copartitioned(name + "-this", serdes<K, V>{opts.key, opts.value});
  auto right_in = other.copartitioned(name + "-other", serdes<K, VO>{opts.key, opts.other_value});
  auto retention = w.before_ms + w.after_ms + w.grace_ms;
  auto this_store = name + "-this-store";
  auto other_store = name + "-other-store";
  auto unmatched = kind == join_kind::inner ? std::string{} : name + "-unmatched";
  b->add_store(store_def{this_store, store_kind::window, true, retention});
  b->add_store(store_def{other_store, store_kind::window, true, retention});
  std::vector<std::string> stores{this_store, other_store};
  if (!unmatched.empty()) {
    b->add_store(store_def{unmatched, store_kind::key_value, true, 0});
    stores.push_back(unmatched);
  }
  using left_node = stream_join_node<K, V, VO, VR, true>;
  using right_node = stream_join_node<K, V, VO, VR, false>;
  typename left_node::spec ls{this_store,
                              other_store,
                              unmatched,
                              join_window_spec{w.before_ms, w.after_ms, w.grace_ms},
                              kind != join_kind::inner,
                              kind == join_kind::outer,
                              opts.key,
                              opts.value,
                              opts.other_value,
                              j};
  typename right_node::spec rs{
      other_store,    this_store, unmatched,  ls.window,        ls.left_outer,
      ls.right_outer, opts.key,   opts.value, opts.other_value, j};
  auto l = left_in.add_node(
      name + "-this-join", op, [ls] { return std::make_unique<left_node>(ls); }, stores, name);
  auto r = right_in.add_node(
      name + "-other-join", op, [rs] { return std::make_unique<right_node>(rs); }, stores, name);
  node_def merged;
  merged.name = name;
  merged.op = op;
  merged.parents = {l, r};
  merged.make = [] {
    return make_transform<K, VR, K, VR>([](const record<K, VR>& x, auto&& emit) { emit(x); });
  };
  return kstream<K, VR>(b, b->add_node(std::move(merged), name), false);
}

} // namespace detail

template <class K, class V>
template <class VT, class F, class VR>
kstream<K, VR> kstream<K, V>::join(const ktable<K, VT>& table, F f, std::string name) const {
  return detail::stream_table_join<K, V, VT, VR>(
      *this, table, [f](const V& v, const std::optional<VT>& t) mutable { return VR(f(v, *t)); },
      false, std::move(name));
}

template <class K, class V>
template <class VT, class F, class VR>
kstream<K, VR> kstream<K, V>::left_join(const ktable<K, VT>& table, F f, std::string name) const {
  return detail::stream_table_join<K, V, VT, VR>(
      *this, table, [f](const V& v, const std::optional<VT>& t) mutable { return VR(f(v, t)); },
      true, std::move(name));
}

template <class K, class V>
template <class VO, class F, class VR>
kstream<K, VR> kstream<K, V>::join(const kstream<K, VO>& other, F f, join_windows w,
                                   stream_joined<K, V, VO> opts) const {
  return detail::stream_stream_join<K, V, VO, VR>(
      *this, other,
      [f](const std::optional<V>& a, const std::optional<VO>& b) mutable { return VR(f(*a, *b)); },
      w, std::move(opts), detail::join_kind::inner);
}

template <class K, class V>
template <class VO, class F, class VR>
kstream<K, VR> kstream<K, V>::left_join(const kstream<K, VO>& other, F f, join_windows w,
                                        stream_joined<K, V, VO> opts) const {
  return detail::stream_stream_join<K, V, VO, VR>(
      *this, other,
      [f](const std::optional<V>& a, const std::optional<VO>& b) mutable { return VR(f(*a, b)); },
      w, std::move(opts), detail::join_kind::left);
}

template <class K, class V>
template <class VO, class F, class VR>
kstream<K, VR> kstream<K, V>::outer_join(const kstream<K, VO>& other, F f, join_windows w,
                                         stream_joined<K, V, VO> opts) const {
  return detail::stream_stream_join<K, V, VO, VR>(
      *this, other,
      [f](const std::optional<V>& a, const std::optional<VO>& b) mutable { return VR(f(a, b)); }, w,
      std::move(opts), detail::join_kind::outer);
}

} // namespace tributary::streams
