// trib topic create|list|describe|delete|alter-config|add-partitions. The changing commands
// live here; list and describe are in topic_views.cpp.

#include "admin_session.hpp"
#include "produce_input.hpp"
#include "topic_views.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace tributary::trib {

namespace {

constexpr auto topic_exists = protocol::kafka_error::topic_already_exists;
constexpr auto unknown_topic = protocol::kafka_error::unknown_topic_or_partition;

struct create_options {
  std::string topic;
  int32_t partitions = -1;
  int16_t replication_factor = -1;
  std::vector<std::string> configs;
  bool if_not_exists = false;
};

struct delete_options {
  std::vector<std::string> topics;
  bool if_exists = false;
};

struct alter_options {
  std::string topic;
  std::vector<std::string> set;
  std::vector<std::string> remove;
};

struct add_partitions_options {
  std::string topic;
  int32_t total = 0;
};

int run_create(session& s, const create_options& o) {
  client::new_topic spec{o.topic, o.partitions, o.replication_factor, {}};
  std::string why;
  for (const auto& c : o.configs) {
    auto kv = parse_assignment(c, "--config", &why);
    if (!kv || !kv->value)
      return s.fail(failure{exit_usage, kv ? "--config " + c + " has no value" : why});
    spec.configs[kv->key] = *kv->value;
  }
  auto admin = open_admin(s);
  if (!admin)
    return s.failed_code();
  auto results = admin->create_topics({spec});
  if (!results)
    return s.fail(results.err(), "create topic '" + o.topic + "'");
  const auto& r = results->at(0);
  if (!r.ok() && !(o.if_not_exists && r.err.code == topic_exists))
    return s.fail(r.err, "create topic '" + o.topic + "'");
  bool created = r.ok();
  if (s.out().json()) {
    auto configs = nlohmann::json::object();
    for (const auto& [k, v] : r.configs)
      configs[k] = v;
    s.out().print(nlohmann::json{{"topic", o.topic},
                                 {"created", created},
                                 {"topic_id", r.topic_id},
                                 {"partitions", r.partitions},
                                 {"replication_factor", r.replication_factor},
                                 {"configs", configs}});
  } else if (created) {
    s.out().note("created topic '" + o.topic + "' with " + std::to_string(r.partitions) +
                 " partition" + (r.partitions == 1 ? "" : "s"));
  } else {
    s.out().note("topic '" + o.topic + "' already exists");
  }
  return exit_ok;
}

int run_delete(session& s, const delete_options& o) {
  auto admin = open_admin(s);
  if (!admin)
    return s.failed_code();
  auto results = admin->delete_topics(o.topics);
  if (!results)
    return s.fail(results.err(), "delete topics");
  int code = exit_ok;
  auto doc = nlohmann::json::array();
  for (const auto& r : *results) {
    bool missing = r.err.code == unknown_topic;
    if (!r.ok() && !(missing && o.if_exists)) {
      code = s.fail(r.err, "delete topic '" + r.name + "'");
      continue;
    }
    doc.push_back({{"topic", r.name}, {"deleted", r.ok()}});
    s.out().note(r.ok() ? "deleted topic '" + r.name + "'"
                        : "topic '" + r.name + "' does not exist");
  }
  if (s.out().json() && code == exit_ok)
    s.out().print(doc);
  return code;
}

int run_alter(session& s, const alter_options& o) {
  if (o.set.empty() && o.remove.empty())
    return s.fail(
        failure{exit_usage, "topic alter-config needs --set NAME=VALUE or --delete NAME"});
  std::vector<client::config_op> ops;
  auto doc = nlohmann::json{
      {"topic", o.topic}, {"set", nlohmann::json::object()}, {"deleted", nlohmann::json::array()}};
  std::string why;
  for (const auto& c : o.set) {
    auto kv = parse_assignment(c, "--set", &why);
    if (!kv || !kv->value)
      return s.fail(failure{exit_usage, kv ? "--set " + c + " has no value" : why});
    ops.push_back({kv->key, client::config_op::set, *kv->value});
    doc["set"][kv->key] = *kv->value;
  }
  for (const auto& name : o.remove) {
    ops.push_back({name, client::config_op::remove, {}});
    doc["deleted"].push_back(name);
  }
  auto admin = open_admin(s);
  if (!admin)
    return s.failed_code();
  client::config_resource resource{client::config_resource_type::topic, o.topic};
  auto results = admin->alter_configs({{resource, ops}});
  if (!results)
    return s.fail(results.err(), "alter configs of topic '" + o.topic + "'");
  if (!all_ok(s, *results, "alter configs of topic '" + o.topic + "'"))
    return s.failed_code();
  if (s.out().json())
    s.out().print(doc);
  else
    s.out().note("updated topic '" + o.topic + "': " + std::to_string(o.set.size()) + " set, " +
                 std::to_string(o.remove.size()) + " reset to the default");
  return exit_ok;
}

int run_add_partitions(session& s, const add_partitions_options& o) {
  auto admin = open_admin(s);
  if (!admin)
    return s.failed_code();
  auto results = admin->create_partitions({{o.topic, o.total}});
  if (!results)
    return s.fail(results.err(), "add partitions to topic '" + o.topic + "'");
  if (!all_ok(s, *results, "add partitions to topic '" + o.topic + "'"))
    return s.failed_code();
  if (s.out().json())
    s.out().print(nlohmann::json{{"topic", o.topic}, {"partitions", o.total}});
  else
    s.out().note("topic '" + o.topic + "' now has " + std::to_string(o.total) + " partitions");
  return exit_ok;
}

template <class Options, class Run>
void on_chosen(CLI::App* cmd, action& chosen, std::shared_ptr<Options> o, Run run) {
  cmd->callback([o, run, &chosen] { chosen = [o, run](session& s) { return run(s, *o); }; });
}

} // namespace

