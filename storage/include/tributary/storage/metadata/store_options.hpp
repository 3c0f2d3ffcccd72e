#pragma once
// store_options: how metadata_store::open configures SQLite (durability, locking, retries).
// A value type copied into the store at open; the caller (the node) owns the original.

#include <chrono>
#include <cstdint>
#include <functional>

namespace tributary::storage::metadata {

/// PRAGMA synchronous under WAL. Both survive a process crash (kill -9): a commit is in the
/// WAL file (the OS page cache) before commit_offsets() returns. They differ on power loss.
enum class synchronous_mode {
  /// fsync only at checkpoints. A power loss may lose the last commits, never corrupts the
  /// file. Kafka's own model (offsets live in the page cache until flushed or replicated).
  normal,
  /// fsync the WAL on every commit: also survives power loss, at one fsync per transaction.
  full,
};

/// Milliseconds since the epoch; injected so tests control created/updated timestamps.
using metadata_clock = std::function<int64_t()>;

/// Settings of one metadata_store. Defaults suit a node's `<data_dir>/metadata.db`.
struct store_options {
  synchronous_mode synchronous = synchronous_mode::normal;
  /// Create the file (and the schema) when it does not exist; false: missing is an error.
  bool create_if_missing = true;
  /// Run PRAGMA quick_check at open so a damaged file fails early, not mid-operation.
  /// O(database size); the metadata database is small (megabytes), so on by default.
  bool verify_on_open = true;
  /// SQLite's own busy handler waits this long for a lock before reporting SQLITE_BUSY.
  std::chrono::milliseconds busy_timeout{2000};
  /// Then we retry the whole transaction this many times with doubling backoff + jitter
  /// (covers the cases where SQLite returns BUSY without calling its busy handler).
  int busy_retries = 5;
  std::chrono::milliseconds retry_backoff{10};
  /// Upgrade to this schema version at most; 0 = the latest. Tests use it to build old files.
  int target_schema_version = 0;
  /// Clock for created/updated timestamps; empty = std::chrono::system_clock.
  metadata_clock now_ms;
};

} // namespace tributary::storage::metadata
