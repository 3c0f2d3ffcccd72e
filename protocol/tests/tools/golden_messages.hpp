#pragma once
// The messages behind tests/golden/rdkafka_*.bin: the capture tool produces exactly these
// with librdkafka, and golden_rdkafka_test.cpp expects exactly these back. Change both
// together (then rerun protocol_capture_golden). Header-only, plain data.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tributary::protocol::test {

struct golden_message {
  int64_t timestamp_ms;
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
};

inline std::vector<golden_message> golden_messages() {
  std::string big;
  for (int i = 0; big.size() < 3000; ++i)
    big += "event " + std::to_string(i) + " for tributary; ";
  return {
      {1700000000000, "user-1", "{\"amount\":12}", {{"trace", "abc"}, {"null-valued", {}}}},
      {1700000000007, std::nullopt, "no key", {}},
      {1700000000003, "user-2", std::nullopt, {}}, // tombstone
      {1699999999000, "", "", {{"empty", ""}}},    // empty key/value, negative delta
      {1700000000010, "user-3", big, {{"content-type", "text/plain"}}},
  };
}

} // namespace tributary::protocol::test
