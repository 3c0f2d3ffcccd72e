// Topic administration on the broker: Metadata (with auto-create) and CreateTopics (DeleteTopics
// and CreatePartitions are in broker_topic_changes.cpp). Store writes run on the metadata actor,
// folder removal on a disk worker; a topic being created or deleted is parked in state.changing so
// concurrent requests wait for (or refuse) it instead of racing it.
#include "broker_state.hpp"

#include "jobs.hpp"

#include "tributary/config/topic_name.hpp"
#include "tributary/storage/metadata/metadata_store.hpp"

#include <filesystem>
#include <set>
#include <utility>

namespace tributary::actors {

using protocol::kafka_error;
namespace md = storage::metadata;
namespace fs = std::filesystem;

namespace {

/// A CreateTopics entry that passed validation.
struct prepared_topic {
  std::string name;
  int32_t partitions = 1;
  int16_t replication_factor = 1;
  config::topic_config config;
};

} // namespace

topic_result topic_error(const std::string& name, kafka_error e, std::string message) {
  topic_result r;
  r.name = name;
  r.error = code(e);
  r.error_message = std::move(message);
  return r;
}

namespace {

std::vector<config_kv> to_kv(const config::string_map& m) {
  std::vector<config_kv> out;
  for (auto& [k, v] : m)
    out.push_back({k, v});
  return out;
}

/// Checks one CreateTopics entry against Kafka's rules and the topics this broker has.
bool validate_new_topic(broker_self self, const new_topic_spec& spec, prepared_topic& out,
                        topic_result& err) {
  auto& st = self->state;
  auto fail = [&](kafka_error e, std::string msg) {
    err = topic_error(spec.name, e, std::move(msg));
    return false;
  };
  std::string why;
  if (!config::validate_topic_name(spec.name, &why))
    return fail(kafka_error::invalid_topic_exception, why);
  if (st.topics.count(spec.name) > 0 || st.changing.count(spec.name) > 0)
    return fail(kafka_error::topic_already_exists, "topic '" + spec.name + "' already exists");
  auto collides = [&](const std::string& other) {
    return other != spec.name && config::topic_names_collide(other, spec.name);
  };
  for (auto& [name, t] : st.topics)
    if (collides(name))
      return fail(kafka_error::invalid_topic_exception,
                  "topic '" + spec.name + "' collides with existing topic '" + name +
                      "': '.' and '_' are the same character in metric names");
  for (auto& [name, p] : st.changing)
    if (collides(name))
      return fail(kafka_error::invalid_topic_exception,
                  "topic '" + spec.name + "' collides with topic '" + name +
                      "' (being created): '.' and '_' are the same character in metric names");
  out.name = spec.name;
  out.partitions = spec.num_partitions == -1 ? st.spec.config.num_partitions : spec.num_partitions;
  if (out.partitions <= 0)
    return fail(kafka_error::invalid_partitions,
                "topic '" + spec.name + "': the number of partitions must be at least 1, got " +
                    std::to_string(out.partitions));
  int32_t rf = spec.replication_factor == -1 ? st.spec.config.default_replication_factor
                                             : spec.replication_factor;
  if (rf < 1)
    return fail(kafka_error::invalid_replication_factor,
                "topic '" + spec.name + "': the replication factor must be at least 1, got " +
                    std::to_string(rf));
  if (rf > 1)
    return fail(kafka_error::invalid_replication_factor,
                "topic '" + spec.name + "': replication factor " + std::to_string(rf) +
                    " is larger than the number of live nodes (1)");
  out.replication_factor = static_cast<int16_t>(rf);
  config::string_map overrides;
  for (auto& kv : spec.configs)
    if (!overrides.emplace(kv.name, kv.value).second)
      return fail(kafka_error::invalid_config,
                  "topic '" + spec.name + "': config '" + kv.name + "' is given twice");
  auto cfg = config::make_topic_config(st.spec.config, overrides, &why);
  if (!cfg)
    return fail(kafka_error::invalid_config, "topic '" + spec.name + "': " + why);
  out.config = std::move(*cfg);
  return true;
}

} // namespace

void wake_topic(broker_self self, const std::string& name, bool exists) {
  auto i = self->state.changing.find(name);
  if (i == self->state.changing.end())
    return;
  auto waiters = std::move(i->second.waiters);
  self->state.changing.erase(i);
  for (auto& w : waiters)
    w(exists);
}

/// Removes `<data_dir>/<topic>-<p>` for p in [from, to): folders left by an earlier topic of
/// the same name (deleted while this node was down) must not become the new topic's data.
std::function<int()> stale_folder_job(std::string data_dir, std::string topic, int32_t from,
                                      int32_t to) {
  return [=]() {
    for (int32_t p = from; p < to; ++p) {
      std::error_code ec;
      auto dir = fs::path(data_dir) / (topic + "-" + std::to_string(p));
      if (fs::exists(dir, ec)) {
        broker_log()->warn("removing stale folder {} before creating {}-{}", dir.string(), topic,
                           p);
        fs::remove_all(dir, ec);
      }
    }
    return 0;
  };
}

namespace {

/// Stores the topic, clears stale folders, spawns its partitions; done(result) at the end.
void create_one(broker_self self, prepared_topic t, std::function<void(topic_result)> done) {
  self->state.changing[t.name];
  md::new_topic nt;
  nt.name = t.name;
  nt.partition_count = t.partitions;
  nt.replication_factor = t.replication_factor;
  nt.configs = t.config.overrides();
  // Every partition is led by this node (replication factor 1 on one node): stored, so the
  // leader survives a restart -- without it a reloaded topic had leader -1 and no replicas.
  nt.replica_assignment.assign(static_cast<size_t>(t.partitions),
                               md::replica_list{node_id{self_node_id(self)}});
  auto shared = std::make_shared<prepared_topic>(std::move(t));
  on_store(
      self, self->state.deps.metadata, [nt](md::metadata_store& s) { return s.create_topic(nt); },
      [=](result<md::topic_record> rec) {
        if (!rec) {
          wake_topic(self, shared->name, false);
          done(topic_error(shared->name, to_kafka(rec.error()),
                           "topic '" + shared->name +
                               "' was not created: " + rec.error().message()));
          return;
        }
        auto job =
            stale_folder_job(self->state.spec.config.data_dir, shared->name, 0, shared->partitions);
        on_disk(
            self, self->state.deps.disk, job,
            [=, rec = std::move(*rec)](int) mutable {
              topic_entry entry;
              entry.record = std::move(rec);
              entry.config = std::move(shared->config);
              auto& slot = self->state.topics[shared->name] = std::move(entry);
              spawn_partitions(self, slot, 0);
              broker_log()->info("created topic '{}' ({} partitions)", shared->name,
                                 slot.record.partition_count);
              topic_result r;
              r.name = shared->name;
              r.topic_id = slot.record.topic_id;
              r.num_partitions = slot.record.partition_count;
              r.replication_factor = slot.record.replication_factor;
              r.configs = to_kv(slot.record.configs);
              wake_topic(self, shared->name, true);
              done(std::move(r));
            },
            0);
      });
}

/// Runs the creations and answers with the results in `slots` order.
void create_all(broker_self self, std::vector<topic_result> slots,
                std::vector<std::pair<size_t, prepared_topic>> todo,
                std::function<void(std::vector<topic_result>)> done) {
  struct pending {
    std::vector<topic_result> results;
    size_t outstanding = 0;
    std::function<void(std::vector<topic_result>)> done;
  };
  auto p = std::make_shared<pending>();
  p->results = std::move(slots);
  p->outstanding = todo.size();
  p->done = std::move(done);
  if (todo.empty()) {
    p->done(std::move(p->results));
    return;
  }
  for (auto& [index, t] : todo) {
    create_one(self, std::move(t), [p, index = index](topic_result r) {
      p->results[index] = std::move(r);
      if (--p->outstanding == 0)
        p->done(std::move(p->results));
    });
  }
}

topic_metadata describe_topic(const topic_entry& t) {
  topic_metadata m;
  m.name = t.record.name;
  m.topic_id = t.record.topic_id;
  for (auto& s : t.states) {
    partition_metadata pm;
    pm.partition = s.partition.value;
    pm.leader = s.leader.value;
    pm.leader_epoch = s.leader_epoch.value;
    for (auto r : s.replicas)
      pm.replicas.push_back(r.value);
    for (auto r : s.isr)
      pm.isr.push_back(r.value);
    m.partitions.push_back(std::move(pm));
  }
  return m;
}

topic_metadata unknown_topic(const std::string& name, kafka_error e, std::string message) {
  topic_metadata m;
  m.name = name;
  m.error = code(e);
  m.error_message = std::move(message);
  return m;
}

} // namespace

void auto_create_topics(broker_self self, const std::vector<std::string>& names,
                        std::function<void(std::vector<topic_result>)> done) {
  std::vector<topic_result> slots(names.size());
  std::vector<std::pair<size_t, prepared_topic>> todo;
  for (size_t i = 0; i < names.size(); ++i) {
    new_topic_spec spec;
    spec.name = names[i];
    prepared_topic t;
    if (validate_new_topic(self, spec, t, slots[i])) {
      slots[i].name = names[i];
      self->state.changing[t.name]; // a later name in this batch must see it
      todo.emplace_back(i, std::move(t));
    }
  }
  create_all(self, std::move(slots), std::move(todo), std::move(done));
}

caf::result<metadata_response> handle_metadata(broker_self self, metadata_request& req) {
  auto& st = self->state;
  metadata_response r;
  r.cluster_id = st.spec.cluster_id;
  r.controller_id = self_node_id(self);
  r.brokers = {self_node(self)};
  if (req.all_topics) {
    for (auto& [name, t] : st.topics)
      r.topics.push_back(describe_topic(t));
    return r;
  }
  // Unknown names are created (when allowed), names in flight are waited for; the answer
  // goes out once every listed topic is settled.
  bool may_create =
      req.allow_auto_create && st.spec.config.auto_create_topics_enable && !st.is_shutting_down;
  std::vector<std::string> to_create;
  std::vector<std::string> to_wait;
  for (auto& name : req.topics) {
    if (st.topics.count(name) > 0)
      continue;
    if (st.changing.count(name) > 0)
      to_wait.push_back(name);
    else if (may_create)
      to_create.push_back(name);
  }
  auto names = std::move(req.topics);
  auto build = [self, names, r](std::map<std::string, topic_result> created) mutable {
    for (auto& name : names) {
      auto i = self->state.topics.find(name);
      if (i != self->state.topics.end()) {
        r.topics.push_back(describe_topic(i->second));
        continue;
      }
      auto c = created.find(name);
      if (c != created.end() && c->second.error != 0)
        r.topics.push_back(unknown_topic(name, protocol::to_kafka_error(c->second.error),
                                         c->second.error_message));
      else
        r.topics.push_back(unknown_topic(name, kafka_error::unknown_topic_or_partition,
                                         "topic '" + name + "' does not exist"));
    }
    return r;
  };
  if (to_create.empty() && to_wait.empty())
    return build({});
  auto rp = self->make_response_promise<metadata_response>();
  struct pending {
    size_t outstanding = 0;
    std::map<std::string, topic_result> created;
  };
  auto p = std::make_shared<pending>();
  p->outstanding = to_wait.size() + (to_create.empty() ? 0 : 1);
  auto step = [p, rp, build]() mutable {
    if (--p->outstanding == 0)
      rp.deliver(build(std::move(p->created)));
  };
  for (auto& name : to_wait)
    st.changing[name].waiters.push_back([step](bool) mutable { step(); });
  if (!to_create.empty())
    auto_create_topics(self, to_create, [p, step](std::vector<topic_result> results) mutable {
      for (auto& t : results)
        p->created[t.name] = std::move(t);
      step();
    });
  return rp;
}

caf::result<create_topics_response> handle_create_topics(broker_self self,
                                                         create_topics_request& req) {
  std::map<std::string, int> seen;
  for (auto& t : req.topics)
    ++seen[t.name];
  std::vector<topic_result> slots(req.topics.size());
  std::vector<std::pair<size_t, prepared_topic>> todo;
  for (size_t i = 0; i < req.topics.size(); ++i) {
    auto& spec = req.topics[i];
    if (seen[spec.name] > 1) {
      slots[i] = topic_error(spec.name, kafka_error::invalid_request,
                             "topic '" + spec.name + "' is listed more than once in the request");
      continue;
    }
    prepared_topic t;
    if (!validate_new_topic(self, spec, t, slots[i]))
      continue;
    slots[i].name = spec.name;
    slots[i].num_partitions = t.partitions;
    slots[i].replication_factor = t.replication_factor;
    slots[i].configs = to_kv(t.config.overrides());
    if (req.validate_only)
      continue;
    self->state.changing[t.name]; // later entries of this request see the name as taken
    todo.emplace_back(i, std::move(t));
  }
  if (todo.empty())
    return create_topics_response{std::move(slots)};
  auto rp = self->make_response_promise<create_topics_response>();
  create_all(self, std::move(slots), std::move(todo), [rp](std::vector<topic_result> r) mutable {
    rp.deliver(create_topics_response{std::move(r)});
  });
  return rp;
}

} // namespace tributary::actors
