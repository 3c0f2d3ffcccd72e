#pragma once
// A real node for client tests: a temporary data folder, actors::node started on it with a
// native listener on a free 127.0.0.1 port, and connections to it over either transport --
// "embedded" (attach: the node's own actor system) or "remote" (our own actor system through
// CAF's middleman) -- so one test body runs on both. Plus reading a partition back with a
// fetch_request through the broker.

#include "../src/connection_request.hpp"

#include "tributary/actors/node.hpp"
#include "tributary/client/connection.hpp"
#include "tributary/protocol/record_reader.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace client_test {

namespace tc = tributary::client;

struct temp_dir {
  std::string path;
  temp_dir() {
    char tmpl[] = "/tmp/trib-client-test-XXXXXX";
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

inline tributary::config::broker_config node_config(const std::string& dir) {
  tributary::config::broker_config cfg;
  cfg.data_dir = dir;
  cfg.listeners.clear();
  cfg.advertised_listeners.clear();
  cfg.native_listener = tributary::config::listener{"", "127.0.0.1", 0};
  cfg.group_initial_rebalance_delay_ms = 0;
  return cfg;
}

/// A running node; connections made from it must be gone before it is destroyed.
struct test_node {
  temp_dir dir;
  std::unique_ptr<tributary::actors::node> node;

  explicit test_node(std::optional<tributary::config::broker_config> cfg = std::nullopt) {
    std::string why;
    auto c = cfg ? *cfg : node_config(dir.path);
    c.data_dir = dir.path;
    auto started = tributary::actors::node::start(c, &why);
    INFO(why);
    REQUIRE(started);
    node = std::move(*started);
    REQUIRE(node->native_port() != 0);
  }
  ~test_node() {
    if (node)
      (void)node->stop();
  }

  /// "embedded" or "remote".
  tc::connection connect(const std::string& transport) {
    auto c = transport == "embedded" ? tc::connection::attach(*node)
                                     : tc::connection::remote("127.0.0.1", node->native_port());
    if (!c)
      FAIL(c.err().to_string());
    return std::move(*c);
  }
};

struct fetched_record {
  int64_t offset = 0;
  std::optional<std::string> key;
  std::optional<std::string> value;
  int64_t timestamp = 0;
};

/// Every record of `topic`-`partition` from `from` up to the high watermark (bounded loop).
inline std::vector<fetched_record> read_partition(const tc::connection& conn,
                                                  const std::string& topic, int32_t partition,
                                                  int64_t from = 0) {
  using namespace tributary;
  std::vector<fetched_record> out;
  int64_t next = from;
  std::vector<std::byte> scratch;
  for (int round = 0; round < 1000; ++round) {
    actors::fetch_request req;
    req.max_wait_ms = 0;
    req.min_bytes = 0;
    req.partitions.push_back({topic, partition, next, 8 << 20, -1});
    auto r = tc::blocking_request<actors::fetch_response>(conn, req, std::chrono::seconds(10));
    REQUIRE(r);
    REQUIRE(r->partitions.size() == 1);
    auto& p = r->partitions[0];
    INFO(p.error_message);
    REQUIRE(p.error == 0);
    auto bytes =
        protocol::byte_span(reinterpret_cast<const std::byte*>(p.records.data()), p.records.size());
    size_t pos = 0;
    while (pos + protocol::batch_header_size <= bytes.size()) {
      auto header = protocol::parse_batch_header(bytes.data() + pos, bytes.size() - pos);
      REQUIRE(header);
      auto len = header->total_size();
      if (pos + len > bytes.size())
        break; // a partial batch at the end of the fetch
      auto reader = protocol::record_reader::open(bytes.subspan(pos, len), scratch, 64 << 20);
      REQUIRE(reader);
      protocol::record rec;
      while (true) {
        auto more = reader->next(rec);
        REQUIRE(more);
        if (!*more)
          break;
        auto off = protocol::record_offset(reader->header(), rec);
        if (off < next)
          continue;
        fetched_record f;
        f.offset = off;
        if (rec.key)
          f.key = std::string(protocol::as_string_view(*rec.key));
        if (rec.value)
          f.value = std::string(protocol::as_string_view(*rec.value));
        f.timestamp = protocol::record_timestamp(reader->header(), rec);
        out.push_back(std::move(f));
        next = off + 1;
      }
      pos += len;
    }
    if (next >= p.high_watermark)
      break;
  }
  return out;
}

} // namespace client_test
