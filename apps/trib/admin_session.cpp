// open_admin (see admin_session.hpp).

#include "admin_session.hpp"

namespace tributary::trib {

std::optional<client::admin> open_admin(session& s) {
  auto* conn = s.connection();
  if (conn == nullptr)
    return std::nullopt;
  client::admin_options options;
  options.client_id = "trib";
  auto made = client::admin::create(*conn, options);
  if (!made) {
    s.fail(made.err(), "admin client");
    return std::nullopt;
  }
  return std::move(*made);
}

} // namespace tributary::trib
