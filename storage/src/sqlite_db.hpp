#pragma once
// sqlite_db: one SQLite connection with a prepared-statement cache, SQLite result codes
// mapped to metadata::errc, and transactions retried with backoff on SQLITE_BUSY/LOCKED.
// Private to the metadata store. Owned by one metadata_store; not thread-safe (the
// connection is opened with SQLITE_OPEN_NOMUTEX); nothing static.

#include "tributary/common/result.hpp"
#include "tributary/storage/metadata/errc.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace tributary::storage::metadata::detail {

class sqlite_db;

/// SQLite primary result code -> errc (BUSY and LOCKED -> busy, NOTADB/CORRUPT ->
/// not_a_database, ...). Codes without a precise meaning map to errc::internal.
errc errc_from_sqlite(int rc) noexcept;

/// A leased prepared statement: bound, stepped, then reset and returned to the cache when it
/// goes out of scope. Column and bind indexes are SQLite's (bind from 1, columns from 0).
class statement {
public:
  statement(sqlite_db& db, sqlite3_stmt* stmt, bool* in_use) noexcept;
  statement(statement&& other) noexcept;
  statement& operator=(statement&&) = delete;
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  ~statement();

  statement& bind(int index, int64_t value);
  statement& bind(int index, std::string_view value);
  statement& bind(int index, const std::vector<uint8_t>& bytes);
  statement& bind_null(int index);
  template <class T>
  statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }
  statement& bind(int index, const std::string& value) {
    return bind(index, std::string_view{value});
  }
  statement& bind(int index, const char* value) { return bind(index, std::string_view{value}); }

  /// One step: true when a row is ready, false when the statement is done.
  result<bool> step();
  /// Steps to the end, ignoring rows (INSERT / UPDATE / DELETE).
  result<void> run();
  /// Steps to the end, calling on_row(*this) for each row.
  template <class F>
  result<void> each_row(F&& on_row) {
    for (;;) {
      auto row = step();
      if (!row)
        return unexpected(row.error());
      if (!*row)
        return {};
      on_row(*this);
    }
  }
  /// Rows changed by the last run() on this connection.
  int64_t changes() const noexcept;

  bool is_null(int col) const noexcept;
  int64_t int64(int col) const noexcept;
  std::string text(int col) const;
  std::optional<std::string> optional_text(int col) const;
  std::optional<int64_t> optional_int64(int col) const noexcept;
  std::vector<uint8_t> bytes(int col) const;

private:
  sqlite_db* db_;
  sqlite3_stmt* stmt_;
  bool* in_use_; // the cache slot's flag; nullptr for an uncached statement we finalize
};

/// How a connection is opened and how hard it retries a busy lock.
struct connection_options {
  bool create_if_missing = true;
  std::chrono::milliseconds busy_timeout{2000};
  int busy_retries = 5;
  std::chrono::milliseconds retry_backoff{10};
};

/// One SQLite connection. Fails with metadata::errc; the SQLite message of the latest
/// failure (with the SQL text) is in last_error().
class sqlite_db {
public:
  static result<std::unique_ptr<sqlite_db>>
  open(const std::string& path, const connection_options& options, std::string& diagnostic);
  ~sqlite_db();
  sqlite_db(const sqlite_db&) = delete;
  sqlite_db& operator=(const sqlite_db&) = delete;

  /// A cached prepared statement for `sql` (a second lease of the same SQL while the first
  /// is alive gets a private, uncached statement).
  result<statement> prepare(const char* sql);
  /// Runs one or more SQL statements without results (DDL, BEGIN, PRAGMA x = y).
  result<void> exec(const char* sql);
  /// Runs a single-value query such as "PRAGMA user_version".
  result<int64_t> query_int(const char* sql);
  result<std::string> query_text(const char* sql);

  /// body() inside BEGIN IMMEDIATE ... COMMIT; rolled back when body fails. The whole
  /// transaction is retried with backoff while SQLite reports BUSY or LOCKED.
  template <class F>
  auto write(F&& body) -> std::invoke_result_t<F&> {
    return with_retry([&] { return run_transaction("BEGIN IMMEDIATE", body); });
  }
  /// body() inside a read transaction (BEGIN ... COMMIT): one consistent snapshot.
  template <class F>
  auto read(F&& body) -> std::invoke_result_t<F&> {
    return with_retry([&] { return run_transaction("BEGIN", body); });
  }

  const std::string& last_error() const noexcept { return last_error_; }
  /// Records SQLite's message for `rc` (with `what`, usually the SQL) and maps the code.
  std::error_code fail(int rc, std::string_view what);
  sqlite3* handle() noexcept { return db_; }

private:
  struct cached {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };

  explicit sqlite_db(sqlite3* db, const connection_options& options);

  template <class F>
  auto run_transaction(const char* begin_sql, F& body) -> std::invoke_result_t<F&> {
    if (auto b = exec(begin_sql); !b)
      return unexpected(b.error());
    auto r = body();
    if (!r) {
      rollback();
      return r;
    }
    if (auto c = exec("COMMIT"); !c) {
      rollback();
      return unexpected(c.error());
    }
    return r;
  }

  template <class F>
  auto with_retry(F&& attempt_once) -> std::invoke_result_t<F&> {
    for (int attempt = 0;; ++attempt) {
      auto r = attempt_once();
      if (r || r.error() != errc::busy || attempt >= options_.busy_retries)
        return r;
      sleep_before_retry(attempt);
    }
  }

  /// ROLLBACK if a transaction is open, keeping last_error_ of the failure that caused it.
  void rollback() noexcept;
  void sleep_before_retry(int attempt);

  sqlite3* db_;
  connection_options options_;
  std::unordered_map<std::string, cached> cache_;
  std::minstd_rand jitter_;
  std::string last_error_;
};

} // namespace tributary::storage::metadata::detail
