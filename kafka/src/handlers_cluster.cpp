// InitProducerId, DescribeCluster and DescribeProducers. DescribeCluster, like Metadata,
// tells clients this listener's advertised address for our own node. DescribeProducers
// checks that each partition exists and is led here, then answers an empty producer list:
// partitions keep idempotent-producer state, but no broker message reads it yet.
#include "handlers.hpp"
#include "respond.hpp"

#include "tributary/protocol/kafka/describe_cluster.hpp"
#include "tributary/protocol/kafka/describe_producers.hpp"
#include "tributary/protocol/kafka/init_producer_id.hpp"

#include <algorithm>
#include <map>

namespace tributary::kafka {

namespace pk = protocol::kafka;
namespace ta = tributary::actors;
using protocol::code_of;
using protocol::kafka_error;

namespace {

// DescribeCluster v1 endpoint types (KIP-919) and their errors; kafka_error.hpp stops at 108.
constexpr int8_t k_endpoint_brokers = 1;
constexpr int8_t k_endpoint_controllers = 2;
constexpr int16_t k_mismatched_endpoint_type = 114;
constexpr int16_t k_unsupported_endpoint_type = 115;

/// Kafka's cluster ACL operations (CREATE 5, ALTER 7, DESCRIBE 8, CLUSTER_ACTION 9,
/// DESCRIBE_CONFIGS 10, ALTER_CONFIGS 11, IDEMPOTENT_WRITE 12) as a bit field. Without an
/// authorizer Kafka allows every one of them, and so does Tributary.
constexpr int32_t k_cluster_operations =
    (1 << 5) | (1 << 7) | (1 << 8) | (1 << 9) | (1 << 10) | (1 << 11) | (1 << 12);

using cluster_response = pk::describe_cluster_response;

cluster_response::describe_cluster_broker cluster_broker(connection_self self,
                                                         const ta::broker_node& b) {
  const auto& ctx = *self->state.ctx;
  cluster_response::describe_cluster_broker out;
  out.broker_id = b.node_id;
  out.host = b.host;
  out.port = b.port;
  if (b.node_id == ctx.node_id) { // clients must reach us where this listener is advertised
    out.host = ctx.advertised_host;
    out.port = ctx.advertised_port.load();
  }
  if (!b.rack.empty())
    out.rack = b.rack;
  return out;
}

using producers_response = pk::describe_producers_response;

/// The error of one asked partition, given what the broker knows of its topic (null: not
/// listed at all).
void check_partition(connection_self self, const ta::topic_metadata* t,
                     producers_response::partition_response& out) {
  const auto p = out.partition_index;
  auto fail = [&](kafka_error e, std::string message) {
    out.error_code = code_of(e);
    out.error_message = std::move(message);
  };
  if (!t)
    return fail(kafka_error::unknown_topic_or_partition, "the broker did not answer for it");
  if (t->error != 0) {
    out.error_code = t->error;
    out.error_message =
        t->error_message.empty() ? "topic '" + t->name + "' is not available" : t->error_message;
    return;
  }
  auto it = std::find_if(t->partitions.begin(), t->partitions.end(),
                         [p](const ta::partition_metadata& m) { return m.partition == p; });
  if (it == t->partitions.end())
    return fail(kafka_error::unknown_topic_or_partition,
                "topic '" + t->name + "' has " + std::to_string(t->partitions.size()) +
                    " partitions; partition " + std::to_string(p) + " does not exist");
  if (it->error != 0) {
    out.error_code = it->error;
    out.error_message = "partition " + t->name + "-" + std::to_string(p) + " is not available";
    return;
  }
  if (it->leader != self->state.ctx->node_id)
    return fail(kafka_error::not_leader_or_follower,
                "node " + std::to_string(self->state.ctx->node_id) + " does not lead " + t->name +
                    "-" + std::to_string(p) + " (the leader is " + std::to_string(it->leader) +
                    ")");
  // Producer state is not queryable yet (no broker message reads a partition's producer
  // table), so a partition led here answers no active producers.
  out.error_code = 0;
  out.error_message = std::nullopt;
}

} // namespace

void handle_init_producer_id(connection_self self, const request_context& rc, pk::wire_reader& r) {
  pk::init_producer_id_request req;
  if (!decode_request(self, rc, r, req))
    return;
  pk::init_producer_id_response resp;
  resp.producer_id = -1;
  resp.producer_epoch = -1;
  // Kafka's transaction coordinator refuses an empty (but non-null) transactional id; the
  // broker message reads "" as "idempotent only", so it must not get this far.
  if (req.transactional_id && req.transactional_id->empty()) {
    resp.error_code = code_of(kafka_error::invalid_request);
    return respond(self, rc, resp);
  }
  ta::init_producer_id_request ask;
  ask.transactional_id = req.transactional_id.value_or("");
  ask.transaction_timeout_ms = req.transaction_timeout_ms;
  if (rc.version() >= 3) {
    ask.producer_id = req.producer_id;
    ask.producer_epoch = req.producer_epoch;
  }
  ask_broker<ta::init_producer_id_response>(
      self, default_wait_ms(self), std::move(ask),
      [self, rc, resp](ta::init_producer_id_response& given) mutable {
        resp.error_code = given.error;
        if (given.error == 0) {
          resp.producer_id = given.producer_id;
          resp.producer_epoch = given.producer_epoch;
        }
        respond(self, rc, resp);
      },
      [self, rc, resp](int16_t code, const std::string&) mutable {
        resp.error_code = code;
        respond(self, rc, resp);
      });
}

void handle_describe_cluster(connection_self self, const request_context& rc, pk::wire_reader& r) {
  pk::describe_cluster_request req;
  if (!decode_request(self, rc, r, req))
    return;
  cluster_response resp;
  resp.endpoint_type = k_endpoint_brokers;
  resp.controller_id = -1;
  // Only v1 carries endpoint_type; v0 always asks for brokers (the decoded default).
  if (req.endpoint_type != k_endpoint_brokers) {
    resp.error_code = req.endpoint_type == k_endpoint_controllers ? k_mismatched_endpoint_type
                                                                  : k_unsupported_endpoint_type;
    resp.error_message =
        req.endpoint_type == k_endpoint_controllers
            ? "this is a broker endpoint; Tributary has no separate controller endpoints"
            : "endpoint type " + std::to_string(req.endpoint_type) +
                  " is not one of 1 (brokers) or 2 (controllers)";
    return respond(self, rc, resp);
  }
  if (req.include_cluster_authorized_operations)
    resp.cluster_authorized_operations = k_cluster_operations;
  ta::describe_cluster_request ask;
  ask.include_actor_count = false; // walks the actor registry; not part of Kafka's answer
  ask_broker<ta::describe_cluster_response>(
      self, default_wait_ms(self), std::move(ask),
      [self, rc, resp](ta::describe_cluster_response& c) mutable {
        const auto node_id = self->state.ctx->node_id;
        resp.error_code = c.error;
        resp.cluster_id = c.cluster_id;
        for (const auto& b : c.brokers)
          resp.brokers.push_back(cluster_broker(self, b));
        if (resp.brokers.empty()) // the broker always lists itself; be safe anyway
          resp.brokers.push_back(cluster_broker(self, ta::broker_node{node_id}));
        // Kafka answers -1 for a controller it cannot list, so clients never chase it.
        bool listed = std::any_of(resp.brokers.begin(), resp.brokers.end(),
                                  [&](const auto& b) { return b.broker_id == c.controller_id; });
        resp.controller_id = listed ? c.controller_id : -1;
        respond(self, rc, resp);
      },
      [self, rc, resp](int16_t code, const std::string& why) mutable {
        resp.error_code = code;
        resp.error_message = why;
        respond(self, rc, resp);
      });
}

void handle_describe_producers(connection_self self, const request_context& rc,
                               pk::wire_reader& r) {
  pk::describe_producers_request req;
  if (!decode_request(self, rc, r, req))
    return;
  producers_response resp;
  ta::metadata_request ask;
  ask.all_topics = false;
  ask.allow_auto_create = false;
  for (const auto& t : req.topics) {
    auto& tr = resp.topics.emplace_back();
    tr.name = t.name;
    for (auto p : t.partition_indexes)
      tr.partitions.emplace_back().partition_index = p;
    if (std::find(ask.topics.begin(), ask.topics.end(), t.name) == ask.topics.end())
      ask.topics.push_back(t.name);
  }
  if (ask.topics.empty())
    return respond(self, rc, resp);
  ask_broker<ta::metadata_response>(
      self, default_wait_ms(self), std::move(ask),
      [self, rc, resp](ta::metadata_response& m) mutable {
        std::map<std::string, const ta::topic_metadata*> by_name;
        for (const auto& t : m.topics)
          by_name[t.name] = &t;
        for (auto& tr : resp.topics) {
          auto it = by_name.find(tr.name);
          for (auto& pr : tr.partitions)
            check_partition(self, it == by_name.end() ? nullptr : it->second, pr);
        }
        respond(self, rc, resp);
      },
      [self, rc, resp](int16_t code, const std::string& why) mutable {
        for (auto& tr : resp.topics)
          for (auto& pr : tr.partitions) {
            pr.error_code = code;
            pr.error_message = why;
          }
        respond(self, rc, resp);
      });
}

} // namespace tributary::kafka
