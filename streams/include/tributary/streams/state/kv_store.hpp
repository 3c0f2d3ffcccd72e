#pragma once
// kv_store: a task's persistent key-value state store (Kafka Streams' RocksDB store plus its
// caching layer, on SQLite). Keys and values are bytes (serdes live above); keys are ordered
// bytewise.
//
// Why one SQLite file per store per task (<state.dir>/<app>/<task>/<store>.db): a task is the
// unit that moves between instances, so its state must be deletable, restorable and lockable
// on its own; one writer per file means no lock contention between tasks, and the exclusive
// lock makes a second owner of the same task fail at open instead of corrupting the store.
//
// Why a write-back cache: aggregations update the same keys over and over. Writes go to an
// in-memory dirty map and reach SQLite only at flush() (one transaction, every dirty key once),
// which also hands the task the changes to produce to the changelog topic -- so a hot key
// costs one row write and one changelog record per commit, not per update, and cached reads
// never touch SQLite. The store never flushes on its own (the changelog is the task's job):
// needs_flush() says when unflushed writes passed cache_max_bytes.
//
// The changelog checkpoint is stored in the same transaction as the data, so after a crash
// the store knows exactly where to restore from (restoring from an older offset is harmless:
// changelog records are whole values, replayed in order).
//
// Owned by one task (one thread at a time); not thread-safe. Failures are client::error values
// (kafka_storage_error with SQLite's message and the file); nothing throws.

#include "tributary/client/error.hpp"
#include "tributary/streams/state/change.hpp"
#include "tributary/streams/state/store_options.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::streams::state {

/// A key range for scans: keys >= from, and <= to (or < to when !to_inclusive); no upper
/// bound when `to` is nullopt. The viewed bytes must outlive the scan.
struct key_range {
  std::string_view from;
  std::optional<std::string_view> to;
  bool to_inclusive = true;
};

class kv_store {
public:
  /// Called for each entry in key order; return false to stop. It may get() and put() (a put
  /// may or may not show later in the running scan); flush, restore, wipe and nested scans
  /// fail with invalid_request meanwhile, and close() is refused.
  using visitor = std::function<bool(std::string_view key, std::string_view value)>;

  static client::outcome<std::unique_ptr<kv_store>>
  open(const std::filesystem::path& file, std::string name, kv_store_options opts = {});
  ~kv_store();
  kv_store(const kv_store&) = delete;
  kv_store& operator=(const kv_store&) = delete;

  const std::string& name() const noexcept { return name_; }
  const std::filesystem::path& path() const noexcept { return path_; }

  /// The value of key: the cache first, then SQLite (a hit is then cached as a clean entry).
  client::outcome<std::optional<std::string>> get(std::string_view key);
  /// Writes into the cache (nullopt = delete); never touches SQLite, never fails.
  void put(std::string_view key, std::optional<std::string> value);
  void put_all(std::vector<change> entries);
  void remove(std::string_view key) { put(key, std::nullopt); }

  /// Live entries in key order, unflushed writes merged over SQLite's rows.
  client::outcome<void> scan(const key_range& range, const visitor& visit);
  /// Keys in [from, to], both inclusive (empty when from > to).
  client::outcome<std::vector<key_value>> range(std::string_view from, std::string_view to);
  client::outcome<std::vector<key_value>> all();
  client::outcome<std::vector<key_value>> prefix_scan(std::string_view prefix);

  /// Rows in SQLite plus unflushed puts minus unflushed deletes (overlaps are not resolved).
  int64_t approximate_entries() const noexcept;

  /// True when unflushed writes passed cache_max_bytes: the task should flush soon.
  bool needs_flush() const noexcept;
  std::size_t unflushed_count() const noexcept;
  /// Writes every unflushed key to SQLite in one transaction, with the changelog checkpoint
  /// when given (nullopt keeps the stored one), and returns them in key order for the
  /// changelog. On failure nothing is written and the writes stay unflushed.
  client::outcome<std::vector<change>> flush(std::optional<int64_t> changelog_offset = {});
  /// The changelog offset to restore from, persisted with the data; nullopt when unknown.
  std::optional<int64_t> checkpoint() const noexcept { return checkpoint_; }
  /// Stores (or with nullopt clears) the checkpoint alone, e.g. once the changelog records of
  /// the last flush are acknowledged, or cleared while exactly-once processing is running.
  client::outcome<void> write_checkpoint(std::optional<int64_t> changelog_offset);

  /// Applies changelog records in one transaction, bypassing the cache, and stores
  /// next_changelog_offset as the checkpoint. Requires no unflushed writes (invalid_request).
  client::outcome<void> restore_batch(const std::vector<change>& changes,
                                      int64_t next_changelog_offset);
  /// Deletes every entry, cached or stored, and the checkpoint (the next restore starts from
  /// the changelog's beginning).
  client::outcome<void> wipe();
  /// Closes the file. Unflushed writes are discarded (with a warning): flush first. Refused
  /// (with a warning) from a scan's visitor.
  void close();

private:
  struct impl;
  kv_store(std::string name, std::filesystem::path path, std::unique_ptr<impl> impl) noexcept;
  client::error closed_error() const;
  client::error busy_error(const char* what) const;

  std::string name_;
  std::filesystem::path path_;
  std::unique_ptr<impl> impl_; // null once closed
  std::optional<int64_t> checkpoint_;
};

} // namespace tributary::streams::state
