#pragma once
// The admin client of a trib session, for the commands that manage topics, groups and the
// cluster. Kept out of session.hpp so consume_command.cpp (which uses the consumer API)
// does not pull the admin types in.

#include "session.hpp"

#include "tributary/client/admin.hpp"

#include <optional>

namespace tributary::trib {

/// An admin on the session's connection; nullopt after reporting why (return
/// s.failed_code()).
std::optional<client::admin> open_admin(session& s);

/// True when every per-item result is ok; otherwise reports each failure (one line each,
/// prefixed by `what`) and returns false.
template <class Results>
bool all_ok(session& s, const Results& results, const std::string& what) {
  bool ok = true;
  for (const auto& r : results)
    if (!r.ok()) {
      s.fail(r.err, what);
      ok = false;
    }
  return ok;
}

} // namespace tributary::trib
