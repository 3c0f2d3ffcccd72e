// producer_config from Kafka-named strings: values, defaults and the errors users see.

#include "tributary/client/producer_config.hpp"

#include <catch2/catch.hpp>

using namespace tributary::client;
using tributary::protocol::compression_codec;
using tributary::protocol::kafka_error;

TEST_CASE("producer config reads Kafka's names", "[producer]") {
  auto c = producer_config::from_map({{"acks", "all"},
                                      {"linger.ms", "20"},
                                      {"batch.size", "65536"},
                                      {"compression.type", "zstd"},
                                      {"buffer.memory", "1048576"},
                                      {"max.in.flight.requests.per.connection", "1"},
                                      {"client.id", "orders-writer"},
                                      {"bootstrap.servers", "embedded:/tmp/x"}});
  REQUIRE(c);
  CHECK(c->acks == -1);
  CHECK(c->linger_ms == 20);
  CHECK(c->batch_size == 65536);
  CHECK(c->compression == compression_codec::zstd);
  CHECK(c->buffer_memory == 1048576);
  CHECK(c->max_in_flight == 1);
  CHECK(c->client_id == "orders-writer");
  CHECK(c->bootstrap_servers == "embedded:/tmp/x");
  CHECK(producer_config::from_map({{"acks", "0"}})->acks == 0);
  CHECK(producer_config::from_map({{"acks", "1"}})->acks == 1);
}

TEST_CASE("producer config defaults are Kafka's", "[producer]") {
  producer_config c;
  CHECK(c.linger_ms == 5);
  CHECK(c.batch_size == 16384);
  CHECK(c.buffer_memory == 32 * 1024 * 1024);
  CHECK(c.max_in_flight == 5);
  CHECK(c.delivery_timeout_ms == 120000);
  CHECK(c.request_timeout_ms == 30000);
  CHECK(c.retry_backoff_ms == 100);
  CHECK_FALSE(c.enable_idempotence);
  CHECK(c.validate());
}

TEST_CASE("unknown producer config keys are refused with a suggestion", "[producer]") {
  auto c = producer_config::from_map({{"linger.msec", "5"}});
  REQUIRE_FALSE(c);
  CHECK(c.err().code == kafka_error::invalid_config);
  CHECK(c.err().message == "unknown producer config 'linger.msec' (did you mean 'linger.ms'?)");
  auto far = producer_config::from_map({{"totally.unrelated.thing", "1"}});
  REQUIRE_FALSE(far);
  CHECK(far.err().message == "unknown producer config 'totally.unrelated.thing'");
}

TEST_CASE("bad producer config values name the key, value and what is allowed", "[producer]") {
  auto acks = producer_config::from_map({{"acks", "2"}});
  REQUIRE_FALSE(acks);
  CHECK(acks.err().message == "producer config acks='2' is invalid: expected all, -1, 0 or 1");
  auto codec = producer_config::from_map({{"compression.type", "brotli"}});
  REQUIRE_FALSE(codec);
  CHECK(codec.err().message.find("expected none, gzip, snappy, lz4 or zstd") != std::string::npos);
  auto num = producer_config::from_map({{"batch.size", "16k"}});
  REQUIRE_FALSE(num);
  CHECK(num.err().message == "producer config batch.size='16k' is invalid: expected an integer");
  auto neg = producer_config::from_map({{"linger.ms", "-1"}});
  REQUIRE_FALSE(neg);
  auto idem = producer_config::from_map({{"enable.idempotence", "true"}});
  REQUIRE_FALSE(idem);
  CHECK(idem.err().message.find("not supported yet") != std::string::npos);
  auto timeouts =
      producer_config::from_map({{"delivery.timeout.ms", "1000"}, {"request.timeout.ms", "30000"}});
  REQUIRE_FALSE(timeouts);
  CHECK(timeouts.err().message.find("delivery.timeout.ms=1000 must be at least") !=
        std::string::npos);
}
