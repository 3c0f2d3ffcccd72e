#pragma once
// Per-task nodes of windowed aggregations and of suppress(). Each windowed node keeps its own
// observed stream time (the largest timestamp it has seen), as Kafka Streams does: a window
// closes when that passes its end + grace, and records for closed windows are late.

#include "tributary/streams/processor.hpp"
#include "tributary/streams/state/kv_store.hpp"
#include "tributary/streams/state/window_store.hpp"
#include "tributary/streams/windows.hpp"

#include <functional>
#include <map>
#include <optional>
#include <stdexcept>

namespace tributary::streams::detail {

/// Throws so the task's processing error handler decides (log, fail, dead-letter).
template <class T>
T value_or_throw(client::outcome<T> r, const std::string& what) {
  if (!r)
    throw std::runtime_error(what + ": " + r.err().to_string());
  return std::move(*r);
}

inline void check(const client::outcome<void>& r, const std::string& what) {
  if (!r)
    throw std::runtime_error(what + ": " + r.err().to_string());
}

/// Reads a stored aggregate; a value that does not deserialize reads as absent.
template <class VA>
std::optional<VA> decode_optional(const serde<VA>& s, const std::optional<std::string>& raw) {
  if (!raw)
    return std::nullopt;
  auto v = s.deserialize(*raw);
  if (!v)
    return std::nullopt;
  return std::move(*v);
}

/// Tumbling / hopping window aggregation (count, reduce and aggregate).
template <class K, class V, class VA>
class time_window_aggregate_node final : public input<K, V>,
                                         public output<windowed<K>, change<VA>> {
public:
  using aggregator = std::function<VA(const K&, const V&, const std::optional<VA>&)>;

  time_window_aggregate_node(std::string store, time_windows w, serdes<K, VA> s, aggregator add)
      : store_name_(std::move(store)), windows_(w), serdes_(std::move(s)), add_(std::move(add)) {}

  void init(processor_context& ctx) override {
    node_instance::init(ctx);
    store_ = ctx.window_store(store_name_);
  }
  bool connect(node_instance& child) override {
    return output<windowed<K>, change<VA>>::connect(child);
  }

  void process(const record<K, V>& r) override {
    if (!r.has_key || !r.has_value)
      return this->ctx().record_dropped(this->name(), "null-key-or-value");
    observed_ = std::max(observed_, r.timestamp);
    auto key_bytes = serdes_.key.serialize(r.key);
    bool any = false;
    for (auto start : windows_.starts_for(r.timestamp)) {
      auto end = start + windows_.size_ms;
      if (end + windows_.grace_ms <= observed_)
        continue; // this window closed: the record is late for it
      any = true;
      auto old = decode_optional(serdes_.value,
                                 value_or_throw(store_->get(key_bytes, start, end), store_name_));
      VA next = add_(r.key, r.value, old);
      store_->put(key_bytes, start, end, serdes_.value.serialize(next));
      record<windowed<K>, change<VA>> out;
      out.key = windowed<K>{r.key, start, end};
      out.value = change<VA>{std::move(next), std::move(old)};
      out.timestamp = r.timestamp;
      this->forward(out);
    }
    if (!any)
      this->ctx().record_dropped(this->name(), "late");
    expire();
  }

private:
  void expire() {
    // Windows past retention go; checked at most once per advance of stream time.
    auto horizon = observed_ - windows_.retention();
    if (horizon <= expired_up_to_ + windows_.advance_ms)
      return;
    check(store_->expire_before(horizon), store_name_);
    expired_up_to_ = horizon;
  }

  std::string store_name_;
  time_windows windows_;
  serdes<K, VA> serdes_;
  aggregator add_;
  state::window_store* store_ = nullptr;
  int64_t observed_ = -1;
  int64_t expired_up_to_ = INT64_MIN / 2;
};

/// Session window aggregation: a record joins (and merges) the key's sessions within `gap`.
template <class K, class V, class VA>
class session_window_aggregate_node final : public input<K, V>,
                                            public output<windowed<K>, change<VA>> {
public:
  using aggregator = std::function<VA(const K&, const V&, const std::optional<VA>&)>;
  using merger = std::function<VA(const K&, const VA&, const VA&)>;

  session_window_aggregate_node(std::string store, session_windows w, serdes<K, VA> s,
                                aggregator add, merger merge)
      : store_name_(std::move(store)), windows_(w), serdes_(std::move(s)), add_(std::move(add)),
        merge_(std::move(merge)) {}

  void init(processor_context& ctx) override {
    node_instance::init(ctx);
    store_ = ctx.window_store(store_name_);
  }
  bool connect(node_instance& child) override {
    return output<windowed<K>, change<VA>>::connect(child);
  }

  void process(const record<K, V>& r) override {
    if (!r.has_key || !r.has_value)
      return this->ctx().record_dropped(this->name(), "null-key-or-value");
    observed_ = std::max(observed_, r.timestamp);
    if (r.timestamp + windows_.grace_ms < observed_)
      return this->ctx().record_dropped(this->name(), "late");
    auto key_bytes = serdes_.key.serialize(r.key);
    auto ts = r.timestamp;
    auto overlapping = value_or_throw(
        store_->find_sessions(key_bytes, ts - windows_.gap_ms, ts + windows_.gap_ms), store_name_);
    int64_t start = ts;
    int64_t end = ts;
    std::optional<VA> agg;
    for (const auto& s : overlapping) {
      auto v = decode_optional(serdes_.value, std::optional<std::string>(s.value));
      start = std::min(start, s.start);
      end = std::max(end, s.end);
      if (v)
        agg = agg ? merge_(r.key, *agg, *v) : *v;
      // Every merged session is replaced: deleted here and downstream (a tombstone for its
      // window), then the merged one is written, as Kafka Streams does.
      store_->put(key_bytes, s.start, s.end, std::nullopt);
      record<windowed<K>, change<VA>> gone;
      gone.key = windowed<K>{r.key, s.start, s.end};
      gone.value = change<VA>{std::nullopt, v};
      gone.timestamp = r.timestamp;
      this->forward(gone);
    }
    VA next = add_(r.key, r.value, agg);
    store_->put(key_bytes, start, end, serdes_.value.serialize(next));
    record<windowed<K>, change<VA>> out;
    out.key = windowed<K>{r.key, start, end};
    out.value = change<VA>{std::move(next), std::nullopt};
    out.timestamp = r.timestamp;
    this->forward(out);
    auto horizon = observed_ - windows_.retention();
    if (horizon > expired_up_to_ + windows_.gap_ms) {
      check(store_->expire_before(horizon), store_name_);
      expired_up_to_ = horizon;
    }
  }

private:
  std::string store_name_;
  session_windows windows_;
  serdes<K, VA> serdes_;
  aggregator add_;
  merger merge_;
  state::window_store* store_ = nullptr;
  int64_t observed_ = -1;
  int64_t expired_up_to_ = INT64_MIN / 2;
};

} // namespace tributary::streams::detail
