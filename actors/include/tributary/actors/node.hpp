#pragma once
// node: one Tributary node in this process -- its actor system, metadata store (behind a
// detached actor), disk workers, inspector, broker and partition actors, and the native
// listener (the broker published through CAF's middleman). Used by the `tributary` program
// and by in-process clients (a node embedded in the user's program).

#include "tributary/actors/broker_actor.hpp"
#include "tributary/actors/worker_actors.hpp"
#include "tributary/common/result.hpp"
#include "tributary/config/broker_config.hpp"

#include "caf/fwd.hpp"

#include <chrono>
#include <memory>
#include <string>

namespace tributary::actors {

class node {
public:
  /// Opens the data folder (creating it), the metadata store and every partition log,
  /// spawns the actors and publishes the broker on config.native_listener (port 0: any free
  /// port; no listener: in-process only). On failure `why` says what and where.
  static result<std::unique_ptr<node>> start(const config::broker_config& config,
                                             std::string* why = nullptr);
  ~node(); // stop() if still running
  node(const node&) = delete;
  node& operator=(const node&) = delete;

  caf::actor_system& system() noexcept;
  const broker_actor& broker() const noexcept;
  /// The node's actor directory: in-process components (streams tasks, ...) register here
  /// to appear in `trib cluster actors` and the live console.
  const inspector_actor& inspector() const noexcept;
  const config::broker_config& config() const noexcept;
  const std::string& cluster_id() const noexcept;
  /// The bound native port (0 when not published).
  uint16_t native_port() const noexcept;

  /// Clean shutdown within `deadline`: unpublish, stop taking requests, flush and close
  /// every partition log, save groups, close the metadata store. Idempotent.
  result<void> stop(std::chrono::milliseconds deadline = std::chrono::seconds(10));
  bool is_running() const noexcept;

  struct impl;

private:
  explicit node(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

} // namespace tributary::actors
