#pragma once
// change and key_value: what the state stores hand back. A change is one changelog record:
// the stores' flush() returns the writes it persisted as changes so the task can produce them
// to the store's changelog topic, and restore_batch() takes the same records back. Plain
// values, no ownership or threading concerns.

#include <optional>
#include <string>

namespace tributary::streams::state {

/// One changelog record: a key (for window stores, encode_window_key's bytes) and its new
/// value; nullopt is a tombstone (the key was deleted).
struct change {
  std::string key;
  std::optional<std::string> value;

  friend bool operator==(const change& a, const change& b) {
    return a.key == b.key && a.value == b.value;
  }
};

/// One live entry of a key-value store, as range scans return it.
struct key_value {
  std::string key;
  std::string value;

  friend bool operator==(const key_value& a, const key_value& b) {
    return a.key == b.key && a.value == b.value;
  }
};

} // namespace tributary::streams::state
