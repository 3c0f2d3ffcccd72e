// The producer against a real node, the same test body on both transports (embedded:
// attached to the node's actor system; remote: through CAF's middleman): records land on
// Kafka's partitions, callbacks and futures report their offsets, and fetching the partitions
// back returns exactly what was sent.

#include "connection_test_support.hpp"

#include "tributary/client/admin.hpp"
#include "tributary/client/partitioner.hpp"
#include "tributary/client/producer.hpp"
#include "tributary/client/typed_producer.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <map>
#include <mutex>

using namespace tributary::client;
using client_test::read_partition;
using client_test::test_node;
using tributary::protocol::kafka_error;

namespace {

void create_topic(const connection& conn, const std::string& name, int32_t partitions) {
  auto a = admin::create(conn);
  REQUIRE(a);
  auto r = a->create_topics({{name, partitions, -1, {}}});
  REQUIRE(r);
  REQUIRE(r->size() == 1);
  INFO((*r)[0].err.to_string());
  REQUIRE((*r)[0].ok());
}

} // namespace

TEST_CASE("produced records are fetched back from their partitions", "[producer][connection]") {
  auto transport = GENERATE(std::string("embedded"), std::string("remote"));
  SECTION(transport) {
    test_node n;
    auto conn = n.connect(transport);
    create_topic(conn, "orders", 3);
    producer_config cfg;
    cfg.linger_ms = 2;
    cfg.batch_size = 4096;
    auto p = producer::create(conn, cfg);
    REQUIRE(p);
    constexpr int count = 600;
    std::mutex m;
    std::map<int32_t, std::vector<std::pair<int64_t, std::string>>> acked; // by partition
    std::vector<error> errors;
    for (int i = 0; i < count; ++i) {
      producer_record r;
      r.topic = "orders";
      r.key = "customer-" + std::to_string(i % 37);
      r.value = "order-" + std::to_string(i);
      auto value = *r.value;
      p->send(r, [&, value](const outcome<record_metadata>& md) {
        std::lock_guard<std::mutex> g{m};
        if (!md)
          errors.push_back(md.err());
        else
          acked[md->partition].emplace_back(md->offset, value);
      });
    }
    REQUIRE(p->flush(std::chrono::seconds(30)));
    std::lock_guard<std::mutex> g{m};
    for (auto& e : errors)
      FAIL(e.to_string());
    size_t total = 0;
    for (auto& [partition, records] : acked) {
      // Offsets in one partition are consecutive from 0, in send order.
      for (size_t i = 0; i < records.size(); ++i)
        CHECK(records[i].first == static_cast<int64_t>(i));
      auto back = read_partition(conn, "orders", partition);
      REQUIRE(back.size() == records.size());
      for (size_t i = 0; i < back.size(); ++i) {
        CHECK(back[i].offset == records[i].first);
        CHECK(back[i].value == records[i].second);
        REQUIRE(back[i].key);
        CHECK(partitioner::keyed(*back[i].key, 3) == partition); // Kafka's partition
      }
      total += back.size();
    }
    CHECK(total == count);
    auto m2 = p->metrics();
    CHECK(m2.records_sent == count);
    CHECK(m2.records_failed == 0);
    CHECK(m2.batches_sent < count / 4); // batched, not one request per record
    REQUIRE(p->close(std::chrono::seconds(10)));
  }
}

