#pragma once
// window_store: a task's persistent store of windowed aggregates (Kafka Streams' window and
// session stores plus their caching layer, on SQLite). An entry is keyed by the record key's
// bytes, the window's start and its end -- time windows have end = start + size, session
// windows have variable ends, so the end is part of the identity.
//
// Same design as kv_store (see kv_store.hpp): one SQLite file per store per task, because a
// task's state moves, restores and is locked as a unit; a write-back cache, because a windowed
// count updates the same few open windows with every record -- get() and put() on cached
// windows are O(log n) map operations with no SQLite call, and flush() writes every dirty
// window once, in one transaction with the changelog checkpoint, returning the changes (keys
// encoded by encode_window_key) for the changelog topic.
//
// Retention: expire_before() drops windows that ended before a time, from the cache and from
// SQLite (an index on the end keeps that cheap; calls that have nothing to drop cost nothing).
// Expired windows are not written to the changelog: its own retention removes them there.
//
// Owned by one task (one thread at a time); not thread-safe. Failures are client::error values;
// nothing throws.

#include "tributary/client/error.hpp"
#include "tributary/streams/state/change.hpp"
#include "tributary/streams/state/store_options.hpp"
#include "tributary/streams/state/window_key.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::streams::state {

/// One live window as fetches return it.
struct window_entry {
  std::string key;
  int64_t start = 0;
  int64_t end = 0;
  std::string value;

  friend bool operator==(const window_entry& a, const window_entry& b) {
    return a.start == b.start && a.end == b.end && a.key == b.key && a.value == b.value;
  }
};

class window_store {
public:
  static client::outcome<std::unique_ptr<window_store>>
  open(const std::filesystem::path& file, std::string name, window_store_options opts = {});
  ~window_store();
  window_store(const window_store&) = delete;
  window_store& operator=(const window_store&) = delete;

  const std::string& name() const noexcept { return name_; }
  const std::filesystem::path& path() const noexcept { return path_; }

  /// The value of exactly one window: the cache first, then SQLite. The hot path of windowed
  /// aggregations (get, add, put).
  client::outcome<std::optional<std::string>> get(std::string_view key, int64_t start, int64_t end);
  /// The window of key starting at start (Kafka's fetch(key, time)); when several windows
  /// share that start (sessions), the one with the smallest end. Always merges with SQLite:
  /// prefer get() when the end is known.
  client::outcome<std::optional<std::string>> fetch(std::string_view key, int64_t start);
  /// Windows of key with time_from <= start <= time_to, by start then end.
  client::outcome<std::vector<window_entry>> fetch(std::string_view key, int64_t time_from,
                                                   int64_t time_to);
  /// Windows of every key with time_from <= start <= time_to, by key, start, end.
  client::outcome<std::vector<window_entry>> fetch_all(int64_t time_from, int64_t time_to);
  /// Sessions of key with end >= earliest_end and start <= latest_start (the sessions a
  /// record at time t merges with, for earliest_end = t - gap, latest_start = t + gap).
  client::outcome<std::vector<window_entry>>
  find_sessions(std::string_view key, int64_t earliest_end, int64_t latest_start);

  /// Writes into the cache (nullopt = delete the window); never touches SQLite, never fails.
  void put(std::string_view key, int64_t start, int64_t end, std::optional<std::string> value);
  /// Drops every window with end < time (cached, unflushed or stored).
  client::outcome<void> expire_before(int64_t time);

  /// Rows in SQLite plus unflushed puts minus unflushed deletes (overlaps are not resolved).
  int64_t approximate_entries() const noexcept;
  bool needs_flush() const noexcept;
  std::size_t unflushed_count() const noexcept;
  /// As kv_store::flush; change keys are encode_window_key(key, start, end).
  client::outcome<std::vector<change>> flush(std::optional<int64_t> changelog_offset = {});
  std::optional<int64_t> checkpoint() const noexcept { return checkpoint_; }
  client::outcome<void> write_checkpoint(std::optional<int64_t> changelog_offset);
  /// As kv_store::restore_batch; change keys must decode with decode_window_key
  /// (corrupt_message otherwise, and nothing of the batch is applied).
  client::outcome<void> restore_batch(const std::vector<change>& changes,
                                      int64_t next_changelog_offset);
  client::outcome<void> wipe();
  /// Closes the file. Unflushed writes are discarded (with a warning): flush first.
  void close();

  /// Defined in streams/src/state/window_store_impl.hpp; named here (not private) only so the
  /// fetch helpers there can take it. Incomplete everywhere else.
  struct impl;

private:
  window_store(std::string name, std::filesystem::path path, std::unique_ptr<impl> impl) noexcept;
  client::error closed_error() const;

  std::string name_;
  std::filesystem::path path_;
  std::unique_ptr<impl> impl_; // null once closed
  std::optional<int64_t> checkpoint_;
};

} // namespace tributary::streams::state
