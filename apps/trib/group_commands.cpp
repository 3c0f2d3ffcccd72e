// trib group list|describe|reset-offsets|delete: consumer groups, their members and committed
// offsets. `describe` (members, offsets, lag) lives in group_views.cpp.

#include "admin_session.hpp"
#include "group_views.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>

namespace tributary::trib {

namespace {

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

  auto d = std::make_shared<group_describe_options>();
  auto* describe = group->add_subcommand("describe", "members, assignment, offsets and lag");
  describe->add_option("groups", d->groups, "group ids")->required();
  describe->callback(
      [d, &chosen] { chosen = [d](session& s) { return run_group_describe(s, *d); }; });

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