void add_topic_commands(CLI::App& app, action& chosen) {
  auto* topic = app.add_subcommand("topic", "create, list, describe, delete and change topics");
  topic->require_subcommand(1);

  auto c = std::make_shared<create_options>();
  auto* create = topic->add_subcommand("create", "create a topic");
  create->add_option("topic", c->topic, "topic name")->required();
  create->add_option("-p,--partitions", c->partitions, "partition count (default: num.partitions)")
      ->check(CLI::PositiveNumber);
  create->add_option("-r,--replication-factor", c->replication_factor, "replicas per partition")
      ->check(CLI::PositiveNumber);
  create->add_option("-c,--config", c->configs, "topic setting NAME=VALUE (repeatable)")
      ->type_name("NAME=VALUE");
  create->add_flag("--if-not-exists", c->if_not_exists, "succeed when the topic already exists");
  on_chosen(create, chosen, c, run_create);

  auto l = std::make_shared<topic_list_options>();
  auto* list = topic->add_subcommand("list", "list topics with partition and record counts");
  list->add_flag("--internal", l->internal, "include internal topics");
  on_chosen(list, chosen, l, run_topic_list);

  auto d = std::make_shared<topic_describe_options>();
  auto* describe = topic->add_subcommand("describe", "partitions, log state and config overrides");
  describe->add_option("topics", d->topics, "topics to describe (default: all)");
  describe->add_flag("--all-configs", d->all_configs, "every setting with its source");
  on_chosen(describe, chosen, d, run_topic_describe);

  auto del = std::make_shared<delete_options>();
  auto* remove = topic->add_subcommand("delete", "delete topics and their data");
  remove->add_option("topics", del->topics, "topics to delete")->required();
  remove->add_flag("--if-exists", del->if_exists, "succeed when a topic does not exist");
  on_chosen(remove, chosen, del, run_delete);

  auto a = std::make_shared<alter_options>();
  auto* alter = topic->add_subcommand("alter-config", "set or reset topic settings");
  alter->add_option("topic", a->topic, "topic name")->required();
  alter->add_option("-s,--set", a->set, "set NAME=VALUE (repeatable)")->type_name("NAME=VALUE");
  alter->add_option("-d,--delete", a->remove, "reset NAME to the default (repeatable)")
      ->type_name("NAME");
  on_chosen(alter, chosen, a, run_alter);

  auto p = std::make_shared<add_partitions_options>();
  auto* add = topic->add_subcommand("add-partitions", "raise a topic's partition count");
  add->add_option("topic", p->topic, "topic name")->required();
  add->add_option("-p,--partitions", p->total, "the new total partition count")
      ->required()
      ->check(CLI::PositiveNumber);
  on_chosen(add, chosen, p, run_add_partitions);
}

} // namespace tributary::trib
