#pragma once
// window_store::impl: the window store's SQLite statements, its write-back cache and the
// bookkeeping that keeps expiry cheap. Shared by window_store.cpp (point reads, writes, flush,
// restore) and window_store_fetch.cpp (merged range reads, expiry). Private to streams/state.

#include "tributary/streams/state/window_store.hpp"

#include "sqlite_conn.hpp"
#include "write_cache.hpp"

#include <functional>
#include <limits>

namespace tributary::streams::state {

namespace detail {

/// A borrowed window identity, for lookups that must not allocate.
struct window_ref {
  std::string_view key;
  int64_t start = 0;
  int64_t end = 0;
};

inline std::string_view key_of(const window_key& w) noexcept {
  return w.key;
}
inline std::string_view key_of(const window_ref& w) noexcept {
  return w.key;
}

/// (key bytes, start, end) order, the same as the table's primary key; transparent.
struct window_less {
  using is_transparent = void;
  template <class A, class B>
  bool operator()(const A& a, const B& b) const noexcept {
    if (int c = key_of(a).compare(key_of(b)); c != 0)
      return c < 0;
    if (a.start != b.start)
      return a.start < b.start;
    return a.end < b.end;
  }
};

/// The cache's view of windows: owned window_key in the map, borrowed window_ref to look up.
struct window_traits {
  using key_type = window_key;
  using view_type = window_ref;
  using less = window_less;
  struct hash {
    std::size_t operator()(const window_ref& w) const noexcept {
      std::size_t h = std::hash<std::string_view>{}(w.key);
      for (int64_t t : {w.start, w.end}) // boost::hash_combine
        h ^= std::hash<int64_t>{}(t) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
      return h;
    }
  };
  struct equal {
    bool operator()(const window_ref& a, const window_ref& b) const noexcept {
      return a.start == b.start && a.end == b.end && a.key == b.key;
    }
  };
  static window_ref view(const window_key& w) noexcept { return {w.key, w.start, w.end}; }
  static window_key own(const window_ref& w) { return {std::string(w.key), w.start, w.end}; }
  static std::size_t key_bytes(const window_key& w) noexcept { return w.key.size() + 16; }
};

} // namespace detail

struct window_store::impl {
  explicit impl(std::size_t cache_bytes) : cache(cache_bytes) {}

  client::outcome<void> prepare_all();
  /// One write to SQLite (inside a transaction), keeping rows and db_min_end right;
  /// is_stored: the window is known to have a row.
  client::outcome<void> apply(const detail::window_ref& w, const std::optional<std::string>& value,
                              bool is_stored);
  /// A window entering the cache may end earlier than any other cached one.
  void note_cached(int64_t end) noexcept { cache_min_end = std::min(cache_min_end, end); }

  std::unique_ptr<detail::sqlite_conn> db; // declared first: destroyed after the statements
  detail::sqlite_stmt select, update, insert, erase, fetch_start, fetch_key, sessions, fetch_all,
      expire, min_end, count;
  detail::write_cache<detail::window_traits> cache;
  int64_t rows = 0;
  // Expiry bookkeeping: no cached window ends before cache_min_end, no stored one before
  // db_min_end (nullopt: not known yet), so expire_before() below both costs nothing.
  int64_t cache_min_end = std::numeric_limits<int64_t>::max();
  std::optional<int64_t> db_min_end;
};

} // namespace tributary::streams::state
