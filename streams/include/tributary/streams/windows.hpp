#pragma once
// Windows on event time (the record timestamp, or a timestamp extractor's):
//   time_windows     tumbling (advance == size) or hopping (advance < size) windows
//                    [start, start + size), aligned to the epoch;
//   session_windows  per-key periods of activity separated by more than a gap;
//   sliding_windows  every window [t - difference, t] that a record's arrival makes
//                    distinct (Kafka's SlidingWindows).
// A window accepts records until its end + grace in stream time (the largest timestamp the
// operator has seen); later records are late: dropped and counted. Windowed stores keep
// windows for max(retention, size + grace).
//
// windowed<K> is the key of a windowed aggregate; serde<windowed<K>> writes the inner key's
// bytes followed by the start and end as 8-byte big-endian integers.

#include "tributary/streams/serde.hpp"
#include "tributary/streams/state/window_key.hpp"

#include <algorithm>
#include <cstdint>
#include <tuple>
#include <type_traits>
#include <vector>

namespace tributary::streams {

template <class K>
struct windowed {
  using key_type = K;
  K key{};
  int64_t start = 0;
  int64_t end = 0;

  friend bool operator<(const windowed& a, const windowed& b) {
    return std::tie(a.key, a.start, a.end) < std::tie(b.key, b.start, b.end);
  }
  friend bool operator==(const windowed& a, const windowed& b) {
    return a.start == b.start && a.end == b.end && a.key == b.key;
  }
};

/// The serde of windowed<K> from the serde of K.
template <class K>
serde<windowed<K>> windowed_serde(serde<K> inner = default_serde<K>()) {
  serde<windowed<K>> out;
  out.serialize = [inner](const windowed<K>& w) {
    return state::encode_window_key(inner.serialize(w.key), w.start, w.end);
  };
  out.deserialize = [inner](std::string_view in) -> client::outcome<windowed<K>> {
    auto wk = state::decode_window_key(in);
    if (!wk)
      return wk.err();
    auto k = inner.deserialize(wk->key);
    if (!k)
      return k.err();
    return windowed<K>{std::move(*k), wk->start, wk->end};
  };
  return out;
}

template <class T>
struct is_windowed : std::false_type {};
template <class K>
struct is_windowed<windowed<K>> : std::true_type {};

template <class K>
struct has_default_serde<windowed<K>> : has_default_serde<K> {};

/// So serdes<windowed<K>, V>{} works like any other default serde.
template <class K>
struct serde<windowed<K>> {
  std::function<std::string(const windowed<K>&)> serialize;
  std::function<client::outcome<windowed<K>>(std::string_view)> deserialize;
  static serde of() { return windowed_serde<K>(); }
};

struct time_windows {
  int64_t size_ms = 0;
  int64_t advance_ms = 0;
  int64_t grace_ms = 0;
  int64_t retention_ms = 0; // 0: size + grace

  /// Tumbling windows of `size_ms` that accept records until their end + grace.
  static time_windows of(int64_t size_ms, int64_t grace_ms = 0) {
    return time_windows{size_ms, size_ms, grace_ms, 0};
  }
  /// Hopping windows: a new one every `advance` ms (0 < advance <= size).
  time_windows advance_by(int64_t advance) const {
    auto w = *this;
    w.advance_ms = advance;
    return w;
  }
  time_windows grace(int64_t grace) const {
    auto w = *this;
    w.grace_ms = grace;
    return w;
  }
  time_windows retain(int64_t retention) const {
    auto w = *this;
    w.retention_ms = retention;
    return w;
  }
  int64_t retention() const { return std::max(retention_ms, size_ms + grace_ms); }

  /// Starts of the windows containing `ts`, oldest first.
  std::vector<int64_t> starts_for(int64_t ts) const {
    std::vector<int64_t> out;
    int64_t first = std::max<int64_t>(0, ts - size_ms + advance_ms) / advance_ms * advance_ms;
    for (int64_t s = first; s <= ts; s += advance_ms)
      if (ts < s + size_ms)
        out.push_back(s);
    return out;
  }
  bool valid() const { return size_ms > 0 && advance_ms > 0 && advance_ms <= size_ms; }
};

struct session_windows {
  int64_t gap_ms = 0;
  int64_t grace_ms = 0;
  int64_t retention_ms = 0;

  static session_windows with_inactivity_gap(int64_t gap_ms, int64_t grace_ms = 0) {
    return session_windows{gap_ms, grace_ms, 0};
  }
  session_windows grace(int64_t grace) const {
    auto w = *this;
    w.grace_ms = grace;
    return w;
  }
  int64_t retention() const { return std::max(retention_ms, gap_ms + grace_ms); }
  bool valid() const { return gap_ms > 0 && grace_ms >= 0; }
};

struct sliding_windows {
  int64_t difference_ms = 0;
  int64_t grace_ms = 0;

  static sliding_windows with_time_difference(int64_t difference_ms, int64_t grace_ms = 0) {
    return sliding_windows{difference_ms, grace_ms};
  }
  int64_t retention() const { return 2 * difference_ms + grace_ms; }
  bool valid() const { return difference_ms > 0 && grace_ms >= 0; }
};

/// suppress(until_window_closes()): emit one final result per window, when it closes.
struct suppressed {
  std::string name = {};
};
inline suppressed until_window_closes(std::string name = {}) {
  return suppressed{std::move(name)};
}

} // namespace tributary::streams
