#pragma once
// Errors of the SQLite metadata store. Each value is one precise reason; the store's
// last_error() (or open()'s diagnostic) carries the names and numbers of the failure.
// Separate from storage::errc, which belongs to the partition log.

#include <system_error>

namespace tributary::storage::metadata {

/// Why a metadata_store call failed. Values are stable within a build, never persisted.
enum class errc {
  ok = 0,
  // -- the database file -------------------------------------------------------------------
  cannot_open,          // missing file/folder, permission denied, a folder where a file should be
  read_only,            // the file or its folder is not writable (the -wal file must be created)
  not_a_database,       // not a SQLite file, truncated or corrupt (integrity check failed)
  foreign_database,     // a SQLite file, but not a Tributary metadata database
  schema_too_new,       // written by a newer Tributary: its user_version is above ours
  migration_failed,     // an upgrade step failed; the database stays at the previous version
  disk_full,            // SQLITE_FULL: the write was rolled back
  io_error,             // any other failed I/O in SQLite
  busy,                 // another connection held the lock through every retry
  store_closed,         // call on a closed or moved-from store
  internal,             // an unexpected SQLite result (a bug: last_error() has the SQL)
  constraint_violation, // a row broke a schema rule not covered by a precise value below
  // -- the data ----------------------------------------------------------------------------
  invalid_argument,           // negative count, mismatched assignment sizes...
  topic_already_exists,       // Kafka TOPIC_ALREADY_EXISTS
  unknown_topic,              // Kafka UNKNOWN_TOPIC_OR_PARTITION (no such topic)
  unknown_partition,          // Kafka UNKNOWN_TOPIC_OR_PARTITION (topic exists, partition not)
  invalid_partitions,         // Kafka INVALID_PARTITIONS (add_partitions must grow the count)
  invalid_replication_factor, // Kafka INVALID_REPLICATION_FACTOR
  fenced_leader_epoch,        // Kafka FENCED_LEADER_EPOCH: the update's epoch is older
  unknown_group,              // Kafka GROUP_ID_NOT_FOUND
  unknown_member,             // Kafka UNKNOWN_MEMBER_ID
  unknown_node,               // no node with that id is registered
  unknown_transactional_id,   // no producer registered for that transactional.id
  invalid_topic_name,         // Kafka INVALID_TOPIC_EXCEPTION: illegal or colliding name
};

const std::error_category& metadata_category() noexcept;
std::error_code make_error_code(errc e) noexcept;

} // namespace tributary::storage::metadata

template <>
struct std::is_error_code_enum<tributary::storage::metadata::errc> : std::true_type {};
