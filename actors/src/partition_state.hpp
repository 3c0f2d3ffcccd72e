#pragma once
// The partition actor's state and the handlers that implement it, split by concept:
//   partition_actor.cpp       spawn, open, behavior, timer dispatch, status and stats
//   partition_produce.cpp     appends, acks 0/1/all, pending acks, flushes (flush.ms timer)
//   partition_producers.cpp   idempotent produce: producer state load, checks, snapshots,
//                             expiry (storage::producer_state_table)
//   partition_read.cpp        fetch long-poll, reads, ListOffsets
//   partition_replicas.cpp    follower fetches, high watermark, ISR, leader epochs
//   partition_admin.cpp       DeleteRecords, truncation, config changes, retention,
//                             compaction, close
// Every function runs on the partition actor (the only owner of this state).

#include "actor_meta.hpp"
#include "partition_errors.hpp"
#include "partition_fetches.hpp"
#include "replica_log.hpp"

#include "tributary/actors/partition.hpp"
#include "tributary/storage/log_compactor.hpp"
#include "tributary/storage/producer_state.hpp"

#include "caf/all.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tributary::actors {

/// timer_tick kinds of the partition actor (seq: fetch / produce id, or the arming number of
/// a periodic timer so that re-armed and cancelled timers are told apart).
enum partition_timer : int32_t {
  k_fetch_expiry = 1,
  k_produce_timeout = 2,
  k_retention_timer = 3,
  k_flush_timer = 4,
  k_compaction_timer = 5,
  k_isr_timer = 6,
  k_producer_expiry_timer = 7,
};

/// What the leader knows of one follower (Kafka's Replica state).
struct follower_state {
  int64_t log_end_offset = -1; // its last fetch offset; -1 until it fetched
  int64_t last_fetch_ms = -1;
  int64_t last_caught_up_ms = -1;        // when it last had everything the leader had
  int64_t leader_end_at_last_fetch = -1; // the leader's log end when it last fetched
};

/// An acks=all produce waiting for the high watermark (and, if due, a flush).
struct pending_produce {
  int64_t required_offset = 0; // the HW (and recovery point) that covers the append
  bool needs_flush = false;
  produce_response response;
  caf::typed_response_promise<produce_response> rp;
};

struct partition_state {
  static constexpr const char* name = "partition";

  partition_spec spec;
  partition_deps deps;
  actor_meta meta;
  log_owner store;
  std::string open_error; // non-empty: the log did not open; everything is answered with it
  bool is_opened = false; // the open job finished (successfully or not)

  // Leadership (leadership_change); on one node this replica is the leader.
  bool is_leader = true;
  int32_t leader_id = 0;
  int32_t leader_epoch = 0;
  std::vector<int32_t> replicas;
  std::vector<int32_t> isr;
  std::map<int32_t, follower_state> followers;
  int64_t high_watermark = 0;

  parked_fetches fetches;
  std::map<uint64_t, pending_produce> pending_acks;
  uint64_t next_id = 1;
  std::map<int32_t, uint64_t> armed; // periodic timer kind -> seq of the live one

  // Idempotent producers: sequence state per producer id, rebuilt at open; its snapshot is
  // rewritten after every segment.bytes of appends and at close.
  storage::producer_state_table producers;
  uint64_t bytes_since_snapshot = 0;

  std::unique_ptr<storage::log_compactor> compactor;
  bool is_compacting = false;
  bool is_closing = false;
  std::vector<caf::typed_response_promise<close_response>> close_waiters;

  const std::string& tp() const { return store.tp; }
  int64_t log_end() const { return store.log ? store.log->log_end_offset().value : 0; }
  int64_t log_start() const { return store.log ? store.log->log_start_offset().value : 0; }
  /// Why this partition cannot serve clients right now (open failure, closing, not the
  /// leader); no failure when it can.
  kafka_failure unavailable() const;
  /// The leader-epoch check of fetches: -1 passes, older FENCED_LEADER_EPOCH, newer
  /// UNKNOWN_LEADER_EPOCH.
  kafka_failure check_epoch(int32_t current_leader_epoch) const;
};

