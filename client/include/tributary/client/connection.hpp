#pragma once
// connection: how producers, consumers and admins reach a node -- the same user code runs on
// both transports:
//   connection::embedded(config)  starts a node inside this process (nothing to start, like
//                                 SQLite for streams) and talks to its broker actor directly;
//   connection::remote(host, port) connects to a `tributary` node's native port through CAF's
//                                 middleman.
// Copies share one underlying connection (and one embedded node / actor system).

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
  /// A remote node's native listener ("127.0.0.1", 19092).
  static outcome<connection> remote(const std::string& host, uint16_t port,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(5));
  /// "embedded:<data_dir>" / "embedded" (./tributary-data) / "host:port" / "tributary://host:port".
  static outcome<connection> open(const std::string& url);

  caf::actor_system& system() const;
  const actors::broker_actor& broker() const;
  bool is_embedded() const noexcept;
  /// "embedded:./tributary-data" or "127.0.0.1:19092", for messages.
  const std::string& description() const noexcept;
  /// Default timeout of one request to the node.
  std::chrono::milliseconds request_timeout() const noexcept;

  struct impl;
  explicit connection(std::shared_ptr<impl> p) : impl_(std::move(p)) {}

private:
  std::shared_ptr<impl> impl_;
};

} // namespace tributary::client
