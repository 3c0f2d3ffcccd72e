#pragma once
// What kv_store and window_store do alike to their one SQLite table: keep the row count and
// the changelog checkpoint in the meta table, write a batch of rows in one transaction with
// them, upsert one row with the count kept exact, wipe, and word the same errors. Private to
// streams/state.

#include "sqlite_conn.hpp"

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>

namespace tributary::streams::state::detail {

/// The table's meta values, as opened.
struct stored_meta {
  int64_t rows = 0;
  std::optional<int64_t> checkpoint;
};

/// Reads "rows" and "checkpoint"; a new file (no "rows" yet) is counted once with `count`.
client::outcome<stored_meta> read_stored_meta(sqlite_conn& db, sqlite_stmt& count);

/// One transaction: apply() writes the rows (keeping `rows` current), then the checkpoint
/// when given (nullopt keeps the stored one) and `rows` go to the meta table. Nothing is
/// written when any step fails.
template <class Apply>
client::outcome<void> write_batch(sqlite_conn& db, Apply&& apply, std::optional<int64_t> checkpoint,
                                  const int64_t& rows) {
  return db.transaction([&]() -> client::outcome<void> {
    if (auto r = apply(); !r)
      return r;
    if (checkpoint)
      if (auto r = db.write_meta("checkpoint", checkpoint); !r)
        return r;
    return db.write_meta("rows", rows);
  });
}

/// One row write with the count kept exact; returns the change in rows (-n, 0 or +1). A row
/// known to be stored is UPDATEd, any other INSERTed unless present (ON CONFLICT DO NOTHING);
/// when that finds nothing to do, the other statement runs -- so new rows and rewrites of
/// cached rows both cost one b-tree search. bind(stmt) binds the row's key columns and, when
/// the row has a value, its value.
template <class Bind>
client::outcome<int64_t> upsert(sqlite_conn& db, sqlite_stmt& erase, sqlite_stmt& update,
                                sqlite_stmt& insert, bool has_value, bool is_stored, Bind&& bind) {
  auto run = [&](sqlite_stmt& st) -> client::outcome<int64_t> {
    reset_on_exit guard(st);
    bind(st);
    if (int rc = st.step(); rc != SQLITE_DONE)
      return db.fail(rc, st.sql());
    return db.changes();
  };
  if (!has_value) {
    auto deleted = run(erase);
    if (!deleted)
      return deleted.err();
    return -*deleted;
  }
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool is_update = (attempt == 0) == is_stored;
    auto changed = run(is_update ? update : insert);
    if (!changed)
      return changed.err();
    if (*changed > 0)
      return is_update ? 0 : 1;
  }
  return 0;
}

/// Stores (or clears) the checkpoint alone, in its own transaction.
client::outcome<void> write_checkpoint_only(sqlite_conn& db, std::optional<int64_t> checkpoint);

/// Deletes every row of `table`, the checkpoint, and sets rows to 0, in one transaction.
client::outcome<void> wipe_table(sqlite_conn& db, const char* table);

client::error closed_store_error(const std::string& store);
/// A restore asked for while the cache holds writes the changelog never saw.
client::error unflushed_restore_error(const std::string& store, std::size_t unflushed);
/// The warning when a store closes with unflushed writes (they are dropped).
void warn_closing_unflushed(const std::string& store, std::size_t unflushed);

} // namespace tributary::streams::state::detail
