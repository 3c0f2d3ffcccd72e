// librdkafka -> fake_kafka_broker capture (see rdkafka_capture.hpp).
#include "rdkafka_capture.hpp"

#include "fake_kafka_broker.hpp"
#include "golden_messages.hpp"

#include <librdkafka/rdkafka.h>
#include <memory>

namespace tributary::protocol::test {
namespace {

struct rk_deleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};

bool set(rd_kafka_conf_t* conf, const char* name, const std::string& value, std::string& err) {
  char errstr[256];
  if (rd_kafka_conf_set(conf, name, value.c_str(), errstr, sizeof errstr) == RD_KAFKA_CONF_OK)
    return true;
  err = std::string(name) + ": " + errstr;
  return false;
}

rd_kafka_resp_err_t produce(rd_kafka_t* rk, const golden_message& m) {
  rd_kafka_headers_t* headers = rd_kafka_headers_new(m.headers.size());
  for (const auto& [name, value] : m.headers)
    rd_kafka_header_add(headers, name.data(), static_cast<ssize_t>(name.size()),
                        value ? value->data() : nullptr,
                        value ? static_cast<ssize_t>(value->size()) : 0);
  // A non-null pointer with length 0 is an empty key/value; nullptr is null.
  // (The RD_KAFKA_V_* macros do not parenthesize their arguments: pass plain names.)
  const void* key = m.key ? m.key->data() : nullptr;
  size_t key_size = m.key ? m.key->size() : 0;
  void* value = m.value ? const_cast<char*>(m.value->data()) : nullptr;
  size_t value_size = m.value ? m.value->size() : 0;
  auto err =
      rd_kafka_producev(rk, RD_KAFKA_V_TOPIC("golden"), RD_KAFKA_V_PARTITION(0),
                        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key, key_size),
                        RD_KAFKA_V_VALUE(value, value_size), RD_KAFKA_V_TIMESTAMP(m.timestamp_ms),
                        RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_END);
  if (err)
    rd_kafka_headers_destroy(headers);
  return err;
}

} // namespace

capture_result capture_rdkafka_batch(const std::string& codec, bool is_idempotent) {
  fake_kafka_broker broker("golden");
  if (!broker.is_listening())
    return {{}, "cannot listen on 127.0.0.1"};
  std::string err;
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  bool ok = set(conf, "bootstrap.servers", "127.0.0.1:" + std::to_string(broker.port()), err) &&
            set(conf, "compression.codec", codec, err) && set(conf, "linger.ms", "1000", err) &&
            set(conf, "batch.num.messages", "10000", err) &&
            set(conf, "enable.idempotence", is_idempotent ? "true" : "false", err) &&
            set(conf, "acks", "all", err) && set(conf, "message.timeout.ms", "10000", err) &&
            set(conf, "broker.address.family", "v4", err) &&
            set(conf, "client.id", "tributary-golden", err);
  if (!ok) {
    rd_kafka_conf_destroy(conf);
    return {{}, err};
  }
  char errstr[256];
  std::unique_ptr<rd_kafka_t, rk_deleter> rk(
      rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr));
  if (!rk) {
    rd_kafka_conf_destroy(conf);
    return {{}, errstr};
  }
  // Learn the partition leader first: messages produced while the topic is still unknown
  // wait on a separate queue and can leave in a batch of their own.
  rd_kafka_topic_t* topic = rd_kafka_topic_new(rk.get(), "golden", nullptr);
  const struct rd_kafka_metadata* md = nullptr;
  auto md_err = rd_kafka_metadata(rk.get(), 0, topic, &md, 10000);
  if (md)
    rd_kafka_metadata_destroy(md);
  rd_kafka_topic_destroy(topic);
  if (md_err)
    return {{}, std::string("metadata: ") + rd_kafka_err2str(md_err)};
  // Hold the partition while enqueueing, so the broker thread cannot send the first
  // message on its own before the rest arrive.
  rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(parts, "golden", 0);
  rd_kafka_pause_partitions(rk.get(), parts);
  for (const auto& m : golden_messages())
    if (auto e = produce(rk.get(), m)) {
      rd_kafka_topic_partition_list_destroy(parts);
      return {{}, std::string("produce: ") + rd_kafka_err2str(e)};
    }
  rd_kafka_resume_partitions(rk.get(), parts);
  rd_kafka_topic_partition_list_destroy(parts);
  if (auto e = rd_kafka_flush(rk.get(), 15000))
    return {{}, std::string("flush: ") + rd_kafka_err2str(e)};
  rk.reset();
  auto batches = broker.produced();
  if (batches.size() != 1)
    return {{}, "expected one produce request, got " + std::to_string(batches.size())};
  return {std::move(batches.front()), {}};
}

} // namespace tributary::protocol::test
