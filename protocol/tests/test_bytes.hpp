#pragma once
// Test helpers: byte vectors from strings/hex, deterministic random payloads, fixtures.

#include "tributary/protocol/span.hpp"

#include <cstdint>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::protocol::test {

using bytes = std::vector<std::byte>;

inline bytes to_bytes(std::string_view s) {
  auto b = as_bytes(s);
  return bytes(b.begin(), b.end());
}

inline bytes from_hex(std::string_view hex) {
  bytes out;
  int hi = -1;
  for (char c : hex) {
    int v = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (v < 0)
      continue; // spaces, separators and comments' punctuation are ignored
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<std::byte>(hi * 16 + v));
      hi = -1;
    }
  }
  return out;
}

inline std::string to_hex(byte_span b) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (std::byte x : b) {
    s += digits[static_cast<uint8_t>(x) >> 4];
    s += digits[static_cast<uint8_t>(x) & 15];
  }
  return s;
}

inline bytes random_bytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  bytes out(n);
  for (auto& b : out)
    b = static_cast<std::byte>(rng() & 0xFF);
  return out;
}

/// Compressible but not trivial: words from a small vocabulary.
inline bytes text_bytes(size_t n, uint32_t seed) {
  static const char* words[] = {"order ", "payment ", "shipped ", "tributary ", "kafka ", "42 "};
  std::mt19937 rng(seed);
  std::string s;
  while (s.size() < n)
    s += words[rng() % 6];
  s.resize(n);
  return to_bytes(s);
}

inline bytes read_fixture(const std::string& relative) {
  std::ifstream in(std::string(TRIB_TEST_DATA) + "/" + relative, std::ios::binary);
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  bytes out(chars.size());
  for (size_t i = 0; i < chars.size(); ++i)
    out[i] = static_cast<std::byte>(chars[i]);
  return out;
}

} // namespace tributary::protocol::test
