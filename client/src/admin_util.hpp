#pragma once
// Helpers shared by the admin_*.cpp files: per-item error translation and the request call.

#include "connection_request.hpp"

#include "tributary/client/admin.hpp"

#include <string>

namespace tributary::client::detail {

/// NONE for code 0; otherwise the node's message, or "<what>: <Kafka's description>".
inline error item_error(int16_t code, const std::string& message, const std::string& what) {
  if (code == 0)
    return no_error();
  if (!message.empty())
    return make_error(code, message);
  return make_error(code,
                    what + ": " +
                        std::string{protocol::kafka_error_message(protocol::to_kafka_error(code))});
}

} // namespace tributary::client::detail
