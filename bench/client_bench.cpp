// client_bench: the native client against a node, 100-byte records by default.
//   1. produce in-process (embedded node)      target >= 1,000,000 rec/s
//   2. consume in-process                      target >= 2,000,000 rec/s
//   3. end-to-end latency at half the peak produce rate (p99 target < 5 ms)
//   4. produce to a remote `tributary` process over loopback   target >= 500,000 rec/s
//   5. consume from it
// Prints records/s, MB/s, latency percentiles and CPU seconds per million records: the
// process's own CPU in-process (client + node share it), the node process's CPU remotely.
// Usage: client_bench [--records N] [--size BYTES] [--partitions P] [--tributary PATH]

#include "bench_latency.hpp"
#include "bench_node_process.hpp"
#include "bench_util.hpp"

#include "tributary/client/admin.hpp"
#include "tributary/client/connection.hpp"
#include "tributary/client/consumer.hpp"
#include "tributary/client/producer.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

using namespace tributary;
using namespace tributary::client;
using steady = std::chrono::steady_clock;

namespace {

struct options {
  int64_t records = 2'000'000;
  size_t size = 100;
  int32_t partitions = 4;
  std::string tributary = TRIB_TRIBUTARY_BIN;
};

options parse(int argc, char** argv) {
  options o;
  for (bench::arg_cursor args("client_bench", argc, argv); args.more();) {
    const std::string& a = args.flag();
    if (a == "--records")
      o.records = std::stoll(args.value());
    else if (a == "--size")
      o.size = std::stoul(args.value());
    else if (a == "--partitions")
      o.partitions = std::stoi(args.value());
    else if (a == "--tributary")
      o.tributary = args.value();
    else {
      std::fprintf(stderr, "usage: client_bench [--records N] [--size BYTES] [--partitions P] "
                           "[--tributary PATH]\n");
      std::exit(a == "--help" ? 0 : 2);
    }
  }
  return o;
}

[[noreturn]] void die(const std::string& what, const error& e) {
  std::fprintf(stderr, "client_bench: %s: %s\n", what.c_str(), e.to_string().c_str());
  std::exit(1);
}

void create_topic(const connection& conn, const std::string& name, int32_t partitions) {
  auto adm = admin::create(conn);
  if (!adm)
    die("admin", adm.err());
  auto r = adm->create_topics({new_topic{name, partitions, 1, {}}});
  if (!r)
    die("create topic " + name, r.err());
}

producer_config throughput_producer() {
  producer_config pc;
  pc.acks = 1;
  pc.linger_ms = 5;
  pc.batch_size = 256 * 1024;
  pc.buffer_memory = 128 << 20;
  return pc;
}

/// Value bytes: the send time (steady ns) in the first 8 bytes, then filler.
std::string make_value(size_t size) {
  return std::string(std::max<size_t>(size, 8), 'v');
}

void stamp_value(std::string& v) {
  int64_t ns = steady::now().time_since_epoch().count();
  std::memcpy(v.data(), &ns, sizeof ns);
}

struct produce_figures {
  double rate = 0;
};

produce_figures run_produce(const connection& conn, const std::string& topic, const options& o,
                            const char* label, bench::node_process* node) {
  auto p = producer::create(conn, throughput_producer());
  if (!p)
    die("producer", p.err());
  bench::latency_recorder acks(static_cast<size_t>(o.records));
  std::atomic<int64_t> failed{0};
  std::string value = make_value(o.size);
  producer_record rec{topic, std::nullopt, std::nullopt, value, {}, -1};
  auto node_cpu0 = node ? node->cpu_seconds() : 0.0;
  auto t0 = bench::stamp::now();
  for (int64_t i = 0; i < o.records; ++i) {
    auto sent = steady::now();
    p->send(rec, [&acks, &failed, sent](const outcome<record_metadata>& r) {
      if (!r)
        failed.fetch_add(1, std::memory_order_relaxed);
      acks.add(steady::now() - sent);
    });
  }
  auto fl = p->flush();
  auto t1 = bench::stamp::now();
  if (!fl)
    die("flush", fl.err());
  bench::elapsed e(t0, t1);
  double rate = static_cast<double>(o.records) / e.wall;
  double mb = rate * static_cast<double>(o.size) / 1e6;
  double m = static_cast<double>(o.records) / 1e6;
  std::printf("%-34s %10s rec/s %8.1f MB/s  send->ack p50 %s p99 %s p99.9 %s  failed %lld\n", label,
              bench::human(rate).c_str(), mb, acks.percentile(50).c_str(),
              acks.percentile(99).c_str(), acks.percentile(99.9).c_str(),
              static_cast<long long>(failed.load()));
  if (node)
    std::printf("%-34s node CPU %.3f s/M rec, client CPU %.3f s/M rec\n", "",
                (node->cpu_seconds() - node_cpu0) / m, e.cpu / m);
  else
    std::printf("%-34s process CPU (client + node) %.3f s/M rec\n", "", e.cpu / m);
  return {rate};
}

consumer_config bench_consumer() {
  consumer_config cc;
  cc.max_poll_records = 10000;
  cc.fetch_max_bytes = 64 << 20;
  cc.max_partition_fetch_bytes = 8 << 20;
  cc.enable_auto_commit = false;
  return cc;
}

std::vector<topic_partition> all_partitions(const std::string& topic, int32_t n) {
  std::vector<topic_partition> tps;
  for (int32_t i = 0; i < n; ++i)
    tps.push_back({topic, i});
  return tps;
}

void run_consume(const connection& conn, const std::string& topic, const options& o,
                 const char* label, bench::node_process* node) {
  auto c = consumer::create(conn, bench_consumer());
  if (!c)
    die("consumer", c.err());
  if (auto r = c->assign(all_partitions(topic, o.partitions)); !r)
    die("assign", r.err());
  if (auto r = c->seek_to_beginning(); !r)
    die("seek", r.err());
  auto node_cpu0 = node ? node->cpu_seconds() : 0.0;
  auto t0 = bench::stamp::now();
  int64_t seen = 0;
  size_t bytes = 0;
  auto deadline = steady::now() + std::chrono::seconds(120);
  while (seen < o.records && steady::now() < deadline) {
    auto batch = c->poll(std::chrono::milliseconds(500));
    if (!batch)
      die("poll", batch.err());
    for (const auto& r : *batch)
      bytes += r.value ? r.value->size() : 0;
    seen += static_cast<int64_t>(batch->count());
  }
  auto t1 = bench::stamp::now();
  bench::elapsed e(t0, t1);
  double rate = static_cast<double>(seen) / e.wall;
  double m = static_cast<double>(seen) / 1e6;
  std::printf("%-34s %10s rec/s %8.1f MB/s  (%lld of %lld records)\n", label,
              bench::human(rate).c_str(), static_cast<double>(bytes) / e.wall / 1e6,
              static_cast<long long>(seen), static_cast<long long>(o.records));
  if (node)
    std::printf("%-34s node CPU %.3f s/M rec, client CPU %.3f s/M rec\n", "",
                (node->cpu_seconds() - node_cpu0) / m, e.cpu / m);
  else
    std::printf("%-34s process CPU (client + node) %.3f s/M rec\n", "", e.cpu / m);
  (void)c->close();
}

/// Producer paced at `rate` rec/s for `seconds`; a consumer thread measures send -> poll.
void run_end_to_end(const connection& conn, const std::string& topic, const options& o, double rate,
                    int seconds) {
  create_topic(conn, topic, o.partitions);
  producer_config pc = throughput_producer();
  pc.linger_ms = 0; // latency run: ship what is there
  auto p = producer::create(conn, pc);
  if (!p)
    die("producer", p.err());
  auto c = consumer::create(conn, bench_consumer());
  if (!c)
    die("consumer", c.err());
  if (auto r = c->assign(all_partitions(topic, o.partitions)); !r)
    die("assign", r.err());
  auto total = static_cast<int64_t>(rate * seconds);
  bench::latency_recorder e2e(static_cast<size_t>(total));
  std::atomic<bool> done{false};
  std::thread reader([&] {
    int64_t seen = 0;
    auto deadline = steady::now() + std::chrono::seconds(seconds + 30);
    while (seen < total && steady::now() < deadline) {
      auto batch = c->poll(std::chrono::milliseconds(100));
      if (!batch)
        break;
      auto now = steady::now().time_since_epoch().count();
      for (const auto& r : *batch) {
        int64_t sent = 0;
        if (r.value && r.value->size() >= 8)
          std::memcpy(&sent, r.value->data(), sizeof sent);
        e2e.add(std::chrono::nanoseconds(now - sent));
      }
      seen += static_cast<int64_t>(batch->count());
    }
    done = true;
  });
  std::string value = make_value(o.size);
  producer_record rec{topic, std::nullopt, std::nullopt, value, {}, -1};
  auto start = steady::now();
  auto tick = std::chrono::milliseconds(1); // send in 1 ms slices to pace smoothly
  for (int64_t sent = 0; sent < total && !done;) {
    auto due =
        static_cast<int64_t>(rate * std::chrono::duration<double>(steady::now() - start).count());
    for (; sent < std::min(due, total); ++sent) {
      stamp_value(rec.value.value());
      p->send(rec, delivery_callback{});
    }
    std::this_thread::sleep_for(tick);
  }
  (void)p->flush();
  reader.join();
  std::printf("%-34s at %s rec/s: p50 %s p99 %s p99.9 %s (%zu samples)\n",
              "end-to-end latency (in-process)", bench::human(rate).c_str(),
              e2e.percentile(50).c_str(), e2e.percentile(99).c_str(), e2e.percentile(99.9).c_str(),
              e2e.count());
  (void)c->close();
}

} // namespace

