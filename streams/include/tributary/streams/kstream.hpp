#pragma once
// kstream<K, V>: a record stream in a topology being built (Kafka Streams' KStream). Every
// method adds an operator and returns a new handle; nothing runs until a streams_app starts
// the built topology. Functions take (const K&, const V&) or, where noted, just the value.
//
//   auto lines = builder.stream<std::string, std::string>("lines");
//   lines.flat_map_values([](const std::string& l) { return split_words(l); })
//        .group_by([](const std::string&, const std::string& w) { return w; })
//        .count(materialized<std::string, int64_t>::as("word-counts"))
//        .to_stream().to("word-counts");

#include "tributary/streams/detail/builder_state.hpp"
#include "tributary/streams/detail/stateless_ops.hpp"
#include "tributary/streams/dsl_fwd.hpp"
#include "tributary/streams/options.hpp"

#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace tributary::streams {

namespace detail {
template <class F, class K, class V>
constexpr bool takes_key_value = std::is_invocable_v<F, const K&, const V&>;

/// The result of f(key, value) or f(value).
template <class F, class K, class V>
auto call_kv(F& f, const K& k, const V& v) {
  if constexpr (takes_key_value<F, K, V>)
    return f(k, v);
  else
    return f(v);
}
template <class F, class K, class V>
using kv_result_t = std::decay_t<decltype(call_kv(std::declval<F&>(), std::declval<const K&>(),
                                                  std::declval<const V&>()))>;
} // namespace detail

template <class K, class V>
class kstream {
public:
  using predicate = std::function<bool(const K&, const V&)>;

  kstream(std::shared_ptr<detail::builder_state> b, std::string node, bool key_changed)
      : b_(std::move(b)), node_(std::move(node)), key_changed_(key_changed) {}

  /// Keeps records for which pred(key, value) holds.
  kstream filter(predicate pred, std::string name = {}) const {
    return add<K, V>("filter", name, false, [pred](const record<K, V>& r, auto&& emit) {
      if (pred(r.key, r.value))
        emit(r);
    });
  }
  kstream filter_not(predicate pred, std::string name = {}) const {
    return filter([pred](const K& k, const V& v) { return !pred(k, v); }, std::move(name));
  }

  /// A new value from f(value) or f(key, value); the key stays (no repartition needed).
  template <class F, class V2 = detail::kv_result_t<F, K, V>>
  kstream<K, V2> map_values(F f, std::string name = {}) const {
    return add<K, V2>("map_values", name, false, [f](const record<K, V>& r, auto&& emit) mutable {
      emit(r.template with<K, V2>(r.key, detail::call_kv(f, r.key, r.value)));
    });
  }

  /// A new key and value from f(key, value) -> std::pair<K2, V2>.
  template <class F, class P = std::invoke_result_t<F&, const K&, const V&>>
  kstream<typename P::first_type, typename P::second_type> map(F f, std::string name = {}) const {
    using K2 = typename P::first_type;
    using V2 = typename P::second_type;
    return add<K2, V2>("map", name, true, [f](const record<K, V>& r, auto&& emit) mutable {
      auto [k, v] = f(r.key, r.value);
      auto out = r.template with<K2, V2>(std::move(k), std::move(v));
      out.has_key = true;
      emit(out);
    });
  }

  /// A new key from f(key, value); marks the stream for repartitioning before grouping.
  template <class F, class K2 = std::decay_t<std::invoke_result_t<F&, const K&, const V&>>>
  kstream<K2, V> select_key(F f, std::string name = {}) const {
    return add<K2, V>("select_key", name, true, [f](const record<K, V>& r, auto&& emit) mutable {
      auto out = r.template with<K2, V>(f(r.key, r.value), r.value);
      out.has_key = true;
      emit(out);
    });
  }

  /// Zero or more records from f(key, value) -> a container of std::pair<K2, V2>.
  template <class F, class C = std::decay_t<std::invoke_result_t<F&, const K&, const V&>>,
            class P = typename C::value_type>
  kstream<typename P::first_type, typename P::second_type> flat_map(F f,
                                                                    std::string name = {}) const {
    using K2 = typename P::first_type;
    using V2 = typename P::second_type;
    return add<K2, V2>("flat_map", name, true, [f](const record<K, V>& r, auto&& emit) mutable {
      for (auto& [k, v] : f(r.key, r.value)) {
        auto out = r.template with<K2, V2>(std::move(k), std::move(v));
        out.has_key = true;
        emit(out);
      }
    });
  }

  /// Zero or more values from f(value) or f(key, value) -> a container of V2.
  template <class F, class C = detail::kv_result_t<F, K, V>, class V2 = typename C::value_type>
  kstream<K, V2> flat_map_values(F f, std::string name = {}) const {
    return add<K, V2>("flat_map_values", name, false,
                      [f](const record<K, V>& r, auto&& emit) mutable {
                        for (auto& v : detail::call_kv(f, r.key, r.value))
                          emit(r.template with<K, V2>(r.key, std::move(v)));
                      });
  }

