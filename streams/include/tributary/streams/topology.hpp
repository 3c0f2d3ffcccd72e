#pragma once
// topology: what a stream_builder produced -- the operators (nodes), their stores and the
// topics they read and write -- split into sub-topologies (nodes connected by parent edges or
// by a shared store; a repartition topic starts a new one). The runtime makes one task per
// sub-topology and input partition. Immutable once built; copies share the node factories.

#include "tributary/streams/processor.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace tributary::streams {

enum class node_kind { source, processor, sink };
enum class store_kind { key_value, window, session };

struct node_def {
  std::string name;
  node_kind kind = node_kind::processor;
  std::string op;                   // "filter", "count", ... for describe()
  std::vector<std::string> parents; // upstream nodes, in order
  std::vector<std::string> topics;  // a source's input topics / a sink's output topic
  bool internal_topics = false;     // topics are internal: "<application.id>-<topic>"
  std::vector<std::string> stores;  // stores the node reads or writes
  std::function<std::unique_ptr<node_instance>()> make;
};

struct store_def {
  std::string name;
  store_kind kind = store_kind::key_value;
  bool logged = true;       // backed by the compacted changelog "<app>-<name>-changelog"
  int64_t retention_ms = 0; // window / session stores: how long windows are kept
  std::string changelog_base() const { return name + "-changelog"; }
};

/// An internal topic the runtime creates: repartition topics get the partition count of the
/// sub-topology that writes them; changelogs that of the task's input.
struct internal_topic_def {
  std::string base; // without the application id
  bool compacted = false;
};

struct subtopology {
  int32_t id = 0;
  std::vector<size_t> nodes;               // indexes into topology::nodes(), topological
  std::vector<std::string> source_topics;  // as written (internal ones without prefix)
  std::vector<bool> source_topic_internal; // parallel to source_topics
  std::vector<std::string> stores;
};

class topology {
public:
  topology() = default;
  topology(std::vector<node_def> nodes, std::vector<store_def> stores,
           std::vector<internal_topic_def> internal_topics);

  const std::vector<node_def>& nodes() const { return nodes_; }
  const std::vector<store_def>& stores() const { return stores_; }
  const std::vector<internal_topic_def>& internal_topics() const { return internal_topics_; }
  const std::vector<subtopology>& subtopologies() const { return subtopologies_; }
  const store_def* find_store(const std::string& name) const;
  const node_def* find_node(const std::string& name) const;

  /// Kafka Streams' TopologyDescription as text: sub-topologies, nodes, topics, stores.
  std::string describe() const;
  /// The same graph in Graphviz DOT (sources and sinks as topic boxes, stores as cylinders).
  std::string describe_dot() const;

private:
  void split();

  std::vector<node_def> nodes_;
  std::vector<store_def> stores_;
  std::vector<internal_topic_def> internal_topics_;
  std::vector<subtopology> subtopologies_;
};

} // namespace tributary::streams
