#pragma once
// librdkafka (the C API, Debian's 2.0.2) as kafka_bench's load generator against a Kafka
// listener: topic creation, a throughput producer, a throughput consumer and a paced
// end-to-end latency run. Every function runs on the calling thread (plus librdkafka's own
// threads and, for the latency run, one consumer thread) and exits the benchmark with a
// message naming the broker and topic if the client cannot be set up.

#include "load_figures.hpp"

#include <string>

namespace tributary::bench {

/// Where the load goes: a Kafka bootstrap address and the server process whose CPU is
/// measured beside every figure.
struct kafka_target {
  std::string bootstrap;
  pid_t server = -1;
};

/// Creates `topic` with `partitions` partitions (replication factor 1) through the admin API.
void kafka_create_topic(const kafka_target& target, const std::string& topic, int partitions);

/// Producer settings of a throughput phase; linger.ms as Kafka spells it.
struct produce_settings {
  std::string acks = "1";
  int linger_ms = 5;
  int64_t records = 0;
  size_t size = 100;
};

/// Produces `s.records` records of `s.size` bytes (no key) as fast as the client takes them,
/// then flushes; the figures include the flush. Failed deliveries are counted, not retried.
throughput kafka_produce(const kafka_target& target, const std::string& topic,
                         const produce_settings& s);

/// Reads `records` records from the start of every partition of `topic` (assigned, no group
/// join); stops early after 120 s without reaching the count.
throughput kafka_consume(const kafka_target& target, const std::string& topic, int partitions,
                         int64_t records);

/// A producer (acks=1, linger.ms=`linger_ms`) paced by `p` stamps its send time into each
/// payload; a consumer thread measures now - stamp on receipt.
latency_figures kafka_end_to_end(const kafka_target& target, const std::string& topic,
                                 int partitions, const pacing& p, size_t size, int linger_ms);

} // namespace tributary::bench