  /// Calls f(key, value) and passes the record on unchanged.
  kstream peek(std::function<void(const K&, const V&)> f, std::string name = {}) const {
    return add<K, V>("peek", name, false, [f](const record<K, V>& r, auto&& emit) {
      f(r.key, r.value);
      emit(r);
    });
  }

  /// A custom operator (Processor API, custom_processor.hpp): `make()` creates one
  /// processor<K, V, K2, V2> per task; `stores` names the stores it uses (declared with
  /// stream_builder::add_store). Records it forwards may have a new key, so grouping or
  /// joining downstream repartitions first.
  template <class K2, class V2, class Make>
  kstream<K2, V2> process(Make make, std::vector<std::string> stores = {},
                          std::string name = {}) const {
    auto n = add_node(
        name.empty() ? b_->numbered_name("process") : name, "process",
        [make]() -> std::unique_ptr<node_instance> { return make(); }, std::move(stores));
    return kstream<K2, V2>(b_, n, true);
  }

  /// Calls f(key, value) for every record; the end of this branch.
  void foreach (std::function<void(const K&, const V&)> f, std::string name = {}) const {
    add_node(name.empty() ? b_->numbered_name("foreach") : name, "foreach",
             [f] { return std::make_unique<detail::foreach_node<K, V>>(f); });
  }

  /// One stream per predicate: a record goes to the first that matches, or is dropped.
  std::vector<kstream> branch(std::vector<predicate> preds, std::string name = {}) const {
    auto parent = add_node(name.empty() ? b_->numbered_name("branch") : name, "branch",
                           [preds] { return std::make_unique<detail::branch_node<K, V>>(preds); });
    std::vector<kstream> out;
    for (size_t i = 0; i < preds.size(); ++i)
      out.push_back(kstream(b_, parent, key_changed_)
                        .template add<K, V>("branch_" + std::to_string(i), {}, false,
                                            [](const record<K, V>& r, auto&& emit) { emit(r); }));
    return out;
  }

  /// Kafka Streams' split(): named branches; a record goes to the first that matches.
  std::map<std::string, kstream>
  split(const std::vector<std::pair<std::string, predicate>>& branches) const {
    std::vector<predicate> preds;
    for (const auto& b : branches)
      preds.push_back(b.second);
    auto streams = branch(std::move(preds));
    std::map<std::string, kstream> out;
    for (size_t i = 0; i < branches.size(); ++i)
      out.emplace(branches[i].first, streams[i]);
    return out;
  }

  /// Both streams' records in one (no ordering between them).
  kstream merge(const kstream& other, std::string name = {}) const {
    node_def def;
    def.name = name.empty() ? b_->numbered_name("merge") : name;
    def.op = "merge";
    def.parents = {node_, other.node_};
    def.make = [] { return detail::make_transform<K, V, K, V>(pass_through{}); };
    auto n = b_->add_node(std::move(def), b_->anchor_of(node_));
    return kstream(b_, n, key_changed_ || other.key_changed_);
  }

  /// Writes every record to `topic` (which must exist or be auto-created by the node).
  void to(const std::string& topic, produced<K, V> p = {}) const {
    add_sink(topic, false, std::move(p.with), std::move(p.partitioner), p.name);
  }

  /// Writes to an internal topic "<application.id>-<name>-repartition" and reads it back:
  /// records with the same key then meet in the same task.
  kstream repartition(repartitioned<K, V> r = {}) const {
    auto name = b_->stable_name(r.name, node_, "repartition");
    return through_internal(name + "-repartition", r.with, std::move(r.partitioner), name);
  }

  /// Writes to a user topic and continues from it (Kafka's through()).
  kstream through(const std::string& topic, produced<K, V> p = {}) const;

  kgrouped_stream<K, V> group_by_key(grouped<K, V> g = {}) const;

  // -- joins (defined in joins.hpp) -----------------------------------------------------------
  /// Each record joined with the table's current row for its key: f(value, row); records
  /// without a row are dropped. The table must be materialized and co-partitioned.
  template <class VT, class F,
            class VR = std::decay_t<std::invoke_result_t<F&, const V&, const VT&>>>
  kstream<K, VR> join(const ktable<K, VT>& table, F f, std::string name = {}) const;
  /// As join, with f(value, std::optional<row>) also called for records without a row.
  template <class VT, class F,
            class VR = std::decay_t<std::invoke_result_t<F&, const V&, const std::optional<VT>&>>>
  kstream<K, VR> left_join(const ktable<K, VT>& table, F f, std::string name = {}) const;

