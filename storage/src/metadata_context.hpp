#pragma once
// Helpers shared by the metadata_store translation units: the per-call context handed to
// the SQL helpers, node-list and UUID encoding, and the advice attached to open failures.
// Private to the metadata store.

#include "sqlite_db.hpp"
#include "tributary/storage/metadata/topic.hpp"

#include <string>
#include <string_view>

namespace tributary::storage::metadata::detail {

/// What a helper needs during one metadata_store call: the connection, the store's
/// last_error_ to explain a data error into, and the call's clock reading.
struct call_context {
  sqlite_db& db;
  std::string& error;
  int64_t now_ms;

  /// Explains a data error ("topic 'x' does not exist") and returns it.
  unexpected fail(errc code, std::string message) const {
    error = std::move(message);
    return unexpected(code);
  }
};

/// "1,2,3" <-> {1, 2, 3}. Unparsable pieces are skipped (the schema only stores our output).
std::string encode_nodes(const replica_list& nodes);
replica_list decode_nodes(std::string_view text);

/// A random (version 4) UUID in 8-4-4-4-12 lowercase hex.
std::string random_uuid();

/// What the operator should do about a database-level error ("" for data errors).
std::string_view advice_for(std::error_code code) noexcept;

} // namespace tributary::storage::metadata::detail
