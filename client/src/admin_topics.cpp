// admin: topics, partitions and configs.

#include "admin_util.hpp"

#include <algorithm>

namespace tributary::client {

using detail::item_error;
using protocol::kafka_error;

namespace {

topic_result to_result(const actors::topic_result& t, const std::string& what) {
  topic_result r;
  r.name = t.name;
  r.err = item_error(t.error, t.error_message, what + " '" + t.name + "'");
  r.topic_id = t.topic_id;
  r.partitions = t.num_partitions;
  r.replication_factor = t.replication_factor;
  for (auto& kv : t.configs)
    r.configs.emplace_back(kv.name, kv.value);
  return r;
}

std::vector<topic_result> to_results(const std::vector<actors::topic_result>& in,
                                     const std::string& what) {
  std::vector<topic_result> out;
  out.reserve(in.size());
  for (auto& t : in)
    out.push_back(to_result(t, what));
  return out;
}

} // namespace

outcome<std::vector<topic_result>> admin::create_topics(const std::vector<new_topic>& topics,
                                                        bool validate_only) {
  actors::create_topics_request req;
  req.timeout_ms = static_cast<int32_t>(options_.request_timeout.count());
  req.validate_only = validate_only;
  for (auto& t : topics) {
    actors::new_topic_spec spec;
    spec.name = t.name;
    spec.num_partitions = t.partitions;
    spec.replication_factor = t.replication_factor;
    for (auto& [k, v] : t.configs)
      spec.configs.push_back({k, v});
    req.topics.push_back(std::move(spec));
  }
  auto r = blocking_request<actors::create_topics_response>(conn_, std::move(req),
                                                            options_.request_timeout);
  if (!r)
    return r.err();
  return to_results(r->topics, "create topic");
}

outcome<std::vector<topic_result>> admin::delete_topics(const std::vector<std::string>& names) {
  actors::delete_topics_request req;
  req.names = names;
  req.timeout_ms = static_cast<int32_t>(options_.request_timeout.count());
  auto r = blocking_request<actors::delete_topics_response>(conn_, std::move(req),
                                                            options_.request_timeout);
  if (!r)
    return r.err();
  return to_results(r->topics, "delete topic");
}

outcome<std::vector<std::string>> admin::list_topics(bool include_internal) {
  actors::metadata_request req;
  req.all_topics = true;
  req.allow_auto_create = false;
  auto r =
      blocking_request<actors::metadata_response>(conn_, std::move(req), options_.request_timeout);
  if (!r)
    return r.err();
  std::vector<std::string> names;
  for (auto& t : r->topics)
    if (t.error == 0 && (include_internal || !t.is_internal))
      names.push_back(t.name);
  std::sort(names.begin(), names.end());
  return names;
}

outcome<std::vector<topic_description>>
admin::describe_topics(const std::vector<std::string>& names) {
  actors::metadata_request req;
  req.all_topics = names.empty();
  req.topics = names;
  req.allow_auto_create = false;
  auto md =
      blocking_request<actors::metadata_response>(conn_, std::move(req), options_.request_timeout);
  if (!md)
    return md.err();
  std::vector<std::string> known;
  for (auto& t : md->topics)
    if (t.error == 0)
      known.push_back(t.name);
  // Log state per partition from the partition actors (one query for all topics).
  std::map<topic_partition, const actors::partition_status*> status_of;
  outcome<actors::partition_status_list> status = actors::partition_status_list{};
  if (!known.empty()) {
    status = blocking_request<actors::partition_status_list>(
        conn_, actors::partition_status_query{known}, options_.request_timeout);
    if (!status)
      return status.err();
    for (auto& s : status->partitions)
      status_of[{s.topic, s.partition}] = &s;
  }
  std::vector<topic_description> out;
  for (auto& t : md->topics) {
    topic_description d;
    d.name = t.name;
    d.topic_id = t.topic_id;
    d.is_internal = t.is_internal;
    d.err = item_error(t.error, t.error_message, "describe topic '" + t.name + "'");
    for (auto& p : t.partitions) {
      partition_description pd;
      pd.partition = p.partition;
      pd.leader = p.leader;
      pd.leader_epoch = p.leader_epoch;
      pd.replicas = p.replicas;
      pd.isr = p.isr;
      pd.offline_replicas = p.offline_replicas;
      pd.err = item_error(p.error, {}, t.name + "-" + std::to_string(p.partition));
      auto s = status_of.find({t.name, p.partition});
      if (s != status_of.end()) {
        auto& st = *s->second;
        pd.log_start_offset = st.log_start_offset;
        pd.log_end_offset = st.log_end_offset;
        pd.high_watermark = st.high_watermark;
        pd.last_stable_offset = st.last_stable_offset;
        pd.size_bytes = st.size_bytes;
        pd.segment_count = st.segment_count;
        if (st.error != 0 && pd.err.code == kafka_error::none)
          pd.err = item_error(st.error, {}, t.name + "-" + std::to_string(p.partition));
      }
      d.partitions.push_back(std::move(pd));
    }
    std::sort(d.partitions.begin(), d.partitions.end(),
              [](auto& a, auto& b) { return a.partition < b.partition; });
    out.push_back(std::move(d));
  }
  return out;
}

outcome<std::vector<topic_result>>
admin::create_partitions(const std::map<std::string, int32_t>& new_totals, bool validate_only) {
  actors::create_partitions_request req;
  req.timeout_ms = static_cast<int32_t>(options_.request_timeout.count());
  req.validate_only = validate_only;
  for (auto& [name, count] : new_totals)
    req.topics.push_back({name, count});
  auto r = blocking_request<actors::create_partitions_response>(conn_, std::move(req),
                                                                options_.request_timeout);
  if (!r)
    return r.err();
  return to_results(r->topics, "create partitions of topic");
}

outcome<std::vector<config_description>>
admin::describe_configs(const std::vector<config_resource>& resources, bool include_synonyms,
                        bool include_documentation) {
  actors::describe_configs_request req;
  req.include_synonyms = include_synonyms;
  req.include_documentation = include_documentation;
  for (auto& res : resources)
    req.resources.push_back({static_cast<int8_t>(res.type), res.name, {}});
  auto r = blocking_request<actors::describe_configs_response>(conn_, std::move(req),
                                                               options_.request_timeout);
  if (!r)
    return r.err();
  std::vector<config_description> out;
  for (auto& res : r->results) {
    config_description d;
    d.resource = {static_cast<config_resource_type>(res.type), res.name};
    d.err = item_error(res.error, res.error_message, "describe configs of '" + res.name + "'");
    for (auto& e : res.entries) {
      config_value v;
      v.name = e.name;
      v.value = e.value;
      v.is_null = e.is_null;
      v.read_only = e.read_only;
      v.is_sensitive = e.is_sensitive;
      v.source = static_cast<config_source>(e.source);
      v.documentation = e.documentation;
      for (auto& s : e.synonyms)
        v.synonyms.emplace_back(s.name, s.value);
      d.entries.push_back(std::move(v));
    }
    out.push_back(std::move(d));
  }
  return out;
}

outcome<std::vector<resource_result>>
admin::alter_configs(const std::map<config_resource, std::vector<config_op>>& changes,
                     bool validate_only) {
  actors::alter_configs_request req;
  req.incremental = true;
  req.validate_only = validate_only;
  for (auto& [res, ops] : changes) {
    actors::alter_config_resource a;
    a.type = static_cast<int8_t>(res.type);
    a.name = res.name;
    for (auto& op : ops)
      a.ops.push_back({op.name, static_cast<int8_t>(op.op), op.value});
    req.resources.push_back(std::move(a));
  }
  auto r = blocking_request<actors::alter_configs_response>(conn_, std::move(req),
                                                            options_.request_timeout);
  if (!r)
    return r.err();
  std::vector<resource_result> out;
  for (auto& res : r->results) {
    resource_result rr;
    rr.resource = {static_cast<config_resource_type>(res.type), res.name};
    rr.err = item_error(res.error, res.error_message, "alter configs of '" + res.name + "'");
    out.push_back(std::move(rr));
  }
  return out;
}

} // namespace tributary::client
