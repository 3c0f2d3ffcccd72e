#pragma once
// Per-task nodes of joins with tables. A stream-table join looks each stream record up in the
// table's store (the table side never triggers output, as in Kafka Streams). A table-table
// join has one node per side: an update on either side is joined with the other side's
// current row, and the old joined value is recomputed from the old row, so the result is a
// proper table (change<VR> with new and old).

#include "tributary/streams/detail/kv_view.hpp"
#include "tributary/streams/processor.hpp"

#include <functional>
#include <optional>

namespace tributary::streams::detail {

template <class K, class V, class VT, class VR>
class stream_table_join_node final : public input<K, V>, public output<K, VR> {
public:
  /// The joiner sees an absent table row only in a left join.
  using joiner = std::function<VR(const V&, const std::optional<VT>&)>;

  stream_table_join_node(std::string store, serdes<K, VT> s, joiner j, bool left)
      : store_name_(std::move(store)), serdes_(std::move(s)), join_(std::move(j)), left_(left) {}

  void init(processor_context& ctx) override {
    node_instance::init(ctx);
    table_ = kv_view<K, VT>(ctx.kv_store(store_name_), serdes_);
  }
  bool connect(node_instance& child) override { return output<K, VR>::connect(child); }

  void process(const record<K, V>& r) override {
    if (!r.has_key || !r.has_value)
      return this->ctx().record_dropped(this->name(), "null-key-or-value");
    auto row = table_.get(r.key);
    if (!row && !left_)
      return;
    this->forward(r.template with<K, VR>(r.key, join_(r.value, row)));
  }

private:
  std::string store_name_;
  serdes<K, VT> serdes_;
  joiner join_;
  bool left_;
  kv_view<K, VT> table_;
};

enum class join_kind { inner, left, outer };

/// One side of a table-table join: `This` is this side's value, `Other` the other side's.
/// `join(this_value, other_value)` is called in the left-then-right order by the DSL's lambda.
template <class K, class This, class Other, class VR>
class table_join_side_node final : public input<K, change<This>>, public output<K, change<VR>> {
public:
  /// Returns nullopt when the pair produces no row (inner: a side is absent, ...).
  using joiner =
      std::function<std::optional<VR>(const std::optional<This>&, const std::optional<Other>&)>;

  table_join_side_node(std::string other_store, serdes<K, Other> s, joiner j)
      : other_store_(std::move(other_store)), serdes_(std::move(s)), join_(std::move(j)) {}

  void init(processor_context& ctx) override {
    node_instance::init(ctx);
    other_ = kv_view<K, Other>(ctx.kv_store(other_store_), serdes_);
  }
  bool connect(node_instance& child) override { return output<K, change<VR>>::connect(child); }

  void process(const record<K, change<This>>& r) override {
    if (!r.has_key)
      return this->ctx().record_dropped(this->name(), "null-key");
    auto other = other_.get(r.key);
    record<K, change<VR>> out;
    out.key = r.key;
    out.timestamp = r.timestamp;
    out.value.new_value = join_(r.value.new_value, other);
    out.value.old_value = join_(r.value.old_value, other);
    if (!out.value.new_value && !out.value.old_value)
      return;
    this->forward(out);
  }

private:
  std::string other_store_;
  serdes<K, Other> serdes_;
  joiner join_;
  kv_view<K, Other> other_;
};

} // namespace tributary::streams::detail
