// register_inspectable: a small proxy actor per registered component. It registers with the
// node's inspector (which monitors it and forgets it when it exits) and answers the
// inspector's stats_request from the component's sample function.
#include "tributary/client/inspection.hpp"

#include "tributary/actors/messages/control.hpp"
#include "tributary/actors/messages/inspection.hpp"
#include "tributary/actors/node.hpp"

#include <caf/all.hpp>

#include <chrono>

namespace tributary::client {

namespace {

caf::behavior inspectable_proxy(caf::event_based_actor* self, std::function<inspected()> sample,
                                int32_t node_id) {
  auto started = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
  return {
      [=](actors::stats_request) -> actors::actor_info {
        auto s = sample();
        actors::actor_info info;
        info.actor_id = self->id();
        info.node_id = node_id;
        info.kind = std::move(s.kind);
        info.name = std::move(s.name);
        info.parent = std::move(s.parent);
        info.mailbox_depth = self->mailbox().size();
        info.started_ms = started;
        info.counters.records_in = s.records_in;
        info.counters.records_out = s.records_out;
        info.counters.errors = s.errors;
        for (auto& [k, v] : s.details)
          info.details.push_back(actors::config_kv{k, v});
        return info;
      },
  };
}

} // namespace

outcome<inspection_registration> register_inspectable(const connection& conn,
                                                      std::function<inspected()> sample) {
  auto* node = conn.embedded_node();
  if (node == nullptr || !node->inspector())
    return make_error(protocol::kafka_error::invalid_request,
                      "only components of a process with an embedded node can be inspected");
  auto first = sample(); // the inspector files the actor under this kind, name and parent
  auto proxy = conn.system().spawn(inspectable_proxy, std::move(sample),
                                   static_cast<int32_t>(node->config().node_id.value));
  caf::anon_send(node->inspector(),
                 actors::register_actor{proxy.address(), first.kind, first.name, first.parent});
  // The last copy of the registration stops the proxy; the inspector then forgets it.
  struct stopper {
    caf::actor proxy;
    ~stopper() { caf::anon_send_exit(proxy, caf::exit_reason::user_shutdown); }
  };
  auto stop = std::make_shared<stopper>();
  stop->proxy = std::move(proxy);
  return inspection_registration{std::move(stop)};
}

} // namespace tributary::client
