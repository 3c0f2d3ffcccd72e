// kv_store: the write-back cache over one SQLite table of BLOB keys, flushed in one
// transaction with the changelog checkpoint and the row count beside it. Scans are in
// kv_store_scan.cpp.
#include "kv_store_impl.hpp"
#include "store_core.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

namespace tributary::streams::state {

using detail::reset_on_exit;
using detail::sqlite_stmt;

namespace {

// WITHOUT ROWID: the table is its primary-key b-tree, so a lookup or an ordered scan by key is
// one b-tree walk. BLOB keys compare with memcmp, the order the cache uses too.
constexpr const char* k_schema =
    "CREATE TABLE kv(key BLOB PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID";

} // namespace

client::outcome<void> kv_store::impl::prepare_all() {
  struct {
    sqlite_stmt* slot;
    const char* sql;
  } const statements[] = {
      {&select, "SELECT value FROM kv WHERE key = ?1"},
      {&update, "UPDATE kv SET value = ?2 WHERE key = ?1"},
      {&insert, "INSERT INTO kv(key, value) VALUES(?1, ?2) ON CONFLICT DO NOTHING"},
      {&erase, "DELETE FROM kv WHERE key = ?1"},
      {&scan_open, "SELECT key, value FROM kv WHERE key >= ?1 ORDER BY key"},
      {&scan_incl, "SELECT key, value FROM kv WHERE key >= ?1 AND key <= ?2 ORDER BY key"},
      {&scan_excl, "SELECT key, value FROM kv WHERE key >= ?1 AND key < ?2 ORDER BY key"},
      {&count, "SELECT count(*) FROM kv"},
  };
  for (const auto& s : statements) {
    auto st = db->prepare(s.sql);
    if (!st)
      return st.err();
    *s.slot = std::move(*st);
  }
  return {};
}

client::outcome<void> kv_store::impl::apply(std::string_view key,
                                            const std::optional<std::string>& value,
                                            bool is_stored) {
  auto delta = detail::upsert(*db, erase, update, insert, value.has_value(), is_stored,
                              [&](sqlite_stmt& st) {
                                st.bind_blob(1, key);
                                if (value)
                                  st.bind_blob(2, *value);
                              });
  if (!delta)
    return delta.err();
  rows += *delta;
  return {};
}

kv_store::kv_store(std::string name, std::filesystem::path path,
                   std::unique_ptr<impl> impl) noexcept
    : name_(std::move(name)), path_(std::move(path)), impl_(std::move(impl)) {}

kv_store::~kv_store() {
  close();
}

client::outcome<std::unique_ptr<kv_store>> kv_store::open(const std::filesystem::path& file,
                                                          std::string name, kv_store_options opts) {
  auto conn = detail::sqlite_conn::open(file, "kv", k_schema, opts.page_cache_bytes);
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
  std::unique_ptr<kv_store> store(new kv_store(std::move(name), file, std::move(im)));
  store->checkpoint_ = meta->checkpoint;
  spdlog::debug("streams: kv store '{}' opened at '{}' ({} rows, checkpoint {})", store->name_,
                file.string(), store->impl_->rows,
                store->checkpoint_ ? std::to_string(*store->checkpoint_) : "none");
  return store;
}

client::error kv_store::closed_error() const {
  return detail::closed_store_error(name_);
}

client::error kv_store::busy_error(const char* what) const {
  return client::make_error(protocol::kafka_error::invalid_request,
                            std::string("state store '") + name_ + "': " + what +
                                " called from a scan's visitor (visitors must not modify the "
                                "store or scan it again)");
}

client::outcome<std::optional<std::string>> kv_store::get(std::string_view key) {
  if (!impl_)
    return closed_error();
  if (const auto* e = impl_->cache.find(key))
    return e->value;
  auto& st = impl_->select;
  reset_on_exit guard(st);
  st.bind_blob(1, key);
  int rc = st.step();
  if (rc == SQLITE_DONE)
    return std::optional<std::string>{};
  if (rc != SQLITE_ROW)
    return impl_->db->fail(rc, st.sql());
  std::string value(st.blob(0));
  if (!impl_->is_scanning) // caching may evict the entry a running scan stands on
    impl_->cache.put_clean(key, value);
  return std::optional<std::string>{std::move(value)};
}

void kv_store::put(std::string_view key, std::optional<std::string> value) {
  if (!impl_) {
    spdlog::warn("streams: write to closed state store '{}' ignored", name_);
    return;
  }
  impl_->cache.put_dirty(key, std::move(value));
}

void kv_store::put_all(std::vector<change> entries) {
  for (auto& e : entries)
    put(e.key, std::move(e.value));
}

int64_t kv_store::approximate_entries() const noexcept {
  if (!impl_)
    return 0;
  auto deletes = static_cast<int64_t>(impl_->cache.dirty_tombstones());
  auto puts = static_cast<int64_t>(impl_->cache.dirty_count()) - deletes;
  return std::max<int64_t>(0, impl_->rows + puts - deletes);
}

bool kv_store::needs_flush() const noexcept {
  return impl_ && impl_->cache.needs_flush();
}

std::size_t kv_store::unflushed_count() const noexcept {
  return impl_ ? impl_->cache.dirty_count() : 0;
}

client::outcome<std::vector<change>> kv_store::flush(std::optional<int64_t> changelog_offset) {
  if (!impl_)
    return closed_error();
  if (impl_->is_scanning)
    return busy_error("flush");
  auto& im = *impl_;
  auto dirty = im.cache.dirty_nodes();
  if (dirty.empty() && !changelog_offset)
    return std::vector<change>{};
  int64_t rows_before = im.rows;
  auto written = detail::write_batch(
      *im.db,
      [&]() -> client::outcome<void> {
        for (const auto* n : dirty)
          if (auto r = im.apply(n->first, n->second.value, n->second.is_stored); !r)
            return r;
        return {};
      },
      changelog_offset, im.rows);
  if (!written) {
    im.rows = rows_before;
    return written.err();
  }
  if (changelog_offset)
    checkpoint_ = changelog_offset;
  std::vector<change> out;
  out.reserve(dirty.size());
  for (auto* n : dirty) {
    out.push_back({n->first, n->second.value});
    im.cache.mark_clean(n);
  }
  im.cache.evict_to_budget();
  return out;
}

client::outcome<void> kv_store::write_checkpoint(std::optional<int64_t> changelog_offset) {
  if (!impl_)
    return closed_error();
  auto r = detail::write_checkpoint_only(*impl_->db, changelog_offset);
  if (r)
    checkpoint_ = changelog_offset;
  return r;
}

client::outcome<void> kv_store::restore_batch(const std::vector<change>& changes,
                                              int64_t next_changelog_offset) {
  if (!impl_)
    return closed_error();
  if (impl_->is_scanning)
    return busy_error("restore");
  auto& im = *impl_;
  if (im.cache.dirty_count() > 0)
    return detail::unflushed_restore_error(name_, im.cache.dirty_count());
  im.cache.clear(); // clean entries may be stale once the batch is applied
  int64_t rows_before = im.rows;
  auto written = detail::write_batch(
      *im.db,
      [&]() -> client::outcome<void> {
        for (const auto& c : changes)
          if (auto r = im.apply(c.key, c.value, false); !r)
            return r;
        return {};
      },
      next_changelog_offset, im.rows);
  if (!written) {
    im.rows = rows_before;
    return written;
  }
  checkpoint_ = next_changelog_offset;
  return {};
}

client::outcome<void> kv_store::wipe() {
  if (!impl_)
    return closed_error();
  if (impl_->is_scanning)
    return busy_error("wipe");
  auto& im = *impl_;
  auto r = detail::wipe_table(*im.db, "kv");
  if (!r)
    return r;
  im.cache.clear();
  im.rows = 0;
  checkpoint_.reset();
  spdlog::info("streams: state store '{}' wiped ('{}')", name_, path_.string());
  return {};
}

void kv_store::close() {
  if (!impl_)
    return;
  if (impl_->is_scanning) { // the scan's statement and iterator live in impl_
    spdlog::warn("streams: state store '{}': close() from a scan's visitor refused", name_);
    return;
  }
  if (auto n = impl_->cache.dirty_count(); n > 0)
    detail::warn_closing_unflushed(name_, n);
  impl_.reset();
}

} // namespace tributary::streams::state
