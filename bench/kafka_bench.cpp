// kafka_bench: librdkafka against a fresh `tributary` node's Kafka listener, and the same
// workload against Redis Streams, in one run (issue 5 targets):
//   1. one producer, acks=1, linger.ms=5                 target >= 1,000,000 rec/s
//   2. the same with acks=all
//   3. one consumer reading everything produced (up to --consume-max)  target >= 2,000,000 rec/s
//   4. end-to-end latency at half the peak rate of (1)   target p99 < 5 ms
//   5. redis-server (--save "" --appendonly no): pipelined XADD, XREAD COUNT n, latency at the
//      same paced rate; Tributary/Redis ratios
// Beside every figure: CPU seconds per million records of the server process (/proc) and of
// this process (the load generator), which shares the machine's cores with the server.
// Usage: kafka_bench [--quick] [--records N] [--records-all N] [--consume-max N]
//   [--latency-seconds S] [--latency-records N] [--latency-linger-ms MS] [--size B]
//   [--partitions P] [--pipeline N] [--xread-count N] [--client-cpu C] [--no-redis]
//   [--tributary PATH] [--redis-server PATH]

#include "bench_node_process.hpp"
#include "bench_util.hpp"
#include "rdkafka_load.hpp"
#include "redis_peer.hpp"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <sched.h>
#include <string>
#include <unistd.h>

using namespace tributary::bench;

namespace {

struct options {
  int64_t records = 5'000'000;
  int64_t records_all = 2'000'000;
  int64_t consume_max = 10'000'000;
  pacing latency;
  size_t size = 100;
  int partitions = 1;
  int pipeline = 1000;
  int xread_count = 10000;
  int latency_linger_ms = 0; // measured: 0 beats 1 and 5 (p99 2.1-3.6 vs 3.6-7.3 vs 8.9-9.4 ms)
  bool redis = true;
  // The load generator (with librdkafka's threads) runs on this CPU; -1: anywhere. Pinned,
  // librdkafka's thread hand-offs stay on one core: measured 2-4x less client CPU per
  // record for consume (cross-core wake-ups are dear on this VM), and the server keeps the
  // other core to itself.
  int client_cpu = 0;
  std::string tributary = TRIB_TRIBUTARY_BIN;
  std::string redis_server = "/usr/bin/redis-server";
};

[[noreturn]] void usage(int code) {
  std::fprintf(code ? stderr : stdout,
               "usage: kafka_bench [--quick] [--records N] [--records-all N] [--consume-max N]\n"
               "  [--latency-seconds S] [--latency-records N] [--size B] [--partitions P]\n"
               "  [--latency-linger-ms MS] [--pipeline N] [--xread-count N] [--client-cpu C]\n"
               "  [--no-redis] [--tributary PATH] [--redis-server PATH]\n");
  std::exit(code);
}

options parse(int argc, char** argv) {
  options o;
  for (arg_cursor args("kafka_bench", argc, argv); args.more();) {
    const std::string& a = args.flag();
    if (a == "--quick") { // < 30 s in all: smaller counts, a shorter latency run
      o.records = 1'000'000;
      o.records_all = 300'000;
      o.latency.seconds = 3;
      o.latency.max_records = 100'000;
      o.latency.warmup_s = 0.3;
    } else if (a == "--records")
      o.records = std::stoll(args.value());
    else if (a == "--records-all")
      o.records_all = std::stoll(args.value());
    else if (a == "--consume-max")
      o.consume_max = std::stoll(args.value());
    else if (a == "--latency-seconds")
      o.latency.seconds = std::stod(args.value());
    else if (a == "--latency-records")
      o.latency.max_records = std::stoll(args.value());
    else if (a == "--size")
      o.size = std::stoul(args.value());
    else if (a == "--partitions")
      o.partitions = std::stoi(args.value());
    else if (a == "--pipeline")
      o.pipeline = std::stoi(args.value());
    else if (a == "--latency-linger-ms")
      o.latency_linger_ms = std::stoi(args.value());
    else if (a == "--xread-count")
      o.xread_count = std::stoi(args.value());
    else if (a == "--client-cpu")
      o.client_cpu = std::stoi(args.value());
    else if (a == "--no-redis")
      o.redis = false;
    else if (a == "--tributary")
      o.tributary = args.value();
    else if (a == "--redis-server")
      o.redis_server = args.value();
    else
      usage(a == "--help" ? 0 : 2);
  }
  if (o.records <= 0 || o.records_all < 0 || o.size < 8 || o.partitions < 1 || o.pipeline < 1 ||
      o.xread_count < 1 || o.latency.seconds <= 0 || o.latency.max_records < 1) {
    std::fprintf(stderr, "kafka_bench: counts must be positive and --size at least 8 (the "
                         "latency stamp)\n");
    std::exit(2);
  }
  return o;
}

const char* header = "%-44s %10s %10s %8s %12s %14s\n";

void print_header() {
  std::printf(header, "phase", "records", "rec/s", "MB/s", "server CPU", "client CPU");
  std::printf(header, "", "", "", "", "s/M rec", "s/M rec");
}

void print(const std::string& label, const throughput& t) {
  char rate[32], mb[32], server[32], client[32];
  std::snprintf(rate, sizeof rate, "%s", human(t.rate()).c_str());
  std::snprintf(mb, sizeof mb, "%.1f", t.mb_per_s());
  std::snprintf(server, sizeof server, "%.3f", t.server_cpu_per_m());
  std::snprintf(client, sizeof client, "%.3f", t.client_cpu_per_m());
  std::printf(header, label.c_str(), std::to_string(t.records).c_str(), rate, mb, server, client);
  if (t.failed)
    std::printf("  ^ %lld records failed\n", static_cast<long long>(t.failed));
  std::fflush(stdout);
}

void print(const std::string& label, const latency_figures& f) {
  std::printf("%-44s p50 %.2f ms  p99 %.2f ms  p99.9 %.2f ms\n", label.c_str(), f.p50_ms, f.p99_ms,
              f.p999_ms);
  std::printf("%-44s %s rec/s paced, %lld sent / %lld sampled over %.1f s; server CPU %.3f, "
              "client CPU %.3f s/M rec\n",
              "", human(f.rate).c_str(), static_cast<long long>(f.sent),
              static_cast<long long>(f.received), f.seconds, f.server_cpu_per_m,
              f.client_cpu_per_m);
  std::fflush(stdout);
}

const char* verdict(bool met) {
  return met ? "met" : "MISSED";
}

} // namespace

