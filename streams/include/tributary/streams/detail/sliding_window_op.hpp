#pragma once
// Sliding window aggregation (Kafka Streams' SlidingWindows): windows [start, start + D]
// (both ends inclusive) that only exist where records make them distinct -- each record r
// defines its left window [r - D, r] and, when later records follow within D, its right
// window [r + 1, r + 1 + D]. A record t creates its own left and right windows and updates
// every existing window that contains it. This node keeps the raw values per (key, time) in
// a window store and recomputes each affected window from them (correct for any aggregator,
// costs O(records in the window) per affected window), writing aggregates to a second window
// store that the changelog covers. A window accepts records until observed stream time -
// grace passes its end; records too late for all of their windows are dropped and counted.

#include "tributary/streams/detail/stream_join_op.hpp"
#include "tributary/streams/detail/window_ops.hpp"

#include <set>

namespace tributary::streams::detail {

template <class K, class V, class VA>
class sliding_window_aggregate_node final : public input<K, V>,
                                            public output<windowed<K>, change<VA>> {
public:
  using aggregator = std::function<VA(const K&, const V&, const std::optional<VA>&)>;

  sliding_window_aggregate_node(std::string agg_store, std::string raw_store, sliding_windows w,
                                serde<K> key, serde<V> value, serde<VA> agg, aggregator add)
      : agg_name_(std::move(agg_store)), raw_name_(std::move(raw_store)), w_(w),
        key_(std::move(key)), value_(std::move(value)), agg_(std::move(agg)), add_(std::move(add)) {
  }

  void init(processor_context& ctx) override {
    node_instance::init(ctx);
    aggs_ = ctx.window_store(agg_name_);
    raw_ = ctx.window_store(raw_name_);
  }
  bool connect(node_instance& child) override {
    return output<windowed<K>, change<VA>>::connect(child);
  }

  void process(const record<K, V>& r) override {
    if (!r.has_key || !r.has_value)
      return this->ctx().record_dropped(this->name(), "null-key-or-value");
    const auto t = r.timestamp;
    const auto d = w_.difference_ms;
    observed_ = std::max(observed_, t);
    const auto close = observed_ - w_.grace_ms; // windows ending before this are closed
    if (t + 1 + d <= close)
      return this->ctx().record_dropped(this->name(), "late");
    auto kb = key_.serialize(r.key);
    auto list = value_or_throw(raw_->get(kb, t, t), raw_name_);
    auto index = static_cast<uint32_t>(list ? decode_value_list(*list).size() : 0);
    raw_->put(kb, t, t,
              append_value_list(list ? *list : std::string{}, index, value_.serialize(r.value)));
    // Record times around t, whose windows may contain t.
    std::set<int64_t> times;
    for (const auto& e : value_or_throw(raw_->fetch(kb, t - d - 1, t + d + 1), raw_name_))
      times.insert(e.start);
    std::set<int64_t> starts{t - d}; // t's left window
    for (auto rt : times) {
      if (rt > t && rt - d <= t)
        starts.insert(rt - d); // left window of a later record that contains t
      if (rt < t && rt + 1 + d >= t)
        starts.insert(rt + 1); // right window of an earlier record that contains t
    }
    if (times.upper_bound(t) != times.end() && *times.upper_bound(t) <= t + 1 + d)
      starts.insert(t + 1); // t's right window: later records follow within d
    for (auto start : starts)
      if (start + d >= close)
        update(r.key, kb, start, start + d, t);
    auto horizon = close - d - 1;
    if (horizon > expired_up_to_) {
      check(raw_->expire_before(horizon), raw_name_);
      check(aggs_->expire_before(horizon), agg_name_);
      expired_up_to_ = horizon;
    }
  }

private:
  void update(const K& key, const std::string& kb, int64_t start, int64_t end, int64_t ts) {
    std::optional<VA> agg;
    for (const auto& e : value_or_throw(raw_->fetch(kb, start, end), raw_name_))
      for (const auto& [i, bytes] : decode_value_list(e.value)) {
        auto v = value_.deserialize(bytes);
        if (v)
          agg = add_(key, *v, agg);
      }
    if (!agg)
      return; // no record in this window (cannot happen for the windows chosen above)
    auto old = decode_optional(agg_, value_or_throw(aggs_->get(kb, start, end), agg_name_));
    aggs_->put(kb, start, end, agg_.serialize(*agg));
    record<windowed<K>, change<VA>> out;
    out.key = windowed<K>{key, start, end};
    out.value = change<VA>{std::move(agg), std::move(old)};
    out.timestamp = ts;
    this->forward(out);
  }

  std::string agg_name_, raw_name_;
  sliding_windows w_;
  serde<K> key_;
  serde<V> value_;
  serde<VA> agg_;
  aggregator add_;
  state::window_store* aggs_ = nullptr;
  state::window_store* raw_ = nullptr;
  int64_t observed_ = -1;
  int64_t expired_up_to_ = INT64_MIN;
};

} // namespace tributary::streams::detail
