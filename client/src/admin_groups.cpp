// admin: consumer groups and their committed offsets.

#include "admin_util.hpp"

#include "tributary/client/consumer_protocol.hpp"

#include <algorithm>

namespace tributary::client {

using detail::item_error;
using protocol::kafka_error;

namespace {

std::vector<partition_result> to_results(const std::vector<actors::partition_error>& in,
                                         const std::string& what) {
  std::vector<partition_result> out;
  for (auto& p : in) {
    partition_result r;
    r.tp = {p.topic, p.partition};
    r.err = item_error(p.error, p.error_message, what + " " + r.tp.to_string());
    out.push_back(std::move(r));
  }
  return out;
}

} // namespace

outcome<std::vector<group_listing>> admin::list_groups(const std::vector<std::string>& states) {
  auto r = blocking_request<actors::list_groups_response>(
      conn_, actors::list_groups_request{states}, options_.request_timeout);
  if (!r)
    return r.err();
  if (r->error != 0)
    return item_error(r->error, {}, "list groups via " + conn_.description());
  std::vector<group_listing> out;
  for (auto& g : r->groups)
    out.push_back({g.group_id, g.protocol_type, g.state});
  return out;
}

outcome<std::vector<group_description>>
admin::describe_groups(const std::vector<std::string>& groups) {
  auto r = blocking_request<actors::describe_groups_response>(
      conn_, actors::describe_groups_request{groups}, options_.request_timeout);
  if (!r)
    return r.err();
  std::vector<group_description> out;
  for (auto& g : r->groups) {
    group_description d;
    d.group_id = g.group_id;
    d.state = g.state;
    d.protocol_type = g.protocol_type;
    d.protocol_name = g.protocol_name;
    d.generation_id = g.generation_id;
    d.leader = g.leader;
    d.err = item_error(g.error, {}, "describe group '" + g.group_id + "'");
    for (auto& m : g.members) {
      member_description md;
      md.member_id = m.member_id;
      md.group_instance_id = m.group_instance_id;
      md.client_id = m.client_id;
      md.client_host = m.client_host;
      md.metadata_bytes = m.metadata.size();
      md.assignment_bytes = m.assignment.size();
      // Only "consumer" groups carry ConsumerProtocol assignments; other protocols (connect,
      // streams) keep theirs opaque.
      if (g.protocol_type == "consumer" && !m.assignment.empty())
        if (auto a = decode_assignment(m.assignment))
          md.assignment = a->partitions;
      d.members.push_back(std::move(md));
    }
    out.push_back(std::move(d));
  }
  return out;
}

outcome<std::vector<group_result>> admin::delete_groups(const std::vector<std::string>& groups) {
  auto r = blocking_request<actors::delete_groups_response>(
      conn_, actors::delete_groups_request{groups}, options_.request_timeout);
  if (!r)
    return r.err();
  std::vector<group_result> out;
  for (auto& g : r->groups)
    out.push_back(
        {g.group_id, item_error(g.error, g.error_message, "delete group '" + g.group_id + "'")});
  return out;
}

outcome<std::map<topic_partition, offset_and_metadata>>
admin::list_consumer_group_offsets(const std::string& group,
                                   const std::vector<topic_partition>& partitions) {
  actors::offset_fetch_request req;
  req.group_id = group;
  req.all_partitions = partitions.empty();
  for (auto& tp : partitions)
    req.partitions.push_back({tp.topic, tp.partition});
  auto r = blocking_request<actors::offset_fetch_response>(conn_, std::move(req),
                                                           options_.request_timeout);
  if (!r)
    return r.err();
  if (r->error != 0)
    return item_error(r->error, {}, "list offsets of group '" + group + "'");
  std::map<topic_partition, offset_and_metadata> out;
  for (auto& p : r->partitions) {
    if (p.error != 0)
      return item_error(p.error, {},
                        "committed offset of group '" + group + "' for " + p.topic + "-" +
                            std::to_string(p.partition));
    if (p.offset < 0)
      continue; // nothing committed
    out[{p.topic, p.partition}] = {p.offset, p.leader_epoch, p.metadata};
  }
  return out;
}

outcome<std::vector<partition_result>>
admin::alter_consumer_group_offsets(const std::string& group,
                                    const std::map<topic_partition, offset_and_metadata>& offsets) {
  // An admin commit (generation -1, no member id) is only safe while nobody consumes: the
  // members would overwrite it with their next commit. Kafka's coordinator answers
  // UNKNOWN_MEMBER_ID then; say why up front.
  auto described = describe_groups({group});
  if (!described)
    return described.err();
  for (auto& g : *described) {
    if (g.group_id == group && !g.members.empty())
      return make_error(kafka_error::unknown_member_id,
                        "group '" + group + "' has " + std::to_string(g.members.size()) +
                            " active member(s) (state " + g.state +
                            "): offsets can only be altered while the group is empty; stop "
                            "its consumers first");
  }
  actors::offset_commit_request req;
  req.group_id = group;
  req.generation_id = -1;
  for (auto& [tp, om] : offsets)
    req.partitions.push_back({tp.topic, tp.partition, om.offset, om.leader_epoch, om.metadata});
  auto r = blocking_request<actors::offset_commit_response>(conn_, std::move(req),
                                                            options_.request_timeout);
  if (!r)
    return r.err();
  return to_results(r->partitions, "commit offset of group '" + group + "' for");
}

outcome<std::vector<partition_result>>
admin::delete_consumer_group_offsets(const std::string& group,
                                     const std::vector<topic_partition>& partitions) {
  actors::offset_delete_request req;
  req.group_id = group;
  for (auto& tp : partitions)
    req.partitions.push_back({tp.topic, tp.partition});
  auto r = blocking_request<actors::offset_delete_response>(conn_, std::move(req),
                                                            options_.request_timeout);
  if (!r)
    return r.err();
  if (r->error != 0)
    return item_error(r->error, {}, "delete offsets of group '" + group + "'");
  return to_results(r->partitions, "delete offset of group '" + group + "' for");
}

outcome<std::map<topic_partition, int64_t>>
admin::reset_consumer_group_offsets(const std::string& group,
                                    const std::vector<std::string>& topics, offset_spec target) {
  auto described = describe_topics(topics);
  if (!described)
    return described.err();
  std::vector<topic_partition> tps;
  for (auto& t : *described) {
    if (!t.ok())
      return t.err;
    for (auto& p : t.partitions)
      tps.push_back({t.name, p.partition});
  }
  auto lookup = [&](offset_spec spec) -> outcome<std::map<topic_partition, int64_t>> {
    std::map<topic_partition, offset_spec> specs;
    for (auto& tp : tps)
      specs[tp] = spec;
    auto listed = list_offsets(specs);
    if (!listed)
      return listed.err();
    std::map<topic_partition, int64_t> out;
    for (auto& l : *listed) {
      if (!l.ok())
        return l.err;
      out[l.tp] = l.offset;
    }
    return out;
  };
  auto latest = lookup(offset_spec::to_latest());
  if (!latest)
    return latest.err();
  std::map<topic_partition, int64_t> wanted;
  if (target.what == offset_spec::exact) {
    auto earliest = lookup(offset_spec::to_earliest());
    if (!earliest)
      return earliest.err();
    for (auto& tp : tps)
      wanted[tp] = std::clamp(target.value, (*earliest)[tp], (*latest)[tp]);
  } else if (target.what == offset_spec::latest) {
    wanted = *latest;
  } else {
    auto found = lookup(target);
    if (!found)
      return found.err();
    // No record at or after the timestamp: the end of the log (Kafka's tool does the same).
    for (auto& tp : tps)
      wanted[tp] = (*found)[tp] >= 0 ? (*found)[tp] : (*latest)[tp];
  }
  std::map<topic_partition, offset_and_metadata> commits;
  for (auto& [tp, off] : wanted)
    commits[tp] = {off, -1, {}};
  auto committed = alter_consumer_group_offsets(group, commits);
  if (!committed)
    return committed.err();
  for (auto& r : *committed)
    if (!r.ok())
      return r.err;
  return wanted;
}

} // namespace tributary::client
