#include "tributary/client/error.hpp"

namespace tributary::client {

std::string error::to_string() const {
  std::string out{protocol::kafka_error_name(code)};
  out += ": ";
  if (message.empty())
    out += protocol::kafka_error_message(code);
  else
    out += message;
  return out;
}

error make_error(int16_t code, std::string message) {
  return make_error(protocol::to_kafka_error(code), std::move(message));
}

error make_error(protocol::kafka_error code, std::string message) {
  error e;
  e.code = code;
  e.message = std::move(message);
  return e;
}

} // namespace tributary::client
