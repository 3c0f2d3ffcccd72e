// Schema migrations of the metadata store. Rules for adding one: append a new version at the
// end, never edit a shipped one (files in the field already ran it), keep it runnable inside
// one transaction. foreign_keys is ON during migrations, so a step that rebuilds a table
// must copy rows in an order the constraints accept.
#include "metadata_schema.hpp"

#include <spdlog/spdlog.h>

namespace tributary::storage::metadata::detail {
namespace {

struct migration {
  int version;
  const char* description;
  const char* sql;
};

// Column names avoid SQL keywords (PARTITION, GROUPS, KEY) so the schema reads the same in
// the sqlite3 shell. Node lists (replicas, isr) are comma-separated ids: readable, and only
// ever read and written whole.
constexpr const char* k_v1_sql = R"sql(
PRAGMA application_id = 1414678850;
CREATE TABLE cluster (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  cluster_id TEXT NOT NULL,
  created_ms INTEGER NOT NULL
);
CREATE TABLE nodes (
  node_id INTEGER PRIMARY KEY,
  host TEXT NOT NULL,
  kafka_port INTEGER NOT NULL CHECK (kafka_port BETWEEN 0 AND 65535),
  internal_port INTEGER NOT NULL CHECK (internal_port BETWEEN 0 AND 65535),
  rack TEXT,
  registered_ms INTEGER NOT NULL
);
CREATE TABLE topics (
  name TEXT PRIMARY KEY,
  topic_id TEXT NOT NULL UNIQUE,
  partition_count INTEGER NOT NULL CHECK (partition_count > 0),
  replication_factor INTEGER NOT NULL CHECK (replication_factor > 0),
  created_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE topic_configs (
  topic TEXT NOT NULL REFERENCES topics(name) ON DELETE CASCADE,
  config_name TEXT NOT NULL,
  config_value TEXT NOT NULL,
  PRIMARY KEY (topic, config_name)
) WITHOUT ROWID;
CREATE TABLE partitions (
  topic TEXT NOT NULL REFERENCES topics(name) ON DELETE CASCADE,
  partition_index INTEGER NOT NULL CHECK (partition_index >= 0),
  leader INTEGER NOT NULL,
  leader_epoch INTEGER NOT NULL,
  replicas TEXT NOT NULL,
  isr TEXT NOT NULL,
  PRIMARY KEY (topic, partition_index)
) WITHOUT ROWID;
CREATE TABLE consumer_groups (
  group_id TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  protocol_type TEXT NOT NULL,
  protocol_name TEXT,
  generation INTEGER NOT NULL,
  leader_member TEXT,
  state_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE group_members (
  group_id TEXT NOT NULL REFERENCES consumer_groups(group_id) ON DELETE CASCADE,
  member_id TEXT NOT NULL,
  group_instance_id TEXT,
  client_id TEXT NOT NULL,
  client_host TEXT NOT NULL,
  session_timeout_ms INTEGER NOT NULL,
  rebalance_timeout_ms INTEGER NOT NULL,
  subscription BLOB NOT NULL,
  assignment BLOB NOT NULL,
  PRIMARY KEY (group_id, member_id)
) WITHOUT ROWID;
CREATE TABLE offsets (
  group_id TEXT NOT NULL REFERENCES consumer_groups(group_id) ON DELETE CASCADE,
  topic TEXT NOT NULL,
  partition_index INTEGER NOT NULL,
  committed_offset INTEGER NOT NULL,
  leader_epoch INTEGER,
  metadata TEXT NOT NULL,
  commit_ms INTEGER NOT NULL,
  PRIMARY KEY (group_id, topic, partition_index),
  FOREIGN KEY (topic, partition_index) REFERENCES partitions(topic, partition_index)
    ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX offsets_by_partition ON offsets(topic, partition_index);
)sql";

// v2: OffsetCommit v1's explicit expiry, the producer id counter and transactional ids.
constexpr const char* k_v2_sql = R"sql(
ALTER TABLE offsets ADD COLUMN expire_ms INTEGER;
CREATE INDEX consumer_groups_by_state ON consumer_groups(state);
CREATE TABLE producer_ids (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  next_producer_id INTEGER NOT NULL CHECK (next_producer_id >= 0)
);
INSERT INTO producer_ids (singleton, next_producer_id) VALUES (1, 0);
CREATE TABLE transactional_producers (
  transactional_id TEXT PRIMARY KEY,
  producer_id INTEGER NOT NULL CHECK (producer_id >= 0),
  producer_epoch INTEGER NOT NULL CHECK (producer_epoch BETWEEN 0 AND 32767),
  transaction_timeout_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

constexpr migration k_migrations[] = {
    {1, "initial tables", k_v1_sql},
    {2, "offset expiry and producer ids", k_v2_sql},
};

// Refuses a file that SQLite can read but that is not ours (or not ours yet).
result<void> check_ownership(sqlite_db& db, int64_t version, std::string& diagnostic) {
  auto app_id = db.query_int("PRAGMA application_id");
  if (!app_id)
    return unexpected(app_id.error());
  if (*app_id != 0 && *app_id != k_application_id) {
    diagnostic = "the file is a SQLite database of another application (application_id " +
                 std::to_string(*app_id) + "), not Tributary metadata";
    return unexpected(errc::foreign_database);
  }
  if (version != 0)
    return {};
  auto tables = db.query_int("SELECT count(*) FROM sqlite_schema");
  if (!tables)
    return unexpected(tables.error());
  if (*tables != 0) {
    diagnostic = "the file holds " + std::to_string(*tables) +
                 " SQLite objects but no Tributary schema version (user_version 0)";
    return unexpected(errc::foreign_database);
  }
  return {};
}

result<void> apply(sqlite_db& db, const migration& m) {
  return db.write([&]() -> result<void> {
    // Another process may have upgraded the file since we looked: re-read under the lock.
    auto now = db.query_int("PRAGMA user_version");
    if (!now)
      return unexpected(now.error());
    if (*now >= m.version)
      return {};
    TRIB_TRY(db.exec(m.sql));
    auto set_version = "PRAGMA user_version = " + std::to_string(m.version);
    return db.exec(set_version.c_str());
  });
}

} // namespace

int latest_schema_version() noexcept {
  return std::end(k_migrations)[-1].version;
}

result<int> migrate(sqlite_db& db, int target, std::string& diagnostic) {
  if (target <= 0 || target > latest_schema_version())
    target = latest_schema_version();
  auto version = db.query_int("PRAGMA user_version");
  if (!version) {
    diagnostic = db.last_error();
    return unexpected(version.error());
  }
  if (auto owned = check_ownership(db, *version, diagnostic); !owned) {
    if (diagnostic.empty())
      diagnostic = db.last_error();
    return unexpected(owned.error());
  }
  if (*version > latest_schema_version()) {
    diagnostic = "schema version " + std::to_string(*version) + " is newer than this build (" +
                 std::to_string(latest_schema_version()) + ")";
    return unexpected(errc::schema_too_new);
  }
  int at = static_cast<int>(*version);
  for (const auto& m : k_migrations) {
    if (m.version <= at || m.version > target)
      continue;
    if (auto r = apply(db, m); !r) {
      diagnostic = "upgrade to schema v" + std::to_string(m.version) + " (" + m.description +
                   ") failed, the file stays at v" + std::to_string(at) + ": " + db.last_error();
      return unexpected(r.error() == errc::busy ? r.error()
                                                : make_error_code(errc::migration_failed));
    }
    spdlog::debug("storage: metadata schema v{} -> v{} ({})", at, m.version, m.description);
    at = m.version;
  }
  if (at != *version)
    spdlog::info("storage: metadata schema {} v{} -> v{}", *version == 0 ? "created" : "upgraded",
                 *version, at);
  return at;
}

} // namespace tributary::storage::metadata::detail
