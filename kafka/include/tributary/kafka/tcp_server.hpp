#pragma once
// tcp_server: the Kafka listener's network edge. One epoll thread of its own accepts, reads,
// splits frames (4-byte big-endian size prefix), enforces limits and writes responses; one CAF
// actor per connection (made by a connection_factory) gets the frames and answers through a
// response_sink. Protocol-agnostic beyond the framing. See kafka/README.md.

#include "tributary/common/result.hpp"
#include "tributary/config/listener.hpp"
#include "tributary/kafka/response_sink.hpp"

#include "caf/fwd.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace tributary::kafka {

/// Per-server limits, with Kafka's names and defaults. A plain value.
struct server_limits {
  /// socket.request.max.bytes: a bigger (or negative) size prefix closes that connection only.
  int32_t socket_request_max_bytes = 100 * 1024 * 1024;
  /// max.connections: beyond it a new connection is accepted, logged and closed at once.
  int32_t max_connections = 1000;
  /// connections.max.idle.ms: a connection with no request waiting for its actor and no
  /// socket progress (bytes in or out) for this long is closed; also one whose client stopped
  /// reading its responses.
  int64_t connections_max_idle_ms = 600000;
  /// Bytes of requests not yet answered plus responses not yet written; at or above it the
  /// server stops reading that connection until responses drain.
  int64_t max_inflight_bytes_per_connection = int64_t{64} << 20;
  /// The same, counted in requests (handed to the actor, response not yet fully written).
  int32_t max_inflight_requests_per_connection = 1000;
};

/// Who is on the other end. `id` is unique per tcp_server; `peer` is "127.0.0.1:54321" or
/// "[::1]:54321".
struct connection_info {
  uint64_t id = 0;
  std::string peer;
};

/// Counters since start; read with tcp_server::stats() from any thread (each field is exact,
/// the set is not one atomic snapshot).
struct server_stats {
  uint64_t connections_open = 0;
  uint64_t connections_accepted = 0; // includes the refused ones
  uint64_t connections_refused = 0;  // max.connections, or the factory made no actor
  uint64_t closed_bad_frame = 0;     // size prefix < 0 or > socket.request.max.bytes
  uint64_t closed_idle = 0;          // connections.max.idle.ms
  uint64_t closed_by_actor = 0;      // response_sink::close()
  uint64_t closed_bad_response = 0;  // file range shorter than promised, frame >= 2 GiB
  uint64_t reads_paused = 0;         // times a connection hit an in-flight limit
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
  uint64_t frames_in = 0;
  uint64_t frames_out = 0; // responses fully written (skips not counted)
};

/// Makes the actor of a new connection; runs on the I/O thread, so it must not block (spawning
/// is fine). The actor receives, as `caf::anon_send` messages (atoms in src/tcp_atoms.hpp):
///  * `(frames_atom, uint64_t first_seq, std::vector<std::vector<char>> frames)`: whole request
///    frames WITHOUT their size prefix, numbered first_seq, first_seq + 1, ...; every frame
///    completed by one read arrives in one message. Answer each number once through the sink.
///  * `(closed_atom, uint64_t connection_id)`: the connection is gone (peer, limit, close(),
///    stop()); the actor should quit. Sent instead of an exit message because CAF 0.17 ignores
///    `exit_reason::normal` in actors that do not trap exits.
/// An invalid actor (or an exception) refuses the connection.
using connection_factory =
    std::function<caf::actor(const connection_info&, std::shared_ptr<response_sink>)>;

namespace detail {
class io_loop; // the I/O thread and its state (src/tcp_io_loop.hpp)
} // namespace detail

/// Owns the listening socket, the I/O thread and every connection. Created by start(), owned
/// by whoever runs the listener (the node). start/stop/destructor from one owning thread;
/// port() and stats() from any thread. The I/O thread never throws and never blocks on a
/// peer: bad input, resets and slow readers close or pause only that connection. Stop (or
/// destroy) it before the actor_system of the connection actors goes away.
class tcp_server {
public:
  /// Binds `bind_to` (empty host or "0.0.0.0": every IPv4 interface, "::" every interface;
  /// port 0: any free port), then starts the I/O thread. Fails with errno's code and, in
  /// `why`, "cannot listen on 127.0.0.1:9092: Address already in use".
  static result<std::unique_ptr<tcp_server>> start(const config::listener& bind_to,
                                                   server_limits limits, connection_factory factory,
                                                   std::string* why = nullptr);

  ~tcp_server(); // stop(0 ms) unless stopped
  tcp_server(const tcp_server&) = delete;
  tcp_server& operator=(const tcp_server&) = delete;

  /// The bound port (the chosen one when bind_to.port was 0).
  uint16_t port() const noexcept { return port_; }

  /// Stops accepting and reading, keeps writing responses (also ones still to come from the
  /// actors) until every connection is drained or `drain` has passed, then closes every
  /// connection (each actor gets closed_atom) and joins the thread. Idempotent.
  void stop(std::chrono::milliseconds drain);

  server_stats stats() const;

private:
  tcp_server(std::unique_ptr<detail::io_loop> loop, uint16_t port);

  std::unique_ptr<detail::io_loop> loop_;
  uint16_t port_;
};

} // namespace tributary::kafka
