// Consumer groups and producer ids on the broker: FindCoordinator (this node), routing of group
// requests by group_id to one coordinator actor per group (spawned on first use, monitored),
// DescribeGroups / ListGroups / DeleteGroups across stored and live groups, the offsets expiry
// timer, and InitProducerId through the metadata store.
#include "broker_state.hpp"

#include "jobs.hpp"

#include "tributary/actors/group_coordinator.hpp"
#include "tributary/storage/metadata/metadata_store.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <set>
#include <utility>

namespace tributary::actors {

using protocol::kafka_error;
namespace md = storage::metadata;

namespace {

/// transaction.max.timeout.ms (Kafka's default).
constexpr int32_t k_max_transaction_timeout_ms = 900000;

template <class Response>
void set_error(Response& r, kafka_error e, const std::string& msg) {
  r.error = code(e);
  if constexpr (std::is_same_v<Response, join_group_response> ||
                std::is_same_v<Response, sync_group_response>)
    r.error_message = msg;
}

void set_error(offset_commit_response& r, const offset_commit_request& req, kafka_error e,
               const std::string& msg) {
  for (auto& p : req.partitions)
    r.partitions.push_back({p.topic, p.partition, code(e), msg});
}

template <class Response, class Request>
caf::result<Response> route(broker_self self, Request& req) {
  kafka_error e = kafka_error::none;
  std::string msg;
  if (req.group_id.empty()) {
    e = kafka_error::invalid_group_id;
    msg = "the group id must not be empty";
  } else if (self->state.is_shutting_down) {
    e = kafka_error::coordinator_not_available;
    msg = "node is shutting down; group '" + req.group_id + "' has no coordinator";
  }
  if (e == kafka_error::none)
    return self->delegate(group_for(self, req.group_id), std::move(req));
  ++self->state.meta.counters.errors;
  Response r;
  if constexpr (std::is_same_v<Response, offset_commit_response>)
    set_error(r, req, e, msg);
  else
    set_error(r, e, msg);
  return r;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

described_group dead_group(const std::string& id) {
  described_group g;
  g.group_id = id;
  g.state = "Dead";
  return g;
}

} // namespace

group_actor group_for(broker_self self, const std::string& group_id) {
  auto& st = self->state;
  auto i = st.groups.find(group_id);
  if (i != st.groups.end())
    return i->second;
  auto& cfg = st.spec.config;
  group_spec spec;
  spec.group_id = group_id;
  spec.settings.initial_rebalance_delay_ms = cfg.group_initial_rebalance_delay_ms;
  spec.settings.min_session_timeout_ms = cfg.group_min_session_timeout_ms;
  spec.settings.max_session_timeout_ms = cfg.group_max_session_timeout_ms;
  spec.settings.max_size = cfg.group_max_size;
  spec.settings.offsets_retention_ms = int64_t{cfg.offsets_retention_minutes} * 60000;
  spec.settings.node_id = self_node_id(self);
  spec.parent = st.meta.name;
  auto g = spawn_group_coordinator(self->system(), std::move(spec),
                                   group_deps{st.deps.metadata, st.deps.inspector});
  self->monitor(g);
  st.groups.emplace(group_id, g);
  return g;
}

caf::result<join_group_response> handle_group(broker_self self, join_group_request& req) {
  return route<join_group_response>(self, req);
}
caf::result<sync_group_response> handle_group(broker_self self, sync_group_request& req) {
  return route<sync_group_response>(self, req);
}
caf::result<heartbeat_response> handle_group(broker_self self, heartbeat_request& req) {
  return route<heartbeat_response>(self, req);
}
caf::result<leave_group_response> handle_group(broker_self self, leave_group_request& req) {
  return route<leave_group_response>(self, req);
}
caf::result<offset_commit_response> handle_group(broker_self self, offset_commit_request& req) {
  return route<offset_commit_response>(self, req);
}
caf::result<offset_fetch_response> handle_group(broker_self self, offset_fetch_request& req) {
  return route<offset_fetch_response>(self, req);
}
caf::result<offset_delete_response> handle_group(broker_self self, offset_delete_request& req) {
  return route<offset_delete_response>(self, req);
}

caf::result<find_coordinator_response> handle_find_coordinator(broker_self self,
                                                               find_coordinator_request& req) {
  find_coordinator_response r;
  if (req.key_type == 1) {
    r.error = code(kafka_error::coordinator_not_available);
    r.error_message = "transactions are not supported yet: transactional id '" + req.key +
                      "' has no transaction coordinator";
  } else if (req.key_type != 0) {
    r.error = code(kafka_error::invalid_request);
    r.error_message = "coordinator key type " + std::to_string(req.key_type) +
                      " is not one of 0 (group) and 1 (transaction)";
  } else if (req.key.empty()) {
    r.error = code(kafka_error::invalid_group_id);
    r.error_message = "the group id must not be empty";
  } else if (self->state.is_shutting_down) {
    r.error = code(kafka_error::coordinator_not_available);
    r.error_message = "node is shutting down";
  } else {
    r.coordinator = self_node(self);
  }
  return r;
}

caf::result<describe_groups_response> handle_describe_groups(broker_self self,
                                                             describe_groups_request& req) {
  auto rp = self->make_response_promise<describe_groups_response>();
  auto ids = std::move(req.groups);
  on_store(
      self, self->state.deps.metadata, [](md::metadata_store& s) { return s.list_groups(); },
      [=](result<std::vector<md::group_overview>> stored) mutable {
        std::set<std::string> known;
        if (stored)
          for (auto& g : *stored)
            known.insert(g.group_id);
        struct pending {
          describe_groups_response response;
          size_t outstanding = 0;
        };
        auto p = std::make_shared<pending>();
        p->response.groups.resize(ids.size());
        for (size_t i = 0; i < ids.size(); ++i) {
          auto& id = ids[i];
          p->response.groups[i] = dead_group(id);
          if (id.empty()) {
            p->response.groups[i].error = code(kafka_error::invalid_group_id);
            continue;
          }
          if (self->state.groups.count(id) == 0 && known.count(id) == 0)
            continue;
          ++p->outstanding;
          self->request(group_for(self, id), k_job_timeout, describe_group{})
              .then(
                  [=](described_group& g) mutable {
                    g.group_id = p->response.groups[i].group_id;
                    p->response.groups[i] = std::move(g);
                    if (--p->outstanding == 0)
                      rp.deliver(std::move(p->response));
                  },
                  [=](caf::error&) mutable {
                    p->response.groups[i].error = code(kafka_error::coordinator_not_available);
                    if (--p->outstanding == 0)
                      rp.deliver(std::move(p->response));
                  });
        }
        if (p->outstanding == 0)
          rp.deliver(std::move(p->response));
      });
  return rp;
}

caf::result<list_groups_response> handle_list_groups(broker_self self, list_groups_request& req) {
  auto rp = self->make_response_promise<list_groups_response>();
  std::set<std::string> filter;
  for (auto& s : req.states_filter)
    filter.insert(lower(s));
  on_store(
      self, self->state.deps.metadata, [](md::metadata_store& s) { return s.list_groups(); },
      [=](result<std::vector<md::group_overview>> stored) mutable {
        struct pending {
          std::map<std::string, listed_group> groups;
          size_t outstanding = 0;
          int16_t error = 0;
        };
        auto p = std::make_shared<pending>();
        if (stored)
          for (auto& g : *stored)
            p->groups[g.group_id] =
                listed_group{g.group_id, g.protocol_type, std::string{md::to_string(g.state)}};
        else
          p->error = code(to_kafka(stored.error()));
        auto finish = [p, rp, filter]() mutable {
          list_groups_response r;
          r.error = p->error;
          for (auto& [id, g] : p->groups)
            if (filter.empty() || filter.count(lower(g.state)) > 0)
              r.groups.push_back(std::move(g));
          rp.deliver(std::move(r));
        };
        // Live coordinators know states the store has not caught up with.
        p->outstanding = self->state.groups.size() + 1;
        for (auto& [id, actor] : self->state.groups) {
          self->request(actor, k_job_timeout, describe_group{})
              .then(
                  [=, id = id](described_group& g) mutable {
                    if (g.state != "Dead")
                      p->groups[id] = listed_group{id, g.protocol_type, g.state};
                    else
                      p->groups.erase(id);
                    if (--p->outstanding == 0)
                      finish();
                  },
                  [=](caf::error&) mutable {
                    if (--p->outstanding == 0)
                      finish();
                  });
        }
        if (--p->outstanding == 0)
          finish();
      });
  return rp;
}

caf::result<delete_groups_response> handle_delete_groups(broker_self self,
                                                         delete_groups_request& req) {
  auto rp = self->make_response_promise<delete_groups_response>();
  auto ids = std::move(req.groups);
  on_store(
      self, self->state.deps.metadata, [](md::metadata_store& s) { return s.list_groups(); },
      [=](result<std::vector<md::group_overview>> stored) mutable {
        std::set<std::string> known;
        if (stored)
          for (auto& g : *stored)
            known.insert(g.group_id);
        struct pending {
          delete_groups_response response;
          size_t outstanding = 1;
        };
        auto p = std::make_shared<pending>();
        auto step = [p, rp]() mutable {
          if (--p->outstanding == 0)
            rp.deliver(std::move(p->response));
        };
        p->response.groups.resize(ids.size());
        for (size_t i = 0; i < ids.size(); ++i) {
          auto& r = p->response.groups[i];
          r.group_id = ids[i];
          if (ids[i].empty()) {
            r.error = code(kafka_error::invalid_group_id);
            r.error_message = "the group id must not be empty";
          } else if (self->state.groups.count(ids[i]) == 0 && known.count(ids[i]) == 0) {
            r.error = code(kafka_error::group_id_not_found);
            r.error_message = "group '" + ids[i] + "' does not exist";
          } else {
            ++p->outstanding;
            auto coordinator = group_for(self, ids[i]);
            self->request(coordinator, k_job_timeout, delete_group{})
                .then(
                    [=](group_result& g) mutable {
                      // A deleted group's coordinator quits: forget it now, not at its down
                      // message, so the next request for this id gets a fresh coordinator.
                      auto& groups = self->state.groups;
                      auto it = groups.find(ids[i]);
                      if (g.error == 0 && it != groups.end() && it->second == coordinator) {
                        self->demonitor(coordinator.address());
                        groups.erase(it);
                      }
                      g.group_id = p->response.groups[i].group_id;
                      p->response.groups[i] = std::move(g);
                      step();
                    },
                    [=](caf::error& err) mutable {
                      p->response.groups[i].error = code(kafka_error::coordinator_not_available);
                      p->response.groups[i].error_message =
                          "the coordinator of group '" + p->response.groups[i].group_id +
                          "' did not answer: " + caf::to_string(err);
                      step();
                    });
          }
        }
        step();
      });
  return rp;
}

caf::result<init_producer_id_response> handle_init_producer_id(broker_self self,
                                                               init_producer_id_request& req) {
  auto rp = self->make_response_promise<init_producer_id_response>();
  auto fail = [rp](kafka_error e, std::string msg) mutable {
    init_producer_id_response r;
    r.error = code(e);
    r.error_message = std::move(msg);
    rp.deliver(std::move(r));
  };
  if (req.transactional_id.empty()) {
    // Idempotent producer: always a fresh id at epoch 0 (Kafka's coordinator does the same).
    on_store(
        self, self->state.deps.metadata,
        [](md::metadata_store& s) { return s.allocate_producer_ids(1); },
        [=](result<md::producer_id_block> b) mutable {
          if (!b)
            return fail(to_kafka(b.error()), "no producer id: " + b.error().message());
          init_producer_id_response r;
          r.producer_id = b->first.value;
          r.producer_epoch = 0;
          rp.deliver(std::move(r));
        });
    return rp;
  }
  if (req.transaction_timeout_ms <= 0 ||
      req.transaction_timeout_ms > k_max_transaction_timeout_ms) {
    fail(kafka_error::invalid_transaction_timeout,
         "transaction.timeout.ms " + std::to_string(req.transaction_timeout_ms) +
             " must be between 1 and " + std::to_string(k_max_transaction_timeout_ms));
    return rp;
  }
  on_store(
      self, self->state.deps.metadata,
      [id = req.transactional_id, timeout = req.transaction_timeout_ms](md::metadata_store& s) {
        return s.init_transactional_producer(id, timeout);
      },
      [=](result<md::transactional_producer> t) mutable {
        if (!t)
          return fail(to_kafka(t.error()),
                      "no producer id for transactional id: " + t.error().message());
        init_producer_id_response r;
        r.producer_id = t->id.value;
        r.producer_epoch = t->epoch.value;
        rp.deliver(std::move(r));
      });
  return rp;
}

void expire_offsets(broker_self self) {
  auto retention_ms = int64_t{self->state.spec.config.offsets_retention_minutes} * 60000;
  auto& clock = self->state.spec.now_ms;
  auto now = clock ? clock() : wall_clock_ms();
  on_store(
      self, self->state.deps.metadata,
      [now, retention_ms](md::metadata_store& s) { return s.expire_offsets(now, retention_ms); },
      [](result<std::vector<md::expired_offset>> r) {
        if (!r)
          broker_log()->warn("offsets expiry failed: {}", r.error().message());
        else if (!r->empty())
          broker_log()->info("expired {} committed offsets (offsets.retention.minutes)", r->size());
      });
}

void schedule_offsets_expiry(broker_self self) {
  auto seq = ++self->state.timer_seq;
  auto interval =
      std::chrono::milliseconds(std::max<int64_t>(self->state.spec.offsets_check_interval_ms, 1));
  self->delayed_send(self, interval, timer_tick{timer_offsets_expiry, seq, {}});
}

} // namespace tributary::actors
