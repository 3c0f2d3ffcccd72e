// One actor per Kafka connection: header decoding, version checks and dispatch. Frames come
// in batches from the I/O thread (everything one read completed), so a pipelining client
// costs one actor message per read, not per request.
#include "connection_actor.hpp"

#include "handlers.hpp"
#include "respond.hpp"
#include "tcp_atoms.hpp"

#include <spdlog/spdlog.h>

namespace tributary::kafka {

namespace pk = protocol::kafka;

namespace {

std::shared_ptr<spdlog::logger> logger() {
  auto log = spdlog::get("tributary");
  return log ? log : spdlog::default_logger();
}

void handle_frame(connection_self self, uint64_t seq, const std::vector<char>& frame) {
  auto& st = self->state;
  pk::wire_reader r(frame.data(), frame.size());
  request_context rc;
  rc.seq = seq;
  if (!pk::decode_request_header(r, &rc.header)) {
    logger()->warn("kafka: closing connection from {}: unreadable request header ({} bytes): {}",
                   st.info.peer, frame.size(), r.error_message());
    st.sink->close();
    return;
  }
  ++st.requests;
  const auto key = rc.header.request_api_key;
  const auto* api = find_served_api(key);
  if (api == nullptr) {
    close_connection(self, rc,
                     "API key " + std::to_string(static_cast<int16_t>(key)) +
                         " is not served by Tributary (ApiVersions lists the ones that are)");
    return;
  }
  if (!api->versions.contains(rc.version())) {
    if (key == pk::api_key::api_versions)
      return answer_unsupported_api_versions(self, rc);
    close_connection(self, rc,
                     "version " + std::to_string(rc.version()) + " is not supported (versions " +
                         std::to_string(api->versions.min) + " to " +
                         std::to_string(api->versions.max) + ")");
    return;
  }
  api->handler(self, rc, r);
}

} // namespace

caf::behavior connection_actor(connection_self self, std::shared_ptr<const listener_context> ctx,
                               std::shared_ptr<response_sink> sink, connection_info info) {
  self->state.ctx = std::move(ctx);
  self->state.sink = std::move(sink);
  self->state.info = std::move(info);
  logger()->debug("kafka: connection {} from {}", self->state.info.id, self->state.info.peer);
  return {
      [=](frames_atom, uint64_t first_seq, std::vector<std::vector<char>>& frames) {
        for (size_t i = 0; i < frames.size(); ++i) {
          if (self->state.sink->is_closed())
            return;
          try {
            handle_frame(self, first_seq + i, frames[i]);
          } catch (const std::exception& e) {
            // Never let one request kill the actor: the connection would hang. Close it.
            logger()->error("kafka: closing connection from {}: request failed: {}",
                            self->state.info.peer, e.what());
            self->state.sink->close();
            return;
          }
        }
      },
      [=](closed_atom, uint64_t) {
        logger()->debug("kafka: connection {} from {} closed after {} requests",
                        self->state.info.id, self->state.info.peer, self->state.requests);
        self->quit();
      },
  };
}

} // namespace tributary::kafka
