// Idempotent produce on the partition actor (Kafka's ProducerStateManager as UnifiedLog uses
// it): the producer state is rebuilt when the log opens (snapshot + the batches after it, on
// the disk worker), every produce request is checked against it before the append
// (duplicates answered from it, gaps and fenced epochs refused), appended batches are
// recorded, the snapshot is rewritten after every segment.bytes of appends and at close, and
// idle producers expire on a timer.
//
// Truncation (a demoted leader cut back by the broker) happens in partition_admin.cpp; the
// state notices it lazily: when the offset it covers is not the log end any more, it is
// rebuilt from the snapshot or the log start before the next check, record or snapshot.
#include "partition_state.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace tributary::actors {

using protocol::kafka_error;

namespace {

// Kafka's producer.id.expiration.check.interval.ms default.
constexpr int64_t k_expiry_check_interval_ms = 10 * 60 * 1000;

/// Headers of the batches in `data`; false when they do not parse (the log's own validation
/// then refuses the append with the precise reason).
bool parse_headers(const std::byte* data, size_t size, std::vector<protocol::batch_header>& out) {
  size_t pos = 0;
  while (pos < size) {
    auto h = protocol::parse_batch_header(data + pos, size - pos);
    if (!h || h->batch_length < 0 || h->total_size() > size - pos)
      return false;
    out.push_back(*h);
    pos += h->total_size();
  }
  return true;
}

void reload_producers(partition_self self) {
  auto& st = self->state;
  std::string why;
  auto l = storage::load_producer_state(*st.store.log, st.tp(), st.spec.producer_id_expiration_ms,
                                        storage::system_now_ms(), &why);
  if (!l) {
    // Without the batches there is nothing to check against: start empty (a retry of a lost
    // batch may then be appended twice) rather than refuse every produce.
    actor_logger()->error("partition {}: cannot rebuild the producer state: {}; continuing "
                          "without it (duplicates of earlier batches are not detected)",
                          st.tp(), why.empty() ? l.error().message() : why);
    st.producers.reset_at(st.log_end());
    return;
  }
  if (!l->warning.empty())
    actor_logger()->info("partition {}: {}", st.tp(), l->warning);
  st.producers = std::move(l->table);
}

/// Rebuilds the state when the log no longer ends where the state does (truncation).
void reconcile_producers(partition_self self) {
  auto& st = self->state;
  if (!st.store.log || st.producers.end_offset() == st.log_end())
    return;
  actor_logger()->info("partition {}: the log ends at {} but the producer state covers up to {} "
                       "(truncated): rebuilding it",
                       st.tp(), st.log_end(), st.producers.end_offset());
  reload_producers(self);
}

void arm_expiry(partition_self self) {
  auto ms = self->state.spec.producer_id_expiration_ms;
  arm_timer(self, k_producer_expiry_timer, std::clamp<int64_t>(ms, 1, k_expiry_check_interval_ms));
}

} // namespace

opened_partition open_partition(const partition_spec& spec, const storage::log_options& opts) {
  opened_partition out;
  out.log = open_local_log(spec.dir, opts);
  if (!out.log.log)
    return out;
  auto tp = tp_name(spec.topic, spec.partition);
  std::string why;
  auto l = storage::load_producer_state(*out.log.log, tp, spec.producer_id_expiration_ms,
                                        storage::system_now_ms(), &why);
  if (l)
    out.producers = std::move(*l);
  else
    out.producers_error = "cannot rebuild the producer state of " + tp + " from " + spec.dir +
                          ": " + (why.empty() ? l.error().message() : why);
  return out;
}

bool install_producers(partition_self self, opened_partition& opened) {
  auto& st = self->state;
  if (!opened.producers) {
    st.open_error = opened.producers_error;
    actor_logger()->error("partition {}: {}", st.tp(), st.open_error);
    return false;
  }
  auto& l = *opened.producers;
  if (!l.warning.empty())
    actor_logger()->warn("partition {}: {}", st.tp(), l.warning);
  st.producers = std::move(l.table);
  if (l.scanned_batches > 0) {
    actor_logger()->info("partition {}: producer state of {} producers rebuilt from offset {} "
                         "({} batches read)",
                         st.tp(), st.producers.size(), l.scanned_from, l.scanned_batches);
    save_producer_snapshot(self); // the next open starts from here
  }
  arm_expiry(self);
  return true;
}

producer_gate check_producers(partition_self self, const std::byte* data, size_t size) {
  auto& st = self->state;
  producer_gate gate;
  reconcile_producers(self); // before the fast path: record() must extend a current state
  std::vector<protocol::batch_header> hs;
  if (!parse_headers(data, size, hs))
    return gate;
  if (std::none_of(hs.begin(), hs.end(), [](const auto& h) { return h.producer_id >= 0; }))
    return gate;
  auto verdicts = st.producers.check_all(hs);
  for (const auto& h : hs)
    gate.record_count += h.records_count;
  for (size_t i = 0; i < verdicts.size(); ++i) {
    auto& v = verdicts[i];
    if (v.verdict == storage::producer_verdict::refuse) {
      gate.failure = make_failure(v.error, "produce to " + st.tp() + " refused: " + v.message);
      return gate;
    }
    if (v.verdict != storage::producer_verdict::duplicate)
      continue;
    if (hs.size() == 1) {
      gate.duplicate = v.duplicate;
      return gate;
    }
    gate.failure = make_failure(
        kafka_error::invalid_request,
        "produce to " + st.tp() + ": batch " + std::to_string(i + 1) + " of " +
            std::to_string(hs.size()) + " repeats an appended batch of producer " +
            std::to_string(hs[i].producer_id) + " (sequence " +
            std::to_string(hs[i].base_sequence) +
            ") next to other batches; send idempotent batches one per partition and request, as "
            "Kafka clients do");
    return gate;
  }
  return gate;
}

void record_producers(partition_self self, const std::byte* data, size_t size) {
  auto& st = self->state;
  size_t pos = 0;
  while (pos < size) {
    auto h = protocol::parse_batch_header(data + pos, size - pos);
    if (!h)
      break; // the log validated these bytes: not reached
    st.producers.record(*h, h->base_offset);
    pos += h->total_size();
  }
  st.bytes_since_snapshot += size;
  if (st.bytes_since_snapshot >= static_cast<uint64_t>(st.store.log->options().segment_bytes))
    save_producer_snapshot(self);
}

void save_producer_snapshot(partition_self self) {
  auto& st = self->state;
  if (!st.store.log)
    return;
  reconcile_producers(self);
  st.bytes_since_snapshot = 0;
  run_disk(
      self, st.store.disk,
      [dir = st.spec.dir, text = st.producers.to_snapshot()]() -> std::string {
        auto r = storage::write_producer_snapshot(dir, text);
        return r ? std::string{} : r.error().message();
      },
      [tp = st.tp()](const std::string& err) {
        if (!err.empty())
          actor_logger()->warn("partition {}: cannot write {}: {}", tp,
                               storage::k_producer_snapshot_file, err);
      },
      std::string{"the disk worker is gone"});
}

void on_producer_expiry_timer(partition_self self) {
  auto& st = self->state;
  if (auto n = st.producers.remove_expired(storage::system_now_ms()); n > 0)
    actor_logger()->info("partition {}: {} producer ids idle for more than {} ms expired "
                         "(producer.id.expiration.ms)",
                         st.tp(), n, st.spec.producer_id_expiration_ms);
  arm_expiry(self);
}

} // namespace tributary::actors
