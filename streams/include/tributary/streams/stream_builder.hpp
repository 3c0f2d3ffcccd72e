#pragma once
// stream_builder: where a topology starts (Kafka Streams' StreamsBuilder).
//
//   stream_builder builder;
//   auto orders = builder.stream<std::string, nlohmann::json>("orders");
//   auto users = builder.table<std::string, nlohmann::json>("users");
//   ... operators ...
//   auto topo = builder.build();   // outcome<topology>: fails on clashing names
//
// Not thread-safe; handles from one builder must not be used with another.

#include "tributary/client/error.hpp"
#include "tributary/streams/joins.hpp"
#include "tributary/streams/kgrouped_stream.hpp"
#include "tributary/streams/kstream.hpp"
#include "tributary/streams/ktable.hpp"

#include <memory>
#include <string>
#include <vector>

namespace tributary::streams {

class stream_builder {
public:
  stream_builder() : b_(std::make_shared<detail::builder_state>()) {}

  /// Records of `topics` (one sub-topology reads them all; they must be co-partitioned).
  template <class K, class V>
  kstream<K, V> stream(std::vector<std::string> topics, consumed<K, V> c = {}) {
    node_def def;
    std::string anchor;
    for (const auto& t : topics)
      anchor += (anchor.empty() ? "" : "+") + t;
    def.name = c.name.empty() ? anchor + "-source" : c.name;
    def.kind = node_kind::source;
    def.op = "source";
    def.topics = std::move(topics);
    auto s = c.with;
    auto ts = c.timestamp_extractor;
    def.make = [s, ts] { return std::make_unique<detail::source_node<K, V>>(s, ts); };
    auto n = b_->add_node(std::move(def), anchor);
    return kstream<K, V>(b_, n, false);
  }
  template <class K, class V>
  kstream<K, V> stream(const std::string& topic, consumed<K, V> c = {}) {
    return stream<K, V>(std::vector<std::string>{topic}, std::move(c));
  }

  /// The latest value per key of `topic`, materialized in a store (m.name, else
  /// "<topic>-table").
  template <class K, class V>
  ktable<K, V> table(const std::string& topic, consumed<K, V> c = {}, materialized<K, V> m = {}) {
    auto src = stream<K, V>(topic, c);
    auto name = m.name.empty() ? topic + "-table" : m.name;
    b_->add_store(store_def{name, store_kind::key_value, m.logged, 0});
    auto s = c.with;
    auto n = src.add_node(
        name, "table",
        [name, s] { return std::make_unique<detail::table_source_node<K, V>>(name, s); }, {name},
        name);
    return ktable<K, V>(b_, n, name, s);
  }

  /// Declares a store for processors (KStream::process): one per task, SQLite, with a
  /// compacted changelog "<app>-<name>-changelog" unless logged is false.
  void add_store(const std::string& name, store_kind kind = store_kind::key_value,
                 bool logged = true, int64_t retention_ms = 0) {
    b_->add_store(store_def{name, kind, logged, retention_ms});
  }

  /// The topology, or the first naming problem found while building it.
  client::outcome<topology> build() const;

private:
  std::shared_ptr<detail::builder_state> b_;
};

} // namespace tributary::streams
