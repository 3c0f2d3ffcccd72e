// group_machine: removing members, member validation, and the group as the store, the
// DescribeGroups answer and the inspector see it; loading, closing and deleting.
#include "group_machine.hpp"

#include "group_log.hpp"

namespace tributary::actors::groups {

using protocol::kafka_error;

void group_machine::remove(const std::string& member_id, const std::string& why, effects& fx) {
  auto it = members_.find(member_id);
  if (it == members_.end())
    return;
  auto& m = it->second;
  auto sentence = "member '" + member_id + "' was removed from " + quoted() + ": " + why;
  // A parked JoinGroup learns it must start over (Kafka answers UNKNOWN_MEMBER_ID so the
  // client rejoins without an id); a parked SyncGroup likewise.
  if (m.join_waiter) {
    join_group_response r;
    r.error = code(kafka_error::unknown_member_id);
    r.error_message = sentence;
    fx.joins.push_back({*m.join_waiter, std::move(r)});
  }
  if (m.sync_waiter) {
    sync_group_response r;
    r.error = code(kafka_error::unknown_member_id);
    r.error_message = sentence;
    fx.syncs.push_back({*m.sync_waiter, std::move(r)});
  }
  if (m.is_static()) {
    auto s = static_members_.find(m.group_instance_id);
    if (s != static_members_.end() && s->second == member_id)
      static_members_.erase(s);
  }
  pending_sync_.erase(member_id);
  members_.erase(it);
  if (leader_ == member_id) {
    auto rest = ordered();
    leader_ = rest.empty() ? std::string{} : rest.front()->member_id;
  }
  group_log()->info("{}", sentence);
}

void group_machine::remove_member_and_update(const std::string& member_id, const std::string& why,
                                             effects& fx) {
  remove(member_id, why, fx);
  switch (state_) {
  case group_state::stable:
  case group_state::completing_rebalance:
    maybe_prepare_rebalance("member '" + member_id + "' left: " + why, fx);
    break;
  case group_state::preparing_rebalance:
    maybe_complete_join(fx);
    break;
  default:
    break;
  }
}

void group_machine::propagate_assignment(int16_t error, const std::string& message, effects& fx) {
  for (auto* m : ordered()) {
    if (!m->sync_waiter)
      continue;
    sync_group_response r;
    r.error = error;
    r.error_message = message;
    if (error == 0) {
      r.protocol_type = protocol_type_;
      r.protocol_name = protocol_name_;
      r.assignment = m->assignment;
    }
    fx.syncs.push_back({*m->sync_waiter, std::move(r)});
    m->sync_waiter.reset();
    // A session that ran out while the member waited for the leader was ignored: restart it.
    schedule_session(*m, m->session_timeout_ms, fx);
  }
}

check_result group_machine::validate_member(const std::string& member_id,
                                            const std::string& instance) const {
  if (!instance.empty()) {
    auto it = static_members_.find(instance);
    if (it == static_members_.end())
      return {code(kafka_error::unknown_member_id),
              quoted() + " has no static member with group.instance.id '" + instance + "'"};
    if (it->second != member_id)
      return {code(kafka_error::fenced_instance_id),
              "group.instance.id '" + instance + "' of " + quoted() + " now belongs to member '" +
                  it->second + "'; member '" + member_id +
                  "' is fenced (another instance with the same id replaced it)"};
    return {};
  }
  if (!members_.count(member_id))
    return {code(kafka_error::unknown_member_id),
            quoted() + " has no member '" + member_id +
                "' (its session may have expired); rejoin with an empty member id"};
  return {};
}

check_result group_machine::check_generation(int32_t generation,
                                             const std::string& member_id) const {
  if (generation == generation_)
    return {};
  return {code(kafka_error::illegal_generation),
          "member '" + member_id + "' is at generation " + std::to_string(generation) + " but " +
              quoted() + " is at generation " + std::to_string(generation_) + "; rejoin"};
}

storage::metadata::group_record group_machine::snapshot() const {
  storage::metadata::group_record g;
  g.group_id = group_id_;
  g.state = state_;
  g.protocol_type = protocol_type_;
  if (!protocol_name_.empty())
    g.protocol_name = protocol_name_;
  g.generation = generation_id{generation_};
  if (!leader_.empty())
    g.leader_member = leader_;
  g.state_ms = state_ms_;
  for (const auto* m : ordered()) {
    storage::metadata::group_member gm;
    gm.member_id = m->member_id;
    if (m->is_static())
      gm.group_instance_id = m->group_instance_id;
    gm.client_id = m->client_id;
    gm.client_host = m->client_host;
    gm.session_timeout_ms = m->session_timeout_ms;
    gm.rebalance_timeout_ms = m->rebalance_timeout_ms;
    if (const auto* md = m->metadata(protocol_name_))
      gm.subscription.assign(md->begin(), md->end());
    gm.assignment.assign(m->assignment.begin(), m->assignment.end());
    g.members.push_back(std::move(gm));
  }
  return g;
}

void group_machine::load(const storage::metadata::group_record& stored, effects& fx) {
  exists_ = true;
  generation_ = stored.generation.value;
  protocol_type_ = stored.protocol_type;
  protocol_name_ = stored.protocol_name.value_or("");
  leader_ = stored.leader_member.value_or("");
  state_ms_ = stored.state_ms;
  members_.clear();
  static_members_.clear();
  for (const auto& gm : stored.members) {
    member_state m;
    m.member_id = gm.member_id;
    m.group_instance_id = gm.group_instance_id.value_or("");
    m.client_id = gm.client_id;
    m.client_host = gm.client_host;
    m.session_timeout_ms = gm.session_timeout_ms;
    m.rebalance_timeout_ms = gm.rebalance_timeout_ms;
    // Only the chosen protocol's metadata is stored (as in Kafka's group metadata log).
    if (!protocol_name_.empty())
      m.protocols.push_back(
          {protocol_name_, bytes(gm.subscription.begin(), gm.subscription.end())});
    m.assignment.assign(gm.assignment.begin(), gm.assignment.end());
    m.join_order = next_join_order_++;
    if (m.is_static())
      static_members_[m.group_instance_id] = m.member_id;
    members_.emplace(m.member_id, std::move(m));
  }
  if (members_.empty()) {
    state_ = group_state::empty;
    leader_.clear();
    compute_subscribed_topics();
    return;
  }
  if (!members_.count(leader_))
    leader_ = ordered().front()->member_id;
  // Members that come back within their session timeout continue where they were.
  state_ = group_state::stable;
  compute_subscribed_topics();
  for (auto* m : ordered())
    schedule_session(*m, m->session_timeout_ms, fx);
  bool mid_rebalance = stored.state != group_state::stable || protocol_name_.empty();
  bool over_capacity = settings_.max_size > 0 && members_.size() > size_t(settings_.max_size);
  if (mid_rebalance)
    prepare_rebalance("it was stored in state " + std::string(to_string(stored.state)), fx);
  else if (over_capacity)
    prepare_rebalance(
        "it has more members than group.max.size " + std::to_string(settings_.max_size), fx);
}

void group_machine::close(effects& fx) {
  auto sentence = "the coordinator of " + quoted() + " is shutting down; find the coordinator " +
                  "again and rejoin";
  for (auto* m : ordered()) {
    if (m->join_waiter) {
      join_group_response r;
      r.error = code(kafka_error::not_coordinator);
      r.error_message = sentence;
      r.member_id = m->member_id;
      fx.joins.push_back({*m->join_waiter, std::move(r)});
      m->join_waiter.reset();
    }
    if (m->sync_waiter) {
      sync_group_response r;
      r.error = code(kafka_error::not_coordinator);
      r.error_message = sentence;
      fx.syncs.push_back({*m->sync_waiter, std::move(r)});
      m->sync_waiter.reset();
    }
  }
  transition(group_state::dead);
}

check_result group_machine::begin_delete() {
  if (state_ == group_state::dead || !exists())
    return {code(kafka_error::group_id_not_found), quoted() + " does not exist"};
  if (state_ != group_state::empty)
    return {code(kafka_error::non_empty_group),
            quoted() + " has " + std::to_string(members_.size()) + " members (state " +
                std::string(to_string(state_)) + "); it can be deleted once every member has left"};
  transition(group_state::dead);
  return {};
}

void group_machine::abort_delete() {
  if (state_ == group_state::dead)
    transition(group_state::empty);
}

described_group group_machine::describe() const {
  described_group d;
  d.group_id = group_id_;
  if (!exists() || state_ == group_state::dead) {
    d.state = "Dead";
    return d;
  }
  d.state = std::string(to_string(state_));
  d.protocol_type = protocol_type_;
  d.generation_id = generation_;
  d.leader = leader_;
  // Like Kafka, metadata and assignments only describe a Stable group: in any other state
  // they belong to a generation that is being replaced.
  bool stable = state_ == group_state::stable;
  if (stable)
    d.protocol_name = protocol_name_;
  for (const auto* m : ordered()) {
    described_member x;
    x.member_id = m->member_id;
    x.group_instance_id = m->group_instance_id;
    x.client_id = m->client_id;
    x.client_host = m->client_host;
    if (stable) {
      if (const auto* md = m->metadata(protocol_name_))
        x.metadata = *md;
      x.assignment = m->assignment;
    }
    d.members.push_back(std::move(x));
  }
  return d;
}

std::vector<config_kv> group_machine::details() const {
  return {{"state", std::string(to_string(state_))},
          {"generation", std::to_string(generation_)},
          {"members", std::to_string(members_.size())},
          {"pending_members", std::to_string(pending_members_.size())},
          {"protocol_type", protocol_type_},
          {"protocol", protocol_name_},
          {"leader", leader_}};
}

} // namespace tributary::actors::groups