  /// Windowed stream-stream joins: records of both streams with the same key and timestamps
  /// within the join window. inner: f(v, vo); left: f(v, optional<vo>); outer:
  /// f(optional<v>, optional<vo>). Unmatched records of left/outer joins are emitted when
  /// their window closes.
  template <class VO, class F,
            class VR = std::decay_t<std::invoke_result_t<F&, const V&, const VO&>>>
  kstream<K, VR> join(const kstream<K, VO>& other, F f, join_windows w,
                      stream_joined<K, V, VO> opts = {}) const;
  template <class VO, class F,
            class VR = std::decay_t<std::invoke_result_t<F&, const V&, const std::optional<VO>&>>>
  kstream<K, VR> left_join(const kstream<K, VO>& other, F f, join_windows w,
                           stream_joined<K, V, VO> opts = {}) const;
  template <class VO, class F,
            class VR = std::decay_t<
                std::invoke_result_t<F&, const std::optional<V>&, const std::optional<VO>&>>>
  kstream<K, VR> outer_join(const kstream<K, VO>& other, F f, join_windows w,
                            stream_joined<K, V, VO> opts = {}) const;

  /// This stream, repartitioned first if its key was changed upstream (joins and grouping
  /// need records with the same key in the same task).
  kstream copartitioned(const std::string& name, serdes<K, V> s) const {
    if (!key_changed_)
      return *this;
    return through_internal(name + "-repartition", std::move(s), {}, name);
  }

  template <class F, class K2 = std::decay_t<std::invoke_result_t<F&, const K&, const V&>>>
  kgrouped_stream<K2, V> group_by(F f, grouped<K2, V> g = {}) const {
    auto keyed = select_key(std::move(f), g.name.empty() ? std::string{} : g.name + "-key");
    return keyed.group_by_key(std::move(g));
  }

  // -- for the DSL's own use ----------------------------------------------------------------
  const std::string& node() const { return node_; }
  bool key_changed() const { return key_changed_; }
  const std::shared_ptr<detail::builder_state>& builder() const { return b_; }

  /// Adds a record-at-a-time operator: fn(const record<K,V>&, emit) with emit(record<K2,V2>).
  template <class K2, class V2, class Fn>
  kstream<K2, V2> add(const std::string& op, const std::string& name, bool changes_key,
                      Fn fn) const {
    auto n = add_node(name.empty() ? b_->numbered_name(op) : name, op,
                      [fn] { return detail::make_transform<K, V, K2, V2>(fn); });
    return kstream<K2, V2>(b_, n, key_changed_ || changes_key);
  }

  /// Adds a node whose only parent is this stream's node; returns its name.
  template <class Make>
  std::string add_node(std::string name, std::string op, Make make,
                       std::vector<std::string> stores = {}, std::string anchor = {}) const {
    node_def def;
    def.name = std::move(name);
    def.op = std::move(op);
    def.parents = {node_};
    def.stores = std::move(stores);
    def.make = std::move(make);
    return b_->add_node(std::move(def), anchor.empty() ? b_->anchor_of(node_) : anchor);
  }

  kstream through_internal(const std::string& topic, serdes<K, V> s,
                           detail::stream_partitioner<K, V> part, const std::string& name) const {
    b_->add_internal_topic(internal_topic_def{topic, false});
    add_sink(topic, true, s, std::move(part), name + "-sink");
    return source_of(topic, true, std::move(s), name + "-source", name);
  }

private:
  struct pass_through {
    template <class Emit>
    void operator()(const record<K, V>& r, Emit&& emit) const {
      emit(r);
    }
  };

  void add_sink(const std::string& topic, bool internal, serdes<K, V> s,
                detail::stream_partitioner<K, V> part, const std::string& name) const {
    node_def def;
    def.name = name.empty() ? b_->numbered_name("sink") : name;
    def.kind = node_kind::sink;
    def.op = "sink";
    def.parents = {node_};
    def.topics = {topic};
    def.internal_topics = internal;
    def.make = [topic, internal, s, part] {
      return std::make_unique<detail::sink_node<K, V>>(topic, internal, s, part);
    };
    b_->add_node(std::move(def), b_->anchor_of(node_));
  }

  kstream source_of(const std::string& topic, bool internal, serdes<K, V> s,
                    const std::string& name, const std::string& anchor) const {
    node_def def;
    def.name = name;
    def.kind = node_kind::source;
    def.op = "source";
    def.topics = {topic};
    def.internal_topics = internal;
    def.make = [s] { return std::make_unique<detail::source_node<K, V>>(s, nullptr); };
    auto n = b_->add_node(std::move(def), anchor);
    return kstream(b_, n, false);
  }

  std::shared_ptr<detail::builder_state> b_;
  std::string node_;
  bool key_changed_ = false;
};

} // namespace tributary::streams

namespace tributary::streams {

template <class K, class V>
kstream<K, V> kstream<K, V>::through(const std::string& topic, produced<K, V> p) const {
  add_sink(topic, false, p.with, std::move(p.partitioner), p.name.empty() ? "" : p.name + "-sink");
  return source_of(topic, false, p.with, b_->numbered_name("source"), topic);
}

} // namespace tributary::streams
