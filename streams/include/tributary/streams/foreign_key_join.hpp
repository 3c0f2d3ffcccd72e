#pragma once
// Definitions of ktable's foreign-key joins (declared in ktable.hpp). The wiring of
// detail/fk_join_ops.hpp's nodes: this table's changes subscribe through
// "<app>-<name>-subscription-registration" (keyed by the foreign key, so partitioned like the
// other table), the other table's side answers through "<app>-<name>-subscription-response"
// (keyed by this table's key), and the answers are joined with this table's current rows.

#include "tributary/streams/detail/fk_join_ops.hpp"
#include "tributary/streams/ktable.hpp"

namespace tributary::streams {

namespace detail {

template <class K, class V, class KO, class VO, class VR>
ktable<K, VR> foreign_key_join(const ktable<K, V>& left, const ktable<KO, VO>& right,
                               std::function<KO(const V&)> foreign_key,
                               typename fk_resolve_node<K, V, VO, VR>::joiner j,
                               const std::string& given, const std::string& op) {
  const auto& b = left.builder();
  if (left.store_name().empty() || right.store_name().empty())
    b->fail("a foreign-key join needs both tables materialized (a table from builder.table() "
            "or an aggregation), not a filtered or mapped view");
  auto name = b->stable_name(given, left.node(), "fk-" + op);
  auto subscriptions = name + "-subscriptions";
  b->add_store(store_def{subscriptions, store_kind::key_value, true, 0});
  b->add_store(store_def{name, store_kind::key_value, true, 0}); // the result
  auto left_serdes = left.with();
  auto right_serdes = right.with();

  // This side: row changes become subscriptions, repartitioned by the foreign key.
  kstream<K, change<V>> left_changes(b, left.node(), false);
  auto subscribe =
      left_changes.add_node(name + "-subscribe", op, [foreign_key, left_serdes, right_serdes] {
        return std::make_unique<fk_subscribe_node<K, V, KO>>(foreign_key, left_serdes,
                                                             right_serdes.key);
      });
  auto registered =
      kstream<KO, fk_subscription>(b, subscribe, true)
          .through_internal(name + "-subscription-registration",
                            serdes<KO, fk_subscription>{right_serdes.key, fk_subscription_serde()},
                            {}, name + "-registration");

  // The other side: subscriptions answered from its store, and its changes to subscribers.
  auto right_store = right.store_name();
  auto answer = registered.add_node(name + "-subscription-store", op,
                                    [subscriptions, right_store, right_serdes] {
                                      return std::make_unique<fk_subscription_node<KO>>(
                                          subscriptions, right_store, right_serdes.key);
                                    },
                                    {subscriptions, right_store});
  auto changed = kstream<KO, change<VO>>(b, right.node(), false)
                     .add_node(name + "-foreign-changes", op,
                               [subscriptions, right_serdes] {
                                 return std::make_unique<fk_right_change_node<KO, VO>>(
                                     subscriptions, right_serdes);
                               },
                               {subscriptions});
  node_def merged;
  merged.name = name + "-responses";
  merged.op = op;
  merged.parents = {answer, changed};
  merged.make = [] {
    return make_transform<std::string, fk_response, std::string, fk_response>(
        [](const record<std::string, fk_response>& r, auto&& emit) { emit(r); });
  };
  auto responses = kstream<std::string, fk_response>(b, b->add_node(std::move(merged), name), true)
                       .through_internal(name + "-subscription-response",
                                         serdes<std::string, fk_response>{
                                             default_serde<std::string>(), fk_response_serde()},
                                         {}, name + "-response");

  // Back on this side: answers joined with the current rows, into the result store.
  auto left_store = left.store_name();
  auto out_serdes = serdes<K, VR>{left_serdes.key, default_serde<VR>()};
  auto right_value = right_serdes.value;
  auto resolved = responses.add_node(
      name, op,
      [left_store, name, left_serdes, right_value, out_serdes, j] {
        return std::make_unique<fk_resolve_node<K, V, VO, VR>>(left_store, name, left_serdes,
                                                               right_value, out_serdes, j);
      },
      {left_store, name}, name);
  return ktable<K, VR>(b, resolved, name, out_serdes);
}

} // namespace detail

template <class K, class V>
template <class KO, class VO, class FK, class F, class VR, class>
ktable<K, VR> ktable<K, V>::join(const ktable<KO, VO>& other, FK foreign_key, F f,
                                 std::string name) const {
  return detail::foreign_key_join<K, V, KO, VO, VR>(
      *this, other, foreign_key,
      [f](const V& v, const std::optional<VO>& vo) mutable -> std::optional<VR> {
        if (!vo)
          return std::nullopt;
        return VR(f(v, *vo));
      },
      name, "join");
}

template <class K, class V>
template <class KO, class VO, class FK, class F, class VR, class>
ktable<K, VR> ktable<K, V>::left_join(const ktable<KO, VO>& other, FK foreign_key, F f,
                                      std::string name) const {
  return detail::foreign_key_join<K, V, KO, VO, VR>(
      *this, other, foreign_key,
      [f](const V& v, const std::optional<VO>& vo) mutable -> std::optional<VR> {
        return VR(f(v, vo));
      },
      name, "left-join");
}

} // namespace tributary::streams
