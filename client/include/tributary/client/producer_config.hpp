#pragma once
// producer_config: a producer's settings under Kafka's names and defaults (except linger.ms,
// 5 as in Kafka 4, and enable.idempotence, off until idempotent produce arrives with the
// Kafka-protocol work). Typed fields, or from_map() over "key" -> "value" strings as Java
// and librdkafka users write them; unknown keys and bad values fail with INVALID_CONFIG and a
// sentence naming the key, the value and what is allowed. A plain value; not synchronised.

#include "tributary/client/error.hpp"
#include "tributary/client/partitioner.hpp"
#include "tributary/protocol/batch_header.hpp"
#include "tributary/protocol/compression.hpp"

#include <cstdint>
#include <limits>
#include <map>
#include <string>

namespace tributary::client {

struct producer_config {
  /// Kafka's defaults. (User-provided so that create(conn, {{"acks", "all"}}) picks the map.)
  producer_config();

  std::string bootstrap_servers; // bootstrap.servers: a connection url (create() only)
  std::string client_id = "tributary-producer"; // client.id
  int16_t acks = -1;                            // acks: 0, 1, -1/"all"
  int64_t linger_ms = 5;                        // linger.ms
  int32_t batch_size = 16384;                   // batch.size (bytes of one batch, uncompressed)
  int64_t buffer_memory = 32 << 20;             // buffer.memory (bytes queued or in flight)
  int64_t max_block_ms = 60000;                 // max.block.ms (send() waiting for memory/metadata)
  protocol::compression_codec compression = protocol::compression_codec::none; // compression.type
  int compression_level = protocol::default_compression_level; // compression.{gzip,lz4,zstd}.level
  int32_t retries = std::numeric_limits<int32_t>::max();       // retries
  int64_t retry_backoff_ms = 100;                              // retry.backoff.ms
  int64_t delivery_timeout_ms = 120000;                        // delivery.timeout.ms
  int32_t request_timeout_ms = 30000;                          // request.timeout.ms
  int32_t max_in_flight = 5;            // max.in.flight.requests.per.connection (per partition)
  int32_t max_request_size = 1 << 20;   // max.request.size (largest record / produce request)
  bool enable_idempotence = false;      // enable.idempotence (true is refused for now)
  bool allow_auto_create_topics = true; // allow.auto.create.topics
  int64_t metadata_max_age_ms = 300000; // metadata.max.age.ms (partition counts re-read)
  /// partitioner: a user function for records without a partition; empty: Kafka's default.
  partitioner_function partitioner;

  /// Cross-checks (Kafka's): delivery.timeout.ms >= linger.ms + request.timeout.ms, sizes > 0,
  /// acks in {-1, 0, 1}, idempotence off.
  outcome<void> validate() const;

  /// Settings from Kafka-named strings on top of the defaults, validated.
  static outcome<producer_config> from_map(const std::map<std::string, std::string>& values);
};

/// Kafka's name of a codec ("none", "gzip", "snappy", "lz4", "zstd").
const char* compression_name(protocol::compression_codec codec) noexcept;

} // namespace tributary::client
