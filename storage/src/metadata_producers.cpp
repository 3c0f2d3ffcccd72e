// metadata_store: producer id allocation and transactional.id registrations.
#include "metadata_context.hpp"
#include "tributary/storage/metadata/metadata_store.hpp"

#include <limits>

namespace tributary::storage::metadata {

using detail::call_context;
using detail::sqlite_db;

namespace {

std::string quoted(std::string_view transactional_id) {
  return "transactional id '" + std::string(transactional_id) + "'";
}

// Advances the persistent counter; runs inside the caller's write transaction, so the ids
// are durable before anyone uses them and never handed out twice, also across restarts.
result<int64_t> allocate(sqlite_db& db, int32_t count) {
  auto st = db.prepare("UPDATE producer_ids SET next_producer_id = next_producer_id + ?1 "
                       "WHERE singleton = 1 RETURNING next_producer_id - ?1");
  if (!st)
    return unexpected(st.error());
  st->bind(1, int64_t{count});
  auto row = st->step();
  if (!row)
    return unexpected(row.error());
  if (!*row)
    return unexpected(errc::internal); // the v2 migration inserts the row; never missing
  auto first = st->int64(0);
  TRIB_TRY(st->run()); // finish the statement so the UPDATE completes
  return first;
}

result<void> upsert_producer(sqlite_db& db, const transactional_producer& p, int64_t now) {
  auto st = db.prepare(
      "INSERT INTO transactional_producers (transactional_id, producer_id, producer_epoch, "
      "transaction_timeout_ms, updated_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT "
      "(transactional_id) DO UPDATE SET producer_id = excluded.producer_id, producer_epoch = "
      "excluded.producer_epoch, transaction_timeout_ms = excluded.transaction_timeout_ms, "
      "updated_ms = excluded.updated_ms");
  if (!st)
    return unexpected(st.error());
  st->bind(1, p.transactional_id).bind(2, p.id.value).bind(3, int64_t{p.epoch.value});
  return st->bind(4, int64_t{p.transaction_timeout_ms}).bind(5, now).run();
}

result<std::optional<transactional_producer>> read_producer(sqlite_db& db,
                                                            std::string_view transactional_id) {
  auto st = db.prepare("SELECT transactional_id, producer_id, producer_epoch, "
                       "transaction_timeout_ms, updated_ms FROM transactional_producers "
                       "WHERE transactional_id = ?");
  if (!st)
    return unexpected(st.error());
  auto row = st->bind(1, transactional_id).step();
  if (!row)
    return unexpected(row.error());
  if (!*row)
    return std::optional<transactional_producer>{};
  return std::optional<transactional_producer>{transactional_producer{
      st->text(0), producer_id{st->int64(1)}, producer_epoch{static_cast<int16_t>(st->int64(2))},
      static_cast<int32_t>(st->int64(3)), st->int64(4)}};
}

} // namespace

result<producer_id_block> metadata_store::allocate_producer_ids(int32_t count) {
  TRIB_TRY(begin_call());
  call_context ctx{*db_, last_error_, now_ms()};
  if (count <= 0)
    return ctx.fail(errc::invalid_argument,
                    "producer id block size " + std::to_string(count) + " must be positive");
  return finish(db_->write([&]() -> result<producer_id_block> {
    auto first = allocate(*db_, count);
    if (!first)
      return unexpected(first.error());
    return producer_id_block{producer_id{*first}, count};
  }),
                "allocate producer ids");
}

result<transactional_producer>
metadata_store::get_transactional_producer(std::string_view transactional_id) {
  TRIB_TRY(begin_call());
  call_context ctx{*db_, last_error_, now_ms()};
  return finish(db_->read([&]() -> result<transactional_producer> {
    auto p = read_producer(*db_, transactional_id);
    if (!p)
      return unexpected(p.error());
    if (!*p)
      return ctx.fail(errc::unknown_transactional_id,
                      quoted(transactional_id) + " has no producer");
    return std::move(**p);
  }),
                "read " + quoted(transactional_id));
}

result<void> metadata_store::put_transactional_producer(const transactional_producer& p) {
  TRIB_TRY(begin_call());
  call_context ctx{*db_, last_error_, now_ms()};
  if (p.transactional_id.empty() || p.id.value < 0 || p.epoch.value < 0)
    return ctx.fail(errc::invalid_argument, quoted(p.transactional_id) +
                                                ": needs a non-empty id, producer id >= 0 "
                                                "and epoch >= 0");
  return finish(db_->write([&] { return upsert_producer(*db_, p, ctx.now_ms); }),
                "store " + quoted(p.transactional_id));
}

result<void> metadata_store::delete_transactional_producer(std::string_view transactional_id) {
  TRIB_TRY(begin_call());
  call_context ctx{*db_, last_error_, now_ms()};
  return finish(db_->write([&]() -> result<void> {
    auto st = db_->prepare("DELETE FROM transactional_producers WHERE "
                           "transactional_id = ?");
    if (!st)
      return unexpected(st.error());
    TRIB_TRY(st->bind(1, transactional_id).run());
    if (st->changes() == 0)
      return ctx.fail(errc::unknown_transactional_id,
                      quoted(transactional_id) + " has no producer");
    return {};
  }),
                "delete " + quoted(transactional_id));
}

result<transactional_producer>
metadata_store::init_transactional_producer(std::string_view transactional_id,
                                            int32_t transaction_timeout_ms) {
  TRIB_TRY(begin_call());
  call_context ctx{*db_, last_error_, now_ms()};
  if (transactional_id.empty())
    return ctx.fail(errc::invalid_argument, "a transactional id must not be empty");
  return finish(db_->write([&]() -> result<transactional_producer> {
    auto existing = read_producer(*db_, transactional_id);
    if (!existing)
      return unexpected(existing.error());
    transactional_producer p{std::string(transactional_id), producer_id{-1}, producer_epoch{0},
                             transaction_timeout_ms, ctx.now_ms};
    // Kafka bumps the epoch on every InitProducerId; when it would reach the maximum the
    // producer gets a fresh id at epoch 0 (the old id stays fenced forever).
    constexpr int16_t k_last_epoch = std::numeric_limits<int16_t>::max() - 1;
    if (*existing && (*existing)->epoch.value < k_last_epoch) {
      p.id = (*existing)->id;
      p.epoch = producer_epoch{static_cast<int16_t>((*existing)->epoch.value + 1)};
    } else {
      auto fresh = allocate(*db_, 1);
      if (!fresh)
        return unexpected(fresh.error());
      p.id = producer_id{*fresh};
    }
    TRIB_TRY(upsert_producer(*db_, p, ctx.now_ms));
    return p;
  }),
                "init producer of " + quoted(transactional_id));
}

} // namespace tributary::storage::metadata
