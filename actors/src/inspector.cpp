// The inspector actor (inspector.hpp): a directory of registered actors, monitored, and a
// fan-out of stats_request with high priority for snapshots.
#include "tributary/actors/inspector.hpp"

#include "actor_meta.hpp"

#include "caf/all.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace tributary::actors {
namespace {

struct registration {
  caf::actor_addr who;
  std::string kind;
  std::string name;
  std::string parent;
};

struct inspector_state {
  actor_meta meta;
  // Keyed by address, not id: clients' components live in other actor systems, whose ids
  // repeat ours.
  std::map<caf::actor_addr, registration> actors;
  static constexpr const char* name = "inspector";
};

using inspector_self = inspector_actor::stateful_pointer<inspector_state>;

/// A snapshot being collected: one slot per asked actor, filled by answers or, at the
/// deadline, from the registration.
struct pending_snapshot {
  caf::typed_response_promise<actor_snapshot> promise;
  actor_snapshot result;
  std::vector<registration> asked;
  std::vector<bool> answered;
  size_t outstanding = 0;
};

actor_info from_registration(const registration& r, int32_t node_id) {
  actor_info info;
  info.actor_id = r.who.id();
  info.node_id = node_id;
  info.kind = r.kind;
  info.name = r.name;
  info.parent = r.parent;
  info.details.push_back({"answered", "false"});
  return info;
}

void finish(const std::shared_ptr<pending_snapshot>& p, int32_t node_id) {
  for (size_t i = 0; i < p->asked.size(); ++i) {
    if (!p->answered[i]) {
      p->result.actors.push_back(from_registration(p->asked[i], node_id));
      ++p->result.unanswered;
    }
  }
  auto key = [](const actor_info& a) { return std::tie(a.parent, a.kind, a.name, a.actor_id); };
  std::sort(p->result.actors.begin(), p->result.actors.end(),
            [&](const actor_info& a, const actor_info& b) { return key(a) < key(b); });
  p->promise.deliver(std::move(p->result));
}

caf::result<actor_snapshot> take_snapshot(inspector_self self, const actor_snapshot_request& req) {
  auto& st = self->state;
  ++st.meta.counters.messages;
  auto p = std::make_shared<pending_snapshot>();
  p->result.node_id = st.meta.node_id;
  p->result.taken_ms = wall_clock_ms();
  if (req.kind_filter.empty() || req.kind_filter == st.meta.kind)
    p->result.actors.push_back(
        make_actor_info(self, st.meta, {{"registered", std::to_string(st.actors.size())}}));
  for (auto& [addr, r] : st.actors)
    if (req.kind_filter.empty() || req.kind_filter == r.kind)
      p->asked.push_back(r);
  p->answered.assign(p->asked.size(), false);
  p->outstanding = p->asked.size();
  p->promise = self->make_response_promise<actor_snapshot>();
  if (p->outstanding == 0) {
    finish(p, st.meta.node_id);
    return p->promise;
  }
  auto node_id = st.meta.node_id;
  for (size_t i = 0; i < p->asked.size(); ++i) {
    auto dest = caf::actor_cast<caf::actor>(p->asked[i].who);
    auto done = [p, i, node_id](actor_info* info) {
      if (info != nullptr) {
        if (info->node_id < 0) // a client's component: filed under the node it talks to
          info->node_id = node_id;
        p->answered[i] = true;
        p->result.actors.push_back(std::move(*info));
      }
      if (--p->outstanding == 0)
        finish(p, node_id);
    };
    if (!dest) {
      done(nullptr);
      continue;
    }
    auto on_answer = [done](actor_info& info) mutable { done(&info); };
    auto on_error = [done](caf::error&) mutable { done(nullptr); };
    if (dest.node() == self->node()) {
      // caf::duration, not std::chrono: the chrono overload drops the priority (CAF 0.17.6).
      self->request<caf::message_priority::high>(dest, caf::duration{k_snapshot_deadline},
                                                 stats_request{})
          .then(std::move(on_answer), std::move(on_error));
    } else {
      // A client's component in another process: CAF 0.17.6 never delivers a high-priority
      // request through the middleman (it times out), so ask it at normal priority.
      self->request(dest, k_snapshot_deadline, stats_request{})
          .then(std::move(on_answer), std::move(on_error));
    }
  }
  return p->promise;
}

inspector_actor::behavior_type inspector_impl(inspector_self self, int32_t node_id) {
  auto& st = self->state;
  st.meta.kind = "inspector";
  st.meta.name = "inspector " + std::to_string(node_id);
  st.meta.parent = "node " + std::to_string(node_id);
  st.meta.node_id = node_id;
  self->set_down_handler([=](caf::down_msg& dm) { self->state.actors.erase(dm.source); });
  return {
      [=](register_actor& r) {
        ++self->state.meta.counters.messages;
        if (!r.who)
          return;
        if (self->state.actors.count(r.who) == 0)
          self->monitor(r.who);
        self->state.actors[r.who] =
            registration{r.who, std::move(r.kind), std::move(r.name), std::move(r.parent)};
      },
      [=](actor_snapshot_request& req) -> caf::result<actor_snapshot> {
        return take_snapshot(self, req);
      },
      [=](stats_request) -> actor_info {
        ++self->state.meta.counters.messages;
        return make_actor_info(self, self->state.meta,
                               {{"registered", std::to_string(self->state.actors.size())}});
      },
  };
}

} // namespace

inspector_actor spawn_inspector(caf::actor_system& sys, int32_t node_id) {
  return sys.spawn(inspector_impl, node_id);
}

} // namespace tributary::actors
