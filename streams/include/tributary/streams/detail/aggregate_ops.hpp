#pragma once
// The per-task nodes of aggregations and tables: a grouped stream's aggregate (count,
// reduce and aggregate are all this node), a table source that materializes its topic, and
// the table operators that pass change<V> (new and old value) downstream.

#include "tributary/streams/detail/kv_view.hpp"
#include "tributary/streams/processor.hpp"

#include <functional>
#include <optional>

namespace tributary::streams::detail {

/// Folds each record into the aggregate of its key; emits the change. Records with a null
/// key or value are dropped (and counted), as in Kafka Streams.
template <class K, class V, class VA>
class stream_aggregate_node final : public input<K, V>, public output<K, change<VA>> {
public:
  /// The next aggregate from the record and the current one (absent for a new key).
  using aggregator = std::function<VA(const K&, const V&, const std::optional<VA>&)>;

  stream_aggregate_node(std::string store, serdes<K, VA> s, aggregator add)
      : store_name_(std::move(store)), serdes_(std::move(s)), add_(std::move(add)) {}

  void init(processor_context& ctx) override {
    node_instance::init(ctx);
    store_ = kv_view<K, VA>(ctx.kv_store(store_name_), serdes_);
  }
  bool connect(node_instance& child) override { return output<K, change<VA>>::connect(child); }

  void process(const record<K, V>& r) override {
    if (!r.has_key || !r.has_value)
      return this->ctx().record_dropped(this->name(), "null-key-or-value");
    auto key_bytes = serdes_.key.serialize(r.key);
    auto old = store_.get_bytes(key_bytes);
    VA next = add_(r.key, r.value, old);
    store_.put_bytes(key_bytes, next);
    record<K, change<VA>> out;
    out.key = r.key;
    out.value = change<VA>{std::move(next), std::move(old)};
    out.timestamp = r.timestamp;
    this->forward(out);
  }

private:
  std::string store_name_;
  serdes<K, VA> serdes_;
  aggregator add_;
  kv_view<K, VA> store_;
};

/// A table read from a topic: every record is an upsert (a null value deletes the key);
/// the table is materialized so joins and the old value of each change are available.
template <class K, class V>
class table_source_node final : public input<K, V>, public output<K, change<V>> {
public:
  table_source_node(std::string store, serdes<K, V> s)
      : store_name_(std::move(store)), serdes_(std::move(s)) {}

  void init(processor_context& ctx) override {
    node_instance::init(ctx);
    store_ = kv_view<K, V>(ctx.kv_store(store_name_), serdes_);
  }
  bool connect(node_instance& child) override { return output<K, change<V>>::connect(child); }

  void process(const record<K, V>& r) override {
    if (!r.has_key)
      return this->ctx().record_dropped(this->name(), "null-key");
    auto key_bytes = serdes_.key.serialize(r.key);
    auto old = store_.get_bytes(key_bytes);
    std::optional<V> next;
    if (r.has_value)
      next = r.value;
    store_.put_bytes(key_bytes, next);
    record<K, change<V>> out;
    out.key = r.key;
    out.value = change<V>{std::move(next), std::move(old)};
    out.timestamp = r.timestamp;
    this->forward(out);
  }

private:
  std::string store_name_;
  serdes<K, V> serdes_;
  kv_view<K, V> store_;
};

/// A table's changes as a stream of new values (a deletion becomes a null value).
template <class K, class V>
class table_to_stream_node final : public input<K, change<V>>, public output<K, V> {
public:
  bool connect(node_instance& child) override { return output<K, V>::connect(child); }
  void process(const record<K, change<V>>& r) override {
    record<K, V> out;
    out.key = r.key;
    out.timestamp = r.timestamp;
    out.has_key = r.has_key;
    if (r.value.new_value)
      out.value = *r.value.new_value;
    else
      out.has_value = false;
    this->forward(out);
  }
};

/// Applies f to the new and the old value of each change (filter and map_values on tables:
/// a value the filter rejects becomes absent, so a row leaving the filter is a deletion).
template <class K, class V, class V2>
class table_transform_node final : public input<K, change<V>>, public output<K, change<V2>> {
public:
  using fn = std::function<std::optional<V2>(const K&, const V&)>;
  explicit table_transform_node(fn f) : f_(std::move(f)) {}
  bool connect(node_instance& child) override { return output<K, change<V2>>::connect(child); }

  void process(const record<K, change<V>>& r) override {
    record<K, change<V2>> out;
    out.key = r.key;
    out.timestamp = r.timestamp;
    if (r.value.new_value)
      out.value.new_value = f_(r.key, *r.value.new_value);
    if (r.value.old_value)
      out.value.old_value = f_(r.key, *r.value.old_value);
    if (!out.value.new_value && !out.value.old_value)
      return; // nothing this table ever showed changed
    this->forward(out);
  }

private:
  fn f_;
};

} // namespace tributary::streams::detail
