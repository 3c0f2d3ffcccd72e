// The broker actor (broker.hpp): loads topics from the metadata actor before serving
// (broker_partitions.cpp), owns one partition actor per partition and group coordinators, and
// dispatches every request to the handler functions of broker_*.cpp. Supervision: partitions and
// groups are monitored; a partition that dies unexpectedly is respawned, a group coordinator is
// spawned again on its next request; shutdown_request closes all of them (flush, checkpoint) before
// the broker quits.
#include "broker_state.hpp"

#include "jobs.hpp"

#include "tributary/actors/errc.hpp"
#include "tributary/config/errc.hpp"
#include "tributary/protocol/errc.hpp"
#include "tributary/storage/errc.hpp"
#include "tributary/storage/metadata/metadata_store.hpp"

#include <utility>

namespace tributary::actors {

using protocol::kafka_error;
namespace md = storage::metadata;

std::shared_ptr<spdlog::logger> broker_log() {
  auto log = spdlog::get("tributary");
  return log ? log : spdlog::default_logger();
}

int16_t code(kafka_error e) {
  return protocol::code_of(e);
}

kafka_error to_kafka(std::error_code ec) {
  if (!ec)
    return kafka_error::none;
  if (ec.category() == protocol::kafka_category())
    return protocol::to_kafka_error(static_cast<int16_t>(ec.value()));
  if (ec.category() == md::metadata_category()) {
    switch (static_cast<md::errc>(ec.value())) {
    case md::errc::topic_already_exists:
      return kafka_error::topic_already_exists;
    case md::errc::unknown_topic:
    case md::errc::unknown_partition:
      return kafka_error::unknown_topic_or_partition;
    case md::errc::invalid_partitions:
      return kafka_error::invalid_partitions;
    case md::errc::invalid_replication_factor:
      return kafka_error::invalid_replication_factor;
    case md::errc::fenced_leader_epoch:
      return kafka_error::fenced_leader_epoch;
    case md::errc::unknown_group:
      return kafka_error::group_id_not_found;
    case md::errc::unknown_member:
      return kafka_error::unknown_member_id;
    case md::errc::invalid_topic_name:
      return kafka_error::invalid_topic_exception;
    case md::errc::invalid_argument:
      return kafka_error::invalid_request;
    case md::errc::unknown_transactional_id:
      return kafka_error::transactional_id_not_found;
    case md::errc::disk_full:
    case md::errc::io_error:
    case md::errc::read_only:
      return kafka_error::kafka_storage_error;
    default:
      return kafka_error::unknown_server_error;
    }
  }
  if (ec.category() == make_error_code(errc::worker_timeout).category())
    return ec == errc::worker_timeout ? kafka_error::request_timed_out
                                      : kafka_error::broker_not_available;
  if (ec.category() == config::config_category())
    return kafka_error::invalid_config;
  if (ec.category() == protocol::make_error_code(protocol::errc::truncated).category())
    return kafka_error::corrupt_message;
  if (ec.category() == storage::make_error_code(storage::errc::io_error).category())
    return kafka_error::kafka_storage_error;
  return kafka_error::unknown_server_error;
}

const broker_node& self_node(broker_self self) {
  return self->state.spec.self;
}

int32_t self_node_id(broker_self self) {
  return self->state.spec.config.node_id.value;
}

namespace {

/// Closes every partition and group (flush, checkpoint, save), then answers and quits.
caf::result<close_response> handle_shutdown(broker_self self, const shutdown_request& req) {
  auto& st = self->state;
  st.is_shutting_down = true;
  auto rp = self->make_response_promise<close_response>();
  struct pending {
    size_t outstanding = 0;
    close_response result;
  };
  auto p = std::make_shared<pending>();
  std::vector<caf::actor> children;
  for (auto& [name, t] : st.topics)
    for (auto& a : t.partitions)
      children.push_back(caf::actor_cast<caf::actor>(a));
  for (auto& [id, g] : st.groups)
    children.push_back(caf::actor_cast<caf::actor>(g));
  auto deadline = std::chrono::milliseconds(std::max(req.deadline_ms, 1));
  auto finish = [=]() mutable {
    for (auto& c : children)
      self->send_exit(c, caf::exit_reason::user_shutdown);
    broker_log()->info("broker {}: closed {} partitions and groups", self_node_id(self),
                       children.size());
    rp.deliver(std::move(p->result));
    self->quit(caf::exit_reason::user_shutdown); // takes linked fetch sessions along
  };
  p->outstanding = children.size();
  if (children.empty()) {
    finish();
    return rp;
  }
  for (auto& c : children) {
    self->demonitor(c);
    self->request(c, deadline, close_request{false})
        .then(
            [=](close_response& r) mutable {
              if (r.error != 0 && p->result.error == 0)
                p->result = std::move(r);
              if (--p->outstanding == 0)
                finish();
            },
            [=](caf::error& err) mutable {
              if (p->result.error == 0) {
                p->result.error = code(kafka_error::request_timed_out);
                p->result.error_message =
                    "an actor did not close within the shutdown deadline: " + caf::to_string(err);
              }
              if (--p->outstanding == 0)
                finish();
            });
  }
  return rp;
}

void install_handlers(broker_self self) {
  self->set_down_handler([=](caf::down_msg& dm) { on_down(self, dm); });
  self->set_exit_handler([=](caf::exit_msg& em) {
    if (!em.reason)
      return; // a linked fetch session finished
    // The node's last resort after a shutdown_request that timed out: take children along.
    for (auto& [name, t] : self->state.topics)
      for (auto& a : t.partitions)
        self->send_exit(a, em.reason);
    for (auto& [id, g] : self->state.groups)
      self->send_exit(g, em.reason);
    self->quit(em.reason);
  });
  self->set_exception_handler([=](std::exception_ptr& ep) -> caf::error {
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      broker_log()->critical("broker: a continuation threw (a bug), the broker stops: {}",
                             e.what());
    } catch (...) {
      broker_log()->critical("broker: a continuation threw (a bug), the broker stops");
    }
    // Only continuations (then-handlers) can get here: guarded() catches in handlers. CAF
    // 0.17 terminates the actor whatever this returns; say why.
    return caf::sec::runtime_error;
  });
}

caf::result<describe_cluster_response> describe_cluster(broker_self self,
                                                        const describe_cluster_request&) {
  auto& st = self->state;
  describe_cluster_response r;
  r.cluster_id = st.spec.cluster_id;
  r.controller_id = self_node_id(self);
  r.brokers = {self_node(self)};
  r.version = "0.1.0"; // tributary's version (CMake project version)
  r.data_dir = st.spec.config.data_dir;
  r.started_ms = st.spec.started_ms;
  r.topic_count = static_cast<int32_t>(st.topics.size());
  for (auto& [name, t] : st.topics)
    r.partition_count += static_cast<int32_t>(t.partitions.size());
  r.group_count = static_cast<int32_t>(st.groups.size());
  r.actor_count = static_cast<int32_t>(self->system().registry().running());
  return r;
}

actor_info broker_stats(broker_self self) {
  auto& st = self->state;
  size_t partitions = 0;
  for (auto& [name, t] : st.topics)
    partitions += t.partitions.size();
  return make_actor_info(self, st.meta,
                         {{"topics", std::to_string(st.topics.size())},
                          {"partitions", std::to_string(partitions)},
                          {"groups", std::to_string(st.groups.size())},
                          {"native_port", std::to_string(st.spec.self.native_port)},
                          {"state", st.is_shutting_down ? "shutting down" : "serving"}});
}

/// True (and counted as an error) when the broker refuses work because it is shutting down.
bool is_refused(broker_self self) {
  if (!self->state.is_shutting_down)
    return false;
  ++self->state.meta.counters.messages;
  ++self->state.meta.counters.errors;
  return true;
}

/// Runs one request handler. Handlers do not throw by design; should one throw anyway (a
/// bug, or bad_alloc), the requester gets an error and the broker keeps serving: CAF 0.17's
/// exception handler would terminate the actor whatever it returns.
template <class R, class F>
caf::result<R> guarded(broker_self self, F&& f) {
  ++self->state.meta.counters.messages;
  try {
    return f();
  } catch (const std::exception& e) {
    ++self->state.meta.counters.errors;
    broker_log()->error("broker: a request handler threw (a bug): {}", e.what());
    return caf::make_error(caf::sec::runtime_error, std::string{"broker: "} + e.what());
  } catch (...) {
    ++self->state.meta.counters.errors;
    broker_log()->error("broker: a request handler threw an unknown exception (a bug)");
    return caf::make_error(caf::sec::runtime_error, std::string{"broker: unknown exception"});
  }
}

const char* k_shutting_down = "node is shutting down";

template <class Response>
Response refused() {
  Response r;
  r.error = code(kafka_error::broker_not_available);
  return r;
}

broker_actor::behavior_type broker_impl(broker_self self, broker_spec spec, broker_deps deps) {
  auto& st = self->state;
  st.spec = std::move(spec);
  st.deps = std::move(deps);
  auto id = std::to_string(st.spec.config.node_id.value);
  st.meta.kind = "broker";
  st.meta.name = "broker " + id;
  st.meta.parent = "node " + id;
  st.meta.node_id = st.spec.config.node_id.value;
  if (st.spec.self.node_id != st.spec.config.node_id.value)
    st.spec.self.node_id = st.spec.config.node_id.value;
  install_handlers(self);
  register_with(st.deps.inspector, self, st.meta);
  load_topics(self);
  schedule_offsets_expiry(self);
  return {
      [=](metadata_request& r) -> caf::result<metadata_response> {
        return guarded<metadata_response>(self, [&] { return handle_metadata(self, r); });
      },
      [=](produce_request& r) -> caf::result<produce_response> {
        if (is_refused(self)) {
          produce_response out;
          out.topic = r.topic;
          out.partition = r.partition;
          out.error = code(kafka_error::not_leader_or_follower);
          out.error_message = k_shutting_down;
          return out;
        }
        return guarded<produce_response>(self, [&] { return handle_produce(self, r); });
      },
      [=](fetch_request& r) -> caf::result<fetch_response> {
        if (is_refused(self))
          return refused<fetch_response>();
        return guarded<fetch_response>(self, [&] { return handle_fetch(self, r); });
      },
      [=](list_offsets_request& r) -> caf::result<list_offsets_response> {
        return guarded<list_offsets_response>(self, [&] { return handle_list_offsets(self, r); });
      },
      [=](delete_records_request& r) -> caf::result<delete_records_response> {
        return guarded<delete_records_response>(self,
                                                [&] { return handle_delete_records(self, r); });
      },
      [=](create_topics_request& r) -> caf::result<create_topics_response> {
        return guarded<create_topics_response>(self, [&] { return handle_create_topics(self, r); });
      },
      [=](delete_topics_request& r) -> caf::result<delete_topics_response> {
        return guarded<delete_topics_response>(self, [&] { return handle_delete_topics(self, r); });
      },
      [=](create_partitions_request& r) -> caf::result<create_partitions_response> {
        return guarded<create_partitions_response>(
            self, [&] { return handle_create_partitions(self, r); });
      },
      [=](describe_configs_request& r) -> caf::result<describe_configs_response> {
        return guarded<describe_configs_response>(self,
                                                  [&] { return handle_describe_configs(self, r); });
      },
      [=](alter_configs_request& r) -> caf::result<alter_configs_response> {
        return guarded<alter_configs_response>(self, [&] { return handle_alter_configs(self, r); });
      },
      [=](partition_status_query& r) -> caf::result<partition_status_list> {
        return guarded<partition_status_list>(self,
                                              [&] { return handle_partition_status(self, r); });
      },
      [=](find_coordinator_request& r) -> caf::result<find_coordinator_response> {
        return guarded<find_coordinator_response>(self,
                                                  [&] { return handle_find_coordinator(self, r); });
      },
      [=](join_group_request& r) -> caf::result<join_group_response> {
        return guarded<join_group_response>(self, [&] { return handle_group(self, r); });
      },
      [=](sync_group_request& r) -> caf::result<sync_group_response> {
        return guarded<sync_group_response>(self, [&] { return handle_group(self, r); });
      },
      [=](heartbeat_request& r) -> caf::result<heartbeat_response> {
        return guarded<heartbeat_response>(self, [&] { return handle_group(self, r); });
      },
      [=](leave_group_request& r) -> caf::result<leave_group_response> {
        return guarded<leave_group_response>(self, [&] { return handle_group(self, r); });
      },
      [=](offset_commit_request& r) -> caf::result<offset_commit_response> {
        return guarded<offset_commit_response>(self, [&] { return handle_group(self, r); });
      },
      [=](offset_fetch_request& r) -> caf::result<offset_fetch_response> {
        return guarded<offset_fetch_response>(self, [&] { return handle_group(self, r); });
      },
      [=](offset_delete_request& r) -> caf::result<offset_delete_response> {
        return guarded<offset_delete_response>(self, [&] { return handle_group(self, r); });
      },
      [=](describe_groups_request& r) -> caf::result<describe_groups_response> {
        return guarded<describe_groups_response>(self,
                                                 [&] { return handle_describe_groups(self, r); });
      },
      [=](list_groups_request& r) -> caf::result<list_groups_response> {
        return guarded<list_groups_response>(self, [&] { return handle_list_groups(self, r); });
      },
      [=](delete_groups_request& r) -> caf::result<delete_groups_response> {
        return guarded<delete_groups_response>(self, [&] { return handle_delete_groups(self, r); });
      },
      [=](init_producer_id_request& r) -> caf::result<init_producer_id_response> {
        if (is_refused(self))
          return refused<init_producer_id_response>();
        return guarded<init_producer_id_response>(self,
                                                  [&] { return handle_init_producer_id(self, r); });
      },
      [=](describe_cluster_request& r) -> caf::result<describe_cluster_response> {
        return guarded<describe_cluster_response>(self, [&] { return describe_cluster(self, r); });
      },
      [=](actor_snapshot_request& r) -> caf::result<actor_snapshot> {
        ++self->state.meta.counters.messages;
        if (!self->state.deps.inspector) {
          actor_snapshot s;
          s.node_id = self_node_id(self);
          s.taken_ms = wall_clock_ms();
          s.actors.push_back(broker_stats(self));
          return s;
        }
        return self->delegate(self->state.deps.inspector, std::move(r));
      },
      [=](register_actor& r) {
        // A client's component, possibly in another process: the inspector monitors it
        // through the middleman, so a lost client drops out of the console.
        ++self->state.meta.counters.messages;
        if (self->state.deps.inspector)
          self->send(self->state.deps.inspector, std::move(r));
      },
      [=](shutdown_request& r) -> caf::result<close_response> {
        if (self->state.is_shutting_down)
          return close_response{};
        return guarded<close_response>(self, [&] { return handle_shutdown(self, r); });
      },
      [=](stats_request) -> actor_info { return broker_stats(self); },
      [=](timer_tick& t) {
        if (t.kind == timer_offsets_expiry && t.seq == self->state.timer_seq &&
            !self->state.is_shutting_down) {
          expire_offsets(self);
          schedule_offsets_expiry(self);
        }
      },
      [=](native_listener_bound& b) {
        if (b.native_port >= 0)
          self->state.spec.self.native_port = b.native_port;
        if (b.kafka_port >= 0 && self->state.spec.self.port <= 0)
          self->state.spec.self.port = b.kafka_port; // advertised.listeners said port 0
      },
  };
}

} // namespace

broker_actor spawn_broker(caf::actor_system& sys, broker_spec spec, broker_deps deps) {
  return sys.spawn(broker_impl, std::move(spec), std::move(deps));
}

} // namespace tributary::actors
