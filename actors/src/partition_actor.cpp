// The partition actor: spawn, log open, the typed behavior and timer dispatch. The work
// behind each message lives in the partition_*.cpp files named in partition_state.hpp.
#include "partition_state.hpp"

#include "tributary/storage/topic_log_options.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

namespace tributary::actors {

using protocol::kafka_error;

kafka_failure partition_state::unavailable() const {
  if (!open_error.empty())
    return make_failure(kafka_error::kafka_storage_error,
                        "partition " + tp() + " is offline: " + open_error);
  if (is_closing)
    return make_failure(kafka_error::not_leader_or_follower, "partition " + tp() +
                                                                 " is closing on node " +
                                                                 std::to_string(spec.node_id));
  if (!is_leader)
    return make_failure(kafka_error::not_leader_or_follower,
                        "node " + std::to_string(spec.node_id) + " is not the leader of " + tp() +
                            " (leader " + std::to_string(leader_id) + ", epoch " +
                            std::to_string(leader_epoch) + ")");
  if (!store.log)
    return make_failure(kafka_error::kafka_storage_error, "partition " + tp() + " has no log");
  return {};
}

kafka_failure partition_state::check_epoch(int32_t current_leader_epoch) const {
  if (current_leader_epoch < 0 || current_leader_epoch == leader_epoch)
    return {};
  if (current_leader_epoch < leader_epoch)
    return make_failure(kafka_error::fenced_leader_epoch,
                        tp() + ": leader epoch " + std::to_string(current_leader_epoch) +
                            " is older than the current leader epoch " +
                            std::to_string(leader_epoch) + "; refresh metadata");
  return make_failure(kafka_error::unknown_leader_epoch,
                      tp() + ": leader epoch " + std::to_string(current_leader_epoch) +
                          " is newer than this leader's epoch " + std::to_string(leader_epoch) +
                          "; retry after the leader change reaches node " +
                          std::to_string(spec.node_id));
}

int64_t clock_ms(partition_self self) {
  using namespace std::chrono;
  return duration_cast<milliseconds>(self->clock().now().time_since_epoch()).count();
}

void arm_timer(partition_self self, int32_t kind, int64_t ms) {
  auto& st = self->state;
  if (st.is_closing)
    return;
  auto seq = st.next_id++;
  st.armed[kind] = seq; // a tick with an older seq is stale and ignored
  self->delayed_send(self, std::chrono::milliseconds(std::max<int64_t>(ms, 0)),
                     timer_tick{kind, seq, {}});
}

partition_status make_status(partition_self self) {
  auto& st = self->state;
  partition_status s;
  s.topic = st.spec.topic;
  s.partition = st.spec.partition;
  s.error = st.open_error.empty() ? 0 : protocol::code_of(kafka_error::kafka_storage_error);
  s.leader_id = st.leader_id;
  s.leader_epoch = st.leader_epoch;
  s.isr = st.isr;
  s.parked_fetches = static_cast<int32_t>(st.fetches.size());
  if (st.store.log) {
    s.log_start_offset = st.log_start();
    s.log_end_offset = st.log_end();
    s.high_watermark = st.high_watermark;
    s.last_stable_offset = st.high_watermark; // no transactions yet: LSO = HW
    s.size_bytes = static_cast<int64_t>(st.store.log->size_bytes());
    s.segment_count = static_cast<int32_t>(st.store.log->segments().size());
  }
  return s;
}

namespace {

actor_info make_stats(partition_self self) {
  auto& st = self->state;
  auto s = make_status(self);
  std::vector<config_kv> details{
      {"log_start_offset", std::to_string(s.log_start_offset)},
      {"log_end_offset", std::to_string(s.log_end_offset)},
      {"high_watermark", std::to_string(s.high_watermark)},
      {"size_bytes", std::to_string(s.size_bytes)},
      {"segments", std::to_string(s.segment_count)},
      {"parked_fetches", std::to_string(s.parked_fetches)},
      {"pending_acks", std::to_string(st.pending_acks.size())},
      {"producers", std::to_string(st.producers.size())},
      {"leader_epoch", std::to_string(st.leader_epoch)},
      {"isr_size", std::to_string(st.isr.size())},
      {"state", !st.open_error.empty() ? "offline"
                : st.is_closing        ? "closing"
                : st.is_leader         ? "leader"
                                       : "not leader"},
  };
  return make_actor_info(self, st.meta, std::move(details));
}

// The log is open (or failed to): start serving and arm the periodic timers.
void install(partition_self self, opened_partition opened) {
  auto& st = self->state;
  st.is_opened = true;
  if (!opened.log.error.empty()) {
    st.open_error = opened.log.error;
    actor_logger()->error("partition {}: {}", st.tp(), opened.log.error);
    return;
  }
  st.store.log = std::move(opened.log.log);
  st.store.epochs = std::move(opened.log.epochs);
  if (!install_producers(self, opened))
    return; // offline: the log stays open so that close() closes it
  // No high-watermark checkpoint yet: what recovery kept is committed (one replica).
  st.high_watermark = st.log_end();
  if (st.spec.retention_check_interval_ms > 0)
    arm_timer(self, k_retention_timer, st.spec.retention_check_interval_ms);
  configure_compaction(self);
  maybe_arm_flush_timer(self);
}

void on_timer(partition_self self, const timer_tick& t) {
  auto& st = self->state;
  if (t.kind == k_fetch_expiry)
    return expire_fetch(self, t.seq);
  if (t.kind == k_produce_timeout)
    return expire_produce(self, t.seq);
  auto it = st.armed.find(t.kind);
  if (it == st.armed.end() || it->second != t.seq || st.is_closing)
    return; // re-armed or cancelled meanwhile
  st.armed.erase(it);
  if (!st.store.log)
    return;
  switch (t.kind) {
  case k_retention_timer:
    return on_retention_timer(self);
  case k_flush_timer:
    return on_flush_timer(self);
  case k_compaction_timer:
    return on_compaction_timer(self);
  case k_isr_timer:
    return on_isr_timer(self);
  case k_producer_expiry_timer:
    return on_producer_expiry_timer(self);
  default:
    return;
  }
}

partition_actor::behavior_type partition_impl(partition_self self, partition_spec spec,
                                              partition_deps deps) {
  auto& st = self->state;
  st.spec = std::move(spec);
  st.deps = std::move(deps);
  st.store.tp = tp_name(st.spec.topic, st.spec.partition);
  st.store.dir = st.spec.dir;
  st.store.disk = st.deps.disk;
  st.leader_id = st.spec.node_id;
  st.leader_epoch = st.spec.leader_epoch;
  st.replicas = {st.spec.node_id};
  st.isr = {st.spec.node_id};
  st.meta.kind = "partition";
  st.meta.name = "partition " + st.store.tp;
  st.meta.parent = st.spec.parent;
  st.meta.node_id = st.spec.node_id;
  register_with(st.deps.inspector, self, st.meta);
  self->set_exception_handler([self](std::exception_ptr& ep) -> caf::error {
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      actor_logger()->error("partition {}: unhandled exception: {}", self->state.tp(), e.what());
    } catch (...) {
      actor_logger()->error("partition {}: unhandled exception", self->state.tp());
    }
    return caf::exit_reason::unhandled_exception;
  });
  auto opts = storage::to_log_options(st.spec.config);
  if (!st.store.disk) {
    install(self, open_partition(st.spec, opts));
  } else {
    // await: the mailbox stays suspended until the log is open, so no request sees a
    // half-initialised partition.
    auto slot = std::make_shared<opened_partition>();
    self->request(st.store.disk, k_job_timeout,
                  disk_job{[slot, spec = st.spec, opts] { *slot = open_partition(spec, opts); }})
        .await([self, slot](job_done) { install(self, std::move(*slot)); },
               [self](caf::error& err) {
                 opened_partition failed;
                 failed.log.error = "the disk worker did not open the log: " + caf::to_string(err);
                 install(self, std::move(failed));
               });
  }
  auto count = [self] { ++self->state.meta.counters.messages; };
  return {
      [=](produce_request& req) -> caf::result<produce_response> {
        count();
        return handle_produce(self, req);
      },
      [=](const partition_fetch& f) -> caf::result<fetch_partition_data> {
        count();
        return handle_fetch(self, f);
      },
      [=](const partition_list_offset& req) -> list_offsets_result {
        count();
        return handle_list_offset(self, req);
      },
      [=](const partition_delete_records& req) -> delete_records_result {
        count();
        return handle_delete_records(self, req);
      },
      [=](const replica_fetch_request& req) -> caf::result<fetch_partition_data> {
        count();
        return handle_replica_fetch(self, req);
      },
      [=](const epoch_end_offset_request& req) -> epoch_end_offset_response {
        count();
        return handle_epoch_end_offset(self, req);
      },
      [=](const truncate_request& req) -> caf::result<partition_status> {
        count();
        return handle_truncate(self, req);
      },
      [=](const leadership_change& lc) -> partition_status {
        count();
        return handle_leadership_change(self, lc);
      },
      [=](const partition_status_request&) -> partition_status {
        count();
        return make_status(self);
      },
      [=](const topic_config_update& u) -> resource_result {
        count();
        return handle_config_update(self, u);
      },
      [=](const close_request& req) -> caf::result<close_response> {
        count();
        auto& st = self->state;
        if (!st.is_closing && !req.delete_data && st.open_error.empty())
          save_producer_snapshot(self); // queued before the close job on the disk worker
        return handle_close(self, req);
      },
      [=](const stats_request&) -> actor_info { return make_stats(self); },
      [=](const timer_tick& t) { on_timer(self, t); },
  };
}

} // namespace

partition_actor spawn_partition(caf::actor_system& sys, partition_spec spec, partition_deps deps) {
  return sys.spawn(partition_impl, std::move(spec), std::move(deps));
}

} // namespace tributary::actors
