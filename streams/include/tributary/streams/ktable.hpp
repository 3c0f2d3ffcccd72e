#pragma once
// ktable<K, V>: a changelog stream seen as a table -- the latest value per key (Kafka Streams'
// KTable). Internally its operators pass change<V> (new and old value), so aggregations
// downstream can subtract what a key no longer contributes. Tables from builder.table() and
// from aggregations are materialized in a named key-value store.

#include "tributary/streams/detail/aggregate_ops.hpp"
#include "tributary/streams/detail/suppress_op.hpp"
#include "tributary/streams/detail/table_join_ops.hpp"
#include "tributary/streams/kgrouped_stream.hpp"
#include "tributary/streams/kgrouped_table.hpp"
#include "tributary/streams/kstream.hpp"
#include "tributary/streams/windows.hpp"

namespace tributary::streams {

template <class K, class V>
class ktable {
public:
  ktable(std::shared_ptr<detail::builder_state> b, std::string node, std::string store,
         serdes<K, V> s)
      : b_(std::move(b)), node_(std::move(node)), store_(std::move(store)), serdes_(std::move(s)) {}

  /// Every update as a record (a deletion as a null value).
  kstream<K, V> to_stream(std::string name = {}) const {
    auto n = add_node(name.empty() ? b_->numbered_name("to_stream") : name, "to_stream",
                      [] { return std::make_unique<detail::table_to_stream_node<K, V>>(); });
    return kstream<K, V>(b_, n, false);
  }

  /// Rows for which pred(key, value) holds; a row that stops matching is deleted downstream.
  ktable filter(std::function<bool(const K&, const V&)> pred, std::string name = {}) const {
    auto f = [pred](const K& k, const V& v) -> std::optional<V> {
      return pred(k, v) ? std::optional<V>(v) : std::nullopt;
    };
    return transform<V>("filter", name, f);
  }
  ktable filter_not(std::function<bool(const K&, const V&)> pred, std::string name = {}) const {
    return filter([pred](const K& k, const V& v) { return !pred(k, v); }, std::move(name));
  }

  /// A new value per row from f(value) or f(key, value).
  template <class F, class V2 = detail::kv_result_t<F, K, V>>
  ktable<K, V2> map_values(F f, std::string name = {}) const {
    auto g = [f](const K& k, const V& v) mutable -> std::optional<V2> {
      return detail::call_kv(f, k, v);
    };
    return transform<V2>("map_values", name, g);
  }

  /// Only final results of a windowed table: each window's last update, once the window
  /// closed (its end + grace passed in stream time). Buffered in a logged store.
  template <class KK = K, class = std::enable_if_t<is_windowed<KK>::value>>
  ktable suppress(suppressed opts) const {
    using inner = typename KK::key_type;
    auto name = b_->stable_name(opts.name, node_, "suppress");
    b_->add_store(store_def{name, store_kind::key_value, true, 0});
    auto grace = grace_ms_ < 0 ? 0 : grace_ms_;
    auto s = serdes_;
    auto n = add_node(name, "suppress",
                      [name, grace, s] {
                        return std::make_unique<detail::suppress_node<inner, V>>(name, grace, s);
                      },
                      {name});
    ktable out(b_, n, "", serdes_);
    out.set_grace(grace_ms_);
    return out;
  }

  /// Re-groups the rows by f(key, value) -> std::pair<K2, V2> for an aggregation with a
  /// subtractor (through a repartition topic "<app>-<name>-repartition").
  template <class F, class P = std::invoke_result_t<F&, const K&, const V&>>
  kgrouped_table<typename P::first_type, typename P::second_type>
  group_by(F f, grouped<typename P::first_type, typename P::second_type> g = {}) const {
    using K2 = typename P::first_type;
    using V2 = typename P::second_type;
    auto name = b_->stable_name(g.name, node_, "group_by");
    std::function<std::pair<K2, V2>(const K&, const V&)> sel = f;
    auto n = add_node(name + "-select", "group_by", [sel] {
      return std::make_unique<detail::table_regroup_node<K, V, K2, V2>>(sel);
    });
    kstream<K2, change<V2>> deltas(b_, n, false);
    auto re = deltas.through_internal(
        name + "-repartition", serdes<K2, change<V2>>{g.with.key, change_serde(g.with.value)}, {},
        name);
    return kgrouped_table<K2, V2>(re, g.with);
  }

