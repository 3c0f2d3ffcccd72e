#pragma once
// Per-task nodes of a foreign-key table join (ktable::join(other, foreign_key, joiner)), the
// way Kafka Streams does it (KIP-213): rows of this ("left") table subscribe to the row of
// the other ("right") table their foreign key names; the right side keeps the subscriptions
// in a store keyed by (foreign key, left key) and answers each subscription -- and every later
// change of the right row -- to the subscribers; the left side joins the answer with its
// current row, unless the row changed meanwhile (hash mismatch).
//
//   left table --subscribe--> [registration topic, by fk] --> subscription_node (stores S, R)
//   right table -------------------------------------------> right_change_node (store S)
//       both --> [response topic, by left key] --> resolve_node (left store, result store)

#include "tributary/streams/detail/fk_join_messages.hpp"
#include "tributary/streams/detail/kv_view.hpp"
#include "tributary/streams/processor.hpp"

#include <functional>
#include <optional>
#include <stdexcept>

namespace tributary::streams::detail {

inline state::kv_store& require_store(processor_context& ctx, const std::string& name) {
  auto* s = ctx.kv_store(name);
  if (s == nullptr) // the DSL declares every store it uses: a bug, reported by the task
    throw std::logic_error("foreign-key join: store '" + name + "' is not declared");
  return *s;
}

/// Left side: a row change becomes subscription records keyed by the foreign key.
template <class K, class V, class KO>
class fk_subscribe_node final : public input<K, change<V>>, public output<KO, fk_subscription> {
public:
  using extractor = std::function<KO(const V&)>;
  fk_subscribe_node(extractor fk, serdes<K, V> left, serde<KO> foreign_key)
      : fk_(std::move(fk)), left_(std::move(left)), foreign_key_(std::move(foreign_key)) {}
  bool connect(node_instance& child) override {
    return output<KO, fk_subscription>::connect(child);
  }

  void process(const record<K, change<V>>& r) override {
    if (!r.has_key)
      return this->ctx().record_dropped(this->name(), "null-key");
    const auto& now = r.value.new_value;
    const auto& before = r.value.old_value;
    std::optional<KO> new_fk, old_fk;
    if (now)
      new_fk = fk_(*now);
    if (before)
      old_fk = fk_(*before);
    auto left_key = left_.key.serialize(r.key);
    auto send = [&](const KO& fk, fk_instruction what, std::optional<uint64_t> hash) {
      this->forward(
          r.template with<KO, fk_subscription>(fk, fk_subscription{what, hash, left_key}));
    };
    if (!now) { // deleted: the old foreign row forgets it and the join row goes
      if (old_fk)
        send(*old_fk, fk_instruction::unsubscribe_and_propagate, std::nullopt);
      return;
    }
    if (old_fk && foreign_key_.serialize(*old_fk) != foreign_key_.serialize(*new_fk))
      send(*old_fk, fk_instruction::unsubscribe, std::nullopt);
    send(*new_fk, fk_instruction::subscribe, fk_value_hash(left_.value.serialize(*now)));
  }

private:
  extractor fk_;
  serdes<K, V> left_;
  serde<KO> foreign_key_;
};

/// Right side: keeps subscriptions (store S) and answers them from the right table (store R).
template <class KO>
class fk_subscription_node final : public input<KO, fk_subscription>,
                                   public output<std::string, fk_response> {
public:
  fk_subscription_node(std::string subscriptions, std::string right, serde<KO> foreign_key)
      : subscriptions_name_(std::move(subscriptions)), right_name_(std::move(right)),
        foreign_key_(std::move(foreign_key)) {}
  void init(processor_context& ctx) override {
    node_instance::init(ctx);
    subscriptions_ = &require_store(ctx, subscriptions_name_);
    right_ = &require_store(ctx, right_name_);
  }
  bool connect(node_instance& child) override {
    return output<std::string, fk_response>::connect(child);
  }

  void process(const record<KO, fk_subscription>& r) override {
    auto fk = foreign_key_.serialize(r.key);
    auto key = fk_subscription_key(fk, r.value.left_key);
    auto answer = [&](fk_response resp) {
      this->forward(r.template with<std::string, fk_response>(r.value.left_key, std::move(resp)));
    };
    switch (r.value.instruction) {
    case fk_instruction::unsubscribe:
      subscriptions_->remove(key);
      return;
    case fk_instruction::unsubscribe_and_propagate:
      subscriptions_->remove(key);
      return answer(fk_response{std::nullopt, std::nullopt});
    case fk_instruction::subscribe:
      break;
    }
    std::string hash;
    fk_bytes::put_u64(hash, r.value.hash.value_or(0));
    subscriptions_->put(key, hash);
    auto row = right_->get(fk);
    if (!row)
      throw std::runtime_error("store " + right_name_ + ": " + row.err().to_string());
    answer(fk_response{r.value.hash, std::move(*row)});
  }

private:
  std::string subscriptions_name_, right_name_;
  serde<KO> foreign_key_;
  state::kv_store* subscriptions_ = nullptr;
  state::kv_store* right_ = nullptr;
};

/// Right side: a change of a right row is answered to every subscriber of its key.
template <class KO, class VO>
class fk_right_change_node final : public input<KO, change<VO>>,
                                   public output<std::string, fk_response> {
public:
  fk_right_change_node(std::string subscriptions, serdes<KO, VO> right)
      : subscriptions_name_(std::move(subscriptions)), right_(std::move(right)) {}
  void init(processor_context& ctx) override {
    node_instance::init(ctx);
    subscriptions_ = &require_store(ctx, subscriptions_name_);
  }
  bool connect(node_instance& child) override {
    return output<std::string, fk_response>::connect(child);
  }

  void process(const record<KO, change<VO>>& r) override {
    if (!r.has_key)
      return this->ctx().record_dropped(this->name(), "null-key");
    auto prefix = fk_subscription_key(right_.key.serialize(r.key), {});
    auto subscribers = subscriptions_->prefix_scan(prefix);
    if (!subscribers)
      throw std::runtime_error("store " + subscriptions_name_ + ": " +
                               subscribers.err().to_string());
    if (subscribers->empty())
      return;
    std::optional<std::string> row;
    if (r.value.new_value)
      row = right_.value.serialize(*r.value.new_value);
    for (const auto& s : *subscribers) {
      if (s.value.size() != 8)
        continue; // not written by this node: ignore rather than answer nonsense
      fk_response resp{fk_bytes::get_u64(s.value), row};
      this->forward(
          r.template with<std::string, fk_response>(s.key.substr(prefix.size()), std::move(resp)));
    }
  }

private:
  std::string subscriptions_name_;
  serdes<KO, VO> right_;
  state::kv_store* subscriptions_ = nullptr;
};

/// Left side: an answer joined with the current left row (stale answers dropped), kept in the
/// result store so the output is a proper table with old values.
template <class K, class V, class VO, class VR>
class fk_resolve_node final : public input<std::string, fk_response>, public output<K, change<VR>> {
public:
  /// nullopt: no join row (an inner join whose foreign row is absent).
  using joiner = std::function<std::optional<VR>(const V&, const std::optional<VO>&)>;
  fk_resolve_node(std::string left, std::string result, serdes<K, V> left_serdes,
                  serde<VO> right_value, serdes<K, VR> result_serdes, joiner j)
      : left_name_(std::move(left)), result_name_(std::move(result)),
        left_serdes_(std::move(left_serdes)), right_value_(std::move(right_value)),
        result_serdes_(std::move(result_serdes)), join_(std::move(j)) {}
  void init(processor_context& ctx) override {
    node_instance::init(ctx);
    left_ = &require_store(ctx, left_name_);
    result_ = kv_view<K, VR>(&require_store(ctx, result_name_), result_serdes_);
  }
  bool connect(node_instance& child) override { return output<K, change<VR>>::connect(child); }

