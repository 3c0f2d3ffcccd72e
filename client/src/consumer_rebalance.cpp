// The poll thread's side of group membership: group events from the member actor, the
// rebalance listener (revoked / assigned / lost, in this thread), preparing a join (eager:
// revoke everything; cooperative: keep what we own) and leaving the group.
#include "consumer_impl.hpp"

#include "caf/all.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

namespace tributary::client {

namespace {

enum class callback : uint8_t { assigned, revoked, lost };

void call_listener(consumer::impl& d, callback which, const std::vector<topic_partition>& tps) {
  if (!d.listener)
    return;
  try {
    switch (which) {
    case callback::assigned:
      d.listener->on_partitions_assigned(tps);
      break;
    case callback::revoked:
      d.listener->on_partitions_revoked(tps);
      break;
    case callback::lost:
      d.listener->on_partitions_lost(tps);
      break;
    }
  } catch (const std::exception& e) {
    consumer_logger()->error("group '{}': the rebalance listener threw: {}", d.config.group_id,
                             e.what());
  } catch (...) {
    consumer_logger()->error("group '{}': the rebalance listener threw", d.config.group_id);
  }
}

std::vector<topic_partition> owned(const consumer::impl& d) {
  std::vector<topic_partition> out;
  for (auto& [tp, st] : d.assigned)
    out.push_back(tp);
  return out;
}

void lose_everything(consumer::impl& d, const std::string& reason) {
  d.generation = -1;
  d.join_in_flight = false;
  auto all = owned(d);
  if (!all.empty()) {
    consumer_logger()->warn("group '{}': {} partitions lost ({})", d.config.group_id, all.size(),
                            reason);
    d.revoke(all, true);
  }
  if (d.mode == consumer_mode::subscribed)
    d.join_requested = true;
}

void apply_assignment(consumer::impl& d, const group_event& e) {
  d.join_in_flight = false;
  d.generation = e.generation;
  d.member_id = e.member_id;
  if (!d.pattern.empty())
    d.topics = e.topics;
  std::set<topic_partition> fresh(e.partitions.begin(), e.partitions.end());
  std::vector<topic_partition> revoked, added;
  for (auto& [tp, st] : d.assigned)
    if (!fresh.count(tp))
      revoked.push_back(tp);
  for (auto& tp : fresh)
    if (!d.assigned.count(tp))
      added.push_back(tp);
  consumer_logger()->info("group '{}' generation {}: member {} assigned {} partitions ({} new, "
                          "{} revoked)",
                          d.config.group_id, e.generation, e.member_id, fresh.size(), added.size(),
                          revoked.size());
  if (!revoked.empty()) {
    d.revoke(revoked, false);
    // Cooperative: the partitions we gave up go to their new owners in a follow-up round.
    if (d.protocol == rebalance_protocol::cooperative)
      d.join_requested = true;
  }
  d.add_partitions(added);
  d.notify_assigned(added);
}

} // namespace

void consumer::impl::process_events() {
  while (!events.empty()) {
    auto e = std::move(events.front());
    events.pop_front();
    switch (e.what) {
    case group_event::kind::assigned:
      if (mode == consumer_mode::subscribed)
        apply_assignment(*this, e);
      break;
    case group_event::kind::rejoin:
      if (!join_in_flight)
        join_requested = mode == consumer_mode::subscribed;
      break;
    case group_event::kind::lost:
      member_id = e.member_id;
      lose_everything(*this, e.reason);
      break;
    case group_event::kind::left:
      member_id.clear();
      lose_everything(*this, e.reason);
      break;
    case group_event::kind::fatal:
      join_in_flight = false;
      fatal = e.err;
      break;
    case group_event::kind::topics:
      if (!pattern.empty())
        topics = e.topics;
      break;
    }
  }
}

outcome<void> consumer::impl::maybe_join() {
  if (mode != consumer_mode::subscribed || !join_requested || join_in_flight || !member)
    return {};
  join_requested = false;
  auto mine = owned(*this);
  if (!mine.empty()) {
    if (auto_commit() && in_group())
      if (auto ok = commit_sync(all_positions(), request_timeout()); !ok)
        consumer_logger()->warn("group '{}': commit before rebalancing failed: {}", config.group_id,
                                ok.err().to_string());
    if (protocol == rebalance_protocol::eager || !in_group()) {
      revoke(mine, !in_group());
    } else {
      // Cooperative: give up only what the subscription no longer covers.
      std::vector<topic_partition> unwanted;
      if (pattern.empty() || !topics.empty())
        for (auto& tp : mine)
          if (!std::binary_search(topics.begin(), topics.end(), tp.topic))
            unwanted.push_back(tp);
      if (!unwanted.empty())
        revoke(unwanted, false);
    }
  }
  join_in_flight = true;
  member_join cmd;
  cmd.owned = owned(*this);
  cmd.generation = cmd.owned.empty() ? -1 : generation;
  cmd.reason = member_id.empty() ? "joining" : "rebalance";
  caf::anon_send(member, std::move(cmd));
  return {};
}

void consumer::impl::add_partitions(const std::vector<topic_partition>& tps) {
  for (auto& tp : tps) {
    partition_state st;
    st.source =
        config.group_id.empty() ? position_source::reset_policy : position_source::committed;
    assigned.emplace(tp, std::move(st));
  }
  if (!tps.empty()) {
    plan_dirty = true;
    position_retry_ms = 0;
  }
}

void consumer::impl::remove_partitions(const std::vector<topic_partition>& tps) {
  for (auto& tp : tps) {
    drop_data(tp);
    assigned.erase(tp);
    last_auto_commit.erase(tp);
  }
  if (!tps.empty())
    plan_dirty = true;
}

void consumer::impl::revoke(const std::vector<topic_partition>& tps, bool lost) {
  if (tps.empty())
    return;
  // The listener runs while the partitions are still assigned: it may commit their positions.
  call_listener(*this, lost ? callback::lost : callback::revoked, tps);
  remove_partitions(tps);
  send_plan();
}

void consumer::impl::notify_assigned(const std::vector<topic_partition>& tps) {
  call_listener(*this, callback::assigned, tps);
  send_plan();
}

void consumer::impl::leave_group(const std::string& reason,
                                 std::chrono::steady_clock::time_point deadline) {
  if (!member)
    return;
  // Take in what already arrived (a finished rebalance brings the current generation, which
  // the final commit needs).
  pump();
  complete_commits();
  process_events();
  auto mine = owned(*this);
  if (!mine.empty()) {
    if (auto_commit() && in_group()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (auto ok = commit_sync(all_positions(), std::max(left, std::chrono::milliseconds(1))); !ok)
        consumer_logger()->warn("group '{}': commit before leaving failed: {}", config.group_id,
                                ok.err().to_string());
    }
    revoke(mine, !in_group());
  }
  caf::anon_send(member, member_leave{reason});
  // Wait for the member to report that it left (other group events are moot now).
  bool left = false;
  while (!left && std::chrono::steady_clock::now() < deadline) {
    wait(deadline);
    complete_commits();
    while (!events.empty()) {
      left = left || events.front().what == group_event::kind::left;
      events.pop_front();
    }
  }
  generation = -1;
  member_id.clear();
  join_in_flight = false;
  join_requested = false;
}

} // namespace tributary::client
