#pragma once
// kv_store::impl: the key-value store's SQLite statements, its write-back cache and its row
// count. Shared by kv_store.cpp (point reads, writes, flush, restore) and kv_store_scan.cpp
// (merged range scans). Private to streams/state.

#include "tributary/streams/state/kv_store.hpp"

#include "sqlite_conn.hpp"
#include "write_cache.hpp"

#include <functional>

namespace tributary::streams::state {

namespace detail {

/// Bytewise (unsigned) order; transparent so lookups by string_view do not allocate.
struct bytes_less {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const noexcept { return a < b; }
};

/// The cache's view of byte-string keys.
struct kv_traits {
  using key_type = std::string;
  using view_type = std::string_view;
  using less = bytes_less;
  using hash = std::hash<std::string_view>;
  using equal = std::equal_to<std::string_view>;
  static std::string_view view(const std::string& k) noexcept { return k; }
  static std::string own(std::string_view k) { return std::string(k); }
  static std::size_t key_bytes(const std::string& k) noexcept { return k.size(); }
};

} // namespace detail

struct kv_store::impl {
  explicit impl(std::size_t cache_bytes) : cache(cache_bytes) {}

  client::outcome<void> prepare_all();
  /// One write to SQLite (inside a transaction); is_stored: the key is known to have a row.
  client::outcome<void> apply(std::string_view key, const std::optional<std::string>& value,
                              bool is_stored);

  std::unique_ptr<detail::sqlite_conn> db; // declared first: destroyed after the statements
  detail::sqlite_stmt select, update, insert, erase, scan_open, scan_incl, scan_excl, count;
  detail::write_cache<detail::kv_traits> cache;
  int64_t rows = 0;         // rows in SQLite, kept exact by apply()
  bool is_scanning = false; // a scan's statement and cache iterator are live
};

} // namespace tributary::streams::state
