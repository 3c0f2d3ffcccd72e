#pragma once
// How every Tributary process configures CAF: message types registered once (the same list on
// every node, or remote messages arrive empty), the middleman loaded, and the scheduler chosen
// from measurements (bench/README.md).

#include "caf/fwd.hpp"

#include <cstddef>
#include <string>

namespace tributary::actors {

struct system_options {
  size_t threads = 2;               // scheduler.max-threads
  std::string policy = "sharing";   // 'sharing' or 'stealing' (see bench/README.md)
  bool load_middleman = true;       // remote actors (native listener / remote clients)
  int heartbeat_interval_ms = 1000; // middleman heartbeats detect dead peers
};

/// Registers every message type of actors/messages and applies `opts` to `cfg`. Call before
/// constructing the actor_system.
void configure_actor_system(caf::actor_system_config& cfg, const system_options& opts = {});

/// Registers the message types only (for tests that build their own config).
void add_message_types(caf::actor_system_config& cfg);

} // namespace tributary::actors
