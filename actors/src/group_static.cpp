// group_machine: static membership (KIP-345). A static member that restarts joins with its
// group.instance.id and no member id; it takes over its old place -- same assignment, no
// rebalance -- unless what the assignment depends on changed. Its previous incarnation is
// fenced (FENCED_INSTANCE_ID). KIP-814 lets a static leader learn it leads without
// reassigning.
#include "group_machine.hpp"

#include "group_log.hpp"
#include "group_subscription.hpp"

#include <algorithm>

namespace tributary::actors::groups {

using protocol::kafka_error;

void group_machine::replace_static_member(const std::string& instance, const std::string& old_id,
                                          const std::string& new_id, effects& fx) {
  auto node = members_.extract(old_id);
  if (node.empty())
    return;
  auto& m = node.mapped();
  auto sentence = "group.instance.id '" + instance + "' of " + quoted() + " rejoined as member '" +
                  new_id + "'; member '" + old_id + "' is fenced";
  if (m.join_waiter)
    fx.joins.push_back(
        {*m.join_waiter, join_error(kafka_error::fenced_instance_id, old_id, sentence)});
  if (m.sync_waiter) {
    sync_group_response r;
    r.error = code(kafka_error::fenced_instance_id);
    r.error_message = sentence;
    fx.syncs.push_back({*m.sync_waiter, std::move(r)});
  }
  m.join_waiter.reset();
  m.sync_waiter.reset();
  m.member_id = new_id;
  node.key() = new_id;
  members_.insert(std::move(node));
  if (leader_ == old_id)
    leader_ = new_id;
  if (pending_sync_.erase(old_id))
    pending_sync_.insert(new_id);
  static_members_[instance] = new_id;
}

bool group_machine::same_subscription(const std::vector<group_protocol>& before,
                                      const std::vector<group_protocol>& after) const {
  auto find_md = [&](const std::vector<group_protocol>& ps) -> const bytes* {
    for (const auto& p : ps)
      if (p.name == protocol_name_)
        return &p.metadata;
    return nullptr;
  };
  const auto* a = find_md(before);
  const auto* b = find_md(after);
  if (!a || !b)
    return false;
  if (protocol_type_ == "consumer") {
    // Compare topics, not bytes: a restarted consumer sends other owned partitions, another
    // generation or sticky user data, none of which needs a new assignment.
    auto ta = subscription_topics(*a);
    auto tb = subscription_topics(*b);
    if (ta && tb) {
      std::sort(ta->begin(), ta->end());
      std::sort(tb->begin(), tb->end());
      return *ta == *tb;
    }
  }
  return *a == *b;
}

std::optional<join_group_response>
group_machine::update_static_member(const join_group_request& req, const std::string& old_id,
                                    const std::string& new_id, uint64_t waiter, effects& fx) {
  static_revert revert;
  revert.instance_id = req.group_instance_id;
  revert.old_member_id = old_id;
  revert.new_member_id = new_id;
  revert.previous_leader = leader_;
  revert.supports_skip_assignment = req.supports_skip_assignment;
  replace_static_member(req.group_instance_id, old_id, new_id, fx);
  auto& m = members_.at(new_id);
  schedule_session(m, m.session_timeout_ms, fx);
  revert.old_protocols = m.protocols;
  revert.old_session_timeout_ms = m.session_timeout_ms;
  revert.old_rebalance_timeout_ms = m.rebalance_timeout_ms;
  update_member(m, req, waiter, fx);
  group_log()->info("{}: static member '{}' replaced member '{}' with '{}' in state {}", quoted(),
                    req.group_instance_id, old_id, new_id, to_string(state_));
  switch (state_) {
  case group_state::stable:
    if (select_protocol() == protocol_name_ &&
        same_subscription(revert.old_protocols, m.protocols)) {
      // Nothing the assignment depends on changed: persist the new member id and hand the
      // member its current assignment, no rebalance (answered in on_static_saved).
      save_request s;
      s.purpose = save_purpose::static_member;
      s.generation = generation_;
      s.record = snapshot();
      s.revert = std::move(revert);
      fx.saves.push_back(std::move(s));
    } else {
      maybe_prepare_rebalance("static member '" + req.group_instance_id +
                                  "' rejoined with another subscription or protocol",
                              fx);
    }
    break;
  case group_state::completing_rebalance:
    // The leader may be assigning to the old member id: that assignment would be lost.
    prepare_rebalance("static member '" + req.group_instance_id +
                          "' rejoined while the group completed a rebalance",
                      fx);
    break;
  default: // PreparingRebalance: the member simply takes part in the running round
    break;
  }
  return std::nullopt;
}

void group_machine::on_static_saved(const static_revert& r, int16_t error,
                                    const std::string& message, effects& fx) {
  auto* m = find_mut(r.new_member_id);
  // A rebalance that started meanwhile answers the member when it completes.
  if (!m || !m->join_waiter || state_ != group_state::stable)
    return;
  auto waiter = *m->join_waiter;
  m->join_waiter.reset();
  if (error != 0) {
    // Kafka reverts: the old member id stays valid, the new one is forgotten.
    m->protocols = r.old_protocols;
    m->session_timeout_ms = r.old_session_timeout_ms;
    m->rebalance_timeout_ms = r.old_rebalance_timeout_ms;
    replace_static_member(r.instance_id, r.new_member_id, r.old_member_id, fx);
    schedule_session(members_.at(r.old_member_id), r.old_session_timeout_ms, fx);
    fx.joins.push_back({waiter, join_error(static_cast<kafka_error>(error), "",
                                           quoted() + " could not store static member '" +
                                               r.instance_id + "': " + message)});
    return;
  }
  auto resp = current_generation(*m);
  if (r.supports_skip_assignment) {
    // KIP-814: the leader learns it leads (to watch metadata) but must not reassign.
    bool is_leader = leader_ == m->member_id;
    if (is_leader)
      resp.members = member_list();
    resp.skip_assignment = is_leader;
  } else {
    // Older clients: naming the previous leader keeps a rejoining leader from computing an
    // assignment a Stable group would ignore.
    resp.leader = r.previous_leader;
  }
  fx.joins.push_back({waiter, std::move(resp)});
}

} // namespace tributary::actors::groups
