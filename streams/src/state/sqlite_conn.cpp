// sqlite_conn: opening a store file with the store pragmas, its meta table, and SQLite errors
// as client::error values.
#include "sqlite_conn.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <system_error>

namespace tributary::streams::state::detail {

namespace {

// 'TRBS' in PRAGMA application_id marks a Tributary state store; user_version is the layout.
constexpr int64_t k_application_id = 0x54524253;
constexpr int64_t k_layout_version = 1;

client::error storage_error(const std::filesystem::path& path, std::string what) {
  return client::make_error(protocol::kafka_error::kafka_storage_error,
                            "state store file '" + path.string() + "': " + std::move(what));
}

} // namespace

// -- sqlite_stmt -----------------------------------------------------------------------------

sqlite_stmt& sqlite_stmt::operator=(sqlite_stmt&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = other.stmt_;
    other.stmt_ = nullptr;
  }
  return *this;
}

sqlite_stmt::~sqlite_stmt() {
  sqlite3_finalize(stmt_);
}

sqlite_stmt& sqlite_stmt::bind_blob(int index, std::string_view bytes) {
  // A zero-length blob needs a non-null pointer, or SQLite binds NULL. SQLITE_STATIC: no copy;
  // the caller keeps the bytes alive until reset() (every use binds, steps, then resets).
  static constexpr char k_empty = 0;
  const char* data = bytes.empty() ? &k_empty : bytes.data();
  sqlite3_bind_blob64(stmt_, index, data, bytes.size(), SQLITE_STATIC);
  return *this;
}

sqlite_stmt& sqlite_stmt::bind_text(int index, std::string_view text) {
  sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}

