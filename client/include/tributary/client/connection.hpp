#pragma once
// connection: how producers, consumers and admins reach a node -- the same user code runs on
// both transports:
//   connection::embedded(config)  starts a node inside this process (nothing to start, like
//                                 SQLite for streams) and talks to its broker actor directly;
//   connection::remote(host, port) connects to a `tributary` node's native port through CAF's
//                                 middleman.
// Copies share one underlying connection (and one embedded node / actor system); every member
// is safe to call from any thread. A remote connection whose node goes away is "lost": every
// later request fails at once with NETWORK_EXCEPTION (no automatic reconnect yet: open a new
// connection).

#include "tributary/actors/broker_actor.hpp"
#include "tributary/client/error.hpp"
#include "tributary/config/broker_config.hpp"

#include "caf/fwd.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace tributary::actors {
class node;
} // namespace tributary::actors

namespace tributary::client {

class connection {
public:
  /// Starts an in-process node with `config` (data in config.data_dir). The node stops when
  /// the last copy of the connection (and of everything made from it) is gone.
  static outcome<connection> embedded(const config::broker_config& config);
  /// An in-process node started elsewhere (e.g. by the `tributary` program itself or a test);
  /// the caller keeps it alive longer than the connection.
  static outcome<connection> attach(actors::node& node);
  /// Any broker_actor in an actor system of this process (tests, tools that run their own
  /// system); the caller keeps the system and the actor alive longer than the connection.
  static outcome<connection> attach(caf::actor_system& sys, actors::broker_actor broker,
                                    std::string description);
  /// A remote node's native listener ("127.0.0.1", 19092). Retries with backoff until
  /// `timeout`, then fails with NETWORK_EXCEPTION naming host:port and CAF's reason.
  static outcome<connection> remote(const std::string& host, uint16_t port,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(5));
  /// "embedded:<data_dir>" / "embedded" (./tributary-data) / "host:port" / "tributary://host:port".
  static outcome<connection> open(const std::string& url);

  caf::actor_system& system() const;
  const actors::broker_actor& broker() const;
  /// In this process (embedded, attached); false for remote nodes.
  bool is_embedded() const noexcept;
  /// "embedded:./tributary-data" or "127.0.0.1:19092", for messages.
  const std::string& description() const noexcept;
  /// Default timeout of one request to the node.
  std::chrono::milliseconds request_timeout() const noexcept;
  /// Changes the default request timeout for every copy of this connection.
  void set_request_timeout(std::chrono::milliseconds timeout) noexcept;
  /// True once a remote node's connection dropped (never for embedded ones).
  bool is_lost() const noexcept;
  /// The node behind an embedded or attached connection; nullptr for remote ones.
  actors::node* embedded_node() const noexcept;

  /// What a failed request to the node means for the user: REQUEST_TIMED_OUT naming the node
  /// and the wait, NETWORK_EXCEPTION for a lost remote node, BROKER_NOT_AVAILABLE for a
  /// stopped embedded one, else UNKNOWN_SERVER_ERROR with CAF's rendering.
  error to_error(const caf::error& e, std::chrono::milliseconds waited) const;

  struct impl;
  explicit connection(std::shared_ptr<impl> p) : impl_(std::move(p)) {}

private:
  std::shared_ptr<impl> impl_;
};

} // namespace tributary::client
