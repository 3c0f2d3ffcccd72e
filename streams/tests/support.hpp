#pragma once
// Helpers shared by the Streams API tests: building a topology or failing the test with the
// builder's message, processing through the driver with the error shown, bounded waits for
// apps run without the driver, and a temporary state folder. Test-only.

#include "tributary/streams/streams.hpp"
#include "tributary/streams/topology_test_driver.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace trib_test {

namespace ts = tributary::streams;
namespace tc = tributary::client;
using str = std::string;

inline ts::topology build(ts::stream_builder& b) {
  auto t = b.build();
  INFO((t ? std::string{} : t.err().to_string()));
  REQUIRE(t);
  return *t;
}

/// Processes everything piped so far (repartition topics included) and commits.
inline void process(ts::topology_test_driver& d) {
  auto r = d.process();
  INFO((r ? std::string{} : r.err().to_string()));
  REQUIRE(r);
}

inline void must(const tc::outcome<void>& r) {
  INFO((r ? std::string{} : r.err().to_string()));
  REQUIRE(r);
}

/// Polls `done` until it holds or `limit` passes. The short pause between polls only paces
/// the loop; the condition, not the pause, is what the caller waits for.
template <class F>
bool wait_until(F done, std::chrono::milliseconds limit = std::chrono::seconds(60)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done())
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

/// A raw record with optional key and value (Kafka nulls) and headers.
inline tc::producer_record raw(const str& topic, std::optional<str> key, std::optional<str> value,
                               int64_t ts = 1000, std::vector<tc::header> headers = {}) {
  tc::producer_record r;
  r.topic = topic;
  r.key = std::move(key);
  r.value = std::move(value);
  r.timestamp = ts;
  r.headers = std::move(headers);
  return r;
}

/// The header's value, or nullopt when the record has no such header.
inline std::optional<str> header(const tc::consumer_record& r, const str& key) {
  for (const auto& h : r.headers)
    if (h.key == key)
      return h.value.value_or("<null>");
  return std::nullopt;
}

/// A key-value store's entries across both apps, decoded as <std::string, int64_t>.
inline std::map<str, int64_t> decode_counts(const std::vector<std::pair<str, str>>& entries) {
  std::map<str, int64_t> out;
  for (const auto& [k, v] : entries)
    if (auto n = tc::serde<int64_t>::deserialize(v))
      out[k] = *n;
  return out;
}

/// A uniquely named folder for state directories, removed at scope exit.
class scratch_dir {
public:
  scratch_dir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("trib-streams-test-" + std::to_string(rd()) + "-" +
             std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    std::filesystem::create_directories(path_);
  }
  ~scratch_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;
  const std::filesystem::path& path() const { return path_; }

private:
  std::filesystem::path path_;
};

} // namespace trib_test
