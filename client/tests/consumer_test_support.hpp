#pragma once
// Helpers for consumer tests against a real node (connection_test_support.hpp): topics made
// through the admin client, records produced with the producer, and bounded poll loops.

#include "connection_test_support.hpp"

#include "tributary/client/admin.hpp"
#include "tributary/client/consumer.hpp"
#include "tributary/client/producer.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace consumer_test {

namespace tc = tributary::client;

inline void create_topic(const tc::connection& conn, const std::string& name, int32_t partitions) {
  auto a = tc::admin::create(conn);
  REQUIRE(a);
  auto r = a->create_topics({{name, partitions, -1, {}}});
  REQUIRE(r);
  REQUIRE(r->size() == 1);
  INFO((*r)[0].err.to_string());
  REQUIRE((*r)[0].ok());
}

/// Sends `count` records "<prefix>-<i>" (key "k<i>") to one partition and waits for all acks.
inline void produce(
    const tc::connection& conn, const std::string& topic, int32_t partition, int count,
    const std::string& prefix = "v",
    tributary::protocol::compression_codec codec = tributary::protocol::compression_codec::none) {
  tc::producer_config cfg;
  cfg.linger_ms = 1;
  cfg.compression = codec;
  auto p = tc::producer::create(conn, cfg);
  REQUIRE(p);
  for (int i = 0; i < count; ++i) {
    tc::producer_record r;
    r.topic = topic;
    r.partition = partition;
    r.key = "k" + std::to_string(i);
    r.value = prefix + "-" + std::to_string(i);
    p->send(r, [](const tc::outcome<tc::record_metadata>&) {});
  }
  auto flushed = p->flush(std::chrono::seconds(30));
  INFO((flushed ? "" : flushed.err().to_string()));
  REQUIRE(flushed);
}

/// A config for quick group tests: short heartbeats and fetch waits, earliest reset.
inline tc::consumer_config quick_config(const std::string& group = {}) {
  tc::consumer_config c;
  c.group_id = group;
  c.auto_offset_reset = tc::offset_reset::earliest;
  c.heartbeat_interval_ms = 100;
  c.session_timeout_ms = 6000;
  c.max_poll_interval_ms = 30000;
  c.fetch_max_wait_ms = 100;
  c.metadata_max_age_ms = 500;
  c.request_timeout_ms = 10000;
  c.default_api_timeout_ms = 10000;
  return c;
}

/// Records taken so far, by partition.
struct collected {
  std::map<tc::topic_partition, std::vector<tc::consumer_record>> by_partition;
  size_t total = 0;
  void add(tc::consumer_records& batch) {
    for (auto& r : batch.take()) {
      ++total;
      by_partition[tc::topic_partition{r.topic, r.partition}].push_back(std::move(r));
    }
  }
};

/// Polls (100 ms each) until `done()` or 20 s; fails the test on a poll error.
inline void poll_until(tc::consumer& c, collected& got, const std::function<bool()>& done,
                       std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    auto batch = c.poll(std::chrono::milliseconds(100));
    INFO((batch ? "" : batch.err().to_string()));
    REQUIRE(batch);
    got.add(*batch);
  }
}

} // namespace consumer_test
