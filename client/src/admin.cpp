// admin: creation, records (list offsets, delete records) and the cluster.

#include "admin_util.hpp"

#include <charconv>

namespace tributary::client {

using detail::item_error;
using protocol::kafka_error;

outcome<admin> admin::create(connection conn, admin_options options) {
  if (options.request_timeout.count() <= 0)
    return make_error(kafka_error::invalid_config,
                      "admin request timeout must be positive, not " +
                          std::to_string(options.request_timeout.count()) + " ms");
  return admin{std::move(conn), std::move(options)};
}

outcome<admin> admin::create(const std::map<std::string, std::string>& config) {
  admin_options options;
  std::string url;
  for (auto& [key, value] : config) {
    if (key == "bootstrap.servers") {
      url = value;
    } else if (key == "client.id") {
      options.client_id = value;
    } else if (key == "request.timeout.ms" || key == "default.api.timeout.ms") {
      int64_t ms = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
      if (ec != std::errc{} || end != value.data() + value.size() || ms <= 0)
        return make_error(kafka_error::invalid_config, "admin config " + key + "='" + value +
                                                           "' is invalid: expected a positive "
                                                           "integer (milliseconds)");
      options.request_timeout = std::chrono::milliseconds(ms);
    } else {
      return make_error(kafka_error::invalid_config,
                        "unknown admin config '" + key +
                            "' (known: bootstrap.servers, client.id, request.timeout.ms, "
                            "default.api.timeout.ms)");
    }
  }
  if (url.empty())
    return make_error(kafka_error::invalid_config,
                      "admin config bootstrap.servers is missing: give a connection url "
                      "('host:port', 'tributary://host:port' or 'embedded[:folder]')");
  auto conn = connection::open(url);
  if (!conn)
    return conn.err();
  return create(std::move(*conn), std::move(options));
}

outcome<std::vector<listed_offset>>
admin::list_offsets(const std::map<topic_partition, offset_spec>& specs, bool read_committed) {
  actors::list_offsets_request req;
  req.isolation_level = read_committed ? 1 : 0;
  for (auto& [tp, spec] : specs) {
    actors::list_offsets_partition p;
    p.topic = tp.topic;
    p.partition = tp.partition;
    switch (spec.what) {
    case offset_spec::earliest:
      p.timestamp = -2;
      break;
    case offset_spec::latest:
      p.timestamp = -1;
      break;
    case offset_spec::max_timestamp:
      p.timestamp = -3;
      break;
    case offset_spec::timestamp:
      p.timestamp = spec.value;
      break;
    case offset_spec::exact:
      return make_error(kafka_error::invalid_request,
                        "list_offsets of " + tp.to_string() +
                            ": an exact offset is not something to look up");
    }
    req.partitions.push_back(std::move(p));
  }
  auto r = blocking_request<actors::list_offsets_response>(conn_, std::move(req),
                                                           options_.request_timeout);
  if (!r)
    return r.err();
  std::vector<listed_offset> out;
  for (auto& p : r->partitions) {
    listed_offset o;
    o.tp = {p.topic, p.partition};
    o.offset = p.offset;
    o.timestamp = p.timestamp;
    o.leader_epoch = p.leader_epoch;
    o.err = item_error(p.error, p.error_message, "list offsets of " + o.tp.to_string());
    out.push_back(std::move(o));
  }
  return out;
}

outcome<std::vector<deleted_records>>
admin::delete_records(const std::map<topic_partition, int64_t>& before) {
  actors::delete_records_request req;
  req.timeout_ms = static_cast<int32_t>(options_.request_timeout.count());
  for (auto& [tp, offset] : before)
    req.partitions.push_back({tp.topic, tp.partition, offset});
  auto r = blocking_request<actors::delete_records_response>(conn_, std::move(req),
                                                             options_.request_timeout);
  if (!r)
    return r.err();
  std::vector<deleted_records> out;
  for (auto& p : r->partitions) {
    deleted_records d;
    d.tp = {p.topic, p.partition};
    d.low_watermark = p.low_watermark;
    d.err = item_error(p.error, p.error_message, "delete records of " + d.tp.to_string());
    out.push_back(std::move(d));
  }
  return out;
}

outcome<cluster_description> admin::describe_cluster() {
  auto r = blocking_request<actors::describe_cluster_response>(
      conn_, actors::describe_cluster_request{true}, options_.request_timeout);
  if (!r)
    return r.err();
  if (r->error != 0)
    return item_error(r->error, {}, "describe cluster via " + conn_.description());
  cluster_description d;
  d.cluster_id = r->cluster_id;
  d.controller_id = r->controller_id;
  for (auto& b : r->brokers)
    d.nodes.push_back({b.node_id, b.host, b.port, b.native_port, b.rack});
  d.version = r->version;
  d.data_dir = r->data_dir;
  d.started_ms = r->started_ms;
  d.topic_count = r->topic_count;
  d.partition_count = r->partition_count;
  d.group_count = r->group_count;
  d.actor_count = r->actor_count;
  return d;
}

outcome<actor_snapshot> admin::describe_actors(const std::string& kind_filter) {
  return blocking_request<actors::actor_snapshot>(
      conn_, actors::actor_snapshot_request{kind_filter}, options_.request_timeout);
}

} // namespace tributary::client
