#include "redis_peer.hpp"

#include "resp_conn.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace tributary::bench {
namespace {

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "kafka_bench: redis: %s\n", what.c_str());
  std::exit(1);
}

/// One XADD of `payload` to `stream`, encoded once; stamped copies patch the payload bytes.
struct xadd_template {
  std::string bytes;
  size_t payload_at = 0;

  xadd_template(const std::string& stream, const std::string& payload) {
    std::string head;
    resp_append_command(head, {"XADD", stream, "*", "v", payload});
    bytes = head;
    payload_at = head.size() - 2 - payload.size(); // the payload is the last bulk string
  }
};

/// Reads `n` XADD replies; each must be an entry id.
void read_xadd_replies(resp_conn& conn, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const auto& r = conn.read_reply();
    conn.fail_on_error("XADD");
    if (r.size() != 1 || r[0].type != '$' || r[0].n < 0)
      die("XADD answered something other than an entry id");
  }
}

/// Walks one XREAD reply: calls `on_entry(id, value)` per entry (the value of its first
/// field) and returns the number of entries; 0 for a null reply (BLOCK timed out).
template <class OnEntry>
int64_t walk_xread(const resp_conn& conn, const std::vector<resp_token>& r, OnEntry&& on_entry) {
  if (r.empty() || (r[0].type == '*' && r[0].n < 0))
    return 0;
  conn.fail_on_error("XREAD");
  // *1 [ *2 [ $stream, *N [ *2 [ $id, *2k [ $field, $value, ... ] ] ... ] ] ]
  if (r.size() < 4 || r[0].n != 1 || r[1].n != 2 || r[3].type != '*')
    die("XREAD reply is not [[stream, entries]]");
  size_t i = 4;
  for (int64_t e = 0; e < r[3].n; ++e) {
    if (i + 3 > r.size() || r[i].type != '*' || r[i].n != 2 || r[i + 2].type != '*' ||
        r[i + 2].n < 2 || i + 3 + static_cast<size_t>(r[i + 2].n) > r.size())
      die("XREAD entry is not [id, [field, value, ...]]");
    on_entry(conn.text(r[i + 1]), conn.text(r[i + 4]));
    i += 3 + static_cast<size_t>(r[i + 2].n);
  }
  return r[3].n;
}

std::string xread(const std::string& block_ms, int count, const std::string& stream,
                  const std::string& after) {
  std::string cmd;
  if (block_ms.empty())
    resp_append_command(cmd, {"XREAD", "COUNT", std::to_string(count), "STREAMS", stream, after});
  else
    resp_append_command(cmd, {"XREAD", "COUNT", std::to_string(count), "BLOCK", block_ms, "STREAMS",
                              stream, after});
  return cmd;
}

} // namespace

redis_server::redis_server(const std::string& binary, const std::string& dir)
    : port_(free_port()), process_({binary, "--port", std::to_string(port_), "--bind", "127.0.0.1",
                                    "--save", "", "--appendonly", "no", "--protected-mode", "no",
                                    "--daemonize", "no", "--dir", dir, "--loglevel", "warning"},
                                   {port_}) {}

throughput redis_produce(const redis_server& redis, const std::string& stream, int64_t records,
                         size_t size, int pipeline) {
  resp_conn conn(redis.port());
  xadd_template one(stream, std::string(size, 'v'));
  std::string batch;
  for (int i = 0; i < pipeline; ++i)
    batch += one.bytes;
  phase_meter meter(redis.pid());
  int64_t sent = 0, in_flight = 0;
  while (sent < records) {
    auto n = std::min<int64_t>(pipeline, records - sent);
    if (n == pipeline)
      conn.send(batch);
    else
      conn.send(std::string_view(batch).substr(0, static_cast<size_t>(n) * one.bytes.size()));
    sent += n;
    read_xadd_replies(conn, in_flight); // the previous batch, while this one is on its way
    in_flight = n;
  }
  read_xadd_replies(conn, in_flight);
  return meter.finish(records, static_cast<uint64_t>(records) * size, 0);
}

throughput redis_consume(const redis_server& redis, const std::string& stream, int64_t records,
                         int count) {
  resp_conn conn(redis.port());
  phase_meter meter(redis.pid());
  std::string after = "0-0";
  int64_t seen = 0;
  uint64_t bytes = 0;
  while (seen < records) {
    conn.send(xread("", count, stream, after));
    std::string_view last;
    auto n = walk_xread(conn, conn.read_reply(), [&](std::string_view id, std::string_view value) {
      last = id;
      bytes += value.size();
    });
    if (n == 0)
      break; // the stream ended before `records`
    seen += n;
    after.assign(last.data(), last.size());
  }
  return meter.finish(seen, bytes, 0);
}

latency_figures redis_end_to_end(const redis_server& redis, const std::string& stream,
                                 const pacing& p, size_t size, int count) {
  resp_conn producer(redis.port());
  resp_conn consumer(redis.port());
  paced_run run;
  auto capacity = static_cast<size_t>(
      std::min<double>(static_cast<double>(p.max_records), p.rate * p.seconds + 1));
  latency_samples samples(capacity);
  std::thread reader([&] {
    std::string after = "0-0";
    int64_t seen = 0;
    auto deadline = std::chrono::steady_clock::now() +
                    std::chrono::duration<double>(p.warmup_s + p.seconds + 30);
    while (std::chrono::steady_clock::now() < deadline) {
      auto total = run.sent_total.load();
      if (total >= 0 && seen >= total)
        break;
      consumer.send(xread("100", count, stream, after));
      const auto& r = consumer.read_reply();
      auto now = now_ns();
      auto from = run.measure_from_ns.load();
      std::string_view last;
      seen += walk_xread(consumer, r, [&](std::string_view id, std::string_view value) {
        last = id;
        auto sent = read_stamp(value.data(), value.size());
        if (sent >= from)
          samples.add(now - sent);
      });
      if (!last.empty())
        after.assign(last.data(), last.size());
      run.received.store(seen);
    }
  });

  xadd_template one(stream, std::string(std::max<size_t>(size, 8), 'v'));
  std::string slice;
  bool primed = prime(run, [&] {
    std::string unstamped = one.bytes; // stamp 0: never sampled
    std::fill_n(unstamped.begin() + static_cast<std::ptrdiff_t>(one.payload_at), 8, '\0');
    producer.send(unstamped);
    read_xadd_replies(producer, 1);
  });
  phase_meter meter(redis.pid());
  if (primed)
    paced_send(p, run, [&](int64_t n) {
      slice.clear();
      for (int64_t i = 0; i < n; ++i) {
        auto at = slice.size() + one.payload_at;
        slice += one.bytes;
        stamp_payload(slice.data() + at);
      }
      producer.send(slice);
      read_xadd_replies(producer, n);
    });
  else
    run.sent_total.store(run.primed); // lets the reader give up
  reader.join();
  if (!primed)
    die("the latency reader did not receive a first entry of '" + stream + "' in 30 s");
  auto cpu = meter.finish(run.sent_total.load(), 0, 0);

  return summarize(p, run, samples, cpu);
}

} // namespace tributary::bench
