#pragma once
// What every connection of one Kafka listener shares: the broker to ask, how this node is
// advertised to clients on this listener, and the request limits. Immutable after the
// listener starts, so connection actors read it without locks.

#include "tributary/actors/broker_actor.hpp"

#include <atomic>
#include <cstdint>
#include <string>

namespace tributary::kafka {

struct listener_context {
  actors::broker_actor broker;
  int32_t node_id = 0;
  std::string listener_name;               // "PLAINTEXT"
  std::string advertised_host;             // what Metadata and FindCoordinator tell clients
  std::atomic<int32_t> advertised_port{0}; // the bound port when advertised.listeners says 0
  /// How long a connection actor waits for the broker beyond the request's own timeout.
  int32_t broker_timeout_margin_ms = 5000;
  /// Bound for requests without a timeout of their own (metadata, groups, admin).
  int32_t default_request_timeout_ms = 30000;
};

} // namespace tributary::kafka
