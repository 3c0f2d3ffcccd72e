// trib group list|describe|reset-offsets|delete: consumer groups, their members and committed
// offsets (with lag against the log end).

#include "admin_session.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>

namespace tributary::trib {

namespace {

struct describe_options {
  std::vector<std::string> groups;
};

struct reset_options {
  std::string group;
  std::vector<std::string> topics;
  bool to_earliest = false;
  bool to_latest = false;
  int64_t to_offset = -1;
  int64_t to_timestamp = -1;
  bool dry_run = false;
};

struct delete_options {
  std::vector<std::string> groups;
};

int run_list(session& s) {
  auto admin = open_admin(s);
  if (!admin)
    return s.failed_code();
  auto groups = admin->list_groups();
  if (!groups)
    return s.fail(groups.err(), "list groups");
  std::sort(groups->begin(), groups->end(),
            [](const auto& a, const auto& b) { return a.group_id < b.group_id; });
  table t({"GROUP", "STATE", "PROTOCOL-TYPE"});
  auto doc = nlohmann::json::array();
  for (const auto& g : *groups) {
    t.add_row({g.group_id, g.state, g.protocol_type});
    doc.push_back({{"group", g.group_id}, {"state", g.state}, {"protocol_type", g.protocol_type}});
  }
  if (s.out().json())
    s.out().print(doc);
  else
    s.out().print(t, "(no groups)");
  return exit_ok;
}

/// Who owns each partition in the group's current assignment.
std::map<client::topic_partition, std::string> owners(const client::group_description& g) {
  std::map<client::topic_partition, std::string> out;
  for (const auto& m : g.members)
    for (const auto& tp : m.assignment)
      out[tp] = m.client_id + " " + m.member_id;
  return out;
}

/// Offsets of `group` with the log end of each partition; nullopt after reporting.
std::optional<nlohmann::json> offsets_json(session& s, client::admin& admin,
                                           const client::group_description& g) {
  auto committed = admin.list_consumer_group_offsets(g.group_id);
  if (!committed) {
    s.fail(committed.err(), "offsets of group '" + g.group_id + "'");
    return std::nullopt;
  }
  std::map<client::topic_partition, client::offset_spec> specs;
  for (const auto& [tp, _] : *committed)
    specs[tp] = client::offset_spec::to_latest();
  std::map<client::topic_partition, int64_t> ends;
  if (!specs.empty())
    if (auto listed = admin.list_offsets(specs))
      for (const auto& l : *listed)
        if (l.ok())
          ends[l.tp] = l.offset;
  auto who = owners(g);
  auto doc = nlohmann::json::array();
  for (const auto& [tp, om] : *committed) {
    auto end = ends.count(tp) ? ends[tp] : -1;
    doc.push_back({{"topic", tp.topic},
                   {"partition", tp.partition},
                   {"committed", om.offset},
                   {"log_end", end},
                   {"lag", end >= 0 && om.offset >= 0 ? end - om.offset : -1},
                   {"member", who.count(tp) ? who[tp] : ""}});
  }
  return doc;
}

void print_group(session& s, const client::group_description& g, const nlohmann::json& offsets) {
  s.out().line("group " + g.group_id + "  state " + g.state + "  protocol " +
               (g.protocol_name.empty() ? "-" : g.protocol_name) + "  generation " +
               std::to_string(g.generation_id) + "  members " + std::to_string(g.members.size()));
  table members({"MEMBER", "CLIENT", "HOST", "PARTITIONS"});
  for (const auto& m : g.members) {
    std::string parts;
    for (const auto& tp : m.assignment)
      parts += (parts.empty() ? "" : ",") + tp.to_string();
    members.add_row({m.member_id, m.client_id, m.client_host, parts});
  }
  if (!members.empty())
    s.out().print(members);
  table t({"TOPIC", "PARTITION", "COMMITTED", "LOG-END", "LAG", "MEMBER"});
  for (const auto& o : offsets)
    t.add_row({o["topic"].get<std::string>(), std::to_string(o["partition"].get<int32_t>()),
               std::to_string(o["committed"].get<int64_t>()),
               std::to_string(o["log_end"].get<int64_t>()), std::to_string(o["lag"].get<int64_t>()),
               o["member"].get<std::string>()});
  s.out().print(t, "(no committed offsets)");
}

int run_describe(session& s, const describe_options& o) {
  auto admin = open_admin(s);
  if (!admin)
    return s.failed_code();
  auto groups = admin->describe_groups(o.groups);
  if (!groups)
    return s.fail(groups.err(), "describe groups");
  int code = exit_ok;
  auto doc = nlohmann::json::array();
  for (const auto& g : *groups) {
    if (!g.ok()) {
      code = s.fail(g.err, "describe group '" + g.group_id + "'");
      continue;
    }
    auto offsets = offsets_json(s, *admin, g);
    if (!offsets) {
      code = s.failed_code();
      continue;
    }
    if (g.state == "Dead" && offsets->empty()) {
      code = s.fail(client::make_error(protocol::kafka_error::group_id_not_found,
                                       "group '" + g.group_id + "' does not exist"));
      continue;
    }
    if (!s.out().json()) {
      print_group(s, g, *offsets);
      continue;
    }
    auto members = nlohmann::json::array();
    for (const auto& m : g.members) {
      auto assignment = nlohmann::json::array();
      for (const auto& tp : m.assignment)
        assignment.push_back({{"topic", tp.topic}, {"partition", tp.partition}});
      members.push_back({{"member_id", m.member_id},
                         {"client_id", m.client_id},
                         {"host", m.client_host},
                         {"assignment", assignment}});
    }
    doc.push_back({{"group", g.group_id},
                   {"state", g.state},
                   {"protocol", g.protocol_name},
                   {"generation", g.generation_id},
                   {"leader", g.leader},
                   {"members", members},
                   {"offsets", *offsets}});
  }
  if (s.out().json() && code == exit_ok)
    s.out().print(doc);
  return code;
}

/// Offsets per partition from one list_offsets call; an error for the whole lookup.
client::outcome<std::map<client::topic_partition, int64_t>>
lookup(client::admin& admin, const std::map<client::topic_partition, client::offset_spec>& specs) {
  auto listed = admin.list_offsets(specs);
  if (!listed)
    return listed.err();
  std::map<client::topic_partition, int64_t> out;
  for (const auto& l : *listed) {
    if (!l.ok())
      return l.err;
    out[l.tp] = l.offset;
  }
  return out;
}

/// The offsets a reset would commit, looked up without committing (--dry-run): the same
/// rules as the reset itself (exact offsets clamped into the log, a timestamp after the last
/// record means the log end).
client::outcome<std::map<client::topic_partition, int64_t>>
plan_reset(client::admin& admin, const std::vector<std::string>& topics, client::offset_spec to) {
  auto described = admin.describe_topics(topics);
  if (!described)
    return described.err();
  std::map<client::topic_partition, client::offset_spec> earliest, latest, target;
  for (const auto& t : *described) {
    if (!t.ok())
      return t.err;
    for (const auto& p : t.partitions) {
      client::topic_partition tp{t.name, p.partition};
      earliest[tp] = client::offset_spec::to_earliest();
      latest[tp] = client::offset_spec::to_latest();
      target[tp] = to;
    }
  }
  auto lows = lookup(admin, earliest);
  if (!lows)
    return lows.err();
  auto highs = lookup(admin, latest);
  if (!highs)
    return highs.err();
  std::map<client::topic_partition, int64_t> at_time;
  if (to.what == client::offset_spec::timestamp) {
    auto found = lookup(admin, target);
    if (!found)
      return found.err();
    at_time = std::move(*found);
  }
  std::map<client::topic_partition, int64_t> out;
  for (const auto& [tp, low] : *lows) {
    auto high = std::max(low, (*highs)[tp]);
    switch (to.what) {
    case client::offset_spec::earliest:
      out[tp] = low;
      break;
    case client::offset_spec::exact:
      out[tp] = std::clamp(to.value, low, high);
      break;
    case client::offset_spec::timestamp:
      out[tp] = at_time[tp] >= 0 ? at_time[tp] : high;
      break;
    default:
      out[tp] = high;
      break;
    }
  }
  return out;
}

int run_reset(session& s, const reset_options& o) {
  int targets =
      int(o.to_earliest) + int(o.to_latest) + int(o.to_offset >= 0) + int(o.to_timestamp >= 0);
  if (targets != 1)
    return s.fail(failure{exit_usage, "group reset-offsets needs exactly one of --to-earliest, "
                                      "--to-latest, --to-offset N, --to-timestamp MS"});
  auto to = o.to_earliest      ? client::offset_spec::to_earliest()
            : o.to_latest      ? client::offset_spec::to_latest()
            : o.to_offset >= 0 ? client::offset_spec::to_offset(o.to_offset)
                               : client::offset_spec::to_timestamp(o.to_timestamp);
  auto admin = open_admin(s);
  if (!admin)
    return s.failed_code();
  auto done = o.dry_run ? plan_reset(*admin, o.topics, to)
                        : admin->reset_consumer_group_offsets(o.group, o.topics, to);
  if (!done)
    return s.fail(done.err(), "reset offsets of group '" + o.group + "'");
  table t({"TOPIC", "PARTITION", "NEW-OFFSET"});
  auto offsets = nlohmann::json::array();
  for (const auto& [tp, offset] : *done) {
    t.add_row({tp.topic, std::to_string(tp.partition), std::to_string(offset)});
    offsets.push_back({{"topic", tp.topic}, {"partition", tp.partition}, {"offset", offset}});
  }
  if (s.out().json()) {
    s.out().print(nlohmann::json{{"group", o.group}, {"dry_run", o.dry_run}, {"offsets", offsets}});
    return exit_ok;
  }
  s.out().print(t);
  s.out().note(o.dry_run ? "dry run: nothing committed" : "committed for group '" + o.group + "'");
  return exit_ok;
}

int run_delete(session& s, const delete_options& o) {
  auto admin = open_admin(s);
  if (!admin)
    return s.failed_code();
  auto results = admin->delete_groups(o.groups);
  if (!results)
    return s.fail(results.err(), "delete groups");
  int code = exit_ok;
  auto doc = nlohmann::json::array();
  for (const auto& r : *results) {
    if (!r.ok()) {
      code = s.fail(r.err, "delete group '" + r.group_id + "'");
      continue;
    }
    doc.push_back({{"group", r.group_id}, {"deleted", true}});
    s.out().note("deleted group '" + r.group_id + "'");
  }
  if (s.out().json() && code == exit_ok)
    s.out().print(doc);
  return code;
}

} // namespace

void add_group_commands(CLI::App& app, action& chosen) {
  auto* group = app.add_subcommand("group", "list, describe, reset and delete consumer groups");
  group->require_subcommand(1);

  auto* list = group->add_subcommand("list", "every consumer group with its state");
  list->callback([&chosen] { chosen = run_list; });

  auto d = std::make_shared<describe_options>();
  auto* describe = group->add_subcommand("describe", "members, assignment, offsets and lag");
  describe->add_option("groups", d->groups, "group ids")->required();
  describe->callback([d, &chosen] { chosen = [d](session& s) { return run_describe(s, *d); }; });

  auto r = std::make_shared<reset_options>();
  auto* reset = group->add_subcommand(
      "reset-offsets", "set a group's committed offsets (the group must have no active members)");
  reset->add_option("group", r->group, "group id")->required();
  reset->add_option("-t,--topic", r->topics, "topic whose partitions are reset (repeatable)")
      ->required();
  reset->add_flag("--to-earliest", r->to_earliest, "the log start of each partition");
  reset->add_flag("--to-latest", r->to_latest, "the log end of each partition");
  reset->add_option("--to-offset", r->to_offset, "offset N, clamped into the log")
      ->check(CLI::NonNegativeNumber);
  reset
      ->add_option("--to-timestamp", r->to_timestamp,
                   "the first record at or after MS (milliseconds since the epoch)")
      ->check(CLI::NonNegativeNumber);
  reset->add_flag("--dry-run", r->dry_run, "show the offsets without committing them");
  reset->callback([r, &chosen] { chosen = [r](session& s) { return run_reset(s, *r); }; });

  auto del = std::make_shared<delete_options>();
  auto* remove = group->add_subcommand("delete", "delete empty groups and their offsets");
  remove->add_option("groups", del->groups, "group ids")->required();
  remove->callback([del, &chosen] { chosen = [del](session& s) { return run_delete(s, *del); }; });
}

} // namespace tributary::trib
