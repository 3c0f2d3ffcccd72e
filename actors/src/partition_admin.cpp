// The partition actor's housekeeping: DeleteRecords, truncation, topic config changes,
// retention and compaction timers, and the orderly close (flush, close on the disk worker,
// optionally delete the folder, answer, quit).
#include "partition_state.hpp"

#include "tributary/storage/topic_log_options.hpp"

#include <spdlog/spdlog.h>

namespace tributary::actors {

using protocol::kafka_error;

namespace {

void after_log_start_moved(partition_self self) {
  auto& st = self->state;
  if (st.store.epochs.truncate_from_start(st.log_start()))
    persist_epochs(self);
  wake_fetches(self); // fetches below the new log start get OFFSET_OUT_OF_RANGE
}

partition_status truncate_now(partition_self self, int64_t target) {
  auto& st = self->state;
  if (!st.store.log) {
    auto s = make_status(self);
    s.error = protocol::code_of(kafka_error::kafka_storage_error);
    return s;
  }
  auto r = st.store.log->truncate_to(offset{target});
  if (!r) {
    actor_logger()->error("partition {}: {}", st.tp(),
                          describe_failure(st.tp(), "truncation to " + std::to_string(target),
                                           r.error(), st.store.log->last_error()));
    auto s = make_status(self);
    s.error = protocol::code_of(kafka_code_for(r.error()));
    return s;
  }
  int64_t end = st.log_end();
  if (st.store.epochs.truncate_from_end(end))
    persist_epochs(self);
  st.high_watermark = std::min(st.high_watermark, end);
  for (auto& [id, f] : st.followers)
    f.log_end_offset = std::min(f.log_end_offset, end);
  for (auto it = st.pending_acks.begin(); it != st.pending_acks.end();) {
    if (it->second.required_offset > end) { // its records are gone
      auto resp = it->second.response;
      resp.error = protocol::code_of(kafka_error::not_leader_or_follower);
      resp.error_message = st.tp() + " was truncated to offset " + std::to_string(end) +
                           " before the append was committed";
      it->second.rp.deliver(resp);
      it = st.pending_acks.erase(it);
    } else {
      ++it;
    }
  }
  wake_fetches(self); // fetches past the new end get OFFSET_OUT_OF_RANGE
  return make_status(self);
}

void finish_close(partition_self self, bool delete_data) {
  auto& st = self->state;
  std::shared_ptr<storage::partition_log> log{std::move(st.store.log)};
  run_disk(
      self, st.store.disk,
      [log, delete_data, dir = st.spec.dir, tp = st.tp()] {
        return close_local_log(log, delete_data, dir, tp);
      },
      [self](const std::string& err) {
        auto& st = self->state;
        close_response resp;
        if (!err.empty()) {
          actor_logger()->error("partition {}: {}", st.tp(), err);
          resp.error = protocol::code_of(kafka_error::kafka_storage_error);
          resp.error_message = err;
        }
        // acks=all produces still waiting: the close flushed everything, so those the high
        // watermark covers are committed; the rest never will be here.
        for (auto& [id, p] : st.pending_acks) {
          auto r = p.response;
          if (!err.empty() || st.high_watermark < p.required_offset) {
            r.error = protocol::code_of(kafka_error::not_leader_or_follower);
            r.error_message = "partition " + st.tp() + " closed before the append was committed";
          }
          p.rp.deliver(r);
        }
        st.pending_acks.clear();
        for (auto& w : st.close_waiters)
          w.deliver(resp);
        st.close_waiters.clear();
        self->quit();
      },
      std::string{"close of " + st.tp() + ": the disk worker is gone or timed out"});
}

} // namespace

delete_records_result handle_delete_records(partition_self self,
                                            const partition_delete_records& req) {
  auto& st = self->state;
  delete_records_result r;
  r.topic = st.spec.topic;
  r.partition = st.spec.partition;
  auto fail = [&](const kafka_failure& f) {
    ++st.meta.counters.errors;
    r.error = f.code;
    r.error_message = f.message;
    return r;
  };
  if (auto u = st.unavailable())
    return fail(u);
  int64_t target = req.offset == -1 ? st.high_watermark : req.offset;
  if (target < 0 || target > st.high_watermark)
    return fail(make_failure(kafka_error::offset_out_of_range,
                             "DeleteRecords on " + st.tp() + ": offset " +
                                 std::to_string(req.offset) + " is not in [0, " +
                                 std::to_string(st.high_watermark) +
                                 "] (the high watermark; -1 means up to it)"));
  auto& log = *st.store.log;
  auto start = log.delete_records_before(offset{target});
  if (!start)
    return fail(storage_failure(st.tp(), "DeleteRecords", start.error(), log.last_error()));
  r.low_watermark = start->value;
  after_log_start_moved(self);
  return r;
}

caf::result<partition_status> handle_truncate(partition_self self, const truncate_request& req) {
  auto& st = self->state;
  if (!st.open_error.empty() || st.is_closing || req.offset < 0) {
    auto s = make_status(self);
    s.error =
        req.offset < 0 ? protocol::code_of(kafka_error::invalid_request) : st.unavailable().code;
    return s;
  }
  if (!st.store.is_flushing)
    return truncate_now(self, req.offset);
  // The log refuses truncation while a flush ticket is out: wait for the flush.
  auto rp = self->make_response_promise<partition_status>();
  st.store.after_flush(
      [self, rp, target = req.offset]() mutable { rp.deliver(truncate_now(self, target)); });
  return rp;
}

resource_result handle_config_update(partition_self self, const topic_config_update& update) {
  auto& st = self->state;
  resource_result r;
  r.type = resource_topic;
  r.name = st.spec.topic;
  config::string_map overrides;
  for (const auto& kv : update.overrides)
    overrides[kv.name] = kv.value;
  std::string why;
  auto cfg = st.spec.config.with_overrides(overrides, &why);
  if (!cfg) {
    ++st.meta.counters.errors;
    r.error = protocol::code_of(kafka_error::invalid_config);
    r.error_message = "invalid config for topic '" + st.spec.topic + "' (partition " +
                      std::to_string(st.spec.partition) +
                      "): " + (why.empty() ? cfg.error().message() : why);
    return r;
  }
  st.spec.config = *cfg;
  if (st.store.log) {
    st.store.log->set_options(storage::to_log_options(st.spec.config));
    configure_compaction(self);
    maybe_arm_flush_timer(self);
  }
  return r;
}

void on_retention_timer(partition_self self) {
  auto& st = self->state;
  auto before = st.log_start();
  auto r = st.store.log->apply_retention(storage::system_now_ms(), offset{st.high_watermark});
  if (!r)
    actor_logger()->warn(
        "partition {}: {}", st.tp(),
        describe_failure(st.tp(), "retention", r.error(), st.store.log->last_error()));
  else if (r->deleted_segments > 0)
    actor_logger()->info("partition {}: retention deleted {} segments ({} bytes), log start {}",
                         st.tp(), r->deleted_segments, r->deleted_bytes, st.log_start());
  if (st.log_start() != before)
    after_log_start_moved(self);
  arm_timer(self, k_retention_timer, st.spec.retention_check_interval_ms);
}

void configure_compaction(partition_self self) {
  auto& st = self->state;
  if (st.is_compacting)
    return; // re-run when the running pass comes back
  if (!st.store.log || !st.spec.config.cleanup_compact || !st.spec.cleaner_enabled) {
    st.compactor.reset();
    st.armed.erase(k_compaction_timer);
    return;
  }
  storage::compaction_options o;
  o.min_cleanable_dirty_ratio = st.spec.config.min_cleanable_dirty_ratio;
  if (!st.compactor ||
      st.compactor->options().min_cleanable_dirty_ratio != o.min_cleanable_dirty_ratio)
    st.compactor = std::make_unique<storage::log_compactor>(st.spec.dir, o);
  if (st.armed.count(k_compaction_timer) == 0)
    arm_timer(self, k_compaction_timer, std::max<int64_t>(st.spec.cleaner_backoff_ms, 1));
}

void on_compaction_timer(partition_self self) {
  auto& st = self->state;
  if (!st.compactor || st.is_compacting)
    return configure_compaction(self);
  auto plan =
      st.compactor->plan(*st.store.log, storage::system_now_ms(), offset{st.high_watermark});
  if (!plan || !*plan) {
    if (!plan)
      actor_logger()->warn("partition {}: compaction not planned: {}", st.tp(),
                           st.compactor->last_error());
    return configure_compaction(self);
  }
  st.is_compacting = true;
  auto task = std::make_shared<storage::compaction_task>(std::move(**plan));
  run_disk(
      self, st.store.disk,
      [task]() -> bool {
        (void)task->run(); // apply() records a failed run (task->error())
        return true;
      },
      [self, task](bool ran) {
        auto& st = self->state;
        st.is_compacting = false;
        if (!ran || !task->has_run() || !st.store.log || !st.compactor || st.is_closing) {
          task->discard();
        } else if (auto done = st.compactor->apply(*st.store.log, std::move(*task)); !done) {
          actor_logger()->warn("partition {}: compaction failed: {}", st.tp(),
                               st.compactor->last_error());
        } else if (done->replaced_segments > 0) {
          actor_logger()->info("partition {}: compaction replaced {} segments, {} of {} records "
                               "kept, cleaned up to offset {}",
                               st.tp(), done->replaced_segments, done->stats.records_kept,
                               done->stats.records_read, done->cleaned_up_to.value);
        }
        configure_compaction(self);
      },
      false);
}

caf::result<close_response> handle_close(partition_self self, const close_request& req) {
  auto& st = self->state;
  auto rp = self->make_response_promise<close_response>();
  st.close_waiters.push_back(rp);
  if (st.is_closing)
    return rp; // answered with the first close
  st.is_closing = true;
  st.armed.clear(); // every periodic tick in flight is stale now
  answer_all_fetches(self, st.unavailable());
  st.store.after_flush([self, del = req.delete_data] { finish_close(self, del); });
  return rp;
}

} // namespace tributary::actors
