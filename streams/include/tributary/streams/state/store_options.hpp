#pragma once
// store_options: the memory a state store may use, shared by kv_store and window_store. Plain
// values, copied into the store at open.

#include <cstddef>

namespace tributary::streams::state {

struct store_options {
  /// Bounds the write-back cache (keys + values + a per-entry overhead estimate). Unflushed
  /// writes past it make needs_flush() true; clean (already stored) entries are evicted least
  /// recently used to stay under it. 0 = no caching: every write asks for a flush (Kafka's
  /// cache.max.bytes.buffering=0).
  std::size_t cache_max_bytes = std::size_t{10} << 20;
  /// SQLite's page cache for the store's file (PRAGMA cache_size), filled only as pages are
  /// read. Stores with more rows than fit need it: at 2 MiB (SQLite's default) a store of
  /// half a million windows spent ~25% more CPU re-reading pages than at 16 MiB.
  std::size_t page_cache_bytes = std::size_t{16} << 20;
};

using kv_store_options = store_options;
using window_store_options = store_options;

} // namespace tributary::streams::state
