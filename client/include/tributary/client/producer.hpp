#pragma once
// producer: Kafka's producer over a connection (embedded or remote). send() encodes the record
// into its partition's open batch and returns; a sender actor ships ready batches (full, or
// linger.ms old) as produce_requests, several in flight, retries retriable errors with
// backoff until delivery.timeout.ms, and completes every record exactly once through its
// callback or future, in order within a partition.
//
//   auto p = producer::create(conn, config);
//   p->send({"orders", std::nullopt, "key", "value"}, [](const outcome<record_metadata>& r) {
//     if (!r) spdlog::error("{}", r.err().to_string());
//   });
//   p->flush();
//
// Thread-safe: any number of threads may send(); flush() and close() from any thread except
// a delivery callback. Callbacks run on the producer's sender actor: keep them short and do
// not flush(), close() or block in them. send() blocks up to max.block.ms while buffer.memory
// is exhausted or the topic's metadata is unknown, then fails the record (its callback gets
// REQUEST_TIMED_OUT or the metadata error). Destroying the producer closes it (waiting up to
// delivery.timeout.ms for records already sent).

#include "tributary/client/connection.hpp"
#include "tributary/client/error.hpp"
#include "tributary/client/producer_config.hpp"
#include "tributary/client/record.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <string>

namespace tributary::client {

/// Called once per record with where it landed or why it did not.
using delivery_callback = std::function<void(const outcome<record_metadata>&)>;

/// Counters since the producer was created (relaxed reads; for benchmarks and logs).
struct producer_metrics {
  uint64_t records_sent = 0;   // acknowledged by the node
  uint64_t records_failed = 0; // completed with an error
  uint64_t batches_sent = 0;
  uint64_t requests = 0; // produce_requests (one or more batches of one partition)
  uint64_t retries = 0;  // requests sent again after a retriable error
  uint64_t bytes_sent = 0;
};

class producer {
public:
  static outcome<producer> create(connection conn, producer_config config = {});
  /// Kafka-named settings; unknown keys or bad values fail with INVALID_CONFIG.
  static outcome<producer> create(connection conn,
                                  const std::map<std::string, std::string>& config);
  /// Opens bootstrap.servers (a connection url) first.
  static outcome<producer> create(const std::map<std::string, std::string>& config);

  producer(producer&&) noexcept;
  producer& operator=(producer&&) noexcept;
  ~producer();

  /// Queues `record`; `on_delivery` (may be empty) runs once.
  void send(const producer_record& record, delivery_callback on_delivery);
  /// Queues `record`; the future becomes ready once it is acknowledged or failed.
  std::future<outcome<record_metadata>> send(const producer_record& record);

  /// Sends everything queued so far at once (ignoring linger.ms) and waits until it is
  /// completed. REQUEST_TIMED_OUT when `timeout` passes first.
  outcome<void> flush(std::chrono::milliseconds timeout = std::chrono::milliseconds::max());

  /// Refuses new records, delivers the queued ones within `timeout`, fails what is left
  /// (their callbacks get "producer closed"), and stops the sender. Idempotent.
  outcome<void> close(std::chrono::milliseconds timeout = std::chrono::milliseconds::max());

  /// The topic's partition count (from the node when not cached, up to max.block.ms).
  outcome<int32_t> partition_count(const std::string& topic);

  producer_metrics metrics() const;
  const producer_config& config() const;
  const connection& conn() const;

  struct impl;

private:
  explicit producer(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

} // namespace tributary::client
