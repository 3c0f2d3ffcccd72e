// window_store: opening, point reads and writes through the cache, flush, restore and wipe.
// Range reads and expiry are in window_store_fetch.cpp.
#include "store_core.hpp"
#include "window_store_impl.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

namespace tributary::streams::state {

using detail::reset_on_exit;
using detail::sqlite_stmt;
using detail::window_ref;

namespace {

// The primary key (key, start, end) serves every per-key read in order; the index on the end
// serves expiry. WITHOUT ROWID: the table is its primary-key b-tree.
constexpr const char* k_schema =
    "CREATE TABLE win(key BLOB NOT NULL, start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL, "
    "value BLOB NOT NULL, PRIMARY KEY(key, start_ms, end_ms)) WITHOUT ROWID; "
    "CREATE INDEX win_by_end ON win(end_ms)";

} // namespace

client::outcome<void> window_store::impl::prepare_all() {
  struct {
    sqlite_stmt* slot;
    const char* sql;
  } const statements[] = {
      {&select, "SELECT value FROM win WHERE key = ?1 AND start_ms = ?2 AND end_ms = ?3"},
      {&update, "UPDATE win SET value = ?4 WHERE key = ?1 AND start_ms = ?2 AND end_ms = ?3"},
      {&insert, "INSERT INTO win(key, start_ms, end_ms, value) VALUES(?1, ?2, ?3, ?4) "
                "ON CONFLICT DO NOTHING"},
      {&erase, "DELETE FROM win WHERE key = ?1 AND start_ms = ?2 AND end_ms = ?3"},
      {&fetch_start, "SELECT key, start_ms, end_ms, value FROM win WHERE key = ?1 AND "
                     "start_ms = ?2 ORDER BY key, start_ms, end_ms"},
      {&fetch_key, "SELECT key, start_ms, end_ms, value FROM win WHERE key = ?1 AND "
                   "start_ms >= ?2 AND start_ms <= ?3 ORDER BY key, start_ms, end_ms"},
      {&sessions, "SELECT key, start_ms, end_ms, value FROM win WHERE key = ?1 AND "
                  "start_ms <= ?2 AND end_ms >= ?3 ORDER BY key, start_ms, end_ms"},
      {&fetch_all, "SELECT key, start_ms, end_ms, value FROM win WHERE start_ms >= ?1 AND "
                   "start_ms <= ?2 ORDER BY key, start_ms, end_ms"},
      {&expire, "DELETE FROM win WHERE end_ms < ?1"},
      {&min_end, "SELECT min(end_ms) FROM win"},
      {&count, "SELECT count(*) FROM win"},
  };
  for (const auto& s : statements) {
    auto st = db->prepare(s.sql);
    if (!st)
      return st.err();
    *s.slot = std::move(*st);
  }
  return {};
}

client::outcome<void> window_store::impl::apply(const window_ref& w,
                                                const std::optional<std::string>& value,
                                                bool is_stored) {
  auto delta = detail::upsert(*db, erase, update, insert, value.has_value(), is_stored,
                              [&](sqlite_stmt& st) {
                                st.bind_blob(1, w.key).bind_int(2, w.start).bind_int(3, w.end);
                                if (value)
                                  st.bind_blob(4, *value);
                              });
  if (!delta)
    return delta.err();
  rows += *delta;
  if (*delta > 0 && db_min_end)
    db_min_end = std::min(*db_min_end, w.end);
  return {};
}

window_store::window_store(std::string name, std::filesystem::path path,
                           std::unique_ptr<impl> impl) noexcept
    : name_(std::move(name)), path_(std::move(path)), impl_(std::move(impl)) {}

window_store::~window_store() {
  close();
}

client::outcome<std::unique_ptr<window_store>>
window_store::open(const std::filesystem::path& file, std::string name, window_store_options opts) {
  auto conn = detail::sqlite_conn::open(file, "window", k_schema, opts.page_cache_bytes);
  if (!conn)
    return conn.err();
  auto im = std::make_unique<impl>(opts.cache_max_bytes);
  im->db = std::move(*conn);
  if (auto r = im->prepare_all(); !r)
    return r.err();
  auto meta = detail::read_stored_meta(*im->db, im->count);
  if (!meta)
    return meta.err();
  im->rows = meta->rows;
  std::unique_ptr<window_store> store(new window_store(std::move(name), file, std::move(im)));
  store->checkpoint_ = meta->checkpoint;
  spdlog::debug("streams: window store '{}' opened at '{}' ({} rows, checkpoint {})", store->name_,
                file.string(), store->impl_->rows,
                store->checkpoint_ ? std::to_string(*store->checkpoint_) : "none");
  return store;
}

client::error window_store::closed_error() const {
  return detail::closed_store_error(name_);
}

client::outcome<std::optional<std::string>> window_store::get(std::string_view key, int64_t start,
                                                              int64_t end) {
  if (!impl_)
    return closed_error();
  window_ref w{key, start, end};
  if (const auto* e = impl_->cache.find(w))
    return e->value;
  auto& st = impl_->select;
  reset_on_exit guard(st);
  st.bind_blob(1, key).bind_int(2, start).bind_int(3, end);
  int rc = st.step();
  if (rc == SQLITE_DONE)
    return std::optional<std::string>{};
  if (rc != SQLITE_ROW)
    return impl_->db->fail(rc, st.sql());
  std::string value(st.blob(0));
  impl_->cache.put_clean(w, value);
  impl_->note_cached(end);
  return std::optional<std::string>{std::move(value)};
}

void window_store::put(std::string_view key, int64_t start, int64_t end,
                       std::optional<std::string> value) {
  if (!impl_) {
    spdlog::warn("streams: write to closed state store '{}' ignored", name_);
    return;
  }
  impl_->cache.put_dirty(window_ref{key, start, end}, std::move(value));
  impl_->note_cached(end);
}

int64_t window_store::approximate_entries() const noexcept {
  if (!impl_)
    return 0;
  auto deletes = static_cast<int64_t>(impl_->cache.dirty_tombstones());
  auto puts = static_cast<int64_t>(impl_->cache.dirty_count()) - deletes;
  return std::max<int64_t>(0, impl_->rows + puts - deletes);
}

bool window_store::needs_flush() const noexcept {
  return impl_ && impl_->cache.needs_flush();
}

std::size_t window_store::unflushed_count() const noexcept {
  return impl_ ? impl_->cache.dirty_count() : 0;
}

client::outcome<std::vector<change>> window_store::flush(std::optional<int64_t> changelog_offset) {
  if (!impl_)
    return closed_error();
  auto& im = *impl_;
  auto dirty = im.cache.dirty_nodes();
  if (dirty.empty() && !changelog_offset)
    return std::vector<change>{};
  int64_t rows_before = im.rows;
  auto min_end_before = im.db_min_end;
  auto written = detail::write_batch(
      *im.db,
      [&]() -> client::outcome<void> {
        for (const auto* n : dirty) {
          const window_key& w = n->first;
          window_ref ref{w.key, w.start, w.end};
          if (auto r = im.apply(ref, n->second.value, n->second.is_stored); !r)
            return r;
        }
        return {};
      },
      changelog_offset, im.rows);
  if (!written) {
    im.rows = rows_before;
    im.db_min_end = min_end_before;
    return written.err();
  }
  if (changelog_offset)
    checkpoint_ = changelog_offset;
  std::vector<change> out;
  out.reserve(dirty.size());
  for (auto* n : dirty) {
    out.push_back({encode_window_key(n->first), n->second.value});
    im.cache.mark_clean(n);
  }
  im.cache.evict_to_budget();
  return out;
}

client::outcome<void> window_store::write_checkpoint(std::optional<int64_t> changelog_offset) {
  if (!impl_)
    return closed_error();
  auto r = detail::write_checkpoint_only(*impl_->db, changelog_offset);
  if (r)
    checkpoint_ = changelog_offset;
  return r;
}

client::outcome<void> window_store::restore_batch(const std::vector<change>& changes,
                                                  int64_t next_changelog_offset) {
  if (!impl_)
    return closed_error();
  auto& im = *impl_;
  if (im.cache.dirty_count() > 0)
    return detail::unflushed_restore_error(name_, im.cache.dirty_count());
  im.cache.clear(); // clean entries may be stale once the batch is applied
  im.cache_min_end = std::numeric_limits<int64_t>::max();
  int64_t rows_before = im.rows;
  auto min_end_before = im.db_min_end;
  auto written = detail::write_batch(
      *im.db,
      [&]() -> client::outcome<void> {
        for (const auto& c : changes) {
          auto w = decode_window_key(c.key);
          if (!w)
            return client::make_error(w.err().code, "state store '" + name_ +
                                                        "': changelog record: " + w.err().message);
          if (auto r = im.apply(window_ref{w->key, w->start, w->end}, c.value, false); !r)
            return r;
        }
        return {};
      },
      next_changelog_offset, im.rows);
  if (!written) {
    im.rows = rows_before;
    im.db_min_end = min_end_before;
    return written;
  }
  checkpoint_ = next_changelog_offset;
  return {};
}

client::outcome<void> window_store::wipe() {
  if (!impl_)
    return closed_error();
  auto& im = *impl_;
  auto r = detail::wipe_table(*im.db, "win");
  if (!r)
    return r;
  im.cache.clear();
  im.rows = 0;
  im.cache_min_end = std::numeric_limits<int64_t>::max();
  im.db_min_end = std::numeric_limits<int64_t>::max();
  checkpoint_.reset();
  spdlog::info("streams: state store '{}' wiped ('{}')", name_, path_.string());
  return {};
}

void window_store::close() {
  if (!impl_)
    return;
  if (auto n = impl_->cache.dirty_count(); n > 0)
    detail::warn_closing_unflushed(name_, n);
  impl_.reset();
}

} // namespace tributary::streams::state
