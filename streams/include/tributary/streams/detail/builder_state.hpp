#pragma once
// builder_state: what a stream_builder and the kstream/ktable handles it gives out share
// while a topology is being written. Handles are cheap copies (a shared_ptr and a node name).
//
// Naming. Stateless nodes are numbered ("filter-3"): renumbering them moves no state.
// Stateful nodes, their stores and their internal topics get the user's name, or a name
// derived from their *anchor* -- the nearest upstream source topic or stateful node -- and
// the operator ("words-count"), so adding a filter or a branch elsewhere does not rename them
// (Kafka Streams' counter-based names do; that silently orphans state).

#include "tributary/streams/topology.hpp"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace tributary::streams::detail {

class builder_state {
public:
  /// Adds a node; its name must be unique (else the first such error fails build()).
  const std::string& add_node(node_def def, std::string anchor);
  void add_store(store_def def);
  void add_internal_topic(internal_topic_def def);

  /// "<op>-<n>" for stateless nodes.
  std::string numbered_name(const std::string& op);
  /// The user's name (checked for clashes at build) or "<anchor of parent>-<op>[-<k>]".
  std::string stable_name(const std::string& given, const std::string& parent,
                          const std::string& op);
  /// The anchor a child of `node` inherits.
  std::string anchor_of(const std::string& node) const;

  /// Remembers the first problem found while building (a name used twice, ...).
  void fail(std::string why);

  const std::string& error() const { return error_; }
  topology build() const;

private:
  std::vector<node_def> nodes_;
  std::map<std::string, std::string> anchors_;
  std::vector<store_def> stores_;
  std::vector<internal_topic_def> internal_topics_;
  std::set<std::string> used_names_;
  std::set<std::string> derived_names_; // handed out by stable_name (nodes may add suffixes)
  std::map<std::string, int> counters_;
  std::string error_;
};

} // namespace tributary::streams::detail
