// kv_store: range scans that merge the cache's entries with SQLite's rows in key order.
#include "kv_store_impl.hpp"

#include <sqlite3.h>

namespace tributary::streams::state {

using detail::reset_on_exit;

namespace {

/// The smallest key greater than every key starting with prefix; nullopt when there is none
/// (the prefix is empty or all 0xff bytes).
std::optional<std::string> prefix_end(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty() && static_cast<uint8_t>(end.back()) == 0xff)
    end.pop_back();
  if (end.empty())
    return std::nullopt;
  end.back() = static_cast<char>(static_cast<uint8_t>(end.back()) + 1);
  return end;
}

client::outcome<std::vector<key_value>> collect(kv_store& store, const key_range& range) {
  std::vector<key_value> out;
  auto r = store.scan(range, [&](std::string_view k, std::string_view v) {
    out.push_back({std::string(k), std::string(v)});
    return true;
  });
  if (!r)
    return r.err();
  return out;
}

} // namespace

client::outcome<void> kv_store::scan(const key_range& range, const visitor& visit) {
  if (!impl_)
    return closed_error();
  if (impl_->is_scanning)
    return busy_error("scan");
  impl_->is_scanning = true;
  struct scan_end {
    bool& flag;
    ~scan_end() { flag = false; }
  } end_guard{impl_->is_scanning};
  auto& st =
      !range.to ? impl_->scan_open : (range.to_inclusive ? impl_->scan_incl : impl_->scan_excl);
  reset_on_exit guard(st);
  st.bind_blob(1, range.from);
  if (range.to)
    st.bind_blob(2, *range.to);
  auto in_range = [&](std::string_view k) {
    return !range.to || (range.to_inclusive ? k <= *range.to : k < *range.to);
  };
  // Merge SQLite's rows with the cache's entries, both in key order; the cache wins on equal
  // keys (its entry is newer), and its deletes hide SQLite's rows.
  const auto& cached = impl_->cache.entries();
  auto it = cached.lower_bound(range.from);
  int rc = st.step();
  for (;;) {
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
      return impl_->db->fail(rc, st.sql());
    bool has_row = rc == SQLITE_ROW;
    bool has_cached = it != cached.end() && in_range(it->first);
    if (!has_row && !has_cached)
      return {};
    std::string_view row_key = has_row ? st.blob(0) : std::string_view{};
    if (has_cached && (!has_row || std::string_view(it->first) <= row_key)) {
      const auto& entry = *it++;
      if (has_row && entry.first == row_key)
        rc = st.step();
      if (entry.second.value && !visit(entry.first, *entry.second.value))
        return {};
    } else {
      if (!visit(row_key, st.blob(1)))
        return {};
      rc = st.step();
    }
  }
}

client::outcome<std::vector<key_value>> kv_store::range(std::string_view from,
                                                        std::string_view to) {
  return collect(*this, key_range{from, to, true});
}

client::outcome<std::vector<key_value>> kv_store::all() {
  return collect(*this, key_range{});
}

client::outcome<std::vector<key_value>> kv_store::prefix_scan(std::string_view prefix) {
  auto end = prefix_end(prefix);
  key_range range{prefix, std::nullopt, false};
  if (end)
    range.to = *end;
  return collect(*this, range);
}

} // namespace tributary::streams::state
