// Hidden throughput check of the consumer (run with "[.consumer_bench]" on a Release build):
// 2,000,000 records of 100 bytes written as raw 1000-record batches, then read back with
// assign() + poll() on the embedded transport. Prints records/s; asserts only that every
// record arrived in order.

#include "consumer_test_support.hpp"

#include "tributary/protocol/batch_builder.hpp"

#include <iostream>

#include <sys/resource.h>
#include <time.h>

using namespace tributary::client;
using namespace consumer_test;
using client_test::test_node;

namespace {

double thread_cpu_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double process_cpu_seconds() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  auto sec = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return sec(ru.ru_utime) + sec(ru.ru_stime);
}

} // namespace

TEST_CASE("consumer throughput, 100-byte records", "[.consumer_bench]") {
  namespace proto = tributary::protocol;
  namespace act = tributary::actors;
  constexpr int64_t total = 2000000;
  constexpr int per_batch = 1000;
  constexpr int32_t partitions = 4;
  test_node n;
  auto conn = n.connect("embedded");
  create_topic(conn, "bench", partitions);

  std::string value(100, 'x');
  for (int64_t sent = 0; sent < total; sent += per_batch * partitions) {
    for (int32_t p = 0; p < partitions; ++p) {
      proto::batch_builder b;
      for (int i = 0; i < per_batch; ++i)
        b.append({1700000000000, std::nullopt, proto::as_bytes(value), {}});
      std::vector<std::byte> out;
      REQUIRE(b.build(out));
      act::produce_request req;
      req.topic = "bench";
      req.partition = p;
      req.acks = 1;
      req.records.assign(reinterpret_cast<const char*>(out.data()),
                         reinterpret_cast<const char*>(out.data()) + out.size());
      auto r =
          blocking_request<act::produce_response>(conn, std::move(req), std::chrono::seconds(30));
      REQUIRE(r);
      REQUIRE(r->error == 0);
    }
  }

  for (int max_records : {500, 5000}) {
    auto cfg = quick_config();
    cfg.max_poll_records = max_records;
    auto c = consumer::create(conn, cfg);
    REQUIRE(c);
    std::vector<topic_partition> tps;
    for (int32_t p = 0; p < partitions; ++p)
      tps.push_back({"bench", p});
    REQUIRE(c->assign(tps));
    std::vector<int64_t> next(partitions, 0);
    int64_t got = 0;
    size_t bytes = 0;
    bool in_order = true;
    auto start = std::chrono::steady_clock::now();
    auto cpu_thread = thread_cpu_seconds();
    auto cpu_process = process_cpu_seconds();
    auto deadline = start + std::chrono::seconds(120);
    while (got < total && std::chrono::steady_clock::now() < deadline) {
      auto batch = c->poll(std::chrono::milliseconds(500));
      REQUIRE(batch);
      for (auto& r : *batch) {
        in_order = in_order && r.offset == next[static_cast<size_t>(r.partition)];
        next[static_cast<size_t>(r.partition)] = r.offset + 1;
        bytes += r.value ? r.value->size() : 0;
      }
      got += static_cast<int64_t>(batch->count());
    }
    auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    cpu_thread = thread_cpu_seconds() - cpu_thread;
    cpu_process = process_cpu_seconds() - cpu_process;
    std::cout << "consumer bench (max.poll.records=" << max_records << "): " << got
              << " records in " << secs << " s = " << static_cast<int64_t>(got / secs)
              << " records/s, " << static_cast<int64_t>(bytes / secs / 1e6) << " MB/s; poll "
              << "thread CPU " << cpu_thread << " s (" << static_cast<int64_t>(got / cpu_thread)
              << " records per CPU-second), process CPU " << cpu_process << " s" << std::endl;
    CHECK(got == total);
    CHECK(in_order);
  }
}
