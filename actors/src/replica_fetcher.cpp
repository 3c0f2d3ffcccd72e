// The follower's loop: epoch_end_offset_request + truncation after open or a leader change,
// then replica_fetch_request -> append_with_offsets -> next fetch (whose offset reports the
// new log end offset to the leader). Errors back off for spec.fetch_backoff_ms.
#include "replica_state.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

namespace tributary::actors {

using protocol::kafka_error;

namespace {

int64_t log_end(const replica_state& st) {
  return st.store.log->log_end_offset().value;
}

void on_flushed(replica_self self, const std::string& err) {
  if (!err.empty())
    actor_logger()->error("replica {} of {}: {}", self->state.spec.node_id, self->state.store.tp,
                          err);
}

// Runs `change` once no flush is in flight (the log refuses truncation meanwhile), then
// fits the epoch cache and the high watermark to the new log end and fetches again.
template <class Change>
void truncate_then_fetch(replica_self self, Change change) {
  self->state.store.after_flush([self, change] {
    auto& st = self->state;
    if (!st.store.log)
      return;
    if (auto r = change(*st.store.log); !r) {
      replica_retry_later(self, describe_failure(st.store.tp, "follower truncation", r.error(),
                                                 st.store.log->last_error()));
      return;
    }
    bool changed = st.store.epochs.truncate_from_end(log_end(st));
    changed =
        st.store.epochs.truncate_from_start(st.store.log->log_start_offset().value) || changed;
    if (changed)
      persist_epochs(self);
    st.high_watermark = std::min(st.high_watermark, log_end(st));
    st.step = replica_state::phase::fetching;
    replica_step(self);
  });
}

void on_epoch_end(replica_self self, int32_t asked, const epoch_end_offset_response& r) {
  auto& st = self->state;
  if (r.error != 0)
    return replica_retry_later(self, "OffsetsForLeaderEpoch: " + r.error_message);
  int64_t end = log_end(st);
  int64_t target;
  if (r.leader_epoch < 0 || r.end_offset < 0)
    target = st.high_watermark; // the leader knows nothing of our epochs: keep what it confirmed
  else if (r.leader_epoch == asked)
    target = std::min(r.end_offset, end);
  else // the leader's epoch is older: our log diverges where our copy of that epoch ends
    target = std::min(r.end_offset, st.store.epochs.end_of_epoch(r.leader_epoch, end));
  if (target < end)
    actor_logger()->info("replica {} of {}: truncating to offset {} (our epoch {}, leader epoch "
                         "{} ends at {})",
                         st.spec.node_id, st.store.tp, target, asked, r.leader_epoch, r.end_offset);
  truncate_then_fetch(
      self, [target](storage::partition_log& log) { return log.truncate_to(offset{target}); });
}

void on_fetched(replica_self self, fetch_partition_data& d) {
  auto& st = self->state;
  ++st.fetches;
  if (d.error == protocol::code_of(kafka_error::offset_out_of_range)) {
    if (log_end(st) < d.log_start_offset) { // the leader deleted what we still lack
      int64_t start = d.log_start_offset;
      return truncate_then_fetch(self, [start](storage::partition_log& log) {
        return log.truncate_fully_and_start_at(offset{start});
      });
    }
    st.step = replica_state::phase::truncating; // we are ahead of the leader: diverged
    return replica_step(self);
  }
  if (d.error != 0)
    return replica_retry_later(self, d.error_message);
  st.last_error.clear();
  if (!d.records.empty()) {
    auto* data = reinterpret_cast<std::byte*>(d.records.data());
    auto r = st.store.log->append_with_offsets(data, d.records.size());
    if (!r) {
      st.step = replica_state::phase::truncating; // most likely a diverging tail
      return replica_retry_later(self, describe_failure(st.store.tp, "follower append", r.error(),
                                                        st.store.log->last_error()));
    }
    if (st.store.epochs.note_batches(data, d.records.size()))
      persist_epochs(self);
    st.meta.count_in(static_cast<uint64_t>(r->batch_count), static_cast<uint64_t>(r->record_count),
                     r->bytes);
    if (r->is_flush_due)
      start_flush(self, &on_flushed);
  }
  st.high_watermark = std::max(st.high_watermark, std::min(d.high_watermark, log_end(st)));
  replica_step(self);
}

} // namespace

void replica_step(replica_self self) {
  auto& st = self->state;
  if (st.is_closing || st.is_in_flight || !st.store.log || !st.spec.leader)
    return;
  auto gen = st.generation;
  auto timeout = std::chrono::milliseconds(st.spec.fetch_max_wait_ms) + std::chrono::seconds(30);
  auto on_error = [self, gen](caf::error& err) {
    auto& st = self->state;
    st.is_in_flight = false;
    if (gen != st.generation)
      return replica_step(self);
    replica_retry_later(self, "the leader did not answer: " + caf::to_string(err));
  };
  if (st.step == replica_state::phase::truncating) {
    int32_t asked = st.store.epochs.latest_epoch();
    if (asked < 0) { // nothing local: nothing can diverge
      st.step = replica_state::phase::fetching;
      return replica_step(self);
    }
    st.is_in_flight = true;
    self->request(st.spec.leader, timeout, epoch_end_offset_request{asked, st.leader_epoch})
        .then(
            [self, gen, asked](const epoch_end_offset_response& r) {
              self->state.is_in_flight = false;
              if (gen != self->state.generation)
                return replica_step(self);
              on_epoch_end(self, asked, r);
            },
            on_error);
    return;
  }
  replica_fetch_request req;
  req.replica_id = st.spec.node_id;
  req.fetch_offset = log_end(st);
  req.max_bytes = st.spec.fetch_max_bytes;
  req.current_leader_epoch = st.leader_epoch;
  req.max_wait_ms = st.spec.fetch_max_wait_ms;
  st.is_in_flight = true;
  self->request(st.spec.leader, timeout, std::move(req))
      .then(
          [self, gen](fetch_partition_data& d) {
            self->state.is_in_flight = false;
            if (gen != self->state.generation)
              return replica_step(self);
            on_fetched(self, d);
          },
          on_error);
}

void replica_retry_later(replica_self self, const std::string& why) {
  auto& st = self->state;
  if (st.is_closing)
    return;
  if (why != st.last_error)
    actor_logger()->warn("replica {} of {}: {}; retrying in {} ms", st.spec.node_id, st.store.tp,
                         why, st.spec.fetch_backoff_ms);
  st.last_error = why;
  auto seq = ++st.retry_seq;
  self->delayed_send(self,
                     std::chrono::milliseconds(std::max<int64_t>(st.spec.fetch_backoff_ms, 1)),
                     timer_tick{k_replica_retry, seq, {}});
}

void replica_on_timer(replica_self self, const timer_tick& t) {
  auto& st = self->state;
  if (t.kind == k_replica_retry && t.seq == st.retry_seq && !st.is_closing)
    replica_step(self);
}

} // namespace tributary::actors
