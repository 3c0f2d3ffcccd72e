#pragma once
// record_accumulator: the producer's buffer between user threads and the sender actor. send()
// appends each record to its partition's open batch (a protocol::batch_builder: the record is
// encoded once, nothing is allocated per record but the user's callback when it does not fit
// std::function's small buffer); a batch closes when it reaches batch.size, when linger.ms has
// passed since it opened, or on flush. The sender is told once per ready batch (wake) and
// once per linger period (arm_linger), never per record.
// Owned by one producer; shared between user threads (append/flush) and the sender actor
// (drain/complete); every member is thread-safe (one mutex). Failures reach the record's
// callback: inline for records refused before they were queued, from the sender otherwise.

#include "tributary/client/producer.hpp"
#include "tributary/client/producer_config.hpp"
#include "tributary/protocol/batch_builder.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace tributary::client::detail {

using clock = std::chrono::steady_clock;

/// One record's completion: who to tell and what to tell them besides the offset.
struct pending_record {
  delivery_callback callback;
  int64_t timestamp = -1;
  int32_t key_size = -1;
  int32_t value_size = -1;
};

/// One partition's batch: open (records still join), then ready, in flight, done.
struct producer_batch {
  std::string topic;
  int32_t partition = 0;
  uint64_t seq = 0; // opening order, for flush()
  protocol::batch_builder builder;
  std::vector<pending_record> records;
  clock::time_point created;
  clock::time_point deadline; // created + delivery.timeout.ms
  size_t reserved = 0;        // bytes of buffer.memory held until completion
  int32_t attempts = 0;
};
using batch_ptr = std::unique_ptr<producer_batch>;

/// How the accumulator reaches the outside: metadata (may block: called without the lock)
/// and the sender (must not block: called without the lock).
struct accumulator_hooks {
  std::function<outcome<int32_t>(const std::string& topic, std::chrono::milliseconds timeout)>
      partitions;
  std::function<uint64_t()> metadata_version;
  std::function<void()> wake;
  std::function<void(clock::time_point)> arm_linger;
};

class record_accumulator {
public:
  record_accumulator(producer_config config, accumulator_hooks hooks);
  ~record_accumulator();

  /// Queues a record or fails its callback inline: MESSAGE_TOO_LARGE, UNKNOWN_TOPIC_OR_PARTITION
  /// (explicit partition out of range, or metadata not found within max.block.ms),
  /// REQUEST_TIMED_OUT (buffer.memory still full after max.block.ms), or "producer closed".
  void append(const producer_record& record, delivery_callback callback);

  /// Hands over every ready batch. With `from_timer` (the linger tick), or while a flush,
  /// close or memory wait is under way, or with linger.ms=0, first closes the open batches
  /// whose linger expired (all of them for flush/close/memory). `next_linger` gets the
  /// earliest deadline of the batches still open; a timer drain keeps the linger timer
  /// armed exactly when there is one (only timer drains touch it: one tick chain at a time).
  std::vector<batch_ptr> drain(clock::time_point now, std::optional<clock::time_point>& next_linger,
                               bool from_timer);

  /// Completes a batch: its callbacks in record order (offset base_offset + i, or the error),
  /// then releases its memory and wakes blocked senders and flush()es.
  void complete(batch_ptr batch, int64_t base_offset, int64_t log_append_time, const error* err);

  /// flush(): every batch opened before the call is made ready and waited for until
  /// `deadline`. False on timeout.
  bool flush(clock::time_point deadline);

  /// Refuses further appends ("producer is closed") and makes everything open ready.
  void close();
  /// Fails every batch not yet drained with `err` (close with a zero timeout).
  void abort(const error& err);

  size_t buffered_bytes() const;
  /// Batches opened and not yet completed.
  size_t incomplete_batches() const;

private:
  struct topic_state {
    int32_t partitions = 0;
    uint64_t version = 0;
    clock::time_point checked;   // when the partition count was last read from the cache
    std::vector<batch_ptr> open; // by partition
  };

  outcome<topic_state*> topic_for(std::unique_lock<std::mutex>& lock, const std::string& topic,
                                  clock::time_point deadline);
  outcome<int32_t> choose_partition(topic_state& t, const producer_record& record);
  bool reserve(std::unique_lock<std::mutex>& lock, size_t bytes, clock::time_point deadline);
  batch_ptr open_batch(const std::string& topic, int32_t partition, clock::time_point now);
  /// Moves the open batch into ready_; true when the sender must be woken.
  bool close_batch(topic_state& t, int32_t partition);
  static void invoke(delivery_callback& cb, const outcome<record_metadata>& r);

  const producer_config config_;
  const accumulator_hooks hooks_;
  protocol::batch_options batch_options_;

  mutable std::mutex mutex_;
  std::condition_variable memory_cv_; // memory released
  std::condition_variable done_cv_;   // a batch completed
  std::unordered_map<std::string, topic_state> topics_;
  partitioner partitioner_;
  std::deque<batch_ptr> ready_;
  std::vector<protocol::batch_builder> builder_pool_; // reset() keeps their capacity
  std::set<uint64_t> incomplete_;                     // seqs of batches not yet completed
  uint64_t next_seq_ = 0;
  size_t used_memory_ = 0;
  int memory_waiters_ = 0;
  std::vector<protocol::record_header> header_scratch_; // per-append view of the headers
  int flushing_ = 0;
  bool closed_ = false;
  bool wake_pending_ = false; // a wake is on its way and drain() has not run since
  bool linger_armed_ = false;
};

} // namespace tributary::client::detail
