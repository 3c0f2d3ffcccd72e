#pragma once
// write_cache: the in-memory layer in front of a store's SQLite table (Kafka Streams'
// ThreadCache, for one store). Writes land here as dirty entries and reach SQLite only when
// the owner flushes, so a hot key updated a thousand times between commits costs one row
// write and one changelog record; reads of hot keys never touch SQLite. Entries already in
// SQLite stay as clean entries in LRU order and are evicted first when the cache passes its
// byte budget; dirty entries are never evicted (the store never flushes on its own: the task
// must send the flushed changes to the changelog), so past the budget needs_flush() is true.
// Point lookups go through a hash index (O(1): a 100k-entry std::map walk costs ~17 cache
// misses, which was half the time of a windowed count); the ordered map serves merged range
// scans; LRU moves are O(1) list splices. Private to streams/state; owned by one store; not
// thread-safe.

#include <algorithm>
#include <cstddef>
#include <list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace tributary::streams::state::detail {

/// Per-entry bytes besides key and value: the map node (~130 with its key and entry), the
/// hash-index node and bucket (~60), the LRU list node (~30), as libstdc++ allocates them on a
/// 64-bit host. An estimate: the budget bounds memory, it does not measure it.
inline constexpr std::size_t k_entry_overhead = 220;

/// Traits: key_type (owned, in the map), view_type (borrowed, for lookups that must not
/// allocate), view(key), own(view), key_bytes(key), less (transparent over both), hash and
/// equal (over views).
template <class Traits>
class write_cache {
public:
  using key_type = typename Traits::key_type;
  using view_type = typename Traits::view_type;
  using less = typename Traits::less;
  struct entry;
  using node = std::pair<const key_type, entry>;
  struct entry {
    std::optional<std::string> value; // nullopt only while dirty: a delete not yet flushed
    bool is_dirty = false;
    bool is_stored = false; // SQLite is known to hold a row for the key: flush UPDATEs first
    typename std::list<node*>::iterator pos; // this entry's place in dirty_ or clean_
  };
  using map_type = std::map<key_type, entry, less>;

  explicit write_cache(std::size_t max_bytes) : max_bytes_(max_bytes) {}
  write_cache(const write_cache&) = delete;
  write_cache& operator=(const write_cache&) = delete;

  /// The entry for k or nullptr; a clean hit becomes the most recently used.
  const entry* find(const view_type& k) {
    auto it = index_.find(k);
    if (it == index_.end())
      return nullptr;
    entry& e = it->second->second;
    if (!e.is_dirty)
      clean_.splice(clean_.begin(), clean_, e.pos);
    return &e;
  }

  /// Records a write (nullopt = delete) for the next flush.
  void put_dirty(const view_type& k, std::optional<std::string> value) {
    node* n = nullptr;
    if (auto it = index_.find(k); it != index_.end()) {
      n = it->second;
      if (!n->second.is_dirty) {
        n->second.is_dirty = true;
        dirty_.splice(dirty_.end(), clean_, n->second.pos);
        dirty_bytes_ += size_of(*n);
      }
    } else {
      n = insert(k, entry{std::nullopt, true, false, {}});
      n->second.pos = dirty_.insert(dirty_.end(), n);
      dirty_bytes_ += size_of(*n);
      ++tombstones_; // a valueless dirty entry until the assignment below
    }
    auto& e = n->second;
    if (!e.value && value)
      --tombstones_;
    else if (e.value && !value)
      ++tombstones_;
    std::size_t old_len = e.value ? e.value->size() : 0;
    std::size_t new_len = value ? value->size() : 0;
    total_bytes_ = total_bytes_ - old_len + new_len;
    dirty_bytes_ = dirty_bytes_ - old_len + new_len;
    e.value = std::move(value);
  }

  /// Remembers a value read from SQLite (only when k is not cached), then evicts to budget.
  void put_clean(const view_type& k, std::string value) {
    if (index_.count(k) > 0)
      return;
    node* n = insert(k, entry{std::move(value), false, true, {}});
    n->second.pos = clean_.insert(clean_.begin(), n);
    evict_to_budget();
  }

  /// The dirty entries in key order, for a flush; they stay dirty until mark_clean().
  std::vector<node*> dirty_nodes() const {
    std::vector<node*> out(dirty_.begin(), dirty_.end());
    std::sort(out.begin(), out.end(),
              [](const node* a, const node* b) { return less{}(a->first, b->first); });
    return out;
  }

  /// After a successful flush: a value becomes clean (most recently used), a delete leaves.
  void mark_clean(node* n) {
    auto& e = n->second;
    if (!e.is_dirty)
      return;
    if (!e.value) {
      erase(n);
      return;
    }
    dirty_bytes_ -= size_of(*n);
    e.is_dirty = false;
    e.is_stored = true;
    clean_.splice(clean_.begin(), dirty_, e.pos);
  }

  /// Drops clean entries, least recently used first, until the cache fits its budget.
  void evict_to_budget() {
    while (total_bytes_ > max_bytes_ && !clean_.empty())
      erase(clean_.back());
  }

  /// Erases every entry (dirty ones too) for which pred(key, entry) holds.
  template <class Pred>
  std::size_t erase_if(Pred&& pred) {
    std::size_t n = 0;
    for (auto it = map_.begin(); it != map_.end();) {
      node* current = &*it++;
      if (pred(current->first, current->second)) {
        erase(current);
        ++n;
      }
    }
    return n;
  }

  void clear() noexcept {
    index_.clear();
    map_.clear();
    dirty_.clear();
    clean_.clear();
    total_bytes_ = dirty_bytes_ = tombstones_ = 0;
  }

  /// In key order, for merged scans. Entries of the map must not be erased during a scan.
  const map_type& entries() const noexcept { return map_; }
  bool needs_flush() const noexcept { return dirty_bytes_ > max_bytes_; }
  std::size_t dirty_count() const noexcept { return dirty_.size(); }
  std::size_t dirty_tombstones() const noexcept { return tombstones_; }
  std::size_t dirty_bytes() const noexcept { return dirty_bytes_; }
  std::size_t total_bytes() const noexcept { return total_bytes_; }

private:
  static std::size_t size_of(const node& n) noexcept {
    return k_entry_overhead + Traits::key_bytes(n.first) +
           (n.second.value ? n.second.value->size() : 0);
  }

  node* insert(const view_type& k, entry e) {
    auto it = map_.emplace(Traits::own(k), std::move(e)).first;
    node* n = &*it;
    // The index's view points into the map node's key: map nodes never move.
    index_.emplace(Traits::view(n->first), n);
    total_bytes_ += size_of(*n);
    return n;
  }

  void erase(node* n) {
    auto& e = n->second;
    std::size_t bytes = size_of(*n);
    total_bytes_ -= bytes;
    if (e.is_dirty) {
      dirty_bytes_ -= bytes;
      if (!e.value)
        --tombstones_;
      dirty_.erase(e.pos);
    } else {
      clean_.erase(e.pos);
    }
    index_.erase(Traits::view(n->first)); // before the key it views is destroyed
    map_.erase(map_.find(n->first));
  }

  std::size_t max_bytes_;
  map_type map_;
  std::unordered_map<view_type, node*, typename Traits::hash, typename Traits::equal> index_;
  std::list<node*> dirty_; // in write order
  std::list<node*> clean_; // most recently used first
  std::size_t total_bytes_ = 0;
  std::size_t dirty_bytes_ = 0;
  std::size_t tombstones_ = 0;
};

} // namespace tributary::streams::state::detail