  void process(const record<std::string, fk_response>& r) override {
    auto key = left_serdes_.key.deserialize(r.key);
    if (!key)
      return this->ctx().record_dropped(this->name(), "undecodable-key");
    auto raw = left_->get(r.key);
    if (!raw)
      throw std::runtime_error("store " + left_name_ + ": " + raw.err().to_string());
    std::optional<VR> joined;
    if (*raw) {
      // Answers to an older version of the row are dropped: a newer answer is on its way.
      if (!r.value.hash || *r.value.hash != fk_value_hash(**raw))
        return this->ctx().record_dropped(this->name(), "stale-subscription");
      auto left_row = left_serdes_.value.deserialize(**raw);
      if (!left_row)
        return this->ctx().record_dropped(this->name(), "undecodable-value");
      std::optional<VO> right_row;
      if (r.value.foreign_row) {
        auto v = right_value_.deserialize(*r.value.foreign_row);
        if (!v)
          return this->ctx().record_dropped(this->name(), "undecodable-foreign-value");
        right_row = std::move(*v);
      }
      joined = join_(*left_row, right_row);
    } else if (r.value.hash) {
      return this->ctx().record_dropped(this->name(), "stale-subscription"); // row deleted since
    }
    auto old = result_.get_bytes(r.key);
    if (!joined && !old)
      return;
    result_.put_bytes(r.key, joined);
    record<K, change<VR>> out;
    out.key = std::move(*key);
    out.timestamp = r.timestamp;
    out.value.new_value = std::move(joined);
    out.value.old_value = std::move(old);
    this->forward(out);
  }

private:
  std::string left_name_, result_name_;
  serdes<K, V> left_serdes_;
  serde<VO> right_value_;
  serdes<K, VR> result_serdes_;
  joiner join_;
  state::kv_store* left_ = nullptr;
  kv_view<K, VR> result_;
};

} // namespace tributary::streams::detail
