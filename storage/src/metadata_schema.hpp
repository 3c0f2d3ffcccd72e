#pragma once
// The metadata schema and its ordered migrations (PRAGMA user_version = the applied
// version). Private to the metadata store.

#include "sqlite_db.hpp"

#include <string>

namespace tributary::storage::metadata::detail {

/// PRAGMA application_id of a Tributary metadata database ("TRIB").
constexpr int64_t k_application_id = 0x54524942;

/// The highest version the migrations below reach.
int latest_schema_version() noexcept;

/// Brings the database to `target` (0 = latest), one transaction per version, and returns
/// the version it is at. Refuses files of another application or of a newer schema.
/// On failure `diagnostic` says what and the database stays at the last complete version.
result<int> migrate(sqlite_db& db, int target, std::string& diagnostic);

} // namespace tributary::storage::metadata::detail
