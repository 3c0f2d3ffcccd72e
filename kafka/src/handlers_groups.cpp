// The classic group protocol: FindCoordinator, JoinGroup, SyncGroup, Heartbeat, LeaveGroup,
// DescribeGroups, ListGroups, DeleteGroups -- translated field by field to the broker's
// group messages, which route them to the group's coordinator actor.
#include "handlers.hpp"
#include "respond.hpp"

#include "tributary/protocol/kafka/delete_groups.hpp"
#include "tributary/protocol/kafka/describe_groups.hpp"
#include "tributary/protocol/kafka/find_coordinator.hpp"
#include "tributary/protocol/kafka/heartbeat.hpp"
#include "tributary/protocol/kafka/join_group.hpp"
#include "tributary/protocol/kafka/leave_group.hpp"
#include "tributary/protocol/kafka/list_groups.hpp"
#include "tributary/protocol/kafka/sync_group.hpp"

#include <algorithm>

namespace tributary::kafka {

namespace pk = protocol::kafka;
namespace ta = tributary::actors;

namespace {

// JoinGroup and SyncGroup wait for the whole group (up to the rebalance timeout, which
// SyncGroup does not carry): the client's request.timeout.ms is the real bound.
constexpr int64_t k_rebalance_wait_ms = 5 * 60 * 1000;

/// Kafka shows client hosts as "/127.0.0.1".
std::string client_host(connection_self self) {
  const auto& peer = self->state.info.peer;
  auto colon = peer.rfind(':');
  auto host = colon == std::string::npos ? peer : peer.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  return "/" + host;
}

pk::find_coordinator_response::coordinator
coordinator_entry(connection_self self, const std::string& key,
                  const ta::find_coordinator_response& in) {
  pk::find_coordinator_response::coordinator c;
  c.key = key;
  c.error_code = in.error;
  c.error_message = in.error_message.empty() ? std::optional<std::string>{} : in.error_message;
  c.node_id = in.error == 0 ? in.coordinator.node_id : -1;
  c.host = in.error == 0 ? in.coordinator.host : "";
  c.port = in.error == 0 ? in.coordinator.port : -1;
  if (in.error == 0 && in.coordinator.node_id == self->state.ctx->node_id) {
    c.host = self->state.ctx->advertised_host;
    c.port = self->state.ctx->advertised_port.load();
  }
  return c;
}

void find_one(connection_self self, const request_context& rc, std::string key, int8_t key_type,
              std::shared_ptr<pk::find_coordinator_response> resp, size_t index,
              std::shared_ptr<size_t> pending) {
  ta::find_coordinator_request ask{key, key_type};
  auto done = [self, rc, resp, index, pending](pk::find_coordinator_response::coordinator c) {
    resp->coordinators[index] = std::move(c);
    if (--*pending > 0)
      return;
    if (rc.version() < 4) { // one key: the answer is in the top-level fields
      const auto& only = resp->coordinators.front();
      resp->error_code = only.error_code;
      resp->error_message = only.error_message;
      resp->node_id = only.node_id;
      resp->host = only.host;
      resp->port = only.port;
      resp->coordinators.clear();
    }
    respond(self, rc, *resp);
  };
  ask_broker<ta::find_coordinator_response>(
      self, default_wait_ms(self), std::move(ask),
      [self, key, done](ta::find_coordinator_response& in) {
        done(coordinator_entry(self, key, in));
      },
      [key, done](int16_t code, const std::string& why) {
        pk::find_coordinator_response::coordinator c;
        c.key = key;
        c.error_code = code;
        c.error_message = why;
        c.node_id = -1;
        c.port = -1;
        done(std::move(c));
      });
}

} // namespace

void handle_find_coordinator(connection_self self, const request_context& rc, pk::wire_reader& r) {
  pk::find_coordinator_request req;
  if (!decode_request(self, rc, r, req))
    return;
  std::vector<std::string> keys =
      rc.version() >= 4 ? req.coordinator_keys : std::vector<std::string>{req.key_};
  auto resp = std::make_shared<pk::find_coordinator_response>();
  if (keys.empty())
    return respond(self, rc, *resp);
  resp->coordinators.resize(keys.size());
  auto pending = std::make_shared<size_t>(keys.size());
  for (size_t i = 0; i < keys.size(); ++i)
    find_one(self, rc, keys[i], req.key_type, resp, i, pending);
}

void handle_join_group(connection_self self, const request_context& rc, pk::wire_reader& r) {
  pk::join_group_request req;
  if (!decode_request(self, rc, r, req))
    return;
  ta::join_group_request ask;
  ask.group_id = req.group_id;
  ask.session_timeout_ms = req.session_timeout_ms;
  // v0 has no rebalance timeout: Kafka uses the session timeout.
  ask.rebalance_timeout_ms = rc.version() >= 1 && req.rebalance_timeout_ms >= 0
                                 ? req.rebalance_timeout_ms
                                 : req.session_timeout_ms;
  ask.member_id = req.member_id;
  ask.group_instance_id = req.group_instance_id.value_or("");
  ask.protocol_type = req.protocol_type;
  for (auto& p : req.protocols)
    ask.protocols.push_back(ta::group_protocol{p.name, std::move(p.metadata)});
  ask.client_id = rc.header.client_id.value_or("");
  ask.client_host = client_host(self);
  ask.reason = req.reason.value_or("");
  ask.require_known_member_id = rc.version() >= 4;
  ask.supports_skip_assignment = rc.version() >= 9;
  ask_broker<ta::join_group_response>(
      self, std::max<int64_t>(ask.rebalance_timeout_ms, k_rebalance_wait_ms), std::move(ask),
      [self, rc](ta::join_group_response& in) {
        pk::join_group_response out;
        out.error_code = in.error;
        out.generation_id = in.generation_id;
        out.protocol_type = in.protocol_type;
        out.protocol_name = in.protocol_name;
        out.leader = in.leader;
        out.skip_assignment = in.skip_assignment;
        out.member_id = in.member_id;
        for (auto& m : in.members) {
          pk::join_group_response::join_group_response_member jm;
          jm.member_id = m.member_id;
          if (!m.group_instance_id.empty())
            jm.group_instance_id = m.group_instance_id;
          jm.metadata = std::move(m.metadata);
          out.members.push_back(std::move(jm));
        }
        respond(self, rc, out);
      },
      [self, rc](int16_t code, const std::string&) {
        pk::join_group_response out;
        out.error_code = code;
        respond(self, rc, out);
      });
}

void handle_sync_group(connection_self self, const request_context& rc, pk::wire_reader& r) {
  pk::sync_group_request req;
  if (!decode_request(self, rc, r, req))
    return;
  ta::sync_group_request ask;
  ask.group_id = req.group_id;
  ask.generation_id = req.generation_id;
  ask.member_id = req.member_id;
  ask.group_instance_id = req.group_instance_id.value_or("");
  ask.protocol_type = req.protocol_type.value_or("");
  ask.protocol_name = req.protocol_name.value_or("");
  for (auto& a : req.assignments)
    ask.assignments.push_back(ta::sync_group_assignment{a.member_id, std::move(a.assignment)});
  ask_broker<ta::sync_group_response>(
      self, k_rebalance_wait_ms, std::move(ask),
      [self, rc](ta::sync_group_response& in) {
        pk::sync_group_response out;
        out.error_code = in.error;
        if (!in.protocol_type.empty())
          out.protocol_type = in.protocol_type;
        if (!in.protocol_name.empty())
          out.protocol_name = in.protocol_name;
        out.assignment = std::move(in.assignment);
        respond(self, rc, out);
      },
      [self, rc](int16_t code, const std::string&) {
        pk::sync_group_response out;
        out.error_code = code;
        respond(self, rc, out);
      });
}

void handle_heartbeat(connection_self self, const request_context& rc, pk::wire_reader& r) {
  pk::heartbeat_request req;
  if (!decode_request(self, rc, r, req))
    return;
  ta::heartbeat_request ask{req.group_id, req.generation_id, req.member_id,
                            req.group_instance_id.value_or("")};
  ask_broker<ta::heartbeat_response>(
      self, default_wait_ms(self), std::move(ask),
      [self, rc](ta::heartbeat_response& in) {
        pk::heartbeat_response out;
        out.error_code = in.error;
        respond(self, rc, out);
      },
      [self, rc](int16_t code, const std::string&) {
        pk::heartbeat_response out;
        out.error_code = code;
        respond(self, rc, out);
      });
}

void handle_leave_group(connection_self self, const request_context& rc, pk::wire_reader& r) {
  pk::leave_group_request req;
  if (!decode_request(self, rc, r, req))
    return;
  ta::leave_group_request ask;
  ask.group_id = req.group_id;
  if (rc.version() < 3) {
    ask.members.push_back(ta::leave_group_member{req.member_id, "", ""});
  } else {
    for (const auto& m : req.members)
      ask.members.push_back(ta::leave_group_member{m.member_id, m.group_instance_id.value_or(""),
                                                   m.reason.value_or("")});
  }
  ask_broker<ta::leave_group_response>(
      self, default_wait_ms(self), std::move(ask),
      [self, rc](ta::leave_group_response& in) {
        pk::leave_group_response out;
        out.error_code = in.error;
        if (rc.version() < 3 && out.error_code == 0 && !in.members.empty())
          out.error_code = in.members.front().error; // one member: its error is the answer
        for (const auto& m : in.members) {
          pk::leave_group_response::member_response mr;
          mr.member_id = m.member_id;
          mr.group_instance_id =
              m.group_instance_id.empty() ? std::optional<std::string>{} : m.group_instance_id;
          mr.error_code = m.error;
          out.members.push_back(std::move(mr));
        }
        respond(self, rc, out);
      },
      [self, rc](int16_t code, const std::string&) {
        pk::leave_group_response out;
        out.error_code = code;
        respond(self, rc, out);
      });
}

void handle_describe_groups(connection_self self, const request_context& rc, pk::wire_reader& r) {
  pk::describe_groups_request req;
  if (!decode_request(self, rc, r, req))
    return;
  auto names = req.groups;
  ask_broker<ta::describe_groups_response>(
      self, default_wait_ms(self), ta::describe_groups_request{req.groups},
      [self, rc](ta::describe_groups_response& in) {
        pk::describe_groups_response out;
        for (auto& g : in.groups) {
          pk::describe_groups_response::described_group dg;
          dg.error_code = g.error;
          dg.group_id = g.group_id;
          dg.group_state = g.state;
          dg.protocol_type = g.protocol_type;
          dg.protocol_data = g.protocol_name;
          for (auto& m : g.members) {
            pk::describe_groups_response::described_group_member dm;
            dm.member_id = m.member_id;
            if (!m.group_instance_id.empty())
              dm.group_instance_id = m.group_instance_id;
            dm.client_id = m.client_id;
            dm.client_host = m.client_host;
            dm.member_metadata = std::move(m.metadata);
            dm.member_assignment = std::move(m.assignment);
            dg.members.push_back(std::move(dm));
          }
          out.groups.push_back(std::move(dg));
        }
        respond(self, rc, out);
      },
      [self, rc, names](int16_t code, const std::string&) {
        pk::describe_groups_response out;
        for (const auto& n : names) {
          pk::describe_groups_response::described_group dg;
          dg.error_code = code;
          dg.group_id = n;
          out.groups.push_back(std::move(dg));
        }
        respond(self, rc, out);
      });
}

void handle_list_groups(connection_self self, const request_context& rc, pk::wire_reader& r) {
  pk::list_groups_request req;
  if (!decode_request(self, rc, r, req))
    return;
  // types_filter (v5, KIP-848) is beyond our cap; every group here is "classic".
  ask_broker<ta::list_groups_response>(
      self, default_wait_ms(self), ta::list_groups_request{req.states_filter},
      [self, rc](ta::list_groups_response& in) {
        pk::list_groups_response out;
        out.error_code = in.error;
        for (const auto& g : in.groups)
          out.groups.push_back({g.group_id, g.protocol_type, g.state, "classic"});
        respond(self, rc, out);
      },
      [self, rc](int16_t code, const std::string&) {
        pk::list_groups_response out;
        out.error_code = code;
        respond(self, rc, out);
      });
}

void handle_delete_groups(connection_self self, const request_context& rc, pk::wire_reader& r) {
  pk::delete_groups_request req;
  if (!decode_request(self, rc, r, req))
    return;
  auto names = req.groups_names;
  ask_broker<ta::delete_groups_response>(
      self, default_wait_ms(self), ta::delete_groups_request{req.groups_names},
      [self, rc](ta::delete_groups_response& in) {
        pk::delete_groups_response out;
        for (const auto& g : in.groups)
          out.results.push_back({g.group_id, g.error});
        respond(self, rc, out);
      },
      [self, rc, names](int16_t code, const std::string&) {
        pk::delete_groups_response out;
        for (const auto& n : names)
          out.results.push_back({n, code});
        respond(self, rc, out);
      });
}

} // namespace tributary::kafka
