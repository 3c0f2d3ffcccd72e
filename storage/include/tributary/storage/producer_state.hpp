#pragma once
// producer_state: the idempotent-producer bookkeeping of one partition, Kafka's
// ProducerStateManager / ProducerStateEntry / ProducerAppendInfo without transactions. Per
// producer id the epoch and the last five appended batches; the verdict on an incoming batch
// (append, duplicate of one of those five, or refuse with Kafka's error code); expiry of idle
// producers (producer.id.expiration.ms); a snapshot text; and the rebuild after a restart from
// `producer_state.snapshot` plus the batches of the log after it.
//
// Snapshot validity: the snapshot records the offset it covers up to (the log end when taken)
// and the leader epoch of the batch ending just below it. It is used only when that batch is
// still in the log with that epoch (a truncated and rewritten log holds other batches there),
// and not when the log start moved past it; otherwise the state is rebuilt from the log start.

#include "tributary/common/result.hpp"
#include "tributary/common/strong_id.hpp"
#include "tributary/protocol/batch_header.hpp"
#include "tributary/protocol/kafka_error.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tributary::storage {

class partition_log;

inline constexpr int64_t k_default_producer_id_expiration_ms = 86400000; // 1 day, as Kafka
inline constexpr const char* k_producer_snapshot_file = "producer_state.snapshot";

/// One appended batch as its producer's entry remembers it (Kafka's BatchMetadata).
struct producer_batch {
  int32_t first_sequence = -1;
  int32_t last_sequence = -1;
  int64_t first_offset = -1;
  int64_t last_offset = -1;
  int64_t timestamp = -1; // the batch's max timestamp (log append time when the log set it)
};

/// What a partition knows of one producer id (Kafka's ProducerStateEntry).
struct producer_entry {
  int16_t epoch = -1;
  int64_t last_timestamp = -1;         // of the last batch: expiry counts from it
  std::vector<producer_batch> batches; // oldest first, at most k_batches_to_retain
};

enum class producer_verdict {
  append,    // write it (not idempotent, or next in sequence)
  duplicate, // already in the log: answer with `duplicate`'s offsets, write nothing
  refuse,    // answer `error` with `message`, write nothing
};

/// The table's answer about one batch.
struct producer_check {
  producer_verdict verdict = producer_verdict::append;
  protocol::kafka_error error = protocol::kafka_error::none; // refuse only
  std::string message;                                       // refuse only: what, where, why
  producer_batch duplicate;                                  // duplicate only: the original
};

/// The last sequence of a batch: base_sequence + last_offset_delta, wrapping past INT32_MAX
/// to 0 as Kafka's DefaultRecordBatch.lastSequence; -1 when the batch has no sequence.
int32_t last_sequence_of(const protocol::batch_header& h);

/// Owned by the partition actor (one per partition log); not thread-safe; no I/O. `check`
/// never changes the table; `record` must follow every successful append, in log order, for
/// every batch (idempotent or not: the table tracks the offset it covers up to).
class producer_state_table {
public:
  static constexpr size_t k_batches_to_retain = 5;

  /// `tp` ("orders-0") names the partition in refusal messages.
  explicit producer_state_table(std::string tp = {},
                                int64_t expiration_ms = k_default_producer_id_expiration_ms);

  /// The verdict on one batch (control batches and producer id -1: append). Kafka's order:
  /// duplicate of a retained batch of the same epoch; older epoch: INVALID_PRODUCER_EPOCH;
  /// newer epoch not at sequence 0: OUT_OF_ORDER_SEQUENCE_NUMBER; unknown producer: any
  /// sequence (Kafka 2.5+, KIP-360); same epoch: base sequence must be last + 1 (0 after
  /// INT32_MAX), else OUT_OF_ORDER_SEQUENCE_NUMBER. A producer id with a negative sequence:
  /// INVALID_RECORD (Kafka's LogValidator).
  producer_check check(const protocol::batch_header& h) const;
  /// The verdicts on the batches of one request, each judged as if the ones before it had
  /// been appended.
  std::vector<producer_check> check_all(const std::vector<protocol::batch_header>& hs) const;

  /// Notes an appended batch (offsets as the log assigned them, in `h` or `base_offset`).
  void record(const protocol::batch_header& h, int64_t base_offset);
  /// Forgets producers whose last batch timestamp is expiration_ms or more before `now_ms`.
  /// Returns how many went.
  size_t remove_expired(int64_t now_ms);
  /// Empties the table, which then covers the log up to `end_offset` (a log start).
  void reset_at(int64_t end_offset);

  const producer_entry* find(producer_id id) const;
  size_t size() const { return producers_.size(); }
  const std::string& tp() const { return tp_; }
  int64_t expiration_ms() const { return expiration_ms_; }
  /// The log offset the table covers up to (exclusive): after the last recorded batch.
  int64_t end_offset() const { return end_offset_; }
  /// Leader epoch of the batch recorded last (ending at end_offset() - 1); -1 when none.
  int32_t end_epoch() const { return end_epoch_; }

  /// The snapshot file's text: version, CRC32C of the rest, end offset and epoch, producers.
  std::string to_snapshot() const;
  /// Parses a snapshot; producers expired at `now_ms` are left out. errc::corrupt_log (with
  /// the reason in *why) on a bad version, CRC, or field.
  static result<producer_state_table> from_snapshot(std::string_view text, std::string tp,
                                                    int64_t expiration_ms, int64_t now_ms,
                                                    std::string* why = nullptr);

private:
  producer_check judge(int64_t pid, const producer_entry* e, const protocol::batch_header& h) const;
  static void add_batch(producer_entry& e, const protocol::batch_header& h, int64_t base_offset);

  std::string tp_;
  int64_t expiration_ms_;
  std::unordered_map<int64_t, producer_entry> producers_;
  int64_t end_offset_ = 0;
  int32_t end_epoch_ = -1;
};

/// What load_producer_state did.
struct producer_state_loaded {
  producer_state_table table;
  int64_t snapshot_offset = -1; // offset of the snapshot used; -1: none, scanned from log start
  int64_t scanned_from = 0;     // first offset whose batches were read from the log
  int64_t scanned_batches = 0;
  std::string warning; // non-empty: a snapshot was there but not used, and why
};

/// Rebuilds a partition's producer state: `<log dir>/producer_state.snapshot` when it is
/// valid for `log` (see the top of this header), then every batch header after it (from the
/// log start without a usable snapshot), then expiry at `now_ms`. Blocking (file reads); on
/// the log's owner thread or while nobody else uses the log. Fails with the log's read error
/// (errc::io_error, corrupt_log when a batch header is damaged), the reason in *why.
result<producer_state_loaded> load_producer_state(const partition_log& log, std::string tp,
                                                  int64_t expiration_ms, int64_t now_ms,
                                                  std::string* why = nullptr);

/// Calls fn with the header of every batch of `log` whose last offset >= `from`, in order
/// (headers only: positions from the offset index, then buffered reads). Same threading and
/// errors as load_producer_state.
result<void> scan_batch_headers(const partition_log& log, offset from,
                                const std::function<void(const protocol::batch_header&)>& fn,
                                std::string* why = nullptr);

/// Writes `text` (to_snapshot()) as dir/producer_state.snapshot atomically (temp, fsync,
/// rename). Blocking: a disk worker's job. errc::io_error naming the file.
result<void> write_producer_snapshot(const std::string& dir, const std::string& text);

} // namespace tributary::storage
