#pragma once
// connection_actor: one per Kafka client connection. Gets whole request frames from the
// tcp_server's I/O thread, decodes the request header, checks the API version and hands the
// body to the API's handler, which asks the broker actor and answers through the
// response_sink. Many requests of one connection are in flight at once; the sink writes the
// answers in request order.

#include "listener_context.hpp"

#include "tributary/kafka/response_sink.hpp"
#include "tributary/kafka/tcp_server.hpp"
#include "tributary/protocol/kafka_api.hpp"

#include "caf/event_based_actor.hpp"
#include "caf/stateful_actor.hpp"

#include <memory>

namespace tributary::kafka {

struct connection_state {
  std::shared_ptr<const listener_context> ctx;
  std::shared_ptr<response_sink> sink;
  connection_info info;
  uint64_t requests = 0; // handled so far, for the close log line
  static inline const char* name = "kafka_connection";
};

using connection_self = caf::stateful_actor<connection_state>*;

/// What a handler knows about the request it answers.
struct request_context {
  protocol::kafka::request_header header;
  uint64_t seq = 0;
  int16_t version() const noexcept { return header.request_api_version; }
};

caf::behavior connection_actor(connection_self self, std::shared_ptr<const listener_context> ctx,
                               std::shared_ptr<response_sink> sink, connection_info info);

} // namespace tributary::kafka