TEST_CASE("futures, compression and auto-created topics", "[producer][connection]") {
  auto transport = GENERATE(std::string("embedded"), std::string("remote"));
  SECTION(transport) {
    test_node n;
    auto conn = n.connect(transport);
    for (auto codec : {"gzip", "snappy", "lz4", "zstd"}) {
      auto p = producer::create(conn, {{"compression.type", codec}, {"linger.ms", "1"}});
      REQUIRE(p);
      std::string topic = std::string("auto-") + codec; // created on first use
      std::vector<std::future<outcome<record_metadata>>> futures;
      for (int i = 0; i < 50; ++i) {
        producer_record r;
        r.topic = topic;
        r.value = std::string(200, static_cast<char>('a' + i % 26));
        r.headers.push_back({"trace", std::string("t") + std::to_string(i)});
        futures.push_back(p->send(r));
      }
      int64_t previous = -1;
      for (auto& f : futures) {
        REQUIRE(f.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
        auto md = f.get();
        INFO(codec);
        REQUIRE(md);
        CHECK(md->topic == topic);
        CHECK(md->offset > previous); // one partition (num.partitions=1): strictly increasing
        previous = md->offset;
      }
      auto back = read_partition(conn, topic, 0);
      REQUIRE(back.size() == 50);
      CHECK(*back[3].value == std::string(200, 'd'));
    }
  }
}

TEST_CASE("producer errors reach the callback with Kafka's code", "[producer][connection]") {
  test_node n;
  auto conn = n.connect("embedded");
  create_topic(conn, "small", 2);
  auto p = producer::create(conn, {{"allow.auto.create.topics", "false"},
                                   {"max.block.ms", "1000"},
                                   {"max.request.size", "10000"}});
  REQUIRE(p);
  auto send_and_get = [&](producer_record r) {
    auto f = p->send(r);
    REQUIRE(f.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
    return f.get();
  };
  producer_record bad_partition{"small", 5, std::nullopt, std::string("v"), {}, -1};
  auto r1 = send_and_get(bad_partition);
  REQUIRE_FALSE(r1);
  CHECK(r1.err().code == kafka_error::unknown_topic_or_partition);
  CHECK(r1.err().message == "topic 'small' has 2 partitions; partition 5 does not exist");
  producer_record unknown{"never-created", std::nullopt, std::nullopt, std::string("v"), {}, -1};
  auto r2 = send_and_get(unknown);
  REQUIRE_FALSE(r2);
  CHECK(r2.err().code == kafka_error::unknown_topic_or_partition);
  CHECK(r2.err().message.find("'never-created'") != std::string::npos);
  producer_record big{"small", 0, std::nullopt, std::string(20000, 'x'), {}, -1};
  auto r3 = send_and_get(big);
  REQUIRE_FALSE(r3);
  CHECK(r3.err().code == kafka_error::message_too_large);
  REQUIRE(p->close(std::chrono::seconds(5)));
  auto r4 = send_and_get({"small", 0, std::nullopt, std::string("late"), {}, -1});
  REQUIRE_FALSE(r4);
  CHECK(r4.err().message.find("producer is closed") != std::string::npos);
}

TEST_CASE("a producer closes promptly with a long linger.ms", "[producer][connection]") {
  auto transport = GENERATE(std::string("embedded"), std::string("remote"));
  test_node n;
  auto conn = n.connect(transport);
  auto p = producer::create(conn, {{"linger.ms", "600000"}, {"delivery.timeout.ms", "900000"}});
  REQUIRE(p);
  std::atomic<int> delivered{0};
  for (int i = 0; i < 10; ++i)
    p->send({"lingering", std::nullopt, std::nullopt, std::string("v"), {}, -1},
            [&](const outcome<record_metadata>& r) { delivered += r ? 1 : 0; });
  REQUIRE(p->close(std::chrono::seconds(20))); // close sends what lingers, then stops
  CHECK(delivered.load() == 10);
}

TEST_CASE("typed_producer writes Kafka's serializer bytes", "[producer][serdes]") {
  test_node n;
  auto conn = n.connect("embedded");
  create_topic(conn, "typed", 1);
  auto p = typed_producer<int64_t, nlohmann::json>::create(conn, {{"linger.ms", "0"}});
  REQUIRE(p);
  auto f = p->send_future("typed", int64_t{42}, nlohmann::json{{"total", 12.5}});
  REQUIRE(f.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
  auto md = f.get();
  REQUIRE(md);
  CHECK(md->serialized_key_size == 8);
  auto tomb = p->send_future("typed", int64_t{42}, std::nullopt);
  REQUIRE(tomb.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
  REQUIRE(tomb.get());
  auto back = read_partition(conn, "typed", 0);
  REQUIRE(back.size() == 2);
  CHECK(*serde<int64_t>::deserialize(*back[0].key) == 42);
  CHECK((*serde<nlohmann::json>::deserialize(*back[0].value))["total"] == 12.5);
  CHECK_FALSE(back[1].value.has_value()); // a tombstone stays null
}

TEST_CASE("partitions added by an admin are used after metadata.max.age.ms", "[producer][admin]") {
  test_node n;
  auto conn = n.connect("embedded");
  create_topic(conn, "growing", 1);
  auto p = producer::create(conn, {{"linger.ms", "0"}, {"metadata.max.age.ms", "0"}});
  REQUIRE(p);
  REQUIRE(p->partition_count("growing"));
  CHECK(*p->partition_count("growing") == 1);
  auto a = admin::create(conn);
  REQUIRE(a);
  auto grown = a->create_partitions({{"growing", 4}});
  REQUIRE(grown);
  REQUIRE((*grown)[0].ok());
  auto f = p->send({"growing", 3, std::nullopt, std::string("v"), {}, -1});
  REQUIRE(f.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
  auto md = f.get();
  INFO((md ? std::string{} : md.err().to_string()));
  REQUIRE(md);
  CHECK(md->partition == 3);
}
