#pragma once
// Blocking requests to a connection's broker from user threads (admin calls, metadata lookups,
// consumer polls): one caf::scoped_actor per call, bounded by a timeout, CAF errors mapped to
// client::error by connection::to_error. Never call these from inside an actor handler.

#include "tributary/client/connection.hpp"

#include "caf/all.hpp"

#include <chrono>
#include <utility>

namespace tributary::client {

/// Sends `req` to the broker and waits up to `timeout` (the connection's default when zero).
template <class Response, class Request>
outcome<Response> blocking_request(const connection& conn, Request req,
                                   std::chrono::milliseconds timeout = {}) {
  if (timeout.count() <= 0)
    timeout = conn.request_timeout();
  if (conn.is_lost())
    return conn.to_error(caf::sec::request_receiver_down, timeout);
  caf::scoped_actor self{conn.system()};
  std::optional<outcome<Response>> out;
  self->request(conn.broker(), timeout, std::move(req))
      .receive([&](Response& r) { out.emplace(std::move(r)); },
               [&](caf::error& e) { out.emplace(conn.to_error(e, timeout)); });
  if (!out) // receive() always runs one handler; stay defined if it ever does not
    return conn.to_error(caf::sec::request_timeout, timeout);
  return std::move(*out);
}

} // namespace tributary::client
