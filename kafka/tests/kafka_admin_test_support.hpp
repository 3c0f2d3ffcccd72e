#pragma once
// For the admin handler tests: a real node with a Kafka listener on a free 127.0.0.1 port
// and its own temporary data folder, a blocking Kafka client over a plain TCP socket that
// encodes requests with the generated codec (4-byte size, request header, body) and decodes
// the size-prefixed answers, and a produce helper that writes records through the broker.
// Every socket wait is bounded (SO_RCVTIMEO / SO_SNDTIMEO); everything stays on loopback.

#include "tributary/actors/node.hpp"
#include "tributary/kafka/kafka_listener.hpp"
#include "tributary/protocol/batch_builder.hpp"
#include "tributary/protocol/kafka/create_topics.hpp"
#include "tributary/protocol/kafka/describe_configs.hpp"
#include "tributary/protocol/kafka/metadata.hpp"
#include "tributary/protocol/kafka_api.hpp"
#include "tributary/protocol/kafka_error.hpp"
#include "tributary/protocol/kafka_wire.hpp"

#include "caf/actor_system.hpp"
#include "caf/scoped_actor.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kafka_admin_test {

namespace pk = tributary::protocol::kafka;
namespace ta = tributary::actors;
using tributary::protocol::kafka_error;

inline int16_t code(kafka_error e) {
  return static_cast<int16_t>(e);
}

struct temp_dir {
  std::string path;
  temp_dir() {
    char tmpl[] = "/tmp/trib-kafka-admin-XXXXXX";
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

/// One PLAINTEXT listener on 127.0.0.1, any free port; no native listener.
inline tributary::config::broker_config listener_config(const std::string& data_dir) {
  tributary::config::broker_config cfg;
  cfg.data_dir = data_dir;
  cfg.listeners = {tributary::config::listener{"PLAINTEXT", "127.0.0.1", 0}};
  cfg.advertised_listeners.clear();
  cfg.native_listener.reset();
  cfg.group_initial_rebalance_delay_ms = 0;
  return cfg;
}

/// A running node with its Kafka listener; stops the listener first, then the node.
struct kafka_node {
  temp_dir dir;
  std::unique_ptr<ta::node> node;
  std::unique_ptr<tributary::kafka::kafka_listener> listener;
  uint16_t port = 0;

  kafka_node() {
    auto cfg = listener_config(dir.path);
    std::string why;
    auto started = ta::node::start(cfg, &why);
    INFO(why);
    REQUIRE(started);
    node = std::move(*started);
    auto l = tributary::kafka::kafka_listener::start(node->system(), node->broker(), cfg, &why);
    INFO(why);
    REQUIRE(l);
    listener = std::move(*l);
    REQUIRE(listener->ports().size() == 1);
    port = listener->ports()[0];
    REQUIRE(port != 0);
  }
  ~kafka_node() {
    if (listener)
      listener->stop(std::chrono::seconds(2));
    listener.reset();
    if (node)
      (void)node->stop();
  }
  kafka_node(const kafka_node&) = delete;
  kafka_node& operator=(const kafka_node&) = delete;

  /// Appends `count` records to `topic`-`partition` through the broker actor.
  void produce(const std::string& topic, int32_t partition, int count) {
    tributary::protocol::batch_builder b;
    for (int i = 0; i < count; ++i) {
      // Keyed, so compacted topics take them too.
      std::string k = "key-" + std::to_string(i);
      std::string v = "value-" + std::to_string(i);
      tributary::protocol::record_input rec;
      rec.timestamp_ms = 1700000000000 + i;
      rec.key = tributary::protocol::as_bytes(k);
      rec.value = tributary::protocol::as_bytes(v);
      b.append(rec);
    }
    std::vector<std::byte> batch;
    REQUIRE(b.build(batch));
    ta::produce_request req;
    req.topic = topic;
    req.partition = partition;
    req.records.assign(reinterpret_cast<const char*>(batch.data()),
                       reinterpret_cast<const char*>(batch.data()) + batch.size());
    caf::scoped_actor self{node->system()};
    self->request(node->broker(), std::chrono::seconds(10), std::move(req))
        .receive(
            [&](ta::produce_response& r) {
              INFO(r.error_message);
              REQUIRE(r.error == 0);
            },
            [&](caf::error& e) { FAIL("produce failed: " << node->system().render(e)); });
  }
};

/// A blocking Kafka client on one TCP connection; requests are answered in order.
class kafka_client {
public:
  explicit kafka_client(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd_ >= 0);
    timeval tv{15, 0}; // a bound on every read and write, never a synchronisation
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  }
  ~kafka_client() {
    if (fd_ >= 0)
      ::close(fd_);
  }
  kafka_client(const kafka_client&) = delete;
  kafka_client& operator=(const kafka_client&) = delete;

  /// Sends `req` at `version` and decodes the answer; fails the test on any wire problem.
  template <class Response, class Request>
  Response call(const Request& req, int16_t version) {
    static_assert(Response::key == Request::key, "request and response of different APIs");
    std::vector<char> frame(4, 0);
    pk::wire_writer w(frame);
    pk::request_header h;
    h.request_api_key = Request::key;
    h.request_api_version = version;
    h.correlation_id = next_correlation_id_++;
    h.client_id = "kafka-admin-test";
    pk::encode_request_header(w, h);
    req.encode(w, version);
    INFO(w.error_message());
    REQUIRE(w.ok());
    const auto size = static_cast<uint32_t>(frame.size() - 4);
    for (int i = 0; i < 4; ++i)
      frame[static_cast<size_t>(i)] = static_cast<char>((size >> (24 - 8 * i)) & 0xff);
    write_all(frame);
    auto body = read_frame();
    pk::wire_reader r(body.data(), body.size());
    pk::response_header rh;
    REQUIRE(pk::decode_response_header(r, Request::key, version, &rh));
    REQUIRE(rh.correlation_id == h.correlation_id);
    Response out;
    out.decode(r, version);
    INFO(std::string(Request::kafka_name) << " v" << version << ": " << r.error_message());
    REQUIRE(r.ok());
    return out;
  }

private:
  void write_all(const std::vector<char>& bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
      auto n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      REQUIRE(n > 0);
      done += static_cast<size_t>(n);
    }
  }

