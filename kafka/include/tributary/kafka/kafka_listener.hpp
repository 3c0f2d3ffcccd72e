#pragma once
// kafka_listener: a node's Kafka wire-protocol endpoints. One tcp_server per entry of
// `listeners`; each connection gets a connection actor that turns Kafka requests into
// messages to the node's broker actor -- the same actors the native client talks to.

#include "tributary/actors/broker_actor.hpp"
#include "tributary/common/result.hpp"
#include "tributary/config/broker_config.hpp"
#include "tributary/kafka/tcp_server.hpp"

#include "caf/fwd.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace tributary::kafka {

/// Owned by the node's main (or a test embedding a node). start/stop from one thread;
/// ports()/stats() from any. Stop it before the node: it drains in-flight requests.
class kafka_listener {
public:
  /// Binds every listener of `config.listeners` (port 0: any free port) and tells the
  /// broker the first bound port, so Metadata advertises it when advertised.listeners says
  /// port 0. Fails with `why` = "cannot listen on 127.0.0.1:9092: Address already in use".
  static result<std::unique_ptr<kafka_listener>> start(caf::actor_system& system,
                                                       actors::broker_actor broker,
                                                       const config::broker_config& config,
                                                       std::string* why = nullptr);
  ~kafka_listener(); // stop(0 ms) unless stopped
  kafka_listener(const kafka_listener&) = delete;
  kafka_listener& operator=(const kafka_listener&) = delete;

  /// The bound port of each listener, in `listeners` order.
  std::vector<uint16_t> ports() const;
  /// Stops accepting, answers what is in flight (bounded by `drain`), closes connections.
  void stop(std::chrono::milliseconds drain);
  /// Counters summed over every listener.
  server_stats stats() const;

private:
  kafka_listener() = default;
  std::vector<std::unique_ptr<tcp_server>> servers_;
};

} // namespace tributary::kafka
