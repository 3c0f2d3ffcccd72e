#pragma once
// suppress(until_window_closes): holds the latest update of each window and emits it once,
// when the window closes (end + grace <= observed stream time) -- "final results only".
// The buffer is a logged key-value store, so a restarted task still emits every window it
// held; an in-memory index by close time, rebuilt from the store at start, finds due windows
// without scanning.

#include "tributary/streams/detail/window_ops.hpp"

#include <map>
#include <string>

namespace tributary::streams::detail {

template <class K, class V>
class suppress_node final : public input<windowed<K>, change<V>>,
                            public output<windowed<K>, change<V>> {
public:
  suppress_node(std::string store, int64_t grace_ms, serdes<windowed<K>, V> s)
      : store_name_(std::move(store)), grace_ms_(grace_ms), serdes_(std::move(s)) {}

  void init(processor_context& ctx) override {
    node_instance::init(ctx);
    store_ = ctx.kv_store(store_name_);
    for (auto& kv : value_or_throw(store_->all(), store_name_)) {
      auto wk = state::decode_window_key(kv.key);
      if (wk)
        due_.emplace(wk->end + grace_ms_, kv.key);
    }
  }
  bool connect(node_instance& child) override {
    return output<windowed<K>, change<V>>::connect(child);
  }

  void process(const record<windowed<K>, change<V>>& r) override {
    observed_ = std::max(observed_, r.timestamp);
    auto key_bytes = serdes_.key.serialize(r.key);
    auto close = r.key.end + grace_ms_;
    if (close > observed_) {
      // 'v' + value, or 'd' for a window deleted upstream (a merged-away session).
      std::string buffered =
          r.value.new_value ? "v" + serdes_.value.serialize(*r.value.new_value) : std::string("d");
      auto had = value_or_throw(store_->get(key_bytes), store_name_);
      store_->put(key_bytes, std::move(buffered));
      if (!had)
        due_.emplace(close, key_bytes);
    }
    emit_due();
  }

private:
  void emit_due() {
    while (!due_.empty() && due_.begin()->first <= observed_) {
      auto key_bytes = due_.begin()->second;
      due_.erase(due_.begin());
      auto raw = value_or_throw(store_->get(key_bytes), store_name_);
      store_->put(key_bytes, std::nullopt);
      if (!raw || raw->empty() || (*raw)[0] != 'v')
        continue; // deleted before it closed: nothing final to say
      auto k = serdes_.key.deserialize(key_bytes);
      auto v = serdes_.value.deserialize(std::string_view(*raw).substr(1));
      if (!k || !v)
        continue;
      record<windowed<K>, change<V>> out;
      out.key = std::move(*k);
      out.value = change<V>{std::move(*v), std::nullopt};
      out.timestamp = out.key.end;
      this->forward(out);
    }
  }

  std::string store_name_;
  int64_t grace_ms_;
  serdes<windowed<K>, V> serdes_;
  state::kv_store* store_ = nullptr;
  std::multimap<int64_t, std::string> due_;
  int64_t observed_ = -1;
};

} // namespace tributary::streams::detail
