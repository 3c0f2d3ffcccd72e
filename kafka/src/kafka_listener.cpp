// Starting the Kafka listeners: limits from broker settings, the advertised address per
// listener, and the factory that spawns one connection actor per client.
#include "tributary/kafka/kafka_listener.hpp"

#include "connection_actor.hpp"

#include "caf/actor_system.hpp"
#include "caf/send.hpp"

namespace tributary::kafka {

namespace {

server_limits limits_of(const config::broker_config& cfg) {
  server_limits l;
  if (cfg.socket_request_max_bytes > 0)
    l.socket_request_max_bytes = cfg.socket_request_max_bytes;
  if (cfg.max_connections > 0)
    l.max_connections = cfg.max_connections;
  if (cfg.connections_max_idle_ms != 0)
    l.connections_max_idle_ms = cfg.connections_max_idle_ms;
  return l;
}

/// The advertised listener with the same name, else the first advertised, else the bind
/// address itself (a wildcard bind advertises 127.0.0.1).
config::listener advertised_for(const config::broker_config& cfg, const config::listener& bound) {
  for (const auto& a : cfg.advertised_listeners)
    if (a.name == bound.name)
      return a;
  if (!cfg.advertised_listeners.empty() && cfg.advertised_listeners.size() == 1)
    return cfg.advertised_listeners.front();
  auto out = bound;
  if (out.host.empty() || config::is_wildcard_host(out.host))
    out.host = "127.0.0.1";
  return out;
}

} // namespace

result<std::unique_ptr<kafka_listener>> kafka_listener::start(caf::actor_system& system,
                                                              actors::broker_actor broker,
                                                              const config::broker_config& cfg,
                                                              std::string* why) {
  std::unique_ptr<kafka_listener> out{new kafka_listener};
  for (const auto& bind_to : cfg.listeners) {
    auto ctx = std::make_shared<listener_context>();
    ctx->broker = broker;
    ctx->node_id = cfg.node_id.value;
    ctx->listener_name = bind_to.name;
    auto adv = advertised_for(cfg, bind_to);
    ctx->advertised_host = adv.host;
    ctx->advertised_port.store(adv.port);
    // With port 0 the advertised port is known only after binding: it is atomic because a
    // client may connect before start() returns.
    auto* ctx_raw = ctx.get();
    auto factory = [&system, ctx](const connection_info& info,
                                  std::shared_ptr<response_sink> sink) -> caf::actor {
      return system.spawn(connection_actor, std::shared_ptr<const listener_context>(ctx),
                          std::move(sink), info);
    };
    auto server = tcp_server::start(bind_to, limits_of(cfg), std::move(factory), why);
    if (!server) {
      out->stop(std::chrono::milliseconds(0));
      return unexpected(server.error());
    }
    if (ctx_raw->advertised_port.load() == 0)
      ctx_raw->advertised_port.store((*server)->port());
    out->servers_.push_back(std::move(*server));
  }
  if (!out->servers_.empty()) {
    actors::native_listener_bound bound;
    bound.kafka_port = out->servers_.front()->port();
    caf::anon_send(broker, bound);
  }
  return out;
}

kafka_listener::~kafka_listener() {
  stop(std::chrono::milliseconds(0));
}

std::vector<uint16_t> kafka_listener::ports() const {
  std::vector<uint16_t> out;
  for (const auto& s : servers_)
    out.push_back(s->port());
  return out;
}

void kafka_listener::stop(std::chrono::milliseconds drain) {
  for (auto& s : servers_)
    s->stop(drain);
}

server_stats kafka_listener::stats() const {
  server_stats sum;
  for (const auto& s : servers_) {
    auto st = s->stats();
    sum.connections_open += st.connections_open;
    sum.connections_accepted += st.connections_accepted;
    sum.connections_refused += st.connections_refused;
    sum.closed_bad_frame += st.closed_bad_frame;
    sum.closed_idle += st.closed_idle;
    sum.closed_by_actor += st.closed_by_actor;
    sum.closed_bad_response += st.closed_bad_response;
    sum.reads_paused += st.reads_paused;
    sum.bytes_in += st.bytes_in;
    sum.bytes_out += st.bytes_out;
    sum.frames_in += st.frames_in;
    sum.frames_out += st.frames_out;
  }
  return sum;
}

} // namespace tributary::kafka
