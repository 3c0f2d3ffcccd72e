// Interop with a real client AND a real broker implementation: a librdkafka producer and
// consumer group member talk to librdkafka's mock cluster through capture_proxy, which
// decodes every request and response with our codec, requires byte-exact re-encoding, and
// serves Metadata / FindCoordinator responses that our encoder rewrote (so librdkafka must
// accept our encoding for the test to get its messages back).
#include "kafka_test_proxy.hpp"
#include "tributary/protocol/record_reader.hpp"

#include <catch2/catch.hpp>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <set>

using namespace tributary::protocol;
using namespace tributary::protocol::kafka;
using namespace tributary::protocol::kafka::test;

namespace {

rd_kafka_conf_t* client_conf(uint16_t port) {
  char err[256];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  const std::pair<const char*, std::string> settings[] = {
      {"bootstrap.servers", "127.0.0.1:" + std::to_string(port)},
      {"broker.address.family", "v4"},
      {"log_level", "2"},
      {"client.id", "tributary-codec-interop"}};
  for (const auto& [name, value] : settings)
    REQUIRE(rd_kafka_conf_set(conf, name, value.c_str(), err, sizeof err) == RD_KAFKA_CONF_OK);
  return conf;
}

void set(rd_kafka_conf_t* conf, const char* name, const char* value) {
  char err[256];
  REQUIRE(rd_kafka_conf_set(conf, name, value, err, sizeof err) == RD_KAFKA_CONF_OK);
}

void produce_values(uint16_t port, const std::vector<std::string>& values) {
  rd_kafka_conf_t* conf = client_conf(port);
  set(conf, "enable.idempotence", "true");
  set(conf, "linger.ms", "5");
  set(conf, "message.timeout.ms", "20000");
  char err[256];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  REQUIRE(rk);
  for (size_t i = 0; i < values.size(); ++i) {
    std::string key = "k" + std::to_string(i);
    void* value = const_cast<char*>(values[i].data());
    size_t value_size = values[i].size();
    const void* key_data = key.data();
    size_t key_size = key.size();
    CHECK(rd_kafka_producev(rk, RD_KAFKA_V_TOPIC("interop"),
                            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                            RD_KAFKA_V_KEY(key_data, key_size), RD_KAFKA_V_VALUE(value, value_size),
                            RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  CHECK(rd_kafka_flush(rk, 20000) == RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_destroy(rk);
}

std::multiset<std::string> consume_values(uint16_t port, size_t expected) {
  rd_kafka_conf_t* conf = client_conf(port);
  set(conf, "group.id", "interop-group");
  set(conf, "auto.offset.reset", "earliest");
  set(conf, "enable.auto.commit", "false");
  char err[256];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  REQUIRE(rk);
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, "interop", RD_KAFKA_PARTITION_UA);
  CHECK(rd_kafka_subscribe(rk, topics) == RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_topic_partition_list_destroy(topics);
  std::multiset<std::string> got;
  const auto deadline = test_clock::now() + std::chrono::seconds(40);
  while (got.size() < expected && test_clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 100);
    if (!m)
      continue;
    if (!m->err)
      got.emplace(static_cast<const char*>(m->payload), m->len);
    rd_kafka_message_destroy(m);
  }
  CHECK(rd_kafka_commit(rk, nullptr, 0) == RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return got;
}

std::multiset<std::string> produced_values(const std::vector<capture_proxy::observed>& seen) {
  std::multiset<std::string> out;
  for (const auto& o : seen) {
    if (o.is_response || o.key != api_key::produce || !o.error.empty())
      continue;
    produce_request req;
    REQUIRE(decode_message(span<const char>(o.body.data(), o.body.size()), o.version, &req));
    for (const auto& topic : req.topic_data)
      for (const auto& part : topic.partition_data) {
        REQUIRE(part.records);
        std::vector<std::byte> scratch;
        byte_span batch(reinterpret_cast<const std::byte*>(part.records->data()),
                        part.records->size());
        auto reader = record_reader::open(batch, scratch, 1 << 20);
        REQUIRE(reader);
        record rec;
        for (int i = 0; i < 1000; ++i) {
          auto more = reader->next(rec);
          REQUIRE(more);
          if (!*more)
            break;
          out.emplace(as_string_view(*rec.value));
        }
      }
  }
  return out;
}

} // namespace

TEST_CASE("librdkafka producer and consumer group traffic decodes and re-encodes exactly",
          "[kafka][interop]") {
  char err[256];
  rd_kafka_conf_t* mock_conf = rd_kafka_conf_new();
  rd_kafka_conf_set(mock_conf, "log_level", "2", err, sizeof err);
  rd_kafka_t* mock_rk = rd_kafka_new(RD_KAFKA_PRODUCER, mock_conf, err, sizeof err);
  REQUIRE(mock_rk);
  rd_kafka_mock_cluster_t* mock = rd_kafka_mock_cluster_new(mock_rk, 1);
  REQUIRE(mock);
  REQUIRE(rd_kafka_mock_topic_create(mock, "interop", 2, 1) == RD_KAFKA_RESP_ERR_NO_ERROR);

  std::vector<capture_proxy::observed> seen;
  std::multiset<std::string> consumed;
  const std::vector<std::string> values = {"v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7"};
  {
    capture_proxy proxy(port_of(rd_kafka_mock_cluster_bootstraps(mock)));
    REQUIRE(proxy.port() != 0);
    produce_values(proxy.port(), values);
    consumed = consume_values(proxy.port(), values.size());
    seen = proxy.seen();
  }
  rd_kafka_mock_cluster_destroy(mock);
  rd_kafka_destroy(mock_rk);

  CHECK(consumed == std::multiset<std::string>(values.begin(), values.end()));
  std::set<std::pair<int16_t, int16_t>> requests; // (api key, version)
  for (const auto& o : seen) {
    INFO(api_key_name(o.key) << (o.is_response ? " response v" : " request v") << o.version);
    CHECK(o.error == "");
    if (o.is_unsupported_version_reply)
      CHECK(o.version >= 3); // the mock lacks ApiVersions v3; librdkafka then retries lower
    if (!o.is_response)
      requests.emplace(static_cast<int16_t>(o.key), o.version);
  }
  std::set<int16_t> keys;
  for (auto [key, version] : requests) {
    keys.insert(key);
    UNSCOPED_INFO(api_key_name(static_cast<api_key>(key)) << " v" << version);
  }
  for (api_key k :
       {api_key::api_versions, api_key::metadata, api_key::init_producer_id, api_key::produce,
        api_key::find_coordinator, api_key::join_group, api_key::sync_group, api_key::offset_fetch,
        api_key::fetch, api_key::offset_commit, api_key::leave_group}) {
    INFO("expected librdkafka to send " << api_key_name(k));
    CHECK(keys.count(static_cast<int16_t>(k)));
  }
  CHECK(produced_values(seen) == std::multiset<std::string>(values.begin(), values.end()));
}
