// Splitting a topology into sub-topologies and describing it. Nodes are stored in creation
// order, which is topological (a node's parents exist before it), so a sub-topology's node
// list in that order is a valid processing order too.
#include "tributary/streams/topology.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <sstream>

namespace tributary::streams {

namespace {

struct union_find {
  std::vector<size_t> parent;
  explicit union_find(size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  size_t find(size_t x) {
    while (parent[x] != x)
      x = parent[x] = parent[parent[x]];
    return x;
  }
  void join(size_t a, size_t b) {
    a = find(a);
    b = find(b);
    if (a != b)
      parent[std::max(a, b)] = std::min(a, b); // the older node names the group
  }
};

const char* kind_name(node_kind k) {
  switch (k) {
  case node_kind::source:
    return "Source";
  case node_kind::sink:
    return "Sink";
  default:
    return "Processor";
  }
}

std::string join_names(const std::vector<std::string>& xs) {
  std::string out;
  for (const auto& x : xs)
    out += (out.empty() ? "" : ", ") + x;
  return out;
}

} // namespace

topology::topology(std::vector<node_def> nodes, std::vector<store_def> stores,
                   std::vector<internal_topic_def> internal_topics)
    : nodes_(std::move(nodes)), stores_(std::move(stores)),
      internal_topics_(std::move(internal_topics)) {
  split();
}

void topology::split() {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < nodes_.size(); ++i)
    index[nodes_[i].name] = i;
  union_find uf(nodes_.size());
  std::map<std::string, size_t> store_owner;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    for (const auto& p : nodes_[i].parents)
      if (auto it = index.find(p); it != index.end())
        uf.join(i, it->second);
    for (const auto& s : nodes_[i].stores) {
      auto [it, fresh] = store_owner.emplace(s, i);
      if (!fresh)
        uf.join(i, it->second);
    }
  }
  // Number sub-topologies by their oldest node, as Kafka Streams does.
  std::map<size_t, size_t> group_of_root;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    auto root = uf.find(i);
    auto [it, fresh] = group_of_root.emplace(root, subtopologies_.size());
    if (fresh) {
      subtopology st;
      st.id = static_cast<int32_t>(subtopologies_.size());
      subtopologies_.push_back(std::move(st));
    }
    auto& st = subtopologies_[it->second];
    st.nodes.push_back(i);
    const auto& n = nodes_[i];
    if (n.kind == node_kind::source)
      for (const auto& t : n.topics) {
        st.source_topics.push_back(t);
        st.source_topic_internal.push_back(n.internal_topics);
      }
    for (const auto& s : n.stores)
      if (std::find(st.stores.begin(), st.stores.end(), s) == st.stores.end())
        st.stores.push_back(s);
  }
}

const store_def* topology::find_store(const std::string& name) const {
  for (const auto& s : stores_)
    if (s.name == name)
      return &s;
  return nullptr;
}

const node_def* topology::find_node(const std::string& name) const {
  for (const auto& n : nodes_)
    if (n.name == name)
      return &n;
  return nullptr;
}

std::string topology::describe() const {
  std::ostringstream out;
  out << "Topologies:\n";
  for (const auto& st : subtopologies_) {
    out << "   Sub-topology: " << st.id << "\n";
    for (auto i : st.nodes) {
      const auto& n = nodes_[i];
      out << "    " << kind_name(n.kind) << ": " << n.name;
      if (n.kind == node_kind::source)
        out << " (topics: [" << join_names(n.topics) << "])";
      else if (n.kind == node_kind::sink)
        out << " (topic: " << join_names(n.topics) << ")";
      else
        out << " (op: " << n.op << ", stores: [" << join_names(n.stores) << "])";
      out << "\n";
      std::vector<std::string> children;
      for (auto j : st.nodes)
        for (const auto& p : nodes_[j].parents)
          if (p == n.name)
            children.push_back(nodes_[j].name);
      out << "      --> " << (children.empty() ? "none" : join_names(children)) << "\n";
      out << "      <-- " << (n.parents.empty() ? "none" : join_names(n.parents)) << "\n";
    }
    out << "\n";
  }
  return out.str();
}

std::string topology::describe_dot() const {
  std::ostringstream out;
  auto quoted = [](const std::string& s) { return "\"" + s + "\""; };
  out << "digraph topology {\n  rankdir=LR;\n";
  for (const auto& st : subtopologies_) {
    out << "  subgraph cluster_" << st.id << " {\n    label=\"sub-topology " << st.id << "\";\n";
    for (auto i : st.nodes)
      out << "    " << quoted(nodes_[i].name) << " [label=" << quoted(nodes_[i].op)
          << (nodes_[i].kind == node_kind::processor ? "" : ", shape=box") << "];\n";
    out << "  }\n";
  }
  for (const auto& n : nodes_) {
    for (const auto& p : n.parents)
      out << "  " << quoted(p) << " -> " << quoted(n.name) << ";\n";
    for (const auto& t : n.topics) {
      auto topic = quoted("topic:" + t);
      out << "  " << topic << " [label=" << quoted(t) << ", shape=parallelogram];\n";
      if (n.kind == node_kind::source)
        out << "  " << topic << " -> " << quoted(n.name) << ";\n";
      else
        out << "  " << quoted(n.name) << " -> " << topic << ";\n";
    }
    for (const auto& s : n.stores) {
      auto store = quoted("store:" + s);
      out << "  " << store << " [label=" << quoted(s) << ", shape=cylinder];\n";
      out << "  " << quoted(n.name) << " -> " << store << " [dir=both, style=dashed];\n";
    }
  }
  out << "}\n";
  return out.str();
}

} // namespace tributary::streams
