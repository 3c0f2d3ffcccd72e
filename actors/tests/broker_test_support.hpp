#pragma once
// Helpers for the broker / node / inspector tests: a temporary data folder, a node config on
// it, real RecordBatch v2 payloads built with protocol::batch_builder and decoded back, and a
// bounded blocking request through a scoped_actor.

#include "tributary/actors/broker_actor.hpp"
#include "tributary/config/broker_config.hpp"
#include "tributary/protocol/batch_builder.hpp"
#include "tributary/protocol/record_reader.hpp"

#include "caf/all.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace broker_test {

namespace ta = tributary::actors;

/// A fresh folder under /tmp, removed with everything in it at scope exit.
struct temp_dir {
  std::string path;
  temp_dir() {
    char tmpl[] = "/tmp/trib-broker-test-XXXXXX";
    char* p = ::mkdtemp(tmpl);
    REQUIRE(p != nullptr);
    path = p;
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
};

/// Defaults plus the data folder and (optionally) a native listener on a free port.
inline tributary::config::broker_config node_config(const std::string& dir, bool native = true) {
  tributary::config::broker_config cfg;
  cfg.data_dir = dir;
  if (native)
    cfg.native_listener = tributary::config::listener{"", "127.0.0.1", 0};
  else
    cfg.native_listener.reset();
  cfg.group_initial_rebalance_delay_ms = 0;
  return cfg;
}

/// One RecordBatch v2 holding `values` (keys "k<i>"), as produce_request::records wants it.
inline ta::bytes make_batch(const std::vector<std::string>& values, int64_t ts = 1700000000000) {
  using namespace tributary::protocol;
  batch_builder b;
  std::vector<std::string> keys;
  for (size_t i = 0; i < values.size(); ++i)
    keys.push_back("k" + std::to_string(i));
  for (size_t i = 0; i < values.size(); ++i)
    b.append({ts, as_bytes(keys[i]), as_bytes(values[i]), {}});
  std::vector<std::byte> out;
  auto size = b.build(out);
  REQUIRE(size);
  ta::bytes r(out.size());
  std::memcpy(r.data(), out.data(), out.size());
  return r;
}

/// (offset, value) of every record in concatenated batches.
inline std::vector<std::pair<int64_t, std::string>> decode(const ta::bytes& records) {
  using namespace tributary::protocol;
  std::vector<std::pair<int64_t, std::string>> out;
  size_t pos = 0;
  std::vector<std::byte> scratch;
  while (pos + 12 <= records.size()) {
    uint32_t be = 0;
    std::memcpy(&be, records.data() + pos + 8, 4);
    size_t len = __builtin_bswap32(be) + 12u;
    REQUIRE(pos + len <= records.size());
    byte_span batch(reinterpret_cast<const std::byte*>(records.data() + pos), len);
    auto reader = record_reader::open(batch, scratch, 64 << 20);
    REQUIRE(reader);
    record r;
    while (true) {
      auto more = reader->next(r);
      REQUIRE(more);
      if (!*more)
        break;
      out.emplace_back(record_offset(reader->header(), r),
                       r.value ? std::string(as_string_view(*r.value)) : std::string{});
    }
    pos += len;
  }
  return out;
}

/// Sends `req` to `dest` and waits (bounded) for the reply; fails the test on an error.
template <class Reply, class Handle, class Request>
Reply ask(caf::scoped_actor& self, const Handle& dest, Request req,
          std::chrono::milliseconds timeout = std::chrono::seconds(15)) {
  Reply out{};
  bool ok = false;
  std::string why;
  self->request(dest, timeout, std::move(req))
      .receive(
          [&](Reply& r) {
            out = std::move(r);
            ok = true;
          },
          [&](caf::error& err) { why = caf::to_string(err); });
  INFO("request failed: " << why);
  REQUIRE(ok);
  return out;
}

inline ta::create_topics_request create_request(const std::string& name, int32_t partitions,
                                                std::vector<ta::config_kv> configs = {}) {
  ta::create_topics_request r;
  ta::new_topic_spec t;
  t.name = name;
  t.num_partitions = partitions;
  t.configs = std::move(configs);
  r.topics.push_back(std::move(t));
  return r;
}

inline ta::produce_request produce(const std::string& topic, int32_t partition,
                                   const std::vector<std::string>& values) {
  ta::produce_request r;
  r.topic = topic;
  r.partition = partition;
  r.records = make_batch(values);
  return r;
}

inline ta::fetch_request fetch(const std::string& topic, int32_t partition, int64_t offset,
                               int32_t max_wait_ms = 0) {
  ta::fetch_request r;
  r.max_wait_ms = max_wait_ms;
  r.partitions.push_back({topic, partition, offset, 1 << 20, -1});
  return r;
}

} // namespace broker_test
