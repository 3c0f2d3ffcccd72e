// sqlite_db and statement: the thin SQLite layer under the metadata store.
#include "sqlite_db.hpp"

#include <sqlite3.h>

#include <cassert>
#include <thread>

namespace tributary::storage::metadata::detail {

errc errc_from_sqlite(int rc) noexcept {
  switch (rc & 0xff) {
  case SQLITE_OK:
  case SQLITE_ROW:
  case SQLITE_DONE:
    return errc::ok;
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
    return errc::busy;
  case SQLITE_NOTADB:
  case SQLITE_CORRUPT:
    return errc::not_a_database;
  case SQLITE_CANTOPEN:
  case SQLITE_PERM:
  case SQLITE_AUTH:
    return errc::cannot_open;
  case SQLITE_READONLY:
    return errc::read_only;
  case SQLITE_FULL:
    return errc::disk_full;
  case SQLITE_IOERR:
    return errc::io_error;
  case SQLITE_CONSTRAINT:
    return errc::constraint_violation;
  default:
    return errc::internal;
  }
}

// -- statement -------------------------------------------------------------------------------

statement::statement(sqlite_db& db, sqlite3_stmt* stmt, bool* in_use) noexcept
    : db_(&db), stmt_(stmt), in_use_(in_use) {}

statement::statement(statement&& other) noexcept
    : db_(other.db_), stmt_(other.stmt_), in_use_(other.in_use_) {
  other.stmt_ = nullptr;
  other.in_use_ = nullptr;
}

statement::~statement() {
  if (stmt_ == nullptr)
    return;
  if (in_use_ == nullptr) {
    sqlite3_finalize(stmt_);
    return;
  }
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  *in_use_ = false;
}

statement& statement::bind(int index, int64_t value) {
  [[maybe_unused]] int rc = sqlite3_bind_int64(stmt_, index, value);
  assert(rc == SQLITE_OK);
  return *this;
}

statement& statement::bind(int index, std::string_view value) {
  [[maybe_unused]] int rc =
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  assert(rc == SQLITE_OK);
  return *this;
}

statement& statement::bind(int index, const std::vector<uint8_t>& bytes) {
  // A zero-length blob must still bind as a blob (not NULL): pass a valid pointer.
  static constexpr uint8_t k_empty = 0;
  const void* data = bytes.empty() ? &k_empty : bytes.data();
  [[maybe_unused]] int rc = sqlite3_bind_blob64(stmt_, index, data, bytes.size(), SQLITE_TRANSIENT);
  assert(rc == SQLITE_OK);
  return *this;
}

statement& statement::bind_null(int index) {
  [[maybe_unused]] int rc = sqlite3_bind_null(stmt_, index);
  assert(rc == SQLITE_OK);
  return *this;
}

result<bool> statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW)
    return true;
  if (rc == SQLITE_DONE)
    return false;
  return unexpected(db_->fail(rc, sqlite3_sql(stmt_)));
}

result<void> statement::run() {
  for (;;) {
    auto r = step();
    if (!r)
      return unexpected(r.error());
    if (!*r)
      return {};
  }
}

int64_t statement::changes() const noexcept {
  return sqlite3_changes64(db_->handle());
}

bool statement::is_null(int col) const noexcept {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}

int64_t statement::int64(int col) const noexcept {
  return sqlite3_column_int64(stmt_, col);
}

std::string statement::text(int col) const {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : "";
}

std::optional<std::string> statement::optional_text(int col) const {
  if (is_null(col))
    return std::nullopt;
  return text(col);
}

std::optional<int64_t> statement::optional_int64(int col) const noexcept {
  if (is_null(col))
    return std::nullopt;
  return int64(col);
}

std::vector<uint8_t> statement::bytes(int col) const {
  auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, col));
  auto n = static_cast<size_t>(sqlite3_column_bytes(stmt_, col));
  return p ? std::vector<uint8_t>(p, p + n) : std::vector<uint8_t>{};
}

// -- sqlite_db -------------------------------------------------------------------------------

