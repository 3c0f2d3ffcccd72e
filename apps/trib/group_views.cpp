// trib group describe: a group's state, members with their assignment, and committed offsets
// with the log end and lag of each partition (see group_views.hpp).

#include "group_views.hpp"

#include "admin_session.hpp"

#include <nlohmann/json.hpp>

#include <map>

namespace tributary::trib {

namespace {

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

} // namespace

int run_group_describe(session& s, const group_describe_options& o) {
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

} // namespace tributary::trib
