// register_inspectable: a small proxy actor per registered component. It registers with the
// node's inspector through the broker (the inspector monitors it and forgets it when it
// exits or its process loses the connection) and answers the inspector's stats_request from
// the component's sample function.
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
  if (conn.is_lost())
    return make_error(protocol::kafka_error::network_exception,
                      "the connection to " + conn.description() + " was lost");
  // A remote node reaches the proxy through the middleman; it files it under its own id.
  auto* node = conn.embedded_node();
  auto node_id = node != nullptr ? static_cast<int32_t>(node->config().node_id.value) : -1;
  auto first = sample(); // the inspector files the actor under this kind, name and parent
  auto proxy = conn.system().spawn(inspectable_proxy, std::move(sample), node_id);
  caf::anon_send(conn.broker(),
                 actors::register_actor{proxy.address(), first.kind, first.name, first.parent});
  // The last copy of the registration stops the proxy; the inspector then forgets it. It
  // keeps the connection (and so the actor system the proxy lives in) until then.
  struct stopper {
    stopper(connection c, caf::actor p) : conn(std::move(c)), proxy(std::move(p)) {}
    stopper(const stopper&) = delete;
    stopper& operator=(const stopper&) = delete;
    ~stopper() { caf::anon_send_exit(proxy, caf::exit_reason::user_shutdown); }
    connection conn;
    caf::actor proxy;
  };
  auto stop = std::make_shared<stopper>(conn, std::move(proxy));
  return inspection_registration{std::move(stop)};
}

} // namespace tributary::client