  void read_exactly(char* out, size_t size) {
    size_t done = 0;
    while (done < size) {
      auto n = ::recv(fd_, out + done, size - done, 0);
      if (n <= 0)
        FAIL("the listener closed the connection or did not answer within 15 s");
      done += static_cast<size_t>(n);
    }
  }

  std::vector<char> read_frame() {
    unsigned char prefix[4];
    read_exactly(reinterpret_cast<char*>(prefix), 4);
    const uint32_t size = (uint32_t{prefix[0]} << 24) | (uint32_t{prefix[1]} << 16) |
                          (uint32_t{prefix[2]} << 8) | uint32_t{prefix[3]};
    REQUIRE(size < (64u << 20));
    std::vector<char> body(size);
    read_exactly(body.data(), body.size());
    return body;
  }

  int fd_ = -1;
  int32_t next_correlation_id_ = 1;
};

// -- shortcuts the tests share ----------------------------------------------------------------

using create_topic = pk::create_topics_request::creatable_topic;

inline create_topic new_topic(const std::string& name, int32_t partitions = 1,
                              std::vector<std::pair<std::string, std::string>> configs = {}) {
  create_topic t;
  t.name = name;
  t.num_partitions = partitions;
  t.replication_factor = 1;
  for (auto& [k, v] : configs) {
    pk::create_topics_request::creatable_topic_config c;
    c.name = k;
    c.value = v;
    t.configs.push_back(std::move(c));
  }
  return t;
}

/// Creates the topics (CreateTopics v7) and requires every one to succeed.
inline void create_topics(kafka_client& c, std::vector<create_topic> topics) {
  pk::create_topics_request req;
  req.topics = std::move(topics);
  req.timeout_ms = 10000;
  auto resp = c.call<pk::create_topics_response>(req, 7);
  REQUIRE(resp.topics.size() == req.topics.size());
  for (const auto& t : resp.topics) {
    INFO(t.name << ": " << t.error_message.value_or(""));
    REQUIRE(t.error_code == 0);
  }
}

/// Every config of a topic (DescribeConfigs v4): name -> (value, config_source).
struct config_value {
  std::optional<std::string> value;
  int8_t source = -1;
};

inline std::map<std::string, config_value> topic_configs(kafka_client& c,
                                                         const std::string& topic) {
  pk::describe_configs_request req;
  auto& res = req.resources.emplace_back();
  res.resource_type = 2;
  res.resource_name = topic;
  res.configuration_keys = std::nullopt;
  auto resp = c.call<pk::describe_configs_response>(req, 4);
  REQUIRE(resp.results.size() == 1);
  INFO(resp.results[0].error_message.value_or(""));
  REQUIRE(resp.results[0].error_code == 0);
  std::map<std::string, config_value> out;
  for (const auto& e : resp.results[0].configs)
    out[e.name] = config_value{e.value, e.config_source};
  return out;
}

/// The error DescribeConfigs answers for a topic: how the tests see whether it exists.
inline int16_t topic_describe_error(kafka_client& c, const std::string& topic) {
  pk::describe_configs_request req;
  auto& res = req.resources.emplace_back();
  res.resource_type = 2;
  res.resource_name = topic;
  auto resp = c.call<pk::describe_configs_response>(req, 4);
  REQUIRE(resp.results.size() == 1);
  return resp.results[0].error_code;
}

/// The partition count Metadata v4 reports (no auto-creation); -1 for an unknown topic.
inline int partition_count(kafka_client& c, const std::string& topic) {
  pk::metadata_request req;
  pk::metadata_request::metadata_request_topic t;
  t.name = topic;
  req.topics = std::vector<pk::metadata_request::metadata_request_topic>{t};
  req.allow_auto_topic_creation = false;
  auto resp = c.call<pk::metadata_response>(req, 4);
  REQUIRE(resp.topics.size() == 1);
  if (resp.topics[0].error_code != 0)
    return -1;
  return static_cast<int>(resp.topics[0].partitions.size());
}

} // namespace kafka_admin_test
