// The leader side of replication: follower fetches (a follower's fetch offset is its log end
// offset), the high watermark as the minimum log end offset of the in-sync replicas, ISR
// shrink and expand with replica.lag.time.max.ms, leader epochs (leadership changes and
// OffsetsForLeaderEpoch for followers that must truncate).
#include "partition_state.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace tributary::actors {

using protocol::kafka_error;

namespace {

bool contains(const std::vector<int32_t>& v, int32_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

std::string list(const std::vector<int32_t>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i)
    out += (i ? ", " : "") + std::to_string(v[i]);
  return out + "]";
}

void arm_isr_timer(partition_self self) {
  auto& st = self->state;
  if (st.is_leader && !st.followers.empty() && st.armed.count(k_isr_timer) == 0)
    arm_timer(self, k_isr_timer, std::max<int64_t>(st.spec.replica_lag_time_max_ms / 2, 1));
}

} // namespace

caf::result<fetch_partition_data> handle_replica_fetch(partition_self self,
                                                       const replica_fetch_request& req) {
  partition_fetch f;
  f.replica_id = req.replica_id;
  f.fetch_offset = req.fetch_offset;
  f.max_bytes = req.max_bytes;
  f.min_bytes = 1;
  f.max_wait_ms = req.max_wait_ms;
  f.current_leader_epoch = req.current_leader_epoch;
  if (req.replica_id < 0) {
    fetch_partition_data d;
    d.topic = self->state.spec.topic;
    d.partition = self->state.spec.partition;
    d.error = protocol::code_of(kafka_error::invalid_request);
    d.error_message = "replica fetch on " + self->state.tp() + " without a replica id";
    ++self->state.meta.counters.errors;
    return d;
  }
  return handle_fetch(self, f);
}

void note_follower_fetch(partition_self self, int32_t replica_id, int64_t fetch_offset) {
  auto& st = self->state;
  auto it = st.followers.find(replica_id);
  int64_t end = st.log_end();
  if (it == st.followers.end() || fetch_offset > end || fetch_offset < 0)
    return; // out of range: the follower gets an error and truncates first
  auto& f = it->second;
  int64_t now = clock_ms(self);
  // Kafka's lastCaughtUpTime: caught up now, or at its previous fetch if it has reached
  // what the leader had then.
  if (fetch_offset >= end)
    f.last_caught_up_ms = now;
  else if (f.leader_end_at_last_fetch >= 0 && fetch_offset >= f.leader_end_at_last_fetch)
    f.last_caught_up_ms = std::max(f.last_caught_up_ms, f.last_fetch_ms);
  f.leader_end_at_last_fetch = end;
  f.last_fetch_ms = now;
  f.log_end_offset = fetch_offset;
  if (!contains(st.isr, replica_id) && fetch_offset >= st.high_watermark) {
    st.isr.push_back(replica_id);
    actor_logger()->info("partition {}: replica {} caught up (offset {}); ISR is now {}", st.tp(),
                         replica_id, fetch_offset, list(st.isr));
  }
  update_high_watermark(self);
}

void update_high_watermark(partition_self self) {
  auto& st = self->state;
  if (!st.store.log || !st.is_leader)
    return;
  int64_t hw = st.log_end();
  for (auto id : st.isr) {
    if (id == st.spec.node_id)
      continue;
    auto it = st.followers.find(id);
    hw = std::min(hw, it == st.followers.end() ? -1 : it->second.log_end_offset);
  }
  if (hw <= st.high_watermark)
    return; // the high watermark never moves back (except by truncation)
  st.high_watermark = hw;
  wake_fetches(self);
  complete_acks(self);
}

void on_isr_timer(partition_self self) {
  auto& st = self->state;
  int64_t now = clock_ms(self);
  std::vector<int32_t> out;
  for (auto it = st.isr.begin(); it != st.isr.end();) {
    auto f = st.followers.find(*it);
    if (*it != st.spec.node_id && f != st.followers.end() &&
        now - f->second.last_caught_up_ms > st.spec.replica_lag_time_max_ms) {
      out.push_back(*it);
      it = st.isr.erase(it);
    } else {
      ++it;
    }
  }
  if (!out.empty()) {
    actor_logger()->info("partition {}: replicas {} fell behind for more than {} ms "
                         "(replica.lag.time.max.ms); ISR is now {}",
                         st.tp(), list(out), st.spec.replica_lag_time_max_ms, list(st.isr));
    update_high_watermark(self);
  }
  arm_isr_timer(self);
}

