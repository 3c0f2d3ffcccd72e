// trib cluster info|actors: the node's identity and counts, and its live actors with their
// mailboxes and counters (the inspector's snapshot).

#include "admin_session.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace tributary::trib {

namespace {

struct actors_options {
  std::string kind;
};

int run_info(session& s) {
  auto admin = open_admin(s);
  if (!admin)
    return s.failed_code();
  auto info = admin->describe_cluster();
  if (!info)
    return s.fail(info.err(), "describe cluster");
  const auto& c = *info;
  auto nodes = nlohmann::json::array();
  table node_table({"NODE", "HOST", "NATIVE-PORT", "KAFKA-PORT", "RACK"});
  for (const auto& n : c.nodes) {
    nodes.push_back({{"node_id", n.node_id},
                     {"host", n.host},
                     {"native_port", n.native_port},
                     {"kafka_port", n.port},
                     {"rack", n.rack}});
    node_table.add_row({std::to_string(n.node_id), n.host, std::to_string(n.native_port),
                        n.port < 0 ? "-" : std::to_string(n.port), n.rack.empty() ? "-" : n.rack});
  }
  if (s.out().json()) {
    s.out().print(nlohmann::json{{"cluster_id", c.cluster_id},
                                 {"controller_id", c.controller_id},
                                 {"version", c.version},
                                 {"data_dir", c.data_dir},
                                 {"started_ms", c.started_ms},
                                 {"topics", c.topic_count},
                                 {"partitions", c.partition_count},
                                 {"groups", c.group_count},
                                 {"actors", c.actor_count},
                                 {"nodes", nodes},
                                 {"connection", s.connection()->description()}});
    return exit_ok;
  }
  table t({"CLUSTER", "VALUE"}, false);
  t.add_row({"id", c.cluster_id});
  t.add_row({"version", c.version});
  t.add_row({"connection", s.connection()->description()});
  t.add_row({"controller", std::to_string(c.controller_id)});
  t.add_row({"data dir", c.data_dir});
  t.add_row({"started", format_timestamp(c.started_ms) + " UTC"});
  t.add_row({"topics", std::to_string(c.topic_count)});
  t.add_row({"partitions", std::to_string(c.partition_count)});
  t.add_row({"groups", std::to_string(c.group_count)});
  t.add_row({"actors", std::to_string(c.actor_count)});
  s.out().print(t);
  s.out().line("");
  s.out().print(node_table);
  return exit_ok;
}

int run_actors(session& s, const actors_options& o) {
  auto admin = open_admin(s);
  if (!admin)
    return s.failed_code();
  auto snapshot = admin->describe_actors(o.kind);
  if (!snapshot)
    return s.fail(snapshot.err(), "actor snapshot");
  table t({"ID", "KIND", "NAME", "PARENT", "MAILBOX", "MESSAGES", "RECORDS-IN", "RECORDS-OUT",
           "BYTES-IN", "BYTES-OUT", "ERRORS"});
  auto doc = nlohmann::json::array();
  for (const auto& a : snapshot->actors) {
    const auto& n = a.counters;
    t.add_row({std::to_string(a.actor_id), a.kind, a.name, a.parent.empty() ? "-" : a.parent,
               with_commas(a.mailbox_depth), with_commas(n.messages), with_commas(n.records_in),
               with_commas(n.records_out), human_bytes(n.bytes_in), human_bytes(n.bytes_out),
               with_commas(n.errors)});
    auto details = nlohmann::json::object();
    for (const auto& kv : a.details)
      details[kv.name] = kv.value;
    doc.push_back({{"actor_id", a.actor_id},
                   {"kind", a.kind},
                   {"name", a.name},
                   {"parent", a.parent},
                   {"mailbox", a.mailbox_depth},
                   {"messages", n.messages},
                   {"records_in", n.records_in},
                   {"records_out", n.records_out},
                   {"bytes_in", n.bytes_in},
                   {"bytes_out", n.bytes_out},
                   {"errors", n.errors},
                   {"details", details}});
  }
  if (s.out().json()) {
    s.out().print(nlohmann::json{{"node_id", snapshot->node_id},
                                 {"taken_ms", snapshot->taken_ms},
                                 {"unanswered", snapshot->unanswered},
                                 {"actors", doc}});
    return exit_ok;
  }
  s.out().print(t, "(no actors)");
  if (snapshot->unanswered > 0)
    s.out().note(std::to_string(snapshot->unanswered) +
                 " actors did not answer in time (busy or stopping)");
  return exit_ok;
}

} // namespace

void add_cluster_commands(CLI::App& app, action& chosen) {
  auto* cluster = app.add_subcommand("cluster", "the node and its actors");
  cluster->require_subcommand(1);
  auto* info = cluster->add_subcommand("info", "cluster id, version, data folder and counts");
  info->callback([&chosen] { chosen = run_info; });
  auto o = std::make_shared<actors_options>();
  auto* actors = cluster->add_subcommand("actors", "every actor with mailbox depth and counters");
  actors->add_option("-k,--kind", o->kind, "only this kind (partition, group, broker, ...)");
  actors->callback([o, &chosen] { chosen = [o](session& s) { return run_actors(s, *o); }; });
}

} // namespace tributary::trib
