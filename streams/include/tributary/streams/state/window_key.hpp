#pragma once
// window_key: the identity of one window in a window store -- the record key's bytes, the
// window's start and its end (session windows have variable ends, so the end is part of the
// identity, as in Kafka's session store). encode_window_key gives the stable binary form used
// as the changelog record key and read back on restore: key bytes + 8-byte big-endian start +
// 8-byte big-endian end (two's complement). The encoding is an identity, not a sort order
// (keys have variable length); stores order windows by (key bytes, start, end) instead.

#include "tributary/client/error.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>

namespace tributary::streams::state {

/// One window of one key; times are epoch milliseconds. Ordered by key bytes (unsigned,
/// bytewise), then start, then end.
struct window_key {
  std::string key;
  int64_t start = 0;
  int64_t end = 0;

  friend bool operator==(const window_key& a, const window_key& b) {
    return a.start == b.start && a.end == b.end && a.key == b.key;
  }
  friend bool operator<(const window_key& a, const window_key& b) {
    return std::tie(a.key, a.start, a.end) < std::tie(b.key, b.start, b.end);
  }
};

/// The changelog key of a window: key + big-endian start + big-endian end (16 bytes longer
/// than the key).
std::string encode_window_key(std::string_view key, int64_t start, int64_t end);
inline std::string encode_window_key(const window_key& w) {
  return encode_window_key(w.key, w.start, w.end);
}

/// The window of an encoded changelog key; corrupt_message when it is shorter than 16 bytes.
client::outcome<window_key> decode_window_key(std::string_view bytes);

} // namespace tributary::streams::state
