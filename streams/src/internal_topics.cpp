// Startup checks and internal topics: source topics must exist and be co-partitioned within a
// sub-topology (a join or a multi-topic stream needs key k of every input in the same task);
// internal topics get the partition count of the user topics their reader reads (else that
// of the sub-topology that writes them), changelogs that of the sub-topology that owns the
// store.
#include "app_runtime.hpp"

#include <spdlog/spdlog.h>

namespace tributary::streams {

using client::make_error;
using protocol::kafka_error;

int32_t streams_app::impl::partitions_of(const subtopology& st,
                                         std::map<std::string, int32_t>& known, int depth) const {
  // A sub-topology that reads a user topic is partitioned like it: the internal topics it
  // reads (a repartitioned stream joined with a table, a foreign-key join's subscriptions)
  // must be co-partitioned with that topic, whatever their writers read.
  int32_t n = -1;
  for (size_t i = 0; i < st.source_topics.size(); ++i)
    if (!st.source_topic_internal[i])
      n = std::max(n, known[st.source_topics[i]]);
  if (n > 0)
    return n;
  for (size_t i = 0; i < st.source_topics.size(); ++i) {
    const auto& t = st.source_topics[i];
    if (!st.source_topic_internal[i])
      continue;
    auto full = config_.application_id + "-" + t;
    if (auto it = known.find(full); it != known.end()) {
      n = std::max(n, it->second);
      continue;
    }
    // An internal topic: as many partitions as the sub-topology writing it reads.
    if (depth > 16)
      continue;
    for (const auto& other : topo_.subtopologies())
      for (auto idx : other.nodes) {
        const auto& def = topo_.nodes()[idx];
        if (def.kind == node_kind::sink && def.internal_topics && def.topics[0] == t)
          n = std::max(n, partitions_of(other, known, depth + 1));
      }
  }
  return n > 0 ? n : config_.default_partitions;
}

client::outcome<void> streams_app::impl::prepare_topics(client::admin& admin) {
  std::set<std::string> external;
  for (const auto& st : topo_.subtopologies())
    for (size_t i = 0; i < st.source_topics.size(); ++i)
      if (!st.source_topic_internal[i])
        external.insert(st.source_topics[i]);
  std::map<std::string, int32_t> known;
  if (!external.empty()) {
    auto described = admin.describe_topics({external.begin(), external.end()});
    if (!described)
      return described.err();
    for (const auto& d : *described) {
      if (!d.ok())
        return make_error(kafka_error::unknown_topic_or_partition,
                          "source topic '" + d.name + "' is not there: " + d.err.to_string() +
                              " (create it before starting the application)");
      known[d.name] = static_cast<int32_t>(d.partitions.size());
    }
  }
  for (const auto& st : topo_.subtopologies()) {
    std::string first;
    for (size_t i = 0; i < st.source_topics.size(); ++i) {
      if (st.source_topic_internal[i])
        continue;
      const auto& t = st.source_topics[i];
      if (first.empty())
        first = t;
      else if (known[t] != known[first])
        return make_error(kafka_error::invalid_partitions,
                          "topics '" + first + "' (" + std::to_string(known[first]) +
                              " partitions) and '" + t + "' (" + std::to_string(known[t]) +
                              " partitions) are read by the same sub-topology " +
                              std::to_string(st.id) +
                              " and must be co-partitioned: give them the same partition count");
    }
  }
  // Internal topics, in sub-topology order so upstream counts are known first.
  std::vector<client::new_topic> wanted;
  for (const auto& it : topo_.internal_topics()) {
    int32_t n = config_.default_partitions;
    for (const auto& st : topo_.subtopologies())
      for (size_t i = 0; i < st.source_topics.size(); ++i)
        if (st.source_topic_internal[i] && st.source_topics[i] == it.base)
          n = partitions_of(st, known);
    known[config_.application_id + "-" + it.base] = n;
    wanted.push_back({config_.application_id + "-" + it.base, n, config_.replication_factor, {}});
  }
  for (const auto& st : topo_.subtopologies())
    for (const auto& store : st.stores) {
      const auto* def = topo_.find_store(store);
      if (def == nullptr || !def->logged)
        continue;
      wanted.push_back({config_.application_id + "-" + def->changelog_base(),
                        partitions_of(st, known),
                        config_.replication_factor,
                        {{"cleanup.policy",
                          def->kind == store_kind::key_value ? "compact" : "compact,delete"}}});
    }
  if (config_.on_deserialization_error == error_action::dead_letter ||
      config_.on_processing_error == error_action::dead_letter)
    wanted.push_back({config_.dlq_topic(), -1, config_.replication_factor, {}});
  if (!wanted.empty()) {
    auto created = admin.create_topics(wanted);
    if (!created)
      return created.err();
    for (const auto& r : *created)
      if (!r.ok() && r.err.code != kafka_error::topic_already_exists)
        return make_error(r.err.code,
                          "cannot create internal topic '" + r.name + "': " + r.err.to_string());
  }
  for (const auto& w : wanted)
    known[w.name] = w.partitions;
  partition_counts_ = known;
  for (const auto& st : topo_.subtopologies())
    for (size_t i = 0; i < st.source_topics.size(); ++i)
      topic_to_subtopology_[st.source_topic_internal[i]
                                ? config_.application_id + "-" + st.source_topics[i]
                                : st.source_topics[i]] = st.id;
  return {};
}

} // namespace tributary::streams