  /// Table-table joins: a row per key present on both sides (join: f(v, vo)), on this side
  /// (left_join: f(v, optional<vo>)) or on either side (outer_join: f(optional<v>,
  /// optional<vo>)), kept up to date as either table changes. Both tables must be
  /// materialized and co-partitioned.
  template <class VO, class F,
            class VR = std::decay_t<std::invoke_result_t<F&, const V&, const VO&>>>
  ktable<K, VR> join(const ktable<K, VO>& other, F f, std::string name = {}) const {
    return join_impl<VO, VR>(
        other, name, "join",
        [f](const std::optional<V>& a, const std::optional<VO>& b) mutable -> std::optional<VR> {
          if (a && b)
            return VR(f(*a, *b));
          return std::nullopt;
        });
  }
  template <class VO, class F,
            class VR = std::decay_t<std::invoke_result_t<F&, const V&, const std::optional<VO>&>>>
  ktable<K, VR> left_join(const ktable<K, VO>& other, F f, std::string name = {}) const {
    return join_impl<VO, VR>(
        other, name, "left-join",
        [f](const std::optional<V>& a, const std::optional<VO>& b) mutable -> std::optional<VR> {
          if (a)
            return VR(f(*a, b));
          return std::nullopt;
        });
  }
  template <class VO, class F,
            class VR = std::decay_t<
                std::invoke_result_t<F&, const std::optional<V>&, const std::optional<VO>&>>>
  ktable<K, VR> outer_join(const ktable<K, VO>& other, F f, std::string name = {}) const {
    return join_impl<VO, VR>(
        other, name, "outer-join",
        [f](const std::optional<V>& a, const std::optional<VO>& b) mutable -> std::optional<VR> {
          if (a || b)
            return VR(f(a, b));
          return std::nullopt;
        });
  }

  /// Foreign-key joins (Kafka's KIP-213): each row joined with the row of `other` whose key
  /// foreign_key(value) names, kept up to date as either table changes. join: rows whose
  /// foreign row exists, f(v, vo); left_join: every row, f(v, std::optional<vo>). The tables
  /// need not be co-partitioned; both must be materialized. The result is materialized in a
  /// store named like the join. Defined in foreign_key_join.hpp.
  template <class KO, class VO, class FK, class F,
            class VR = std::decay_t<std::invoke_result_t<F&, const V&, const VO&>>,
            class = std::enable_if_t<std::is_invocable_v<FK&, const V&>>>
  ktable<K, VR> join(const ktable<KO, VO>& other, FK foreign_key, F f, std::string name = {}) const;
  template <class KO, class VO, class FK, class F,
            class VR = std::decay_t<std::invoke_result_t<F&, const V&, const std::optional<VO>&>>,
            class = std::enable_if_t<std::is_invocable_v<FK&, const V&>>>
  ktable<K, VR> left_join(const ktable<KO, VO>& other, FK foreign_key, F f,
                          std::string name = {}) const;

  /// The grace period of a windowed table (-1 for other tables).
  int64_t grace_ms() const { return grace_ms_; }
  void set_grace(int64_t g) { grace_ms_ = g; }

  /// The store holding this table ("" when the table is not materialized).
  const std::string& store_name() const { return store_; }
  const std::string& node() const { return node_; }
  const serdes<K, V>& with() const { return serdes_; }
  const std::shared_ptr<detail::builder_state>& builder() const { return b_; }

private:
  template <class V2>
  ktable<K, V2> transform(const std::string& op, const std::string& name,
                          std::function<std::optional<V2>(const K&, const V&)> f) const {
    auto n = add_node(name.empty() ? b_->numbered_name(op) : name, op,
                      [f] { return std::make_unique<detail::table_transform_node<K, V, V2>>(f); });
    ktable<K, V2> out(b_, n, "", serdes<K, V2>{serdes_.key, default_serde<V2>()});
    out.set_grace(grace_ms_);
    return out;
  }

