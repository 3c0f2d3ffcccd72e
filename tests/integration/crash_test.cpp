// kill -9 of a node in the middle of a produce loop: after a restart every acknowledged record
// is there exactly once and every partition holds its records in the order they were sent.

#include "itest.hpp"

#include "tributary/client/consumer.hpp"
#include "tributary/client/producer.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <mutex>

using namespace tributary;
using namespace tributary::itest;

namespace {

constexpr int partitions = 3;

/// What the producer's callbacks saw acknowledged: partition -> offset -> value.
struct acknowledged {
  std::mutex mutex;
  std::map<int32_t, std::map<int64_t, std::string>> records;
  std::atomic<uint64_t> count{0};
  std::atomic<uint64_t> failed{0};
};

/// Every record of every partition, read from the beginning to the log end.
std::map<int32_t, std::vector<client::consumer_record>> read_all(const node_process& node,
                                                                 const temp_dir& scratch) {
  auto ends = trib(node, {"--json", "topic", "describe", "crash"}, scratch);
  REQUIRE(ends.exit_code == 0);
  auto doc = nlohmann::json::parse(ends.out);
  std::map<int32_t, int64_t> end_of;
  for (const auto& p : doc[0]["partitions"])
    end_of[p["partition"].get<int32_t>()] = p["high_watermark"].get<int64_t>();

  auto conn = client::connection::remote("127.0.0.1", node.port());
  REQUIRE(conn);
  auto made = client::consumer::create(*conn, client::consumer_config{});
  REQUIRE(made);
  auto& c = *made;
  std::vector<client::topic_partition> tps;
  for (int p = 0; p < partitions; ++p)
    tps.push_back({"crash", p});
  REQUIRE(c.assign(tps));
  REQUIRE(c.seek_to_beginning(tps));
  std::map<int32_t, std::vector<client::consumer_record>> out;
  auto done = [&] {
    for (const auto& [p, end] : end_of)
      if (static_cast<int64_t>(out[p].size()) < end)
        return false;
    return true;
  };
  REQUIRE(wait_until([&] {
    auto batch = c.poll(std::chrono::milliseconds(100));
    REQUIRE(batch);
    for (const auto& r : *batch)
      out[r.partition].push_back(r);
    return done();
  }));
  REQUIRE(c.close(std::chrono::seconds(10)));
  return out;
}

} // namespace

TEST_CASE("kill -9 during a produce loop loses no acknowledged record and duplicates none",
          "[integration][crash]") {
  temp_dir scratch;
  node_process node(scratch);
  node.start();
  REQUIRE(
      trib(node, {"topic", "create", "crash", "--partitions", std::to_string(partitions)}, scratch)
          .exit_code == 0);

  acknowledged acks;
  {
    auto conn = client::connection::remote("127.0.0.1", node.port());
    REQUIRE(conn);
    auto made = client::producer::create(*conn, {{"acks", "all"},
                                                 {"linger.ms", "1"},
                                                 {"request.timeout.ms", "2000"},
                                                 {"delivery.timeout.ms", "4000"},
                                                 {"max.block.ms", "2000"}});
    REQUIRE(made);
    auto& producer = *made;
    // Values carry a per-partition sequence number so order can be checked after the crash.
    uint64_t sent = 0;
    bool killed = false;
    for (; sent < 200000 && acks.failed == 0; ++sent) {
      auto partition = static_cast<int32_t>(sent % partitions);
      client::producer_record r;
      r.topic = "crash";
      r.partition = partition;
      r.value = std::to_string(sent / partitions);
      producer.send(r,
                    [&acks, value = *r.value](const client::outcome<client::record_metadata>& m) {
                      if (!m) {
                        ++acks.failed;
                        return;
                      }
                      std::lock_guard<std::mutex> guard(acks.mutex);
                      acks.records[m->partition][m->offset] = value;
                      ++acks.count;
                    });
      if (!killed && acks.count >= 3000) {
        node.kill_hard(); // mid-stream: records are still being sent and acknowledged
        killed = true;
      }
    }
    REQUIRE(killed);
    (void)producer.close(std::chrono::seconds(10));
  }
  INFO("acknowledged " << acks.count << ", failed " << acks.failed);
  REQUIRE(acks.count >= 3000);

  node.start();
  auto stored = read_all(node, scratch);
  for (int32_t p = 0; p < partitions; ++p) {
    INFO("partition " << p);
    const auto& records = stored[p];
    // In order, each sequence number exactly once (no gaps, no duplicates from retries).
    size_t out_of_order = records.size();
    for (size_t i = 0; i < records.size() && out_of_order == records.size(); ++i)
      if (records[i].offset != static_cast<int64_t>(i) || records[i].value != std::to_string(i))
        out_of_order = i;
    CHECK(out_of_order == records.size());
    // Every acknowledged record is there, at the offset the acknowledgement named.
    size_t missing = 0;
    for (const auto& [offset, value] : acks.records[p])
      if (offset >= static_cast<int64_t>(records.size()) ||
          records[static_cast<size_t>(offset)].value != value)
        ++missing;
    CHECK(missing == 0);
    CHECK(records.size() >= acks.records[p].size());
  }
}
