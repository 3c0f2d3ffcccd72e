#pragma once
// What kafka_bench's two load generators (librdkafka against a tributary node, hand-written
// RESP against redis-server) have in common: throughput figures with the CPU both sides
// spent, end-to-end latency samples, the stamped payload and the paced producer loop of the
// latency runs. Header-only; see kafka_bench.cpp for how the figures are printed.

#include "bench_node_process.hpp"
#include "bench_util.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

namespace tributary::bench {

/// One throughput phase: records moved, payload bytes, wall seconds, and the CPU seconds this
/// process (the load generator) and the server process spent meanwhile. A plain value.
struct throughput {
  int64_t records = 0;
  int64_t failed = 0;
  uint64_t bytes = 0;
  double wall = 0;
  double client_cpu = 0;
  double server_cpu = 0;

  double rate() const { return wall > 0 ? static_cast<double>(records) / wall : 0; }
  double mb_per_s() const { return wall > 0 ? static_cast<double>(bytes) / wall / 1e6 : 0; }
  double server_cpu_per_m() const { return per_million(server_cpu); }
  double client_cpu_per_m() const { return per_million(client_cpu); }
  double per_million(double cpu) const {
    return records > 0 ? cpu / (static_cast<double>(records) / 1e6) : 0;
  }
};

/// Clocks of one phase, started at construction: wall time, this process's CPU, and the CPU
/// of server process `server` (from /proc, so it sees every thread of the server).
class phase_meter {
public:
  explicit phase_meter(pid_t server)
      : server_(server), server0_(process_cpu_seconds(server)), start_(stamp::now()) {}

  throughput finish(int64_t records, uint64_t bytes, int64_t failed) const {
    auto end = stamp::now();
    elapsed e(start_, end);
    throughput t;
    t.records = records;
    t.failed = failed;
    t.bytes = bytes;
    t.wall = e.wall;
    t.client_cpu = e.cpu;
    t.server_cpu = process_cpu_seconds(server_) - server0_;
    return t;
  }

private:
  pid_t server_;
  double server0_;
  stamp start_;
};

/// End-to-end latencies (ns) recorded by ONE consumer thread and read after it joined.
/// Capacity is fixed up front so recording never allocates; samples past it are dropped.
class latency_samples {
public:
  explicit latency_samples(size_t capacity) { ns_.reserve(capacity); }
  void add(int64_t ns) {
    if (ns_.size() < ns_.capacity())
      ns_.push_back(ns);
  }
  size_t count() const { return ns_.size(); }
  /// Percentile p (0..100) in milliseconds; 0 without samples. Sorts on first use.
  double percentile_ms(double p) {
    if (ns_.empty())
      return 0;
    if (!sorted_)
      std::sort(ns_.begin(), ns_.end());
    sorted_ = true;
    auto idx = static_cast<size_t>(p / 100.0 * static_cast<double>(ns_.size() - 1) + 0.5);
    return static_cast<double>(ns_[idx]) / 1e6;
  }

private:
  std::vector<int64_t> ns_;
  bool sorted_ = false;
};

/// Result of one latency run: the paced rate, the measured window (after warm-up) and the
/// percentiles of send -> receipt, with the CPU of both sides per million records sent.
struct latency_figures {
  double rate = 0;
  double seconds = 0;
  int64_t sent = 0;     // in the measured window
  int64_t received = 0; // samples recorded (records of the measured window that arrived)
  double p50_ms = 0, p99_ms = 0, p999_ms = 0;
  double server_cpu_per_m = 0;
  double client_cpu_per_m = 0;
};

/// steady_clock nanoseconds: what latency payloads carry in their first 8 bytes.
inline int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
inline void stamp_payload(char* payload) {
  int64_t ns = now_ns();
  std::memcpy(payload, &ns, sizeof ns);
}
/// The stamp of a received payload; 0 if it is too short to carry one.
inline int64_t read_stamp(const void* payload, size_t size) {
  int64_t ns = 0;
  if (size >= sizeof ns)
    std::memcpy(&ns, payload, sizeof ns);
  return ns;
}

/// How a latency run paces its producer: `rate` rec/s, `warmup_s` not measured, then until
/// `seconds` or `max_records` measured records, whichever comes first.
struct pacing {
  double rate = 0;
  double warmup_s = 0.5;
  double seconds = 20;
  int64_t max_records = 200'000;
};

/// State the paced producer shares with its consumer thread.
struct paced_run {
  std::atomic<int64_t> measure_from_ns{INT64_MAX}; // stamps from here on are measured
  std::atomic<int64_t> received{0};                // records the consumer has seen
  std::atomic<int64_t> sent_total{-1};             // set when the producer has finished
  int64_t primed = 0;                              // unstamped records sent before pacing
  int64_t measured_sent = 0;
  double measured_seconds = 0;
};

/// Before pacing: sends one unstamped record with `send_one()` and waits (up to 30 s) until
/// the consumer thread has seen it, so the run starts with both clients connected and the
/// consumer's fetch loop going; false if it never arrived.
template <class SendOne>
bool prime(paced_run& run, SendOne&& send_one) {
  send_one();
  run.primed = 1;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (run.received.load() < 1 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return run.received.load() >= 1;
}

/// The figures of a finished latency run; `cpu` covers the paced phase.
inline latency_figures summarize(const pacing& p, const paced_run& run, latency_samples& samples,
                                 const throughput& cpu) {
  latency_figures f;
  f.rate = p.rate;
  f.seconds = run.measured_seconds;
  f.sent = run.measured_sent;
  f.received = static_cast<int64_t>(samples.count());
  f.p50_ms = samples.percentile_ms(50);
  f.p99_ms = samples.percentile_ms(99);
  f.p999_ms = samples.percentile_ms(99.9);
  f.server_cpu_per_m = cpu.server_cpu_per_m();
  f.client_cpu_per_m = cpu.client_cpu_per_m();
  return f;
}

/// Calls `send(n)` about once a millisecond with the n records due by then (sleeping between
/// slices holds the rate without a busy loop); returns when the measured window is over.
template <class Send>
void paced_send(const pacing& p, paced_run& run, Send&& send) {
  using clock = std::chrono::steady_clock;
  auto start = clock::now();
  int64_t sent = 0;
  int64_t measured_from_index = -1;
  clock::time_point measured_start;
  for (;;) {
    auto now = clock::now();
    double t = std::chrono::duration<double>(now - start).count();
    if (measured_from_index < 0 && t >= p.warmup_s) {
      measured_from_index = sent;
      measured_start = now;
      run.measure_from_ns.store(now_ns());
    }
    if (measured_from_index >= 0 &&
        (t >= p.warmup_s + p.seconds || sent - measured_from_index >= p.max_records))
      break;
    auto due = static_cast<int64_t>(p.rate * t);
    if (measured_from_index >= 0)
      due = std::min(due, measured_from_index + p.max_records);
    if (due > sent) {
      send(due - sent);
      sent = due;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  run.measured_sent = sent - measured_from_index;
  run.measured_seconds = std::chrono::duration<double>(clock::now() - measured_start).count();
  run.sent_total.store(run.primed + sent);
}

} // namespace tributary::bench
