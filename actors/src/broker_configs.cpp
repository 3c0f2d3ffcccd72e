// DescribeConfigs and AlterConfigs / IncrementalAlterConfigs on the broker. Topic configs are
// validated by the config module, persisted through the metadata actor (update_topic_configs)
// and pushed to the topic's partition actors; broker settings are static and read-only.
#include "broker_state.hpp"

#include "jobs.hpp"

#include "tributary/storage/metadata/metadata_store.hpp"

#include <optional>
#include <set>
#include <utility>

namespace tributary::actors {

using protocol::kafka_error;
namespace md = storage::metadata;

namespace {

config_entry_info to_info(const config::config_entry& e, const describe_configs_request& req) {
  config_entry_info info;
  info.name = e.name;
  info.value = e.value;
  info.read_only = e.is_read_only;
  info.source = config::kafka_config_source(e.source);
  info.config_type = config::kafka_config_type(e.type);
  if (req.include_documentation)
    info.documentation = e.documentation;
  if (req.include_synonyms)
    for (auto& s : e.synonyms)
      info.synonyms.push_back({s.name, s.value, config::kafka_config_source(s.source)});
  return info;
}

void add_entries(describe_configs_result& out, const std::vector<config::config_entry>& all,
                 const config_resource& res, const describe_configs_request& req) {
  std::set<std::string> wanted(res.keys.begin(), res.keys.end());
  for (auto& e : all)
    if (wanted.empty() || wanted.count(e.name) > 0)
      out.entries.push_back(to_info(e, req));
}

/// "" or this node's id: the broker resources this node answers for.
bool is_this_broker(broker_self self, const std::string& name) {
  return name.empty() || name == std::to_string(self_node_id(self));
}

std::vector<config_kv> to_kv(const config::string_map& m) {
  std::vector<config_kv> out;
  for (auto& [k, v] : m)
    out.push_back({k, v});
  return out;
}

/// The store changes that turn `from` into `to` (set changed keys, remove dropped ones).
std::vector<md::config_change> diff(const config::string_map& from, const config::string_map& to) {
  std::vector<md::config_change> out;
  for (auto& [k, v] : to) {
    auto i = from.find(k);
    if (i == from.end() || i->second != v)
      out.push_back({k, v});
  }
  for (auto& [k, v] : from)
    if (to.count(k) == 0)
      out.push_back({k, std::nullopt});
  return out;
}

/// The new config of one topic resource, or an error in `r`.
std::optional<config::topic_config> altered_config(broker_self self, const topic_entry& t,
                                                   const alter_config_resource& res,
                                                   bool incremental, resource_result& r) {
  std::string why;
  auto fail = [&](kafka_error e, std::string msg) {
    r.error = code(e);
    r.error_message = std::move(msg);
    return std::nullopt;
  };
  if (incremental) {
    std::vector<config::config_alteration> ops;
    for (auto& op : res.ops) {
      if (op.op < 0 || op.op > 3)
        return fail(kafka_error::invalid_request, "topic '" + res.name + "': config operation " +
                                                      std::to_string(op.op) + " for '" + op.name +
                                                      "' is not one of 0 set, 1 delete, 2 append, "
                                                      "3 subtract");
      ops.push_back({op.name, static_cast<config::alter_op>(op.op), op.value});
    }
    auto cfg = t.config.altered(ops, &why);
    if (!cfg)
      return fail(kafka_error::invalid_config, "topic '" + res.name + "': " + why);
    return std::move(*cfg);
  }
  config::string_map overrides;
  for (auto& op : res.ops)
    if (!overrides.emplace(op.name, op.value).second)
      return fail(kafka_error::invalid_request,
                  "topic '" + res.name + "': config '" + op.name + "' is given twice");
  auto cfg = config::make_topic_config(self->state.spec.config, overrides, &why);
  if (!cfg)
    return fail(kafka_error::invalid_config, "topic '" + res.name + "': " + why);
  return std::move(*cfg);
}

void push_config(broker_self self, const topic_entry& t) {
  topic_config_update update{to_kv(t.config.overrides())};
  auto name = t.record.name;
  for (auto& a : t.partitions)
    self->request(a, k_job_timeout, update)
        .then(
            [=](resource_result& r) {
              if (r.error != 0)
                broker_log()->warn("partition of topic '{}' refused the new config: {}", name,
                                   r.error_message);
            },
            [=](caf::error& err) {
              broker_log()->warn("a partition of topic '{}' did not take the new config: {}", name,
                                 caf::to_string(err));
            });
}

} // namespace

caf::result<describe_configs_response> handle_describe_configs(broker_self self,
                                                               describe_configs_request& req) {
  describe_configs_response out;
  for (auto& res : req.resources) {
    describe_configs_result r;
    r.type = res.type;
    r.name = res.name;
    if (res.type == resource_topic) {
      auto t = self->state.topics.find(res.name);
      if (t == self->state.topics.end()) {
        r.error = code(kafka_error::unknown_topic_or_partition);
        r.error_message = "topic '" + res.name + "' does not exist";
      } else {
        add_entries(r, t->second.config.describe(), res, req);
      }
    } else if (res.type == resource_broker) {
      if (!is_this_broker(self, res.name)) {
        r.error = code(kafka_error::invalid_request);
        r.error_message = "this is node " + std::to_string(self_node_id(self)) +
                          "; it does not serve the config of broker '" + res.name + "'";
      } else {
        add_entries(r, self->state.spec.config.describe(), res, req);
      }
    } else {
      r.error = code(kafka_error::invalid_request);
      r.error_message = "config resource type " + std::to_string(res.type) +
                        " is not supported (2 topic, 4 broker)";
    }
    out.results.push_back(std::move(r));
  }
  return out;
}

caf::result<alter_configs_response> handle_alter_configs(broker_self self,
                                                         alter_configs_request& req) {
  auto& st = self->state;
  alter_configs_response out;
  std::vector<std::pair<size_t, std::vector<md::config_change>>> todo;
  std::vector<config::topic_config> previous;
  for (auto& res : req.resources) {
    resource_result r;
    r.type = res.type;
    r.name = res.name;
    if (res.type == resource_broker) {
      r.error = code(kafka_error::invalid_request);
      r.error_message = "broker settings are static: change '" +
                        (res.ops.empty() ? std::string{"them"} : res.ops.front().name) +
                        "' in the node's config file, environment or flags and restart it";
    } else if (res.type != resource_topic) {
      r.error = code(kafka_error::invalid_request);
      r.error_message = "config resource type " + std::to_string(res.type) +
                        " is not supported (2 topic, 4 broker)";
    } else if (auto t = st.topics.find(res.name); t == st.topics.end()) {
      r.error = code(kafka_error::unknown_topic_or_partition);
      r.error_message = "topic '" + res.name + "' does not exist";
    } else if (auto cfg = altered_config(self, t->second, res, req.incremental, r);
               cfg && !req.validate_only) {
      // Applied in memory now so a second AlterConfigs builds on this one; persisted below.
      auto changes = diff(t->second.config.overrides(), cfg->overrides());
      previous.push_back(t->second.config);
      t->second.config = std::move(*cfg);
      t->second.record.configs = t->second.config.overrides();
      ++t->second.config_version;
      todo.emplace_back(out.results.size(), std::move(changes));
    }
    out.results.push_back(std::move(r));
  }
  if (todo.empty())
    return out;
  struct pending {
    alter_configs_response response;
    size_t outstanding = 0;
    caf::typed_response_promise<alter_configs_response> rp;
  };
  auto p = std::make_shared<pending>();
  p->response = std::move(out);
  p->outstanding = todo.size();
  p->rp = self->make_response_promise<alter_configs_response>();
  for (size_t k = 0; k < todo.size(); ++k) {
    auto index = todo[k].first;
    auto name = p->response.results[index].name;
    auto version = st.topics[name].config_version;
    auto before = std::make_shared<config::topic_config>(std::move(previous[k]));
    on_store(
        self, st.deps.metadata,
        [name, changes = std::move(todo[k].second)](md::metadata_store& s) {
          return s.update_topic_configs(name, changes);
        },
        [=](result<md::topic_configs> stored) {
          auto t = self->state.topics.find(name);
          bool current = t != self->state.topics.end() && t->second.config_version == version;
          if (!stored) {
            if (current) {
              t->second.config = std::move(*before);
              t->second.record.configs = t->second.config.overrides();
            }
            p->response.results[index].error = code(to_kafka(stored.error()));
            p->response.results[index].error_message =
                "topic '" + name + "': the new config was not stored: " + stored.error().message();
          } else if (current) {
            push_config(self, t->second); // a later alter pushes its own, newer config
          }
          if (--p->outstanding == 0)
            p->rp.deliver(std::move(p->response));
        });
  }
  return p->rp;
}

} // namespace tributary::actors
