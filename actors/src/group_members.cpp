// group_machine: SyncGroup, Heartbeat, LeaveGroup, the timers (session, pending member,
// rebalance, pending sync), outcomes of saves, and the group checks of the offset APIs.
#include "group_machine.hpp"

#include "group_log.hpp"

namespace tributary::actors::groups {

using protocol::kafka_error;

namespace {

sync_group_response sync_error(int16_t error, std::string message) {
  sync_group_response r;
  r.error = error;
  r.error_message = std::move(message);
  return r;
}

} // namespace

std::optional<sync_group_response> group_machine::sync(const sync_group_request& req,
                                                       uint64_t waiter, effects& fx) {
  if (state_ == group_state::dead)
    return sync_error(code(kafka_error::coordinator_not_available),
                      quoted() + " is being deleted or unloaded; find its coordinator again");
  if (auto c = validate_member(req.member_id, req.group_instance_id); c.error)
    return sync_error(c.error, c.message);
  if (auto c = check_generation(req.generation_id, req.member_id); c.error)
    return sync_error(c.error, c.message);
  if ((!req.protocol_type.empty() && req.protocol_type != protocol_type_) ||
      (!req.protocol_name.empty() && req.protocol_name != protocol_name_))
    return sync_error(code(kafka_error::inconsistent_group_protocol),
                      quoted() + " runs protocol '" + protocol_type_ + "/" + protocol_name_ +
                          "'; SyncGroup named '" + req.protocol_type + "/" + req.protocol_name +
                          "'");
  auto& m = members_.at(req.member_id);
  switch (state_) {
  case group_state::empty:
    return sync_error(code(kafka_error::unknown_member_id), quoted() + " has no members");
  case group_state::preparing_rebalance:
    return sync_error(code(kafka_error::rebalance_in_progress),
                      quoted() + " is rebalancing; rejoin");
  case group_state::stable:
    pending_sync_.erase(req.member_id);
    schedule_session(m, m.session_timeout_ms, fx);
    return sync_group_response{0, "", protocol_type_, protocol_name_, m.assignment};
  default:
    break;
  }
  // CompletingRebalance: wait for the leader's assignment to be stored.
  if (m.sync_waiter)
    fx.syncs.push_back({*m.sync_waiter, sync_error(code(kafka_error::rebalance_in_progress),
                                                   "a newer SyncGroup of member '" + m.member_id +
                                                       "' replaced this one")});
  m.sync_waiter = waiter;
  pending_sync_.erase(req.member_id);
  if (req.member_id == leader_) {
    save_request s;
    s.purpose = save_purpose::assignment;
    s.generation = generation_;
    std::map<std::string, bytes> given;
    for (const auto& a : req.assignments) {
      if (members_.count(a.member_id))
        given[a.member_id] = a.assignment;
      else
        group_log()->warn("{}: leader '{}' assigned to unknown member '{}' (ignored)", quoted(),
                          leader_, a.member_id);
    }
    // Members the leader left out get an empty assignment, as in Kafka.
    for (const auto* x : ordered())
      s.assignments.push_back({x->member_id, given[x->member_id]});
    s.record = snapshot();
    s.record.state = group_state::stable;
    s.record.state_ms = now_ms_();
    for (auto& gm : s.record.members) {
      const auto& a = given[gm.member_id];
      gm.assignment.assign(a.begin(), a.end());
    }
    fx.saves.push_back(std::move(s));
  }
  return std::nullopt;
}

void group_machine::on_saved(const save_request& save, int16_t error, const std::string& message,
                             effects& fx) {
  switch (save.purpose) {
  case save_purpose::assignment:
    // A join or leave may have started another round while the save ran: then the
    // members were already told to rejoin.
    if (state_ != group_state::completing_rebalance || generation_ != save.generation)
      return;
    if (error != 0) {
      for (auto& [id, m] : members_)
        m.assignment.clear();
      propagate_assignment(error,
                           quoted() + " could not store the assignment of generation " +
                               std::to_string(generation_) + ": " + message,
                           fx);
      maybe_prepare_rebalance("storing the assignment failed", fx);
      return;
    }
    for (const auto& a : save.assignments)
      if (auto* m = find_mut(a.member_id))
        m->assignment = a.assignment;
    propagate_assignment(0, "", fx);
    transition(group_state::stable);
    group_log()->info("{}: generation {} is Stable", quoted(), generation_);
    return;
  case save_purpose::static_member:
    on_static_saved(save.revert, error, message, fx);
    return;
  case save_purpose::empty_group:
    // The previous generation stays stored: harmless, it has no live members.
    if (error != 0)
      group_log()->warn("{}: could not store the empty generation {}: {}", quoted(),
                        save.generation, message);
    return;
  }
}

heartbeat_response group_machine::heartbeat(const heartbeat_request& req, effects& fx) {
  if (state_ == group_state::dead)
    return {code(kafka_error::coordinator_not_available)};
  if (auto c = validate_member(req.member_id, req.group_instance_id); c.error)
    return {c.error};
  if (auto c = check_generation(req.generation_id, req.member_id); c.error)
    return {c.error};
  auto& m = members_.at(req.member_id);
  switch (state_) {
  case group_state::empty:
    return {code(kafka_error::unknown_member_id)};
  case group_state::preparing_rebalance:
    schedule_session(m, m.session_timeout_ms, fx);
    return {code(kafka_error::rebalance_in_progress)};
  default:
    schedule_session(m, m.session_timeout_ms, fx);
    return {};
  }
}

leave_group_response group_machine::leave(const leave_group_request& req, effects& fx) {
  leave_group_response out;
  if (state_ == group_state::dead) {
    out.error = code(kafka_error::coordinator_not_available);
    return out;
  }
  for (const auto& lm : req.members) {
    leave_group_member_result r{lm.member_id, lm.group_instance_id, 0};
    auto why = "it left" + (lm.reason.empty() ? std::string{} : " (" + lm.reason + ")");
    if (lm.member_id.empty()) {
      // Administrative removal of a static member by group.instance.id alone.
      auto it = static_members_.find(lm.group_instance_id);
      if (lm.group_instance_id.empty() || it == static_members_.end())
        r.error = code(kafka_error::unknown_member_id);
      else
        remove_member_and_update(std::string{it->second}, why, fx);
    } else if (pending_members_.erase(lm.member_id)) {
      maybe_complete_join(fx);
    } else if (auto c = validate_member(lm.member_id, lm.group_instance_id); c.error) {
      r.error = c.error;
    } else {
      remove_member_and_update(lm.member_id, why, fx);
    }
    out.members.push_back(std::move(r));
  }
  return out;
}

void group_machine::on_timer(const timer_tick& tick, effects& fx) {
  switch (static_cast<timer_kind>(tick.kind)) {
  case timer_kind::session:
    on_session_timer(tick, fx);
    return;
  case timer_kind::pending_member: {
    auto it = pending_members_.find(tick.key);
    if (it == pending_members_.end() || it->second != tick.seq)
      return;
    pending_members_.erase(it);
    group_log()->info("{}: pending member '{}' did not join again in time", quoted(), tick.key);
    maybe_complete_join(fx);
    return;
  }
  case timer_kind::join:
    on_join_timer(tick, fx);
    return;
  case timer_kind::sync:
    on_sync_timer(tick, fx);
    return;
  default:
    return;
  }
}

void group_machine::on_session_timer(const timer_tick& tick, effects& fx) {
  auto* m = find_mut(tick.key);
  if (!m || m->session_seq != tick.seq)
    return; // gone, or a later heartbeat replaced this expectation
  // Waiting for a rebalance counts as a heartbeat (the client cannot send one while its
  // JoinGroup or SyncGroup is parked); the timer is restarted when the wait ends. A member
  // that joined without an id has no such excuse: its wait is bounded.
  if (!m->is_new && (m->awaiting_join() || m->awaiting_sync()))
    return;
  auto why = m->is_new ? "its JoinGroup waited longer than " +
                             std::to_string(settings_.new_member_join_timeout_ms) + " ms"
                       : "no heartbeat within its session timeout of " +
                             std::to_string(m->session_timeout_ms) + " ms";
  remove_member_and_update(tick.key, why, fx);
}

void group_machine::on_join_timer(const timer_tick& tick, effects& fx) {
  if (tick.seq != rebalance_seq_ || state_ != group_state::preparing_rebalance)
    return;
  if (initial_delay_active_) {
    if (new_member_added_ && initial_remaining_ms_ > 0) {
      // Someone arrived during the delay: wait once more, never beyond the rebalance timeout.
      new_member_added_ = false;
      int64_t delay =
          std::min<int64_t>(settings_.initial_rebalance_delay_ms, initial_remaining_ms_);
      initial_remaining_ms_ -= delay;
      fx.timers.push_back({timer_kind::join, ++rebalance_seq_, "", delay});
      return;
    }
    initial_delay_active_ = false;
  }
  complete_join(fx);
}

void group_machine::on_sync_timer(const timer_tick& tick, effects& fx) {
  if (tick.seq != static_cast<uint64_t>(generation_) || pending_sync_.empty() ||
      (state_ != group_state::completing_rebalance && state_ != group_state::stable))
    return;
  auto missing = pending_sync_;
  std::string names;
  for (const auto& id : missing) {
    names += (names.empty() ? "'" : ", '") + id + "'";
    remove(id, "it did not send SyncGroup within the rebalance timeout", fx);
  }
  prepare_rebalance("members " + names + " never synced", fx);
}

check_result group_machine::check_commit(const offset_commit_request& req, effects& fx) {
  if (state_ == group_state::dead)
    return {code(kafka_error::coordinator_not_available),
            quoted() + " is being deleted or unloaded; find its coordinator again"};
  bool from_member =
      req.generation_id >= 0 || !req.member_id.empty() || !req.group_instance_id.empty();
  if (from_member) {
    if (!exists() && req.generation_id >= 0)
      return {code(kafka_error::illegal_generation),
              quoted() + " does not exist, so generation " + std::to_string(req.generation_id) +
                  " is stale; commit with generation -1 outside a group"};
    if (auto c = validate_member(req.member_id, req.group_instance_id); c.error)
      return c;
    if (auto c = check_generation(req.generation_id, req.member_id); c.error)
      return c;
  } else if (state_ != group_state::empty) {
    return {code(kafka_error::unknown_member_id),
            quoted() + " has members (state " + std::string(to_string(state_)) +
                "); only a member of its current generation may commit offsets"};
  }
  switch (state_) {
  case group_state::completing_rebalance:
    return {code(kafka_error::rebalance_in_progress),
            quoted() + " is completing a rebalance; commit after SyncGroup"};
  case group_state::stable:
  case group_state::preparing_rebalance:
    // A commit proves the member is alive; it learns of a rebalance from its heartbeat.
    schedule_session(members_.at(req.member_id), members_.at(req.member_id).session_timeout_ms, fx);
    return {};
  default:
    return {};
  }
}

offset_delete_plan
group_machine::plan_offset_delete(const std::vector<topic_partition_ref>& parts) const {
  offset_delete_plan plan;
  if (state_ == group_state::dead || !exists()) {
    plan.error = code(kafka_error::group_id_not_found);
    plan.message = quoted() + " does not exist";
    return plan;
  }
  if (state_ == group_state::empty) {
    plan.eligible = parts;
    return plan;
  }
  if (protocol_type_ != "consumer") {
    plan.error = code(kafka_error::non_empty_group);
    plan.message = quoted() + " has members and is not a consumer group; its offsets stay";
    return plan;
  }
  for (const auto& tp : parts) {
    // Unknown subscriptions (unparsable metadata) count as subscribed, as in Kafka.
    bool subscribed = !subscribed_topics_ || subscribed_topics_->count(tp.topic);
    if (!subscribed) {
      plan.eligible.push_back(tp);
      continue;
    }
    plan.refused.push_back({tp.topic, tp.partition, code(kafka_error::group_subscribed_to_topic),
                            "members of " + quoted() + " subscribe to topic '" + tp.topic +
                                "'; its offsets cannot be deleted while they do"});
  }
  return plan;
}

} // namespace tributary::actors::groups
