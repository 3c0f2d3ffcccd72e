#include "tributary/streams/detail/builder_state.hpp"

namespace tributary::streams::detail {

const std::string& builder_state::add_node(node_def def, std::string anchor) {
  if (!used_names_.insert(def.name).second)
    fail("two operators are named '" + def.name + "': give one of them another name");
  anchors_[def.name] = std::move(anchor);
  nodes_.push_back(std::move(def));
  return nodes_.back().name;
}

void builder_state::add_store(store_def def) {
  for (const auto& s : stores_)
    if (s.name == def.name)
      return fail("two stores are named '" + def.name + "': give one of them another name");
  stores_.push_back(std::move(def));
}

void builder_state::add_internal_topic(internal_topic_def def) {
  for (const auto& t : internal_topics_)
    if (t.base == def.base)
      return fail("two internal topics are named '" + def.base + "'");
  internal_topics_.push_back(std::move(def));
}

std::string builder_state::numbered_name(const std::string& op) {
  return op + "-" + std::to_string(counters_[op]++);
}

std::string builder_state::stable_name(const std::string& given, const std::string& parent,
                                       const std::string& op) {
  if (!given.empty())
    return given;
  auto base = anchor_of(parent) + "-" + op;
  auto name = base;
  for (int k = 2; used_names_.count(name) != 0 || derived_names_.count(name) != 0; ++k)
    name = base + "-" + std::to_string(k);
  derived_names_.insert(name);
  return name;
}

std::string builder_state::anchor_of(const std::string& node) const {
  auto it = anchors_.find(node);
  return it == anchors_.end() ? node : it->second;
}

void builder_state::fail(std::string why) {
  if (error_.empty())
    error_ = std::move(why);
}

topology builder_state::build() const {
  return topology(nodes_, stores_, internal_topics_);
}

} // namespace tributary::streams::detail
