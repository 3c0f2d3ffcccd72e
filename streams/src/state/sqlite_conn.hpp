#pragma once
// sqlite_conn and sqlite_stmt: the thin sqlite3 layer under the state stores. One connection
// per store file, opened with the store pragmas (WAL, synchronous=NORMAL, exclusive locking so
// a second owner of the same task's store fails fast instead of corrupting it); statements
// prepared once and reused; SQLite failures turned into client::error values naming the file.
// The file's meta table holds the store kind, the changelog checkpoint and the row count.
// Private to streams/state. Owned by one store; not thread-safe (SQLITE_OPEN_NOMUTEX).

#include "tributary/client/error.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace tributary::streams::state::detail {

/// A prepared statement, finalized on destruction. Bind indexes from 1, columns from 0.
/// Users reset() it (or hold a reset_on_exit) after stepping so it can be reused.
class sqlite_stmt {
public:
  sqlite_stmt() = default;
  explicit sqlite_stmt(sqlite3_stmt* stmt) noexcept : stmt_(stmt) {}
  sqlite_stmt(sqlite_stmt&& other) noexcept : stmt_(other.stmt_) { other.stmt_ = nullptr; }
  sqlite_stmt& operator=(sqlite_stmt&& other) noexcept;
  sqlite_stmt(const sqlite_stmt&) = delete;
  sqlite_stmt& operator=(const sqlite_stmt&) = delete;
  ~sqlite_stmt();

  /// Binds bytes as a BLOB (never TEXT: BLOBs compare bytewise, and an empty one is not NULL),
  /// without copying them: they must outlive the statement's next reset().
  sqlite_stmt& bind_blob(int index, std::string_view bytes);
  sqlite_stmt& bind_text(int index, std::string_view text);
  sqlite_stmt& bind_int(int index, int64_t value);
  sqlite_stmt& bind_null(int index);

  /// SQLITE_ROW, SQLITE_DONE or an error code.
  int step() noexcept;
  void reset() noexcept;

  /// Valid until the next step() or reset().
  std::string_view blob(int col) const noexcept;
  int64_t int64(int col) const noexcept;
  bool is_null(int col) const noexcept;
  const char* sql() const noexcept;

private:
  sqlite3_stmt* stmt_ = nullptr;
};

/// Resets a statement when the scope ends, so an early return leaves it reusable.
class reset_on_exit {
public:
  explicit reset_on_exit(sqlite_stmt& stmt) noexcept : stmt_(stmt) {}
  reset_on_exit(const reset_on_exit&) = delete;
  reset_on_exit& operator=(const reset_on_exit&) = delete;
  ~reset_on_exit() { stmt_.reset(); }

private:
  sqlite_stmt& stmt_;
};

/// One store file. Fails with kafka_storage_error (SQLite's message, code and the path).
class sqlite_conn {
public:
  /// Opens (creating the folder and file when missing) a store file of `kind` ("kv",
  /// "window"); `schema` is the SQL creating the store's tables in a new file. A file that is
  /// not SQLite, is another kind of store, or is held by another connection is an error.
  static client::outcome<std::unique_ptr<sqlite_conn>> open(const std::filesystem::path& file,
                                                            std::string_view kind,
                                                            const char* schema,
                                                            std::size_t page_cache_bytes);
  ~sqlite_conn();
  sqlite_conn(const sqlite_conn&) = delete;
  sqlite_conn& operator=(const sqlite_conn&) = delete;

  client::outcome<sqlite_stmt> prepare(const char* sql);
  client::outcome<void> exec(const char* sql);

  /// body() between BEGIN IMMEDIATE and COMMIT, rolled back when it fails.
  template <class F>
  client::outcome<void> transaction(F&& body) {
    if (auto b = exec("BEGIN IMMEDIATE"); !b)
      return b;
    client::outcome<void> r = body();
    if (!r) {
      rollback();
      return r;
    }
    if (auto c = exec("COMMIT"); !c) {
      rollback();
      return c;
    }
    return {};
  }

  /// The meta table's integer values ("checkpoint", "rows"); nullopt when absent.
  client::outcome<std::optional<int64_t>> read_meta(const char* name);
  /// Sets (or with nullopt deletes) a meta value; call inside transaction().
  client::outcome<void> write_meta(const char* name, std::optional<int64_t> value);

  /// Rows changed by the latest INSERT / UPDATE / DELETE.
  int64_t changes() const noexcept;
  /// The error for SQLite result `rc` while doing `what`.
  client::error fail(int rc, std::string_view what) const;
  const std::filesystem::path& path() const noexcept { return path_; }

private:
  sqlite_conn(sqlite3* db, std::filesystem::path path) noexcept;
  client::outcome<void> init(std::string_view kind, const char* schema,
                             std::size_t page_cache_bytes);
  void rollback() noexcept;

  sqlite3* db_;
  std::filesystem::path path_;
  sqlite_stmt read_meta_;
  sqlite_stmt write_meta_;
  sqlite_stmt delete_meta_;
};

} // namespace tributary::streams::state::detail
