// The broker's partition actors: resolving a topic partition to its actor, spawning them
// (at load, CreateTopics, CreatePartitions), loading every stored topic before the broker
// serves, and restarting a partition actor that stopped unexpectedly.
#include "broker_state.hpp"

#include "jobs.hpp"

#include "tributary/actors/partition.hpp"
#include "tributary/storage/metadata/metadata_store.hpp"

#include <utility>

namespace tributary::actors {

namespace md = storage::metadata;

const partition_actor* find_partition(broker_self self, const std::string& topic, int32_t p,
                                      std::string* why) {
  auto i = self->state.topics.find(topic);
  if (i == self->state.topics.end()) {
    if (why)
      *why = "topic '" + topic + "' does not exist";
    return nullptr;
  }
  auto& parts = i->second.partitions;
  if (p < 0 || p >= static_cast<int32_t>(parts.size())) {
    if (why)
      *why = "topic '" + topic + "' has " + std::to_string(parts.size()) + " partition" +
             (parts.size() == 1 ? "" : "s") + "; partition " + std::to_string(p) +
             " does not exist";
    return nullptr;
  }
  return &parts[static_cast<size_t>(p)];
}

namespace {

partition_actor spawn_one(broker_self self, const topic_entry& entry, int32_t p) {
  auto& st = self->state;
  partition_spec spec;
  spec.topic = entry.record.name;
  spec.partition = p;
  spec.dir = st.spec.config.data_dir + "/" + entry.record.name + "-" + std::to_string(p);
  spec.config = entry.config;
  spec.node_id = self_node_id(self);
  if (p < static_cast<int32_t>(entry.states.size()))
    spec.leader_epoch = entry.states[static_cast<size_t>(p)].leader_epoch.value;
  spec.parent = st.meta.name;
  if (st.spec.config.log_retention_check_interval_ms > 0)
    spec.retention_check_interval_ms = st.spec.config.log_retention_check_interval_ms;
  spec.cleaner_enabled = st.spec.config.log_cleaner_enable;
  if (st.spec.config.log_cleaner_backoff_ms > 0)
    spec.cleaner_backoff_ms = st.spec.config.log_cleaner_backoff_ms;
  spec.producer_id_expiration_ms = st.spec.config.producer_id_expiration_ms;
  auto actor = spawn_partition(self->system(), std::move(spec),
                               partition_deps{st.deps.disk, st.deps.inspector});
  self->monitor(actor);
  return actor;
}

} // namespace

void spawn_partitions(broker_self self, topic_entry& entry, int32_t from) {
  for (int32_t p = from; p < entry.record.partition_count; ++p) {
    if (p >= static_cast<int32_t>(entry.states.size())) {
      md::partition_record rec;
      rec.topic = entry.record.name;
      rec.partition = partition_id{p};
      rec.leader = node_id{self_node_id(self)};
      rec.replicas = {node_id{self_node_id(self)}};
      rec.isr = rec.replicas;
      entry.states.push_back(std::move(rec));
    }
    entry.partitions.push_back(spawn_one(self, entry, p));
  }
}

namespace {

using loaded_topics = std::vector<std::pair<md::topic_record, std::vector<md::partition_record>>>;

void install_topics(broker_self self, loaded_topics& loaded) {
  auto& st = self->state;
  for (auto& [rec, parts] : loaded) {
    topic_entry entry;
    std::string why;
    auto cfg = config::make_topic_config(st.spec.config, rec.configs, &why);
    if (cfg) {
      entry.config = std::move(*cfg);
    } else {
      broker_log()->error("topic '{}': stored config overrides are no longer valid ({}); "
                          "running it with the broker defaults until they are altered",
                          rec.name, why);
      entry.config = st.spec.config.topic_defaults();
    }
    entry.record = std::move(rec);
    entry.states = std::move(parts);
    auto name = entry.record.name;
    auto& slot = st.topics[name] = std::move(entry);
    spawn_partitions(self, slot, 0);
  }
  st.is_loaded = true;
  size_t partitions = 0;
  for (auto& [name, t] : st.topics)
    partitions += t.partitions.size();
  broker_log()->info("broker {}: loaded {} topics with {} partitions", self_node_id(self),
                     st.topics.size(), partitions);
}

} // namespace

/// Reads every topic with its partitions in one job, and waits for it (await) so the
/// broker never answers from a half-loaded topic map.
void load_topics(broker_self self) {
  auto& st = self->state;
  if (!st.deps.metadata) {
    st.is_loaded = true;
    return;
  }
  auto slot = std::make_shared<result<loaded_topics>>(loaded_topics{});
  auto job = store_job{[slot](md::metadata_store& store) {
    auto topics = store.list_topics();
    if (!topics) {
      *slot = unexpected(topics.error());
      return;
    }
    loaded_topics out;
    for (auto& t : *topics) {
      auto parts = store.list_partitions(t.name);
      if (!parts) {
        *slot = unexpected(parts.error());
        return;
      }
      out.emplace_back(std::move(t), std::move(*parts));
    }
    *slot = std::move(out);
  }};
  self->request(st.deps.metadata, k_job_timeout, std::move(job))
      .await(
          [=](job_done) {
            if (*slot) {
              install_topics(self, **slot);
            } else {
              broker_log()->error("broker: cannot load topics from the metadata store: {}",
                                  slot->error().message());
              self->state.is_loaded = true;
            }
          },
          [=](caf::error& err) {
            broker_log()->error("broker: the metadata actor did not answer the topic load: {}",
                                caf::to_string(err));
            self->state.is_loaded = true;
          });
}

void on_down(broker_self self, const caf::down_msg& dm) {
  auto& st = self->state;
  for (auto i = st.groups.begin(); i != st.groups.end(); ++i) {
    if (i->second.address() == dm.source) {
      st.groups.erase(i);
      return;
    }
  }
  if (st.is_shutting_down)
    return;
  for (auto& [name, t] : st.topics) {
    for (size_t p = 0; p < t.partitions.size(); ++p) {
      if (t.partitions[p].address() != dm.source)
        continue;
      broker_log()->error("partition {}-{} stopped unexpectedly ({}); restarting it", name, p,
                          caf::to_string(dm.reason));
      t.partitions[p] = spawn_one(self, t, static_cast<int32_t>(p));
      return;
    }
  }
}

} // namespace tributary::actors
