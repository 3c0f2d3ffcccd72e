#pragma once
// Re-grouping a table (Kafka Streams' KTable#groupBy + KGroupedTable aggregations). A row
// update for key k becomes two deltas for the new grouping keys: "subtract" the old row from
// the group f(k, old) and "add" the new row to the group f(k, new). Deltas travel through a
// repartition topic as change<V2> (new = add, old = subtract), encoded by change_serde, and
// the aggregate node applies subtractor then adder.

#include "tributary/streams/detail/kv_view.hpp"
#include "tributary/streams/processor.hpp"

#include <functional>
#include <optional>

namespace tributary::streams {

/// change<V> as bytes: one flags byte (1 = new present, 2 = old present), then the new value's
/// 4-byte big-endian length and bytes, then the old value's bytes.
template <class V>
serde<change<V>> change_serde(serde<V> inner) {
  serde<change<V>> out;
  out.serialize = [inner](const change<V>& c) {
    std::string n = c.new_value ? inner.serialize(*c.new_value) : std::string{};
    std::string o = c.old_value ? inner.serialize(*c.old_value) : std::string{};
    std::string b;
    b.push_back(static_cast<char>((c.new_value ? 1 : 0) | (c.old_value ? 2 : 0)));
    for (int i = 3; i >= 0; --i)
      b.push_back(static_cast<char>((n.size() >> (8 * i)) & 0xff));
    b += n;
    b += o;
    return b;
  };
  out.deserialize = [inner](std::string_view in) -> client::outcome<change<V>> {
    auto bad = [] {
      return client::make_error(protocol::kafka_error::corrupt_message,
                                "not a table delta (change) record");
    };
    if (in.size() < 5)
      return bad();
    auto flags = static_cast<uint8_t>(in[0]);
    size_t len = 0;
    for (size_t i = 1; i < 5; ++i)
      len = (len << 8) | static_cast<uint8_t>(in[i]);
    if (5 + len > in.size())
      return bad();
    change<V> c;
    if (flags & 1) {
      auto v = inner.deserialize(in.substr(5, len));
      if (!v)
        return v.err();
      c.new_value = std::move(*v);
    }
    if (flags & 2) {
      auto v = inner.deserialize(in.substr(5 + len));
      if (!v)
        return v.err();
      c.old_value = std::move(*v);
    }
    return c;
  };
  return out;
}

template <class V>
struct has_default_serde<change<V>> : has_default_serde<V> {};

template <class V>
struct serde<change<V>> {
  std::function<std::string(const change<V>&)> serialize;
  std::function<client::outcome<change<V>>(std::string_view)> deserialize;
  static serde of() { return change_serde<V>(default_serde<V>()); }
};

namespace detail {

/// Table row updates -> subtract/add deltas keyed by the new grouping key.
template <class K, class V, class K2, class V2>
class table_regroup_node final : public input<K, change<V>>, public output<K2, change<V2>> {
public:
  using selector = std::function<std::pair<K2, V2>(const K&, const V&)>;
  explicit table_regroup_node(selector f) : f_(std::move(f)) {}
  bool connect(node_instance& child) override { return output<K2, change<V2>>::connect(child); }

  void process(const record<K, change<V>>& r) override {
    if (r.value.old_value) { // subtract first: a row moving groups leaves before it arrives
      auto [k2, v2] = f_(r.key, *r.value.old_value);
      emit(std::move(k2), std::nullopt, std::move(v2), r.timestamp);
    }
    if (r.value.new_value) {
      auto [k2, v2] = f_(r.key, *r.value.new_value);
      emit(std::move(k2), std::move(v2), std::nullopt, r.timestamp);
    }
  }

private:
  void emit(K2 k, std::optional<V2> add, std::optional<V2> sub, int64_t ts) {
    record<K2, change<V2>> out;
    out.key = std::move(k);
    out.value = change<V2>{std::move(add), std::move(sub)};
    out.timestamp = ts;
    this->forward(out);
  }
  selector f_;
};

/// Applies deltas to the aggregate of their key.
template <class K, class V, class VA>
class table_aggregate_node final : public input<K, change<V>>, public output<K, change<VA>> {
public:
  using fold = std::function<VA(const K&, const V&, const std::optional<VA>&)>;

  table_aggregate_node(std::string store, serdes<K, VA> s, fold add, fold subtract)
      : store_name_(std::move(store)), serdes_(std::move(s)), add_(std::move(add)),
        subtract_(std::move(subtract)) {}

  void init(processor_context& ctx) override {
    node_instance::init(ctx);
    store_ = kv_view<K, VA>(ctx.kv_store(store_name_), serdes_);
  }
  bool connect(node_instance& child) override { return output<K, change<VA>>::connect(child); }

  void process(const record<K, change<V>>& r) override {
    if (!r.has_key)
      return this->ctx().record_dropped(this->name(), "null-key");
    auto key_bytes = serdes_.key.serialize(r.key);
    auto old = store_.get_bytes(key_bytes);
    std::optional<VA> agg = old;
    if (r.value.old_value)
      agg = subtract_(r.key, *r.value.old_value, agg);
    if (r.value.new_value)
      agg = add_(r.key, *r.value.new_value, agg);
    store_.put_bytes(key_bytes, agg);
    record<K, change<VA>> out;
    out.key = r.key;
    out.value = change<VA>{std::move(agg), std::move(old)};
    out.timestamp = r.timestamp;
    this->forward(out);
  }

private:
  std::string store_name_;
  serdes<K, VA> serdes_;
  fold add_;
  fold subtract_;
  kv_view<K, VA> store_;
};

} // namespace detail
} // namespace tributary::streams
