// The per-invocation session: output, lazy connection, error reporting (see session.hpp).

#include "session.hpp"

namespace tributary::trib {

output& session::out() {
  if (!out_)
    out_ = std::make_unique<output>(options_.json);
  return *out_;
}

client::connection* session::connection() {
  if (connection_)
    return &*connection_;
  auto result = connect(options_);
  if (auto* f = std::get_if<failure>(&result)) {
    fail(*f);
    return nullptr;
  }
  connection_.emplace(std::move(std::get<client::connection>(result)));
  return &*connection_;
}

int session::fail(const client::error& e, const std::string& context) {
  bool unreachable = e.code == protocol::kafka_error::network_exception ||
                     e.code == protocol::kafka_error::broker_not_available;
  failure f{unreachable ? exit_cannot_connect : exit_node_error,
            context.empty() ? e.to_string() : context + ": " + e.to_string()};
  return fail(f);
}

int session::fail(const failure& f) {
  out().error(f.message);
  failed_code_ = f.code;
  return f.code;
}

} // namespace tributary::trib
