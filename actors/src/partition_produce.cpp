// The write path of the partition actor: appends of whole batches (after the idempotent
// producer checks of partition_producers.cpp), acks 0 / 1 / all, acks=all produces waiting
// for the high watermark (and for the flush the policy asked for), and flushes -- per
// flush.messages on append, per flush.ms on a timer.
#include "partition_state.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <optional>

namespace tributary::actors {

using protocol::kafka_error;

namespace {

// flush.ms beyond this means "never" (Kafka's default is Long.MAX_VALUE): no timer.
constexpr int64_t k_longest_flush_timer_ms = 365LL * 24 * 60 * 60 * 1000;

bool is_satisfied(const partition_state& st, const pending_produce& p) {
  if (st.high_watermark < p.required_offset)
    return false;
  return !p.needs_flush ||
         (st.store.log && st.store.log->recovery_point().value >= p.required_offset);
}

produce_response failed(partition_state& st, produce_response resp, const kafka_failure& f) {
  ++st.meta.counters.errors;
  resp.error = f.code;
  resp.error_message = f.message;
  return resp;
}

void on_flush_done(partition_self self, const std::string& err) {
  auto& st = self->state;
  if (!err.empty()) {
    actor_logger()->error("partition {}: {}", st.tp(), err);
    // acks=all produces that waited for this flush cannot be confirmed: the log is offline.
    for (auto it = st.pending_acks.begin(); it != st.pending_acks.end();) {
      auto& p = it->second;
      if (p.needs_flush && !is_satisfied(st, p)) {
        p.rp.deliver(failed(st, p.response, make_failure(kafka_error::kafka_storage_error, err)));
        it = st.pending_acks.erase(it);
      } else {
        ++it;
      }
    }
  }
  complete_acks(self);
  maybe_arm_flush_timer(self);
}

/// Appends the request's batches; the acks=all wait it needs, or nullopt with `resp` failed.
std::optional<pending_produce> append(partition_self self, produce_response& resp, std::byte* data,
                                      size_t size) {
  auto& st = self->state;
  auto& log = *st.store.log;
  auto r = log.append(data, size, epoch{st.leader_epoch});
  if (!r) {
    resp = failed(st, resp, storage_failure(st.tp(), "produce", r.error(), log.last_error()));
    return std::nullopt;
  }
  note_appended(self, data, size);    // offsets and epoch are in the buffer now
  record_producers(self, data, size); // after note_appended: a snapshot may follow
  st.meta.count_in(static_cast<uint64_t>(r->batch_count), static_cast<uint64_t>(r->record_count),
                   r->bytes);
  resp.base_offset = r->base_offset.value;
  resp.log_append_time = r->log_append_time;
  resp.log_start_offset = r->log_start_offset.value;
  resp.record_count = r->record_count;
  pending_produce pending{r->last_offset.value + 1, r->is_flush_due, resp, {}};
  update_high_watermark(self); // alone in the ISR: HW = log end at once
  wake_fetches(self);          // followers read below the log end, not just the HW
  if (r->is_flush_due)
    flush_partition(self); // without a disk worker this completes right here
  else
    maybe_arm_flush_timer(self);
  return pending;
}

/// A retried idempotent batch that is in the log already: Kafka answers with the original
/// offsets and appends nothing; acks=all still waits until the original is committed.
std::optional<pending_produce> answer_duplicate(partition_self self, produce_response& resp,
                                                const storage::producer_batch& original,
                                                int64_t record_count) {
  auto& st = self->state;
  actor_logger()->debug("partition {}: duplicate batch (sequences {}..{}) answered with offset {}",
                        st.tp(), original.first_sequence, original.last_sequence,
                        original.first_offset);
  resp.base_offset = original.first_offset;
  resp.log_start_offset = st.log_start();
  resp.record_count = record_count;
  if (st.store.log->options().timestamp_type == storage::message_timestamp_type::log_append_time)
    resp.log_append_time = original.timestamp;
  return pending_produce{original.last_offset + 1, false, resp, {}};
}

} // namespace

caf::result<produce_response> handle_produce(partition_self self, produce_request& req) {
  auto& st = self->state;
  produce_response resp;
  resp.topic = st.spec.topic;
  resp.partition = st.spec.partition;
  if (auto f = st.unavailable())
    return failed(st, resp, f);
  if (req.acks != 0 && req.acks != 1 && req.acks != -1)
    return failed(st, resp,
                  make_failure(kafka_error::invalid_required_acks,
                               "produce to " + st.tp() + ": acks must be 0, 1 or -1 (all), not " +
                                   std::to_string(req.acks)));
  if (!req.transactional_id.empty())
    return failed(st, resp,
                  make_failure(kafka_error::invalid_request,
                               "produce to " + st.tp() + " with transactional.id '" +
                                   req.transactional_id +
                                   "': transactions are not supported yet; use an idempotent "
                                   "or plain producer"));
  if (req.acks == -1 && static_cast<int32_t>(st.isr.size()) < st.spec.config.min_insync_replicas)
    return failed(st, resp,
                  make_failure(kafka_error::not_enough_replicas,
                               "produce to " + st.tp() +
                                   " with acks=all: " + std::to_string(st.isr.size()) +
                                   " in-sync replicas, min.insync.replicas is " +
                                   std::to_string(st.spec.config.min_insync_replicas)));
  auto* data = reinterpret_cast<std::byte*>(req.records.data());
  auto size = req.records.size();
  auto gate = check_producers(self, data, size);
  if (gate.failure)
    return failed(st, resp, gate.failure);
  auto pending = gate.duplicate ? answer_duplicate(self, resp, *gate.duplicate, gate.record_count)
                                : append(self, resp, data, size);
  if (!pending)
    return resp; // failed
  if (req.acks != -1 || is_satisfied(st, *pending))
    return resp;
  auto id = st.next_id++;
  auto rp = self->make_response_promise<produce_response>();
  pending->rp = rp;
  st.pending_acks.emplace(id, std::move(*pending));
  self->delayed_send(self, std::chrono::milliseconds(std::max<int32_t>(req.timeout_ms, 0)),
                     timer_tick{k_produce_timeout, id, {}});
  return rp;
}

void complete_acks(partition_self self) {
  auto& st = self->state;
  for (auto it = st.pending_acks.begin(); it != st.pending_acks.end();) {
    if (is_satisfied(st, it->second)) {
      it->second.rp.deliver(it->second.response);
      it = st.pending_acks.erase(it);
    } else {
      ++it;
    }
  }
}

void expire_produce(partition_self self, uint64_t id) {
  auto& st = self->state;
  auto it = st.pending_acks.find(id);
  if (it == st.pending_acks.end())
    return; // answered already
  auto& p = it->second;
  std::string why = "acks=all produce to " + st.tp() + " timed out: the high watermark is " +
                    std::to_string(st.high_watermark) + ", the append ends at " +
                    std::to_string(p.required_offset);
  if (p.needs_flush)
    why += " and waits for a flush (recovery point " +
           std::to_string(st.store.log ? st.store.log->recovery_point().value : -1) + ")";
  p.rp.deliver(failed(st, p.response, make_failure(kafka_error::request_timed_out, why)));
  st.pending_acks.erase(it);
}

void flush_partition(partition_self self) {
  start_flush(self, &on_flush_done);
}

void maybe_arm_flush_timer(partition_self self) {
  auto& st = self->state;
  if (!st.store.log || st.armed.count(k_flush_timer) > 0)
    return;
  auto ms = st.store.log->options().flush_ms;
  if (ms <= 0 || ms > k_longest_flush_timer_ms)
    return; // flush.ms=0 flushes on every append; huge values never
  if (st.store.log->recovery_point() >= st.store.log->log_end_offset())
    return; // nothing unflushed
  arm_timer(self, k_flush_timer, ms);
}

void on_flush_timer(partition_self self) {
  if (self->state.store.log->is_flush_due())
    flush_partition(self);
  maybe_arm_flush_timer(self);
}

} // namespace tributary::actors
