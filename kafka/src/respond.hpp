#pragma once
// The few moves every API handler makes: decode the request body (a body that does not
// decode closes the connection, as Kafka does), ask the broker actor, and encode the answer
// behind the response header for the sink.

#include "connection_actor.hpp"

#include "tributary/protocol/kafka_error.hpp"
#include "tributary/protocol/kafka_wire.hpp"

#include "caf/error.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tributary::kafka {

/// Closes the connection after logging why (a request we cannot or will not parse).
void close_connection(connection_self self, const request_context& rc, const std::string& why);

/// Encodes `header + body` at `version` and hands it to the sink; closes the connection if
/// the body cannot be encoded at that version (a handler bug, logged).
void send_encoded(connection_self self, const request_context& rc, int16_t version,
                  const std::function<void(protocol::kafka::wire_writer&)>& encode_body);

template <class Response>
void respond(connection_self self, const request_context& rc, const Response& body) {
  send_encoded(self, rc, rc.version(),
               [&](protocol::kafka::wire_writer& w) { body.encode(w, rc.version()); });
}

/// Records kept outside the encoded frame (zero copy): `lengths[i] >= 0` makes the i-th
/// records field of the body external (wire_writer::set_external_records), and `pieces[i]`
/// (lengths[i] bytes in total: log file ranges for sendfile) is sent in its place.
struct external_records {
  std::vector<int64_t> lengths;
  std::vector<std::vector<chunk>> pieces;
};

/// As send_encoded, with the records of `ext` spliced in; one response of chunks.
void send_spliced(connection_self self, const request_context& rc, int16_t version,
                  const std::function<void(protocol::kafka::wire_writer&)>& encode_body,
                  external_records ext);

template <class Response>
void respond_spliced(connection_self self, const request_context& rc, const Response& body,
                     external_records ext) {
  send_spliced(
      self, rc, rc.version(),
      [&](protocol::kafka::wire_writer& w) { body.encode(w, rc.version()); }, std::move(ext));
}

/// Decodes the request body; false (and the connection closed) when it does not decode.
template <class Request>
bool decode_request(connection_self self, const request_context& rc,
                    protocol::kafka::wire_reader& r, Request& out) {
  out.decode(r, rc.version());
  if (r.ok())
    return true;
  close_connection(self, rc, "cannot decode the request body: " + r.error_message());
  return false;
}

/// An error_message field: null for "no error" (what Kafka sends), else the message.
inline std::optional<std::string> message_or_null(int16_t error, const std::string& message) {
  if (error == 0 && message.empty())
    return std::nullopt;
  return message;
}

/// Kafka's error code for a failed broker request (timeout, broker gone, ...).
int16_t error_code_of(const caf::error& e);
/// A sentence for a failed broker request.
std::string describe_failure(connection_self self, const caf::error& e);

/// Asks the broker; `on_reply(Response&)` or `on_error(int16_t code, const std::string& why)`
/// runs in this actor. `wait_ms` is how long the broker itself may take (a fetch's max wait,
/// a produce's timeout); a margin is added so the broker's own timeout answers first.
template <class Response, class Request, class OnReply, class OnError>
void ask_broker(connection_self self, int64_t wait_ms, Request req, OnReply on_reply,
                OnError on_error) {
  auto timeout = std::chrono::milliseconds(std::max<int64_t>(wait_ms, 0) +
                                           self->state.ctx->broker_timeout_margin_ms);
  self->request(self->state.ctx->broker, timeout, std::move(req))
      .then([on_reply](Response& resp) mutable { on_reply(resp); },
            [self, on_error](caf::error& e) mutable {
              on_error(error_code_of(e), describe_failure(self, e));
            });
}

/// Request timeout for APIs without one of their own.
inline int64_t default_wait_ms(connection_self self) {
  return self->state.ctx->default_request_timeout_ms;
}

} // namespace tributary::kafka
