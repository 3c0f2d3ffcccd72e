#pragma once
// Redis Streams as kafka_bench's peer: a redis-server child process with persistence off and
// the same workload as the Kafka phases -- pipelined XADD, XREAD COUNT <n> from the start,
// and a paced end-to-end latency run (XADD stamped payloads, a blocking XREAD reader thread).
// Every function exits the benchmark with a message if Redis refuses or disconnects.

#include "bench_node_process.hpp"
#include "load_figures.hpp"

#include <string>

namespace tributary::bench {

/// redis-server (Debian's `redis-server` package) on a free loopback port, running in `dir`,
/// started with `--save "" --appendonly no`: nothing goes to disk, so it is compared as the
/// in-memory store it then is. Stopped with SIGTERM when destroyed. One owner thread.
class redis_server {
public:
  redis_server(const std::string& binary, const std::string& dir);

  uint16_t port() const { return port_; }
  pid_t pid() const { return process_.pid(); }

private:
  uint16_t port_;
  server_process process_; // last: starts once the port is chosen
};

/// XADDs `records` entries (one field "v" holding `size` bytes) to `stream`, `pipeline`
/// commands per write over one connection, with one batch in flight while the next is sent.
throughput redis_produce(const redis_server& redis, const std::string& stream, int64_t records,
                         size_t size, int pipeline);

/// Reads `stream` from its first entry with XREAD COUNT `count` until `records` entries came
/// back (or the stream ended).
throughput redis_consume(const redis_server& redis, const std::string& stream, int64_t records,
                         int count);

/// A producer paced by `p` XADDs stamped payloads (each slice pipelined, its replies read
/// before the next); a reader thread on its own connection blocks in XREAD and measures
/// now - stamp on receipt.
latency_figures redis_end_to_end(const redis_server& redis, const std::string& stream,
                                 const pacing& p, size_t size, int count);

} // namespace tributary::bench
