// Zero-copy Fetch end to end: a real node behind a real kafka_listener, topics whose small
// segments make every read span several files, Fetch requests over a plain TCP socket at every
// served version. The partitions answer the listener with file ranges and the I/O thread sends
// them with sendfile; the client must get exactly the batches the log holds (what a native,
// copying fetch returns), also when the response's max_bytes cuts a partition's batches.
#include "kafka_admin_test_support.hpp"

#include "tributary/actors/messages/fetch.hpp"
#include "tributary/protocol/batch_header.hpp"
#include "tributary/protocol/kafka/fetch.hpp"

#include "caf/binary_deserializer.hpp"
#include "caf/binary_serializer.hpp"

using namespace kafka_admin_test;

namespace {

constexpr int k_batches = 8;
constexpr int k_records_per_batch = 5;

/// Whole-batch sizes of a payload of v2 batches (fails the test on a partial batch).
std::vector<size_t> batch_sizes(const std::vector<char>& records) {
  std::vector<size_t> out;
  size_t pos = 0;
  while (pos < records.size()) {
    auto h = tributary::protocol::parse_batch_header(
        reinterpret_cast<const std::byte*>(records.data() + pos), records.size() - pos);
    REQUIRE(h);
    REQUIRE(h->total_size() <= records.size() - pos);
    out.push_back(h->total_size());
    pos += h->total_size();
  }
  return out;
}

/// Asks the broker directly (no listener); `wants_file_ranges` as the Kafka listener asks.
ta::fetch_response native_fetch(kafka_node& n, const std::string& topic, bool wants_file_ranges) {
  ta::fetch_request req;
  req.max_wait_ms = 0;
  req.wants_file_ranges = wants_file_ranges;
  for (int32_t p = 0; p < 2; ++p)
    req.partitions.push_back(ta::fetch_partition{topic, p, 0, 1 << 20, -1});
  ta::fetch_response out;
  caf::scoped_actor self{n.node->system()};
  self->request(n.node->broker(), std::chrono::seconds(10), std::move(req))
      .receive([&](ta::fetch_response& r) { out = std::move(r); },
               [&](caf::error& e) { FAIL("fetch failed: " << n.node->system().render(e)); });
  REQUIRE(out.partitions.size() == 2);
  return out;
}

pk::fetch_request kafka_fetch(const std::string& topic, int32_t max_bytes) {
  pk::fetch_request req;
  req.replica_id = -1;
  req.max_wait_ms = 0;
  req.min_bytes = 1;
  req.max_bytes = max_bytes;
  req.session_epoch = -1;
  auto& t = req.topics.emplace_back();
  t.topic = topic;
  for (int32_t p = 0; p < 2; ++p) {
    auto& fp = t.partitions.emplace_back();
    fp.partition = p;
    fp.fetch_offset = 0;
    fp.partition_max_bytes = 1 << 20;
  }
  return req;
}

struct zero_copy_fixture {
  kafka_node n;
  kafka_client c{n.port};
  std::vector<char> expected[2]; // each partition's log, as a copying fetch reads it

  zero_copy_fixture() {
    // ~150-byte batches in 700-byte segments: four batches a file, reads span files.
    create_topics(c, {new_topic("zc", 2, {{"segment.bytes", "700"}})});
    for (int i = 0; i < k_batches; ++i)
      for (int32_t p = 0; p < 2; ++p)
        n.produce("zc", p, k_records_per_batch);
    auto copied = native_fetch(n, "zc", false);
    for (int32_t p = 0; p < 2; ++p) {
      const auto& d = copied.partitions[static_cast<size_t>(p)];
      INFO(d.error_message);
      REQUIRE(d.error == 0);
      REQUIRE(d.file_ranges.empty());
      REQUIRE(batch_sizes(d.records).size() == static_cast<size_t>(k_batches));
      expected[p] = d.records;
    }
  }
};

} // namespace

TEST_CASE_METHOD(zero_copy_fixture, "Fetch sends exactly the logged batches at every version",
                 "[kafka-fetch]") {
  auto ranged = native_fetch(n, "zc", true);
  REQUIRE(ranged.partitions[0].records.empty());
  REQUIRE(ranged.partitions[0].file_ranges.size() > 1); // the read spans segment files
  for (int16_t v = 4; v <= 12; ++v) {
    INFO("Fetch v" << v);
    auto resp = c.call<pk::fetch_response>(kafka_fetch("zc", 50 << 20), v);
    REQUIRE(resp.error_code == 0);
    REQUIRE(resp.responses.size() == 1);
    REQUIRE(resp.responses[0].partitions.size() == 2);
    for (int32_t p = 0; p < 2; ++p) {
      const auto& pd = resp.responses[0].partitions[static_cast<size_t>(p)];
      CHECK(pd.partition_index == p);
      CHECK(pd.error_code == 0);
      CHECK(pd.high_watermark == k_batches * k_records_per_batch);
      REQUIRE(pd.records.has_value());
      CHECK(*pd.records == expected[p]);
    }
  }
}

TEST_CASE_METHOD(zero_copy_fixture, "Fetch max_bytes keeps whole batches of file ranges",
                 "[kafka-fetch]") {
  // Partition 0 comes whole (the first with data); partition 1 gets the batches that fit the
  // rest of the budget. With four batches a file the cuts fall inside the first file, at its
  // end, and inside the second.
  const auto sizes = batch_sizes(expected[1]);
  for (size_t batches : {size_t{2}, size_t{4}, size_t{5}}) {
    size_t keep = 0;
    for (size_t i = 0; i < batches; ++i)
      keep += sizes[i];
    const auto budget = expected[0].size() + keep + sizes[batches] / 2;
    for (int16_t v : {int16_t{4}, int16_t{12}}) {
      INFO("Fetch v" << v << ", room for " << batches << " batches of partition 1");
      auto resp = c.call<pk::fetch_response>(kafka_fetch("zc", static_cast<int32_t>(budget)), v);
      REQUIRE(resp.responses.size() == 1);
      const auto& parts = resp.responses[0].partitions;
      REQUIRE(parts.size() == 2);
      CHECK(parts[0].records == expected[0]);
      CHECK(parts[1].records ==
            std::vector<char>(expected[1].begin(), expected[1].begin() + static_cast<long>(keep)));
    }
  }
}

TEST_CASE_METHOD(zero_copy_fixture, "file ranges leave the process as bytes", "[kafka-fetch]") {
  // What the middleman does with a reply to a remote requester: serialize, deserialize.
  auto ranged = native_fetch(n, "zc", true);
  REQUIRE_FALSE(ranged.partitions[1].file_ranges.empty());
  std::vector<char> buf;
  caf::binary_serializer sink{n.node->system(), buf};
  REQUIRE_FALSE(sink(ranged));
  ta::fetch_response back;
  caf::binary_deserializer source{n.node->system(), buf};
  REQUIRE_FALSE(source(back));
  REQUIRE(back.partitions.size() == 2);
  for (size_t p = 0; p < 2; ++p) {
    CHECK(back.partitions[p].error == 0);
    CHECK(back.partitions[p].file_ranges.empty());
    CHECK(back.partitions[p].records == expected[p]);
  }
}