int main(int argc, char** argv) {
  auto o = parse(argc, argv);
  std::printf("client_bench: %lld records of %zu B, %d partitions, acks=1, linger 5 ms, "
              "batch.size 256 KiB\n",
              static_cast<long long>(o.records), o.size, o.partitions);
  auto dir = bench::make_temp_dir("/tmp", "client-bench");
  {
    config::broker_config cfg;
    cfg.data_dir = dir + "/embedded";
    cfg.native_listener.reset();
    auto conn = connection::embedded(cfg);
    if (!conn)
      die("embedded node", conn.err());
    create_topic(*conn, "bench", o.partitions);
    auto peak = run_produce(*conn, "bench", o, "produce in-process", nullptr);
    run_consume(*conn, "bench", o, "consume in-process", nullptr);
    run_end_to_end(*conn, "latency", o, peak.rate / 2, 5);
  }
  {
    bench::node_process node(o.tributary, dir + "/remote");
    auto conn = connection::remote("127.0.0.1", node.port(), std::chrono::seconds(10));
    if (!conn)
      die("remote node", conn.err());
    create_topic(*conn, "bench", o.partitions);
    run_produce(*conn, "bench", o, "produce to remote node (loopback)", &node);
    run_consume(*conn, "bench", o, "consume from remote node", &node);
  }
  bench::remove_tree(dir);
  return 0;
}
