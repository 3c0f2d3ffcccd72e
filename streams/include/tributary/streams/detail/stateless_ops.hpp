#pragma once
// The stateless operators' per-task nodes: source, sink and the record-at-a-time transforms.
// Each is a few lines over input<>/output<> (processor.hpp); user functions are called
// directly, so a pipeline of them costs a virtual call and the user's work per record.

#include "tributary/streams/processor.hpp"
#include "tributary/streams/serde.hpp"

#include <optional>
#include <utility>
#include <vector>

namespace tributary::streams::detail {

using timestamp_extractor = std::function<int64_t(const client::consumer_record&)>;

/// Bytes in, record<K, V> out; a null key or value arrives with has_key / has_value false.
template <class K, class V>
class source_node final : public output<K, V>, public raw_source {
public:
  source_node(serdes<K, V> s, timestamp_extractor ts) : serdes_(std::move(s)), ts_(std::move(ts)) {}

  bool process_raw(const client::consumer_record& in, std::string& why) override {
    record<K, V> r;
    r.timestamp = ts_ ? ts_(in) : in.timestamp;
    if (in.key) {
      auto k = serdes_.key.deserialize(*in.key);
      if (!k) {
        why = "key: " + k.err().to_string();
        return false;
      }
      r.key = std::move(*k);
    } else {
      r.has_key = false;
    }
    if (in.value) {
      auto v = serdes_.value.deserialize(*in.value);
      if (!v) {
        why = "value: " + v.err().to_string();
        return false;
      }
      r.value = std::move(*v);
    } else {
      r.has_value = false;
    }
    this->forward(r);
    return true;
  }

private:
  serdes<K, V> serdes_;
  timestamp_extractor ts_;
};

/// Chooses an output partition from the key, value and partition count; nullopt: the
/// producer's default (murmur2 of the serialized key, as Kafka's).
template <class K, class V>
using stream_partitioner = std::function<std::optional<int32_t>(const K&, const V&, int32_t)>;

/// record<K, V> out to a topic, with the input record's headers.
template <class K, class V>
class sink_node final : public input<K, V>, public terminal {
public:
  sink_node(std::string topic, bool internal, serdes<K, V> s, stream_partitioner<K, V> p)
      : topic_(std::move(topic)), internal_(internal), serdes_(std::move(s)),
        partitioner_(std::move(p)) {}

  void init(processor_context& ctx) override {
    node_instance::init(ctx);
    if (internal_)
      topic_ = ctx.internal_topic(topic_);
  }

  void process(const record<K, V>& r) override {
    client::producer_record out;
    out.topic = topic_;
    if (r.has_key)
      out.key = serdes_.key.serialize(r.key);
    if (r.has_value)
      out.value = serdes_.value.serialize(r.value);
    out.timestamp = r.timestamp;
    if (const auto* h = this->ctx().meta().headers)
      out.headers = *h;
    if (partitioner_) {
      auto n = this->ctx().partition_count(topic_);
      if (n > 0)
        out.partition = partitioner_(r.key, r.value, n);
    }
    this->ctx().send(std::move(out));
  }

private:
  std::string topic_;
  bool internal_;
  serdes<K, V> serdes_;
  stream_partitioner<K, V> partitioner_;
};

/// Any record-at-a-time transform: `fn(record, emit)` calls emit zero or more times.
template <class K, class V, class K2, class V2, class Fn>
class transform_node final : public input<K, V>, public output<K2, V2> {
public:
  explicit transform_node(Fn fn) : fn_(std::move(fn)) {}
  bool connect(node_instance& child) override { return output<K2, V2>::connect(child); }
  void process(const record<K, V>& r) override {
    fn_(r, [this](const record<K2, V2>& out) { this->forward(out); });
  }

private:
  Fn fn_;
};

template <class K, class V, class K2, class V2, class Fn>
std::unique_ptr<node_instance> make_transform(Fn fn) {
  return std::make_unique<transform_node<K, V, K2, V2, Fn>>(std::move(fn));
}

/// branch / split: each record goes to the first child whose predicate matches (or none).
template <class K, class V>
class branch_node final : public input<K, V> {
public:
  using predicate = std::function<bool(const K&, const V&)>;
  explicit branch_node(std::vector<predicate> preds) : preds_(std::move(preds)) {}

  bool connect(node_instance& child) override {
    auto* in = dynamic_cast<input<K, V>*>(&child);
    if (in == nullptr || children_.size() >= preds_.size())
      return false;
    children_.push_back(in);
    return true;
  }
  void process(const record<K, V>& r) override {
    for (size_t i = 0; i < preds_.size() && i < children_.size(); ++i)
      if (preds_[i](r.key, r.value)) {
        children_[i]->process(r);
        return;
      }
  }

private:
  std::vector<predicate> preds_;
  std::vector<input<K, V>*> children_;
};

/// A user function per record, nothing forwarded (foreach).
template <class K, class V>
class foreach_node final : public input<K, V>, public terminal {
public:
  explicit foreach_node(std::function<void(const K&, const V&)> fn) : fn_(std::move(fn)) {}
  void process(const record<K, V>& r) override { fn_(r.key, r.value); }

private:
  std::function<void(const K&, const V&)> fn_;
};

} // namespace tributary::streams::detail
