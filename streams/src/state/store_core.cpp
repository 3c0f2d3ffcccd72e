// The meta-table bookkeeping and messages kv_store and window_store share (store_core.hpp).
#include "store_core.hpp"

#include <spdlog/spdlog.h>

namespace tributary::streams::state::detail {

client::outcome<stored_meta> read_stored_meta(sqlite_conn& db, sqlite_stmt& count) {
  auto rows = db.read_meta("rows");
  auto checkpoint = db.read_meta("checkpoint");
  if (!rows || !checkpoint)
    return !rows ? rows.err() : checkpoint.err();
  stored_meta out;
  out.checkpoint = *checkpoint;
  if (*rows) {
    out.rows = **rows;
    return out;
  }
  // A new file: count once (0 rows, cheap).
  reset_on_exit guard(count);
  if (int rc = count.step(); rc != SQLITE_ROW)
    return db.fail(rc, count.sql());
  out.rows = count.int64(0);
  return out;
}

client::outcome<void> write_checkpoint_only(sqlite_conn& db, std::optional<int64_t> checkpoint) {
  return db.transaction([&] { return db.write_meta("checkpoint", checkpoint); });
}

client::outcome<void> wipe_table(sqlite_conn& db, const char* table) {
  auto sql = std::string("DELETE FROM ") + table;
  return db.transaction([&]() -> client::outcome<void> {
    if (auto d = db.exec(sql.c_str()); !d)
      return d;
    if (auto d = db.write_meta("checkpoint", std::nullopt); !d)
      return d;
    return db.write_meta("rows", 0);
  });
}

client::error closed_store_error(const std::string& store) {
  return client::make_error(protocol::kafka_error::kafka_storage_error,
                            "state store '" + store + "' is closed");
}

client::error unflushed_restore_error(const std::string& store, std::size_t unflushed) {
  return client::make_error(protocol::kafka_error::invalid_request,
                            "state store '" + store + "': restore with " +
                                std::to_string(unflushed) +
                                " unflushed writes; flush or wipe first");
}

void warn_closing_unflushed(const std::string& store, std::size_t unflushed) {
  spdlog::warn("streams: state store '{}' closed with {} unflushed writes; they are dropped "
               "(the changelog never saw them either)",
               store, unflushed);
}

} // namespace tributary::streams::state::detail