sqlite_db::sqlite_db(sqlite3* db, const connection_options& options)
    : db_(db), options_(options), jitter_(std::random_device{}()) {}

result<std::unique_ptr<sqlite_db>> sqlite_db::open(const std::string& path,
                                                   const connection_options& options,
                                                   std::string& diagnostic) {
  // NOMUTEX: one thread at a time uses this connection (the store's contract), so SQLite's
  // per-connection mutex would only cost time.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (options.create_if_missing)
    flags |= SQLITE_OPEN_CREATE;
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    diagnostic = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    sqlite3_close_v2(raw);
    return unexpected(errc_from_sqlite(rc));
  }
  sqlite3_extended_result_codes(raw, 1);
  if (sqlite3_db_readonly(raw, "main") == 1) {
    diagnostic = "the file is not writable (SQLite opened it read-only)";
    sqlite3_close_v2(raw);
    return unexpected(errc::read_only);
  }
  sqlite3_busy_timeout(raw, static_cast<int>(options.busy_timeout.count()));
  return std::unique_ptr<sqlite_db>(new sqlite_db(raw, options));
}

sqlite_db::~sqlite_db() {
  for (auto& [sql, slot] : cache_)
    sqlite3_finalize(slot.stmt);
  // close_v2: never fails with BUSY; a leaked statement would delay the close, not leak it.
  sqlite3_close_v2(db_);
}

result<statement> sqlite_db::prepare(const char* sql) {
  auto [it, inserted] = cache_.try_emplace(sql);
  auto& slot = it->second;
  if (!inserted && !slot.in_use) {
    slot.in_use = true;
    return statement(*this, slot.stmt, &slot.in_use);
  }
  sqlite3_stmt* stmt = nullptr;
  int flags = inserted ? SQLITE_PREPARE_PERSISTENT : 0;
  int rc = sqlite3_prepare_v3(db_, sql, -1, flags, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    if (inserted)
      cache_.erase(it);
    return unexpected(fail(rc, sql));
  }
  if (!inserted) // the cached one is leased already: hand out a private statement
    return statement(*this, stmt, nullptr);
  slot.stmt = stmt;
  slot.in_use = true;
  return statement(*this, stmt, &slot.in_use);
}

result<void> sqlite_db::exec(const char* sql) {
  char* message = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
  sqlite3_free(message); // sqlite3_errmsg() still has it
  if (rc != SQLITE_OK)
    return unexpected(fail(rc, sql));
  return {};
}

result<int64_t> sqlite_db::query_int(const char* sql) {
  auto st = prepare(sql);
  if (!st)
    return unexpected(st.error());
  auto row = st->step();
  if (!row)
    return unexpected(row.error());
  return *row ? st->int64(0) : int64_t{0};
}

result<std::string> sqlite_db::query_text(const char* sql) {
  auto st = prepare(sql);
  if (!st)
    return unexpected(st.error());
  auto row = st->step();
  if (!row)
    return unexpected(row.error());
  return *row ? st->text(0) : std::string{};
}

std::error_code sqlite_db::fail(int rc, std::string_view what) {
  last_error_ = sqlite3_errmsg(db_);
  last_error_ += " (SQLite code " + std::to_string(rc) + ") in: ";
  last_error_ += what.substr(0, 200);
  return make_error_code(errc_from_sqlite(rc));
}

void sqlite_db::rollback() noexcept {
  if (sqlite3_get_autocommit(db_) != 0)
    return; // SQLite already rolled back (e.g. after SQLITE_FULL) or nothing was begun
  auto saved = last_error_;
  (void)exec("ROLLBACK");
  last_error_ = std::move(saved);
}

void sqlite_db::sleep_before_retry(int attempt) {
  auto base = options_.retry_backoff * (int64_t{1} << std::min(attempt, 10));
  auto jitter = std::uniform_int_distribution<int64_t>(0, base.count())(jitter_);
  std::this_thread::sleep_for(base + std::chrono::milliseconds(jitter));
}

} // namespace tributary::storage::metadata::detail
