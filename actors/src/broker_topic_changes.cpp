// Topic changes on the broker: DeleteTopics (store first, then partitions closed with their
// folders) and CreatePartitions (store, stale folders, new partition actors).
#include "broker_state.hpp"

#include "jobs.hpp"

#include "tributary/storage/metadata/metadata_store.hpp"

#include <set>
#include <utility>

namespace tributary::actors {

using protocol::kafka_error;
namespace md = storage::metadata;

caf::result<delete_topics_response> handle_delete_topics(broker_self self,
                                                         delete_topics_request& req) {
  auto& st = self->state;
  delete_topics_response out;
  out.topics.resize(req.names.size());
  struct pending {
    delete_topics_response response;
    size_t outstanding = 0;
    caf::typed_response_promise<delete_topics_response> rp;
  };
  auto p = std::make_shared<pending>();
  std::vector<std::pair<size_t, topic_entry>> todo;
  std::set<std::string> in_request;
  for (size_t i = 0; i < req.names.size(); ++i) {
    auto& name = req.names[i];
    out.topics[i].name = name;
    if (!st.spec.config.delete_topic_enable) {
      out.topics[i] = topic_error(name, kafka_error::topic_deletion_disabled,
                                  "topic deletion is disabled on this node "
                                  "(delete.topic.enable=false); topic '" +
                                      name + "' is kept");
      continue;
    }
    if (!in_request.insert(name).second) {
      out.topics[i] = topic_error(name, kafka_error::invalid_request,
                                  "topic '" + name + "' is listed more than once in the request");
      continue;
    }
    auto t = st.topics.find(name);
    if (t == st.topics.end()) {
      out.topics[i] = topic_error(name, kafka_error::unknown_topic_or_partition,
                                  st.changing.count(name) > 0
                                      ? "topic '" + name + "' is being created or deleted"
                                      : "topic '" + name + "' does not exist");
      continue;
    }
    out.topics[i].topic_id = t->second.record.topic_id;
    for (auto& a : t->second.partitions)
      self->demonitor(a.address());
    todo.emplace_back(i, std::move(t->second));
    st.topics.erase(t);
    st.changing[name];
  }
  if (todo.empty())
    return out;
  p->response = std::move(out);
  p->outstanding = todo.size();
  p->rp = self->make_response_promise<delete_topics_response>();
  for (auto& item : todo) {
    auto index = item.first;
    auto entry = std::make_shared<topic_entry>(std::move(item.second));
    auto name = entry->record.name;
    auto finish = [p, index](int16_t err, std::string msg) {
      p->response.topics[index].error = err;
      p->response.topics[index].error_message = std::move(msg);
      if (--p->outstanding == 0)
        p->rp.deliver(std::move(p->response));
    };
    // Store first: once the row is gone a crash cannot bring the topic back half-deleted;
    // folders left by a crash are removed when a topic of that name is created again.
    on_store(
        self, st.deps.metadata, [name](md::metadata_store& s) { return s.delete_topic(name); },
        [=](result<void> r) {
          if (!r) {
            self->state.topics[name] = std::move(*entry);
            for (auto& a : self->state.topics[name].partitions)
              self->monitor(a);
            wake_topic(self, name, true);
            finish(code(to_kafka(r.error())),
                   "topic '" + name + "' was not deleted: " + r.error().message());
            return;
          }
          auto left = std::make_shared<size_t>(entry->partitions.size());
          auto closed = [=]() {
            if (--*left > 0)
              return;
            broker_log()->info("deleted topic '{}'", name);
            wake_topic(self, name, false);
            finish(0, {});
          };
          if (*left == 0) {
            ++*left;
            closed();
            return;
          }
          for (auto& a : entry->partitions)
            self->request(a, k_job_timeout, close_request{true})
                .then([=](close_response&) { closed(); },
                      [=](caf::error& err) {
                        broker_log()->warn("topic '{}': a partition did not close: {}", name,
                                           caf::to_string(err));
                        closed();
                      });
        });
  }
  return p->rp;
}

caf::result<create_partitions_response> handle_create_partitions(broker_self self,
                                                                 create_partitions_request& req) {
  auto& st = self->state;
  create_partitions_response out;
  out.topics.resize(req.topics.size());
  std::map<std::string, int> seen;
  for (auto& t : req.topics)
    ++seen[t.name];
  std::vector<size_t> todo;
  for (size_t i = 0; i < req.topics.size(); ++i) {
    auto& spec = req.topics[i];
    auto& r = out.topics[i];
    r.name = spec.name;
    auto t = st.topics.find(spec.name);
    if (seen[spec.name] > 1)
      r = topic_error(spec.name, kafka_error::invalid_request,
                      "topic '" + spec.name + "' is listed more than once in the request");
    else if (t == st.topics.end())
      r = topic_error(spec.name, kafka_error::unknown_topic_or_partition,
                      "topic '" + spec.name + "' does not exist");
    else if (spec.count <= t->second.record.partition_count)
      r = topic_error(spec.name, kafka_error::invalid_partitions,
                      "topic '" + spec.name + "' has " +
                          std::to_string(t->second.record.partition_count) +
                          " partitions; the new count " + std::to_string(spec.count) +
                          " must be larger (partitions can only be added)");
    else {
      r.num_partitions = spec.count;
      r.topic_id = t->second.record.topic_id;
      if (!req.validate_only)
        todo.push_back(i);
    }
  }
  if (todo.empty())
    return out;
  struct pending {
    create_partitions_response response;
    size_t outstanding = 0;
    caf::typed_response_promise<create_partitions_response> rp;
  };
  auto p = std::make_shared<pending>();
  p->response = std::move(out);
  p->outstanding = todo.size();
  p->rp = self->make_response_promise<create_partitions_response>();
  for (auto index : todo) {
    auto name = req.topics[index].name;
    auto count = req.topics[index].count;
    auto old_count = st.topics[name].record.partition_count;
    auto finish = [p, index](kafka_error e, std::string msg) {
      p->response.topics[index].error = code(e);
      p->response.topics[index].error_message = std::move(msg);
      if (--p->outstanding == 0)
        p->rp.deliver(std::move(p->response));
    };
    // The added partitions are led by this node too (see create_one in broker_topics.cpp).
    std::vector<md::replica_list> added(static_cast<size_t>(std::max(count - old_count, 0)),
                                        md::replica_list{node_id{self_node_id(self)}});
    on_store(
        self, st.deps.metadata,
        [name, count, added](md::metadata_store& s) {
          return s.add_partitions(name, count, added);
        },
        [=](result<void> r) {
          if (!r) {
            finish(to_kafka(r.error()),
                   "topic '" + name + "' keeps its partitions: " + r.error().message());
            return;
          }
          auto job = stale_folder_job(self->state.spec.config.data_dir, name, old_count, count);
          on_disk(
              self, self->state.deps.disk, job,
              [=](int) {
                auto t = self->state.topics.find(name);
                if (t == self->state.topics.end()) {
                  finish(kafka_error::unknown_topic_or_partition,
                         "topic '" + name + "' was deleted while partitions were added");
                  return;
                }
                auto from = static_cast<int32_t>(t->second.partitions.size());
                t->second.record.partition_count = std::max(count, from);
                spawn_partitions(self, t->second, from);
                broker_log()->info("topic '{}' now has {} partitions", name,
                                   t->second.record.partition_count);
                finish(kafka_error::none, {});
              },
              0);
        });
  }
  return p->rp;
}

} // namespace tributary::actors
