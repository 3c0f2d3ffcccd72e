// window_store: range reads that merge the cache's windows with SQLite's rows, and expiry.
#include "window_store_impl.hpp"

#include <sqlite3.h>

namespace tributary::streams::state {

using detail::reset_on_exit;
using detail::sqlite_stmt;
using detail::window_less;
using detail::window_ref;

namespace {

constexpr int64_t k_min = std::numeric_limits<int64_t>::min();
constexpr int64_t k_max = std::numeric_limits<int64_t>::max();

/// What one merged read asks for. The statement is bound and selects (key, start, end, value)
/// in window order; the cache is walked from `from` while within(window) holds, and its
/// windows are kept when keep(window) holds -- the same condition the statement's WHERE
/// applies, so an entry the cache hides is one the statement would have returned.
template <class Within, class Keep>
struct merge_query {
  sqlite_stmt& stmt;
  window_ref from;
  Within within;
  Keep keep;
  std::size_t limit = std::numeric_limits<std::size_t>::max();
};

template <class Within, class Keep>
client::outcome<std::vector<window_entry>> merge(window_store::impl& im,
                                                 merge_query<Within, Keep> q) {
  // Nothing runs between the steps but this loop (results are collected, no callbacks), so
  // the cache cannot change under the iterator.
  std::vector<window_entry> out;
  reset_on_exit guard(q.stmt);
  const auto& cached = im.cache.entries();
  auto it = cached.lower_bound(q.from);
  auto next_cached = [&] {
    while (it != cached.end() && q.within(it->first) && !q.keep(it->first))
      ++it;
    return it != cached.end() && q.within(it->first);
  };
  int rc = q.stmt.step();
  while (out.size() < q.limit) {
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
      return im.db->fail(rc, q.stmt.sql());
    bool has_row = rc == SQLITE_ROW;
    bool has_cached = next_cached();
    if (!has_row && !has_cached)
      break;
    window_ref row{};
    if (has_row)
      row = window_ref{q.stmt.blob(0), q.stmt.int64(1), q.stmt.int64(2)};
    if (has_cached && (!has_row || !window_less{}(row, it->first))) {
      const auto& [w, e] = *it++;
      if (has_row && !window_less{}(w, row))
        rc = q.stmt.step(); // the cached entry replaces (or deletes) this row
      if (e.value)
        out.push_back({w.key, w.start, w.end, *e.value});
    } else {
      out.push_back({std::string(row.key), row.start, row.end, std::string(q.stmt.blob(3))});
      rc = q.stmt.step();
    }
  }
  return out;
}

template <class Within, class Keep>
merge_query<Within, Keep> query(sqlite_stmt& stmt, window_ref from, Within within, Keep keep) {
  return merge_query<Within, Keep>{stmt, from, std::move(within), std::move(keep)};
}

} // namespace

client::outcome<std::optional<std::string>> window_store::fetch(std::string_view key,
                                                                int64_t start) {
  if (!impl_)
    return closed_error();
  auto& st = impl_->fetch_start;
  st.bind_blob(1, key).bind_int(2, start);
  auto q = query(
      st, window_ref{key, start, k_min},
      [&](const window_key& w) { return w.key == key && w.start == start; },
      [](const window_key&) { return true; });
  q.limit = 1;
  auto found = merge(*impl_, std::move(q));
  if (!found)
    return found.err();
  if (found->empty())
    return std::optional<std::string>{};
  return std::optional<std::string>{std::move(found->front().value)};
}

client::outcome<std::vector<window_entry>> window_store::fetch(std::string_view key,
                                                               int64_t time_from, int64_t time_to) {
  if (!impl_)
    return closed_error();
  auto& st = impl_->fetch_key;
  st.bind_blob(1, key).bind_int(2, time_from).bind_int(3, time_to);
  return merge(*impl_, query(
                           st, window_ref{key, time_from, k_min},
                           [&](const window_key& w) { return w.key == key && w.start <= time_to; },
                           [](const window_key&) { return true; }));
}

client::outcome<std::vector<window_entry>> window_store::fetch_all(int64_t time_from,
                                                                   int64_t time_to) {
  if (!impl_)
    return closed_error();
  auto& st = impl_->fetch_all;
  st.bind_int(1, time_from).bind_int(2, time_to);
  return merge(
      *impl_,
      query(
          st, window_ref{std::string_view{}, k_min, k_min}, [](const window_key&) { return true; },
          [&](const window_key& w) { return w.start >= time_from && w.start <= time_to; }));
}

client::outcome<std::vector<window_entry>>
window_store::find_sessions(std::string_view key, int64_t earliest_end, int64_t latest_start) {
  if (!impl_)
    return closed_error();
  auto& st = impl_->sessions;
  st.bind_blob(1, key).bind_int(2, latest_start).bind_int(3, earliest_end);
  return merge(*impl_,
               query(
                   st, window_ref{key, k_min, k_min},
                   [&](const window_key& w) { return w.key == key && w.start <= latest_start; },
                   [&](const window_key& w) { return w.end >= earliest_end; }));
}

client::outcome<void> window_store::expire_before(int64_t time) {
  if (!impl_)
    return closed_error();
  auto& im = *impl_;
  if (time > im.cache_min_end) {
    int64_t remaining_min = k_max;
    im.cache.erase_if([&](const window_key& w, const auto&) {
      if (w.end < time)
        return true;
      remaining_min = std::min(remaining_min, w.end);
      return false;
    });
    im.cache_min_end = remaining_min;
  }
  if (im.db_min_end && time <= *im.db_min_end)
    return {};
  int64_t rows_before = im.rows;
  auto r = im.db->transaction([&]() -> client::outcome<void> {
    reset_on_exit guard(im.expire);
    im.expire.bind_int(1, time);
    if (int rc = im.expire.step(); rc != SQLITE_DONE)
      return im.db->fail(rc, im.expire.sql());
    im.rows -= im.db->changes();
    return im.db->write_meta("rows", im.rows);
  });
  if (!r) {
    im.rows = rows_before;
    return r;
  }
  reset_on_exit guard(im.min_end);
  int rc = im.min_end.step();
  if (rc != SQLITE_ROW)
    return im.db->fail(rc, im.min_end.sql());
  im.db_min_end = im.min_end.is_null(0) ? k_max : im.min_end.int64(0);
  return {};
}

} // namespace tributary::streams::state
