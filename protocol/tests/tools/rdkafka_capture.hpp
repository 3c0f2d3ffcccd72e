#pragma once
// Produces golden_messages() with a real librdkafka producer into a fake_kafka_broker and
// returns the RecordBatch bytes librdkafka put on the wire. Test-only; blocking (a few
// hundred ms); thread-safe as far as librdkafka is. Fails with a readable message.

#include <cstddef>
#include <string>
#include <vector>

namespace tributary::protocol::test {

struct capture_result {
  std::vector<std::byte> batch; // empty on failure
  std::string error;
};

/// `codec` is librdkafka's compression.codec name (none, gzip, snappy, lz4, zstd).
/// With `is_idempotent` the producer gets producer id 4242 / epoch 7 from the fake broker.
capture_result capture_rdkafka_batch(const std::string& codec, bool is_idempotent);

} // namespace tributary::protocol::test
