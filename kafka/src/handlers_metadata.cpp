// Metadata: brokers, topics and partitions, with auto-creation. Clients connect to the
// address we advertise here, so this node's entry uses this listener's advertised
// host/port, not whatever the broker recorded.
#include "handlers.hpp"
#include "kafka_ids.hpp"
#include "respond.hpp"

#include "tributary/protocol/kafka/metadata.hpp"

#include <algorithm>

namespace tributary::kafka {

namespace pk = protocol::kafka;
namespace ta = tributary::actors;
using protocol::kafka_error;

namespace {

using response = pk::metadata_response;

response::metadata_response_broker broker_entry(connection_self self, const ta::broker_node& b) {
  const auto& ctx = *self->state.ctx;
  response::metadata_response_broker out;
  out.node_id = b.node_id;
  out.host = b.host;
  out.port = b.port;
  if (b.node_id == ctx.node_id) {
    out.host = ctx.advertised_host;
    out.port = ctx.advertised_port.load();
  }
  if (!b.rack.empty())
    out.rack = b.rack;
  return out;
}

response::metadata_response_topic topic_entry(const ta::topic_metadata& t) {
  response::metadata_response_topic out;
  out.error_code = t.error;
  out.name = t.name;
  out.topic_id = uuid_from_text(t.topic_id);
  out.is_internal = t.is_internal;
  out.partitions.reserve(t.partitions.size());
  for (const auto& p : t.partitions) {
    response::metadata_response_partition mp;
    mp.error_code = p.error;
    mp.partition_index = p.partition;
    mp.leader_id = p.leader;
    mp.leader_epoch = p.leader_epoch;
    mp.replica_nodes = p.replicas;
    mp.isr_nodes = p.isr;
    mp.offline_replicas = p.offline_replicas;
    out.partitions.push_back(std::move(mp));
  }
  return out;
}

} // namespace

void handle_metadata(connection_self self, const request_context& rc, pk::wire_reader& r) {
  pk::metadata_request req;
  if (!decode_request(self, rc, r, req))
    return;
  ta::metadata_request ask;
  // v0: an empty list means every topic; v1+: null means every topic, empty means none.
  ask.all_topics = !req.topics || (rc.version() == 0 && req.topics->empty());
  std::vector<pk::uuid> wanted_ids; // v10+ may name topics by id only
  if (!ask.all_topics) {
    for (const auto& t : *req.topics) {
      if (t.name && !t.name->empty())
        ask.topics.push_back(*t.name);
      else if (!is_zero(t.topic_id))
        wanted_ids.push_back(t.topic_id);
    }
    if (!wanted_ids.empty())
      ask.all_topics = true; // find the ids among all topics, filter below
  }
  // Before v4 there was no flag: those clients always had topics auto-created.
  ask.allow_auto_create = rc.version() < 4 || req.allow_auto_topic_creation;
  auto names = ask.topics;
  bool filter = !wanted_ids.empty();
  ask_broker<ta::metadata_response>(
      self, default_wait_ms(self), std::move(ask),
      [self, rc, names, wanted_ids, filter](ta::metadata_response& m) {
        response resp;
        for (const auto& b : m.brokers)
          resp.brokers.push_back(broker_entry(self, b));
        if (resp.brokers.empty()) // the broker always knows itself; be safe anyway
          resp.brokers.push_back(broker_entry(self, ta::broker_node{self->state.ctx->node_id}));
        resp.cluster_id = m.cluster_id;
        resp.controller_id = m.controller_id >= 0 ? m.controller_id : self->state.ctx->node_id;
        for (const auto& t : m.topics) {
          if (filter) {
            auto id = uuid_from_text(t.topic_id);
            bool by_name = std::find(names.begin(), names.end(), t.name) != names.end();
            bool by_id = std::find(wanted_ids.begin(), wanted_ids.end(), id) != wanted_ids.end();
            if (!by_name && !by_id)
              continue;
          }
          resp.topics.push_back(topic_entry(t));
        }
        for (const auto& id : wanted_ids) { // ids nobody has
          bool found = std::any_of(resp.topics.begin(), resp.topics.end(),
                                   [&](const auto& t) { return t.topic_id == id; });
          if (!found) {
            response::metadata_response_topic t;
            t.error_code = static_cast<int16_t>(kafka_error::unknown_topic_id);
            t.name = std::nullopt;
            t.topic_id = id;
            resp.topics.push_back(std::move(t));
          }
        }
        respond(self, rc, resp);
      },
      [self, rc, names](int16_t code, const std::string&) {
        response resp;
        resp.brokers.push_back(broker_entry(self, ta::broker_node{self->state.ctx->node_id}));
        resp.controller_id = self->state.ctx->node_id;
        for (const auto& n : names) {
          response::metadata_response_topic t;
          t.error_code = code;
          t.name = n;
          resp.topics.push_back(std::move(t));
        }
        respond(self, rc, resp);
      });
}

} // namespace tributary::kafka