int main(int argc, char** argv) {
  auto o = parse(argc, argv);
  std::printf("kafka_bench: %zu B records (no key, uncompressed), %d partition(s); librdkafka %s; "
              "load generator and server share this machine's %ld cores\n",
              o.size, o.partitions, rd_kafka_version_str(), ::sysconf(_SC_NPROCESSORS_ONLN));
  if (o.client_cpu >= 0 && ::sysconf(_SC_NPROCESSORS_ONLN) > 1) { // new threads inherit
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(o.client_cpu, &one);
    if (::sched_setaffinity(0, sizeof one, &one) != 0) {
      std::perror("kafka_bench: --client-cpu");
      return 2;
    }
    std::printf("load generator pinned to CPU %d; servers may use every CPU\n", o.client_cpu);
  }
  auto dir = make_temp_dir("/tmp", "kafka-bench");
  throughput acks1, acks_all, consumed;
  latency_figures lat;
  {
    node_process node(o.tributary, dir + "/node");
    kafka_target target{"127.0.0.1:" + std::to_string(node.kafka_port()), node.pid()};
    std::printf("tributary node pid %d, Kafka listener %s (fresh data dir)\n\n", node.pid(),
                target.bootstrap.c_str());
    print_header();
    kafka_create_topic(target, "bench", o.partitions);
    kafka_create_topic(target, "latency", o.partitions);
    acks1 = kafka_produce(target, "bench", {"1", 5, o.records, o.size});
    print("tributary produce acks=1 linger.ms=5", acks1);
    if (o.records_all > 0) {
      acks_all = kafka_produce(target, "bench", {"all", 5, o.records_all, o.size});
      print("tributary produce acks=all linger.ms=5", acks_all);
    }
    auto produced = std::min(acks1.records + acks_all.records, o.consume_max);
    consumed = kafka_consume(target, "bench", o.partitions, produced);
    print("tributary consume (assign, from start)", consumed);
    o.latency.rate = acks1.rate() / 2;
    lat = kafka_end_to_end(target, "latency", o.partitions, o.latency, o.size, o.latency_linger_ms);
    print("tributary end-to-end, acks=1 linger.ms=" + std::to_string(o.latency_linger_ms), lat);
  } // the node stops here: the Redis phases run on a quiet machine

  std::optional<throughput> r_produce, r_consume;
  std::optional<latency_figures> r_lat, r_lat_same;
  if (o.redis) {
    redis_server redis(o.redis_server, dir);
    std::printf("\nredis-server pid %d on 127.0.0.1:%u, started with --save \"\" --appendonly no "
                "(memory only)\n",
                redis.pid(), redis.port());
    r_produce = redis_produce(redis, "bench", o.records, o.size, o.pipeline);
    print("redis XADD, pipeline " + std::to_string(o.pipeline), *r_produce);
    r_consume = redis_consume(redis, "bench", std::min(o.records, o.consume_max), o.xread_count);
    print("redis XREAD COUNT " + std::to_string(o.xread_count), *r_consume);
    // Latency at half of Redis's own peak (the rule of phase 4), then at Tributary's paced
    // rate, which can be more than Redis takes: both, so neither reading hides the other.
    pacing own = o.latency;
    own.rate = r_produce->rate() / 2;
    r_lat = redis_end_to_end(redis, "latency", own, o.size, o.xread_count);
    print("redis end-to-end at half its peak", *r_lat);
    r_lat_same = redis_end_to_end(redis, "latency-same", o.latency, o.size, o.xread_count);
    print("redis end-to-end at tributary's rate", *r_lat_same);
  }
  remove_tree(dir);

  std::printf("\n");
  if (r_produce && r_consume) {
    std::printf("tributary/redis: produce acks=1 %.2fx, acks=all %.2fx, consume %.2fx\n",
                acks1.rate() / r_produce->rate(), acks_all.rate() / r_produce->rate(),
                consumed.rate() / r_consume->rate());
    std::printf("e2e p99: tributary %.2f ms at %s rec/s; redis %.2f ms at %s rec/s, %.2f ms at "
                "%s rec/s\n",
                lat.p99_ms, human(lat.rate).c_str(), r_lat->p99_ms, human(r_lat->rate).c_str(),
                r_lat_same->p99_ms, human(r_lat_same->rate).c_str());
    std::printf("server CPU s/M rec, tributary/redis: produce %.2fx, consume %.2fx\n",
                acks1.server_cpu_per_m() / r_produce->server_cpu_per_m(),
                consumed.server_cpu_per_m() / r_consume->server_cpu_per_m());
  }
  std::printf("targets: produce acks=1 >= 1 M rec/s %s (%s); consume >= 2 M rec/s %s (%s); "
              "e2e p99 < 5 ms %s (%.2f ms)\n",
              verdict(acks1.rate() >= 1e6), human(acks1.rate()).c_str(),
              verdict(consumed.rate() >= 2e6), human(consumed.rate()).c_str(),
              verdict(lat.p99_ms < 5.0), lat.p99_ms);
  return 0;
}
