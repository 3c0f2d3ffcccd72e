#pragma once
// Test helpers for the partition log tests: temp folders, batch building, small models.

#include "tributary/protocol/batch_builder.hpp"
#include "tributary/storage/partition_log.hpp"

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>
#include <vector>

namespace tributary::storage::test {

/// A fresh folder under /tmp, removed with everything in it at scope end.
struct temp_dir {
  std::string path;
  temp_dir() {
    char tmpl[] = "/tmp/trib-log-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string sub(const std::string& name) const { return path + "/" + name; }
};

/// One batch of `records` records with values of `value_bytes` bytes each, timestamps
/// starting at `ts` (+1 per record), appended to `out`. Returns its size.
inline size_t add_batch(std::vector<std::byte>& out, int records, size_t value_bytes, int64_t ts,
                        int64_t base_offset = 0, uint8_t fill = 0x5a) {
  protocol::batch_options o;
  o.base_offset = base_offset;
  protocol::batch_builder b(o);
  std::vector<std::byte> value(value_bytes, std::byte{fill});
  for (int i = 0; i < records; ++i) {
    protocol::record_input r;
    r.timestamp_ms = ts + i;
    r.value = protocol::byte_span(value.data(), value.size());
    b.append(r);
  }
  auto n = b.build(out);
  return n ? *n : 0;
}

inline std::vector<std::byte> one_batch(int records, size_t value_bytes, int64_t ts,
                                        int64_t base_offset = 0) {
  std::vector<std::byte> out;
  add_batch(out, records, value_bytes, ts, base_offset);
  return out;
}

/// A manual clock for segment.ms / flush.ms tests.
struct manual_clock {
  std::shared_ptr<int64_t> now = std::make_shared<int64_t>(1'000'000);
  clock_fn fn() const {
    auto p = now;
    return [p] { return *p; };
  }
};

inline bool file_exists(const std::string& p) {
  return ::access(p.c_str(), F_OK) == 0;
}

} // namespace tributary::storage::test