partition_status handle_leadership_change(partition_self self, const leadership_change& lc) {
  auto& st = self->state;
  if (lc.leader_epoch < st.leader_epoch) {
    auto s = make_status(self);
    s.error = protocol::code_of(kafka_error::fenced_leader_epoch);
    return s;
  }
  bool is_new_epoch = lc.leader_epoch > st.leader_epoch;
  int64_t now = clock_ms(self);
  st.leader_id = lc.leader_id;
  st.leader_epoch = lc.leader_epoch;
  st.is_leader = lc.leader_id == st.spec.node_id;
  st.replicas = lc.replicas.empty() ? std::vector<int32_t>{st.spec.node_id} : lc.replicas;
  st.isr.clear();
  for (auto id : lc.isr)
    if (contains(st.replicas, id) && !contains(st.isr, id))
      st.isr.push_back(id);
  if (st.is_leader && !contains(st.isr, st.spec.node_id))
    st.isr.insert(st.isr.begin(), st.spec.node_id);
  std::map<int32_t, follower_state> followers;
  for (auto id : st.replicas) {
    if (id == st.spec.node_id)
      continue;
    auto old = st.followers.find(id);
    if (!is_new_epoch && old != st.followers.end()) {
      followers[id] = old->second;
    } else {
      follower_state f; // a new epoch starts from scratch: the follower must fetch again
      if (contains(st.isr, id))
        f.last_caught_up_ms = now;
      followers[id] = f;
    }
  }
  st.followers = std::move(followers);
  actor_logger()->info("partition {}: leader {} epoch {}, replicas {}, ISR {}", st.tp(),
                       st.leader_id, st.leader_epoch, list(st.replicas), list(st.isr));
  if (!st.is_leader) {
    st.armed.erase(k_isr_timer);
    auto why = st.unavailable();
    answer_all_fetches(self, why);
    for (auto& [id, p] : st.pending_acks) {
      auto resp = p.response;
      resp.error = why.code;
      resp.error_message = why.message;
      p.rp.deliver(resp);
    }
    st.pending_acks.clear();
    return make_status(self);
  }
  // Parked fetches of an older (or newer) epoch get their epoch error now.
  auto stale = st.fetches.take_if([&st](const partition_fetch& f) {
    return f.current_leader_epoch >= 0 && f.current_leader_epoch != st.leader_epoch;
  });
  for (auto& p : stale)
    p.rp.deliver(read_for(self, p.request));
  arm_isr_timer(self);
  update_high_watermark(self); // the ISR may have shrunk
  return make_status(self);
}

epoch_end_offset_response handle_epoch_end_offset(partition_self self,
                                                  const epoch_end_offset_request& req) {
  auto& st = self->state;
  epoch_end_offset_response r;
  auto f = st.unavailable();
  if (!f)
    f = st.check_epoch(req.current_leader_epoch);
  if (f) {
    ++st.meta.counters.errors;
    r.error = f.code;
    r.error_message = f.message;
    return r;
  }
  if (req.leader_epoch == st.leader_epoch && st.store.epochs.latest_epoch() < st.leader_epoch) {
    // The current epoch has not appended yet: it ends (so far) at the log end.
    r.leader_epoch = st.leader_epoch;
    r.end_offset = st.log_end();
    return r;
  }
  auto [epoch, end] = st.store.epochs.end_offset_for(req.leader_epoch, st.log_end());
  r.leader_epoch = epoch;
  r.end_offset = end;
  return r;
}

void note_appended(partition_self self, const std::byte* data, size_t size) {
  if (self->state.store.epochs.note_batches(data, size))
    persist_epochs(self);
}

} // namespace tributary::actors
