// The follower replica actor: spawn, log open, behavior (leadership changes, status, stats,
// close). The fetch loop is in replica_fetcher.cpp.
#include "replica_state.hpp"

#include "tributary/storage/topic_log_options.hpp"

#include <spdlog/spdlog.h>

namespace tributary::actors {

using protocol::kafka_error;

namespace {

partition_status replica_status(replica_self self) {
  auto& st = self->state;
  partition_status s;
  s.topic = st.spec.topic;
  s.partition = st.spec.partition;
  s.error = st.open_error.empty() ? 0 : protocol::code_of(kafka_error::kafka_storage_error);
  s.leader_id = st.leader_id;
  s.leader_epoch = st.leader_epoch;
  if (st.store.log) {
    s.log_start_offset = st.store.log->log_start_offset().value;
    s.log_end_offset = st.store.log->log_end_offset().value;
    s.high_watermark = st.high_watermark;
    s.last_stable_offset = st.high_watermark;
    s.size_bytes = static_cast<int64_t>(st.store.log->size_bytes());
    s.segment_count = static_cast<int32_t>(st.store.log->segments().size());
  }
  return s;
}

actor_info replica_stats(replica_self self) {
  auto& st = self->state;
  auto s = replica_status(self);
  std::vector<config_kv> details{
      {"log_start_offset", std::to_string(s.log_start_offset)},
      {"log_end_offset", std::to_string(s.log_end_offset)},
      {"high_watermark", std::to_string(s.high_watermark)},
      {"size_bytes", std::to_string(s.size_bytes)},
      {"leader_id", std::to_string(st.leader_id)},
      {"leader_epoch", std::to_string(st.leader_epoch)},
      {"fetches", std::to_string(st.fetches)},
      {"state", !st.open_error.empty()                        ? "offline"
                : st.is_closing                               ? "closing"
                : st.step == replica_state::phase::truncating ? "truncating"
                                                              : "fetching"},
      {"last_error", st.last_error},
  };
  return make_actor_info(self, st.meta, std::move(details));
}

void install(replica_self self, opened_log opened) {
  auto& st = self->state;
  if (!opened.error.empty()) {
    st.open_error = opened.error;
    actor_logger()->error("replica {} of {}: {}", st.spec.node_id, st.store.tp, opened.error);
    return;
  }
  st.store.log = std::move(opened.log);
  st.store.epochs = std::move(opened.epochs);
  st.step = replica_state::phase::truncating; // whatever we hold may diverge from the leader
  replica_step(self);
}

partition_status on_leadership_change(replica_self self, const leadership_change& lc) {
  auto& st = self->state;
  if (lc.leader_epoch < st.leader_epoch || lc.leader_id == st.spec.node_id) {
    auto s = replica_status(self);
    s.error = protocol::code_of(lc.leader_epoch < st.leader_epoch
                                    ? kafka_error::fenced_leader_epoch
                                    : kafka_error::invalid_request); // followers do not lead
    return s;
  }
  if (lc.leader_epoch > st.leader_epoch || lc.leader_id != st.leader_id) {
    st.leader_epoch = lc.leader_epoch;
    st.leader_id = lc.leader_id;
    ++st.generation; // the answer to a request in flight belongs to the old leader
    ++st.retry_seq;  // and so does a pending retry
    st.step = replica_state::phase::truncating;
    replica_step(self);
  }
  return replica_status(self);
}

void finish_close(replica_self self, bool delete_data) {
  auto& st = self->state;
  std::shared_ptr<storage::partition_log> log{std::move(st.store.log)};
  run_disk(
      self, st.store.disk,
      [log, delete_data, dir = st.spec.dir, tp = st.store.tp] {
        return close_local_log(log, delete_data, dir, tp);
      },
      [self](const std::string& err) {
        auto& st = self->state;
        close_response resp;
        if (!err.empty()) {
          resp.error = protocol::code_of(kafka_error::kafka_storage_error);
          resp.error_message = err;
        }
        for (auto& w : st.close_waiters)
          w.deliver(resp);
        st.close_waiters.clear();
        self->quit();
      },
      std::string{"close of " + st.store.tp + ": the disk worker is gone or timed out"});
}

caf::result<close_response> on_close(replica_self self, const close_request& req) {
  auto& st = self->state;
  auto rp = self->make_response_promise<close_response>();
  st.close_waiters.push_back(rp);
  if (st.is_closing)
    return rp;
  st.is_closing = true;
  ++st.retry_seq;
  st.store.after_flush([self, del = req.delete_data] { finish_close(self, del); });
  return rp;
}

replica_actor::behavior_type replica_impl(replica_self self, replica_spec spec,
                                          partition_deps deps) {
  auto& st = self->state;
  st.spec = std::move(spec);
  st.deps = std::move(deps);
  st.store.tp = tp_name(st.spec.topic, st.spec.partition);
  st.store.dir = st.spec.dir;
  st.store.disk = st.deps.disk;
  st.leader_epoch = st.spec.leader_epoch;
  st.leader_id = st.spec.leader_id;
  st.meta.kind = "replica";
  st.meta.name = "replica " + st.store.tp + " on node " + std::to_string(st.spec.node_id);
  st.meta.parent = st.spec.parent;
  st.meta.node_id = st.spec.node_id;
  register_with(st.deps.inspector, self, st.meta);
  auto opts = storage::to_log_options(st.spec.config);
  if (!st.store.disk) {
    install(self, open_local_log(st.spec.dir, opts));
  } else {
    auto slot = std::make_shared<opened_log>();
    self->request(st.store.disk, k_job_timeout,
                  disk_job{[slot, dir = st.spec.dir, opts] { *slot = open_local_log(dir, opts); }})
        .await([self, slot](job_done) { install(self, std::move(*slot)); },
               [self](caf::error& err) {
                 opened_log failed;
                 failed.error = "the disk worker did not open the log: " + caf::to_string(err);
                 install(self, std::move(failed));
               });
  }
  return {
      [=](const leadership_change& lc) -> partition_status {
        ++self->state.meta.counters.messages;
        return on_leadership_change(self, lc);
      },
      [=](const partition_status_request&) -> partition_status {
        ++self->state.meta.counters.messages;
        return replica_status(self);
      },
      [=](const close_request& req) -> caf::result<close_response> {
        ++self->state.meta.counters.messages;
        return on_close(self, req);
      },
      [=](const stats_request&) -> actor_info { return replica_stats(self); },
      [=](const timer_tick& t) { replica_on_timer(self, t); },
  };
}

} // namespace

replica_actor spawn_follower_replica(caf::actor_system& sys, replica_spec spec,
                                     partition_deps deps) {
  return sys.spawn(replica_impl, std::move(spec), std::move(deps));
}

} // namespace tributary::actors
