#pragma once
// Windowed stream-stream join (Kafka Streams' KStream#join/leftJoin/outerJoin with
// JoinWindows). Each side's records are kept in a window store (key, timestamp) -> the list of
// values that arrived with that key and timestamp; a record joins every record of the other
// side with the same key whose timestamp is within [t - before, t + after] (mirrored for the
// right side). Left and outer joins emit a record with an absent partner only when its window
// has closed without a match (Kafka 3.1+ semantics, no spurious early nulls): such records
// wait in an "unmatched" store keyed by timestamp, and are emitted once stream time passes
// t + max(before, after) + grace. Stream time is the task's (both inputs are in one task).

#include "tributary/streams/detail/kv_view.hpp"
#include "tributary/streams/detail/window_ops.hpp"

#include <cstring>

namespace tributary::streams::detail {

struct join_window_spec {
  int64_t before_ms = 0;
  int64_t after_ms = 0;
  int64_t grace_ms = 0;
};

/// [8-byte index][4-byte length][bytes]... : the values stored under one (key, timestamp).
std::vector<std::pair<uint32_t, std::string>> decode_value_list(std::string_view in);
std::string append_value_list(std::string list, uint32_t index, std::string_view value);
/// Unmatched-store key: timestamp (big-endian, so scans run in time order), side, index, key.
std::string unmatched_key(int64_t ts, bool left, uint32_t index, std::string_view key);
struct unmatched_entry {
  int64_t ts = 0;
  bool left = true;
  std::string key;
};
std::optional<unmatched_entry> decode_unmatched_key(std::string_view in);
std::string unmatched_upper_bound(int64_t ts); // every key with timestamp < ts sorts below

template <class K, class V1, class V2, class VR, bool Left>
class stream_join_node final : public input<K, std::conditional_t<Left, V1, V2>>,
                               public output<K, VR> {
public:
  using This = std::conditional_t<Left, V1, V2>;
  using joiner = std::function<VR(const std::optional<V1>&, const std::optional<V2>&)>;

  struct spec {
    std::string this_store, other_store, unmatched_store; // unmatched: "" for inner joins
    join_window_spec window;
    bool left_outer = false;  // left and outer joins: unmatched left records are emitted
    bool right_outer = false; // outer joins: unmatched right records too
    serde<K> key;
    serde<V1> v1;
    serde<V2> v2;
    joiner join;
  };

  explicit stream_join_node(spec s) : s_(std::move(s)) {}

  void init(processor_context& ctx) override {
    node_instance::init(ctx);
    this_ = ctx.window_store(s_.this_store);
    other_ = ctx.window_store(s_.other_store);
    if (!s_.unmatched_store.empty())
      unmatched_ = ctx.kv_store(s_.unmatched_store);
  }
  bool connect(node_instance& child) override { return output<K, VR>::connect(child); }

  void process(const record<K, This>& r) override {
    if (!r.has_key || !r.has_value)
      return this->ctx().record_dropped(this->name(), "null-key-or-value");
    const auto& w = s_.window;
    auto now = std::max(this->ctx().stream_time(), r.timestamp);
    auto reach = std::max(w.before_ms, w.after_ms) + w.grace_ms;
    if (r.timestamp + reach < now)
      return this->ctx().record_dropped(this->name(), "late");
    auto kb = s_.key.serialize(r.key);
    auto vb = Left ? s_.v1.serialize(r.value) : s_.v2.serialize(r.value);
    // Keep this record for the other side's later arrivals.
    auto list = value_or_throw(this_->get(kb, r.timestamp, r.timestamp), s_.this_store);
    auto index = static_cast<uint32_t>(list ? decode_value_list(*list).size() : 0);
    this_->put(kb, r.timestamp, r.timestamp,
               append_value_list(list ? *list : std::string{}, index, vb));
    // Join with what the other side has in the window.
    auto from = Left ? r.timestamp - w.before_ms : r.timestamp - w.after_ms;
    auto to = Left ? r.timestamp + w.after_ms : r.timestamp + w.before_ms;
    bool matched = false;
    for (const auto& e : value_or_throw(other_->fetch(kb, from, to), s_.other_store)) {
      for (const auto& [other_index, other_bytes] : decode_value_list(e.value)) {
        matched = true;
        emit_pair(r.key, r.value, other_bytes, std::max(r.timestamp, e.start));
        if (unmatched_ != nullptr && (Left ? s_.right_outer : s_.left_outer))
          unmatched_->put(unmatched_key(e.start, !Left, other_index, kb), std::nullopt);
      }
    }
    if (!matched && unmatched_ != nullptr && (Left ? s_.left_outer : s_.right_outer))
      unmatched_->put(unmatched_key(r.timestamp, Left, index, kb), vb);
    emit_closed(now - reach);
    expire(now - reach - std::max(w.before_ms, w.after_ms));
  }

private:
  void emit_pair(const K& key, const This& mine, const std::string& other_bytes, int64_t ts) {
    record<K, VR> out;
    out.key = key;
    out.timestamp = ts;
    if constexpr (Left) {
      auto o = s_.v2.deserialize(other_bytes);
      if (!o)
        return;
      out.value = s_.join(mine, std::optional<V2>(std::move(*o)));
    } else {
      auto o = s_.v1.deserialize(other_bytes);
      if (!o)
        return;
      out.value = s_.join(std::optional<V1>(std::move(*o)), mine);
    }
    this->forward(out);
  }

  /// Records whose window closed before `cutoff` without a partner: emitted with nullopt.
  void emit_closed(int64_t cutoff) {
    if (unmatched_ == nullptr || cutoff <= emitted_up_to_)
      return;
    auto bound = unmatched_upper_bound(cutoff);
    auto due = value_or_throw(unmatched_->range(std::string(1, '\0'), bound), s_.unmatched_store);
    for (const auto& kv : due) {
      auto u = decode_unmatched_key(kv.key);
      if (!u || u->ts >= cutoff)
        continue;
      unmatched_->put(kv.key, std::nullopt);
      auto k = s_.key.deserialize(u->key);
      if (!k)
        continue;
      record<K, VR> out;
      out.key = std::move(*k);
      out.timestamp = u->ts;
      if (u->left) {
        auto v = s_.v1.deserialize(kv.value);
        if (!v)
          continue;
        out.value = s_.join(std::optional<V1>(std::move(*v)), std::nullopt);
      } else {
        auto v = s_.v2.deserialize(kv.value);
        if (!v)
          continue;
        out.value = s_.join(std::nullopt, std::optional<V2>(std::move(*v)));
      }
      this->forward(out);
    }
    emitted_up_to_ = cutoff;
  }

  void expire(int64_t horizon) {
    if (horizon <= expired_up_to_)
      return;
    check(this_->expire_before(horizon), s_.this_store);
    expired_up_to_ = horizon;
  }

  spec s_;
  state::window_store* this_ = nullptr;
  state::window_store* other_ = nullptr;
  state::kv_store* unmatched_ = nullptr;
  int64_t emitted_up_to_ = INT64_MIN;
  int64_t expired_up_to_ = INT64_MIN;
};

} // namespace tributary::streams::detail