sqlite_stmt& sqlite_stmt::bind_int(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

sqlite_stmt& sqlite_stmt::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

int sqlite_stmt::step() noexcept {
  return sqlite3_step(stmt_);
}

void sqlite_stmt::reset() noexcept {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string_view sqlite_stmt::blob(int col) const noexcept {
  const void* p = sqlite3_column_blob(stmt_, col);
  auto n = static_cast<size_t>(sqlite3_column_bytes(stmt_, col));
  return p ? std::string_view(static_cast<const char*>(p), n) : std::string_view{};
}

int64_t sqlite_stmt::int64(int col) const noexcept {
  return sqlite3_column_int64(stmt_, col);
}

bool sqlite_stmt::is_null(int col) const noexcept {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}

const char* sqlite_stmt::sql() const noexcept {
  return sqlite3_sql(stmt_);
}

// -- sqlite_conn -----------------------------------------------------------------------------

sqlite_conn::sqlite_conn(sqlite3* db, std::filesystem::path path) noexcept
    : db_(db), path_(std::move(path)) {}

sqlite_conn::~sqlite_conn() {
  read_meta_ = sqlite_stmt{};
  write_meta_ = sqlite_stmt{};
  delete_meta_ = sqlite_stmt{};
  sqlite3_close_v2(db_); // the last connection's close checkpoints the WAL into the file
}

client::outcome<std::unique_ptr<sqlite_conn>> sqlite_conn::open(const std::filesystem::path& file,
                                                                std::string_view kind,
                                                                const char* schema,
                                                                std::size_t page_cache_bytes) {
  std::error_code ec;
  if (file.has_parent_path())
    std::filesystem::create_directories(file.parent_path(), ec);
  if (ec)
    return storage_error(file, "cannot create its folder: " + ec.message());
  sqlite3* raw = nullptr;
  // NOMUTEX: one task thread uses a store at a time, so SQLite's connection mutex is waste.
  int rc =
      sqlite3_open_v2(file.string().c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    sqlite3_close_v2(raw);
    return storage_error(file, "cannot open: " + msg);
  }
  sqlite3_extended_result_codes(raw, 1);
  std::unique_ptr<sqlite_conn> conn(new sqlite_conn(raw, file));
  if (auto r = conn->init(kind, schema, page_cache_bytes); !r)
    return r.err();
  return conn;
}

client::outcome<void> sqlite_conn::init(std::string_view kind, const char* schema,
                                        std::size_t page_cache_bytes) {
  // EXCLUSIVE before WAL: the wal-index then lives in heap memory (no -shm file), and the lock
  // taken by the first read keeps a second owner of the store out until close.
  // synchronous=NORMAL: a commit is not fsynced (a power cut may lose the latest flushes, never
  // corrupt the file); the changelog and the checkpoint stored with the data cover the loss.
  std::string pragmas = "PRAGMA locking_mode=EXCLUSIVE; PRAGMA journal_mode=WAL; "
                        "PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY; "
                        "PRAGMA cache_size=-" +
                        std::to_string(std::max<std::size_t>(page_cache_bytes / 1024, 64));
  if (auto r = exec(pragmas.c_str()); !r)
    return r;
  auto query_int = [this](const char* sql) -> client::outcome<int64_t> {
    auto st = prepare(sql);
    if (!st)
      return st.err();
    int rc = st->step();
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
      return fail(rc, sql);
    return rc == SQLITE_ROW ? st->int64(0) : int64_t{0};
  };
  auto app_id = query_int("PRAGMA application_id");
  auto version = query_int("PRAGMA user_version");
  auto tables = query_int("SELECT count(*) FROM sqlite_master");
  if (!app_id || !version || !tables)
    return !app_id ? app_id.err() : !version ? version.err() : tables.err();
  if (*app_id == 0 && *tables == 0) {
    auto created = transaction([&]() -> client::outcome<void> {
      if (auto r = exec(schema); !r)
        return r;
      std::string meta = "CREATE TABLE meta(name TEXT PRIMARY KEY, value) WITHOUT ROWID; "
                         "PRAGMA application_id=" +
                         std::to_string(k_application_id) +
                         "; PRAGMA user_version=" + std::to_string(k_layout_version);
      if (auto r = exec(meta.c_str()); !r)
        return r;
      auto st = prepare("INSERT INTO meta(name, value) VALUES('kind', ?1)");
      if (!st)
        return st.err();
      st->bind_text(1, kind);
      if (int rc = st->step(); rc != SQLITE_DONE)
        return fail(rc, st->sql());
      return {};
    });
    if (!created)
      return created;
  } else if (*app_id != k_application_id) {
    return storage_error(path_, "is an SQLite database but not a Tributary state store "
                                "(application_id " +
                                    std::to_string(*app_id) +
                                    "); delete it or point the store elsewhere");
  } else if (*version != k_layout_version) {
    return client::make_error(protocol::kafka_error::unsupported_version,
                              "state store file '" + path_.string() + "' has layout version " +
                                  std::to_string(*version) + "; this build reads version 1");
  }
  auto st = prepare("SELECT value FROM meta WHERE name = 'kind'");
  if (!st)
    return st.err();
  int rc = st->step();
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return fail(rc, st->sql());
  std::string found = rc == SQLITE_ROW ? std::string(st->blob(0)) : std::string{};
  if (found != kind)
    return storage_error(path_,
                         "holds a '" + found + "' store, not a '" + std::string(kind) + "' store");
  auto r = prepare("SELECT value FROM meta WHERE name = ?1");
  auto w = prepare("INSERT OR REPLACE INTO meta(name, value) VALUES(?1, ?2)");
  auto d = prepare("DELETE FROM meta WHERE name = ?1");
  if (!r || !w || !d)
    return !r ? r.err() : !w ? w.err() : d.err();
  read_meta_ = std::move(*r);
  write_meta_ = std::move(*w);
  delete_meta_ = std::move(*d);
  return {};
}

client::outcome<sqlite_stmt> sqlite_conn::prepare(const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK)
    return fail(rc, sql);
  return sqlite_stmt(stmt);
}

client::outcome<void> sqlite_conn::exec(const char* sql) {
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK)
    return fail(rc, sql);
  return {};
}

client::outcome<std::optional<int64_t>> sqlite_conn::read_meta(const char* name) {
  reset_on_exit guard(read_meta_);
  read_meta_.bind_text(1, name);
  int rc = read_meta_.step();
  if (rc == SQLITE_DONE)
    return std::optional<int64_t>{};
  if (rc != SQLITE_ROW)
    return fail(rc, read_meta_.sql());
  if (read_meta_.is_null(0))
    return std::optional<int64_t>{};
  return std::optional<int64_t>{read_meta_.int64(0)};
}

client::outcome<void> sqlite_conn::write_meta(const char* name, std::optional<int64_t> value) {
  sqlite_stmt& st = value ? write_meta_ : delete_meta_;
  reset_on_exit guard(st);
  st.bind_text(1, name);
  if (value)
    st.bind_int(2, *value);
  if (int rc = st.step(); rc != SQLITE_DONE)
    return fail(rc, st.sql());
  return {};
}

int64_t sqlite_conn::changes() const noexcept {
  return sqlite3_changes64(db_);
}

client::error sqlite_conn::fail(int rc, std::string_view what) const {
  std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  msg += " (SQLite code " + std::to_string(rc) + ") in: ";
  msg += what.substr(0, 160);
  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
    msg += "; another connection holds this store (is the task running elsewhere?)";
  return storage_error(path_, std::move(msg));
}

void sqlite_conn::rollback() noexcept {
  if (sqlite3_get_autocommit(db_) == 0) // still in the transaction (SQLite may have ended it)
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

} // namespace tributary::streams::state::detail