  template <class VO, class VR>
  ktable<K, VR> join_impl(
      const ktable<K, VO>& other, const std::string& given, const std::string& op,
      std::function<std::optional<VR>(const std::optional<V>&, const std::optional<VO>&)> j) const {
    if (store_.empty() || other.store_name().empty())
      b_->fail("a table-table join needs both tables materialized (a table from "
               "builder.table() or an aggregation), not a filtered or mapped view");
    auto name = b_->stable_name(given, node_, "table-" + op);
    auto mine = store_;
    auto theirs = other.store_name();
    auto my_serdes = serdes_;
    auto their_serdes = other.with();
    auto left = add_node(name + "-left", op,
                         [theirs, their_serdes, j] {
                           return std::make_unique<detail::table_join_side_node<K, V, VO, VR>>(
                               theirs, their_serdes, j);
                         },
                         {mine, theirs});
    node_def right;
    right.name = name + "-right";
    right.op = op;
    right.parents = {other.node()};
    right.stores = {mine, theirs};
    right.make = [mine, my_serdes, j] {
      auto flipped = [j](const std::optional<VO>& b, const std::optional<V>& a) { return j(a, b); };
      return std::make_unique<detail::table_join_side_node<K, VO, V, VR>>(mine, my_serdes, flipped);
    };
    auto right_name = b_->add_node(std::move(right), name);
    node_def merged;
    merged.name = name;
    merged.op = op;
    merged.parents = {left, right_name};
    merged.make = [] {
      return detail::make_transform<K, change<VR>, K, change<VR>>(
          [](const record<K, change<VR>>& r, auto&& emit) { emit(r); });
    };
    auto n = b_->add_node(std::move(merged), name);
    return ktable<K, VR>(b_, n, "", serdes<K, VR>{serdes_.key, default_serde<VR>()});
  }

  template <class Make>
  std::string add_node(std::string name, std::string op, Make make,
                       std::vector<std::string> stores = {}) const {
    node_def def;
    def.name = std::move(name);
    def.op = std::move(op);
    def.parents = {node_};
    def.stores = std::move(stores);
    def.make = std::move(make);
    return b_->add_node(std::move(def), b_->anchor_of(node_));
  }

  std::shared_ptr<detail::builder_state> b_;
  std::string node_;
  std::string store_;
  serdes<K, V> serdes_;
  int64_t grace_ms_ = -1;
};

// -- definitions that need every handle type ------------------------------------------------

template <class K, class V>
kgrouped_stream<K, V> kstream<K, V>::group_by_key(grouped<K, V> g) const {
  if (!key_changed_)
    return kgrouped_stream<K, V>(*this, g.with);
  auto name = b_->stable_name(g.name, node_, "group_by");
  auto re = through_internal(name + "-repartition", g.with, {}, name);
  return kgrouped_stream<K, V>(re, g.with);
}

template <class K, class V>
template <class VA>
ktable<K, VA> kgrouped_table<K, V>::aggregate_impl(
    const std::string& op, materialized<K, VA> m,
    std::function<VA(const K&, const V&, const std::optional<VA>&)> add,
    std::function<VA(const K&, const V&, const std::optional<VA>&)> subtract) const {
  const auto& b = deltas_.builder();
  auto name = b->stable_name(m.name, deltas_.node(), op);
  b->add_store(store_def{name, store_kind::key_value, m.logged, 0});
  auto s = m.with;
  auto n = deltas_.add_node(
      name, op,
      [name, s, add, subtract] {
        return std::make_unique<detail::table_aggregate_node<K, V, VA>>(name, s, add, subtract);
      },
      {name}, name);
  return ktable<K, VA>(b, n, name, s);
}

template <class K, class V>
template <class VA>
ktable<K, VA> kgrouped_stream<K, V>::fold(
    const std::string& op, materialized<K, VA> m,
    std::function<VA(const K&, const V&, const std::optional<VA>&)> add) const {
  const auto& b = in_.builder();
  auto name = b->stable_name(m.name, in_.node(), op);
  b->add_store(store_def{name, store_kind::key_value, m.logged, 0});
  auto s = m.with;
  auto n = in_.add_node(
      name, op,
      [name, s, add] {
        return std::make_unique<detail::stream_aggregate_node<K, V, VA>>(name, s, add);
      },
      {name}, name);
  return ktable<K, VA>(b, n, name, s);
}

} // namespace tributary::streams