using partition_self = partition_actor::stateful_pointer<partition_state>;

/// Milliseconds of the actor clock (CAF's test clock in deterministic tests).
int64_t clock_ms(partition_self self);
/// Arms periodic timer `kind` to fire after `ms` (a previous arming of it is cancelled).
void arm_timer(partition_self self, int32_t kind, int64_t ms);

// partition_produce.cpp
caf::result<produce_response> handle_produce(partition_self self, produce_request& req);
void complete_acks(partition_self self);
void expire_produce(partition_self self, uint64_t id);
void flush_partition(partition_self self);
void on_flush_timer(partition_self self);
void maybe_arm_flush_timer(partition_self self);

// partition_read.cpp
caf::result<fetch_partition_data> handle_fetch(partition_self self, const partition_fetch& f);
fetch_partition_data read_for(partition_self self, const partition_fetch& f);
void wake_fetches(partition_self self);
void expire_fetch(partition_self self, uint64_t id);
void answer_all_fetches(partition_self self, const kafka_failure& why);
list_offsets_result handle_list_offset(partition_self self, const partition_list_offset& req);

// partition_replicas.cpp
caf::result<fetch_partition_data> handle_replica_fetch(partition_self self,
                                                       const replica_fetch_request& req);
void note_follower_fetch(partition_self self, int32_t replica_id, int64_t fetch_offset);
void update_high_watermark(partition_self self);
void on_isr_timer(partition_self self);
partition_status handle_leadership_change(partition_self self, const leadership_change& lc);
epoch_end_offset_response handle_epoch_end_offset(partition_self self,
                                                  const epoch_end_offset_request& req);
void note_appended(partition_self self, const std::byte* data, size_t size);

// partition_admin.cpp
delete_records_result handle_delete_records(partition_self self,
                                            const partition_delete_records& req);
caf::result<partition_status> handle_truncate(partition_self self, const truncate_request& req);
resource_result handle_config_update(partition_self self, const topic_config_update& update);
void on_retention_timer(partition_self self);
void on_compaction_timer(partition_self self);
void configure_compaction(partition_self self);
caf::result<close_response> handle_close(partition_self self, const close_request& req);

// partition_actor.cpp
partition_status make_status(partition_self self);

// partition_producers.cpp
/// What the open job made: the log, and the producer state rebuilt from it (or why not).
struct opened_partition {
  opened_log log;
  std::optional<storage::producer_state_loaded> producers;
  std::string producers_error; // non-empty: the log opened but its batches could not be read
};
/// Opens the log and rebuilds its producer state. Blocking: the disk worker's job.
opened_partition open_partition(const partition_spec& spec, const storage::log_options& opts);
/// Takes the loaded producer state (logging a snapshot that was not used), rewrites the
/// snapshot when the log had to be scanned, arms the expiry timer. False: keep the partition
/// offline (open_error set).
bool install_producers(partition_self self, opened_partition& opened);
/// Before an append: the verdict on the request's batches. A failure refuses the request; a
/// duplicate is answered with the original batch's offsets and not appended.
struct producer_gate {
  kafka_failure failure;
  std::optional<storage::producer_batch> duplicate;
  int64_t record_count = 0; // records of the request's batches
};
producer_gate check_producers(partition_self self, const std::byte* data, size_t size);
/// After a successful append (offsets assigned in `data`): records the batches; snapshots
/// when segment.bytes were appended since the last one.
void record_producers(partition_self self, const std::byte* data, size_t size);
/// Writes the producer state snapshot on the disk worker (inline without one).
void save_producer_snapshot(partition_self self);
void on_producer_expiry_timer(partition_self self);

} // namespace tributary::actors
