// trib topic list / describe (see topic_views.hpp).

#include "topic_views.hpp"

#include "admin_session.hpp"

#include <nlohmann/json.hpp>

#include <map>

namespace tributary::trib {

namespace {

const char* source_name(client::config_source source) {
  switch (source) {
  case client::config_source::dynamic_topic:
    return "topic";
  case client::config_source::dynamic_broker:
    return "node (dynamic)";
  case client::config_source::dynamic_default_broker:
    return "cluster default";
  case client::config_source::static_broker:
    return "node";
  case client::config_source::default_config:
    return "default";
  default:
    return "unknown";
  }
}

std::string join(const std::vector<int32_t>& ids) {
  std::string out;
  for (auto id : ids)
    out += (out.empty() ? "" : ",") + std::to_string(id);
  return out;
}

uint64_t record_count(const client::partition_description& p) {
  return p.high_watermark > p.log_start_offset && p.log_start_offset >= 0
             ? static_cast<uint64_t>(p.high_watermark - p.log_start_offset)
             : 0;
}

nlohmann::json partition_json(const client::partition_description& p) {
  return {{"partition", p.partition},
          {"leader", p.leader},
          {"leader_epoch", p.leader_epoch},
          {"replicas", p.replicas},
          {"isr", p.isr},
          {"log_start_offset", p.log_start_offset},
          {"high_watermark", p.high_watermark},
          {"log_end_offset", p.log_end_offset},
          {"size_bytes", p.size_bytes},
          {"segments", p.segment_count}};
}

/// Configuration per topic name (only topics whose describe worked).
std::map<std::string, client::config_description>
topic_configs(session& s, client::admin& admin, const std::vector<client::topic_description>& ts) {
  std::vector<client::config_resource> resources;
  for (const auto& t : ts)
    if (t.ok())
      resources.push_back({client::config_resource_type::topic, t.name});
  std::map<std::string, client::config_description> out;
  if (resources.empty())
    return out;
  auto configs = admin.describe_configs(resources);
  if (!configs) {
    s.out().error("configs not shown: " + configs.err().to_string());
    return out;
  }
  for (auto& c : *configs)
    if (c.ok())
      out[c.resource.name] = std::move(c);
  return out;
}

bool shown(const client::config_value& v, bool all) {
  return all || v.source == client::config_source::dynamic_topic;
}

void print_topic(session& s, const client::topic_description& t,
                 const client::config_description* configs, bool all_configs) {
  auto& out = s.out();
  out.line("topic " + t.name + "  id " + t.topic_id + "  partitions " +
           std::to_string(t.partitions.size()) + (t.is_internal ? "  (internal)" : ""));
  if (configs) {
    std::string overrides;
    table all({"CONFIG", "VALUE", "SOURCE"});
    for (const auto& v : configs->entries) {
      if (!shown(v, all_configs))
        continue;
      overrides += (overrides.empty() ? "" : ", ") + v.name + "=" + v.value;
      all.add_row({v.name, v.is_sensitive ? "(sensitive)" : v.value, source_name(v.source)});
    }
    if (all_configs)
      out.print(all);
    else
      out.line("configs: " + (overrides.empty() ? std::string("(defaults)") : overrides));
  }
  table parts({"PARTITION", "LEADER", "EPOCH", "REPLICAS", "ISR", "LOG-START", "HIGH-WATERMARK",
               "LOG-END", "RECORDS", "SIZE", "SEGMENTS"});
  for (const auto& p : t.partitions)
    parts.add_row({std::to_string(p.partition), std::to_string(p.leader),
                   std::to_string(p.leader_epoch), join(p.replicas), join(p.isr),
                   std::to_string(p.log_start_offset), std::to_string(p.high_watermark),
                   std::to_string(p.log_end_offset), with_commas(record_count(p)),
                   human_bytes(static_cast<uint64_t>(p.size_bytes)),
                   std::to_string(p.segment_count)});
  out.print(parts);
}

} // namespace

int run_topic_list(session& s, const topic_list_options& o) {
  auto admin = open_admin(s);
  if (!admin)
    return s.failed_code();
  auto topics = admin->describe_topics();
  if (!topics)
    return s.fail(topics.err(), "list topics");
  table t({"TOPIC", "PARTITIONS", "RECORDS", "SIZE"});
  auto doc = nlohmann::json::array();
  for (const auto& topic : *topics) {
    if (!topic.ok() || (topic.is_internal && !o.internal))
      continue;
    uint64_t records = 0;
    int64_t bytes = 0;
    for (const auto& p : topic.partitions) {
      records += record_count(p);
      bytes += p.size_bytes;
    }
    t.add_row({topic.name, std::to_string(topic.partitions.size()), with_commas(records),
               human_bytes(static_cast<uint64_t>(bytes))});
    doc.push_back({{"topic", topic.name},
                   {"partitions", topic.partitions.size()},
                   {"records", records},
                   {"bytes", bytes},
                   {"internal", topic.is_internal}});
  }
  if (s.out().json())
    s.out().print(doc);
  else
    s.out().print(t, "(no topics)");
  return exit_ok;
}

int run_topic_describe(session& s, const topic_describe_options& o) {
  auto admin = open_admin(s);
  if (!admin)
    return s.failed_code();
  auto topics = admin->describe_topics(o.topics);
  if (!topics)
    return s.fail(topics.err(), "describe topics");
  auto configs = topic_configs(s, *admin, *topics);
  int code = exit_ok;
  auto doc = nlohmann::json::array();
  bool first = true;
  for (const auto& t : *topics) {
    if (!t.ok()) {
      code = s.fail(t.err, "describe topic '" + t.name + "'");
      continue;
    }
    auto found = configs.find(t.name);
    const auto* c = found == configs.end() ? nullptr : &found->second;
    if (!s.out().json()) {
      if (!first)
        s.out().line("");
      first = false;
      print_topic(s, t, c, o.all_configs);
      continue;
    }
    auto parts = nlohmann::json::array();
    for (const auto& p : t.partitions)
      parts.push_back(partition_json(p));
    auto config_doc = nlohmann::json::object();
    if (c)
      for (const auto& v : c->entries)
        if (shown(v, o.all_configs))
          config_doc[v.name] = {{"value", v.is_sensitive ? "" : v.value},
                                {"source", source_name(v.source)}};
    doc.push_back({{"topic", t.name},
                   {"topic_id", t.topic_id},
                   {"internal", t.is_internal},
                   {"partitions", parts},
                   {"configs", config_doc}});
  }
  if (s.out().json() && code == exit_ok)
    s.out().print(doc);
  return code;
}

} // namespace tributary::trib
