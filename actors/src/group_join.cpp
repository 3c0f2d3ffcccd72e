// group_machine: JoinGroup -- checks (session timeout, group.max.size, protocols), new
// dynamic members (with MEMBER_ID_REQUIRED), known members rejoining; static members that
// come back without a member id continue in group_static.cpp (Kafka's GroupCoordinator).
#include "group_machine.hpp"

#include <algorithm>

namespace tributary::actors::groups {

using protocol::kafka_error;

join_group_response join_error(kafka_error e, std::string member_id, std::string message) {
  join_group_response r;
  r.error = code(e);
  r.error_message = std::move(message);
  r.member_id = std::move(member_id);
  return r;
}

namespace {

// JoinGroup v8+ carries the client's reason for rejoining: worth a place in the log line.
std::string client_reason(const join_group_request& req) {
  return req.reason.empty() ? std::string{} : "; client reason: " + req.reason;
}

std::string names_of(const std::vector<group_protocol>& ps) {
  std::string out = "[";
  for (size_t i = 0; i < ps.size(); ++i)
    out += (i ? ", " : "") + ps[i].name;
  return out + "]";
}

bool same_protocols(const std::vector<group_protocol>& a, const std::vector<group_protocol>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
    return x.name == y.name && x.metadata == y.metadata;
  });
}

} // namespace

std::optional<join_group_response> group_machine::join(const join_group_request& req,
                                                       uint64_t waiter, effects& fx) {
  if (state_ == group_state::dead)
    return join_error(kafka_error::coordinator_not_available, req.member_id,
                      quoted() + " is being deleted or unloaded; find its coordinator again");
  if (req.session_timeout_ms < settings_.min_session_timeout_ms ||
      req.session_timeout_ms > settings_.max_session_timeout_ms)
    return join_error(kafka_error::invalid_session_timeout, req.member_id,
                      "session.timeout.ms " + std::to_string(req.session_timeout_ms) +
                          " is outside the broker's range [" +
                          std::to_string(settings_.min_session_timeout_ms) + ", " +
                          std::to_string(settings_.max_session_timeout_ms) +
                          "] (group.min.session.timeout.ms, group.max.session.timeout.ms)");
  if (!accept_joining_member(req.member_id)) {
    if (members_.count(req.member_id))
      remove_member_and_update(req.member_id, "the group is at group.max.size", fx);
    return join_error(kafka_error::group_max_size_reached, "",
                      quoted() + " already has the most members group.max.size allows (" +
                          std::to_string(settings_.max_size) + ")");
  }
  auto out = req.member_id.empty() ? join_new_member(req, waiter, fx)
                                   : join_current_member(req, waiter, fx);
  if (state_ == group_state::preparing_rebalance)
    maybe_complete_join(fx);
  return out;
}

bool group_machine::accept_joining_member(const std::string& member_id) const {
  if (settings_.max_size <= 0)
    return true;
  auto max = static_cast<size_t>(settings_.max_size);
  const auto* m = member_id.empty() ? nullptr : find(member_id);
  switch (state_) {
  case group_state::preparing_rebalance: {
    // Counting members that already rejoined (not the group size) lets the last ones to
    // rejoin be turned away when group.max.size was lowered.
    size_t awaiting = pending_members_.size();
    for (const auto& [id, x] : members_)
      awaiting += x.awaiting_join() ? 1 : 0;
    return (m && m->awaiting_join()) || awaiting < max;
  }
  case group_state::completing_rebalance:
  case group_state::stable:
    return m || members_.size() < max;
  default:
    return true;
  }
}

std::string group_machine::inconsistent_protocol_message(const join_group_request& req) const {
  if (state_ == group_state::empty)
    return "a JoinGroup to " + quoted() + " needs a protocol type and at least one protocol (got " +
           "type '" + req.protocol_type + "' with " + names_of(req.protocols) + ")";
  return quoted() + " runs protocol type '" + protocol_type_ +
         "' and none of the offered protocols is supported by every member; the member offered " +
         "type '" + req.protocol_type + "' with " + names_of(req.protocols);
}

std::optional<join_group_response> group_machine::join_new_member(const join_group_request& req,
                                                                  uint64_t waiter, effects& fx) {
  if (!supports_protocols(req.protocol_type, req.protocols))
    return join_error(kafka_error::inconsistent_group_protocol, "",
                      inconsistent_protocol_message(req));
  const auto& instance = req.group_instance_id;
  auto new_id = (instance.empty() ? req.client_id : instance) + "-" + uuid_();
  if (!instance.empty()) {
    auto it = static_members_.find(instance);
    if (it != static_members_.end())
      return update_static_member(req, it->second, new_id, waiter, fx);
    return add_member_and_rebalance(req, new_id, waiter, fx);
  }
  if (req.require_known_member_id) {
    // The id is remembered for one session timeout; the member joins again with it, so a
    // client whose first JoinGroup timed out does not leave a phantom member behind.
    exists_ = true;
    auto seq = ++timer_seq_;
    pending_members_[new_id] = seq;
    fx.timers.push_back({timer_kind::pending_member, seq, new_id, req.session_timeout_ms});
    return join_error(kafka_error::member_id_required, new_id,
                      "join " + quoted() + " again with the member id of this response");
  }
  return add_member_and_rebalance(req, new_id, waiter, fx);
}

std::optional<join_group_response>
group_machine::join_current_member(const join_group_request& req, uint64_t waiter, effects& fx) {
  const auto& id = req.member_id;
  if (!supports_protocols(req.protocol_type, req.protocols))
    return join_error(kafka_error::inconsistent_group_protocol, id,
                      inconsistent_protocol_message(req));
  if (pending_members_.count(id)) {
    if (!req.group_instance_id.empty())
      return join_error(
          kafka_error::invalid_request, id,
          "member id '" + id + "' of " + quoted() +
              " was handed to a dynamic member; a static member (group.instance.id '" +
              req.group_instance_id + "') joins with an empty member id");
    return add_member_and_rebalance(req, id, waiter, fx);
  }
  if (auto check = validate_member(id, req.group_instance_id); check.error)
    return join_error(static_cast<kafka_error>(check.error), id, check.message);
  auto& m = members_.at(id);
  auto rejoin = [&](const std::string& why) -> std::optional<join_group_response> {
    update_member(m, req, waiter, fx);
    maybe_prepare_rebalance(why + client_reason(req), fx);
    return std::nullopt;
  };
  switch (state_) {
  case group_state::preparing_rebalance:
    return rejoin("member '" + id + "' rejoins");
  case group_state::completing_rebalance:
    if (same_protocols(m.protocols, req.protocols)) {
      // The member lost our JoinGroup answer: repeat it.
      auto r = current_generation(m);
      if (id == leader_)
        r.members = member_list();
      return r;
    }
    return rejoin("member '" + id + "' changed its protocols");
  case group_state::stable:
    // The leader's JoinGroup always rebalances: it is how a leader reacts to changes that
    // are not in any member's metadata (new partitions of a subscribed topic).
    if (id == leader_)
      return rejoin("leader '" + id + "' rejoins");
    if (!same_protocols(m.protocols, req.protocols))
      return rejoin("member '" + id + "' changed its protocols");
    return current_generation(m);
  default:
    return join_error(kafka_error::unknown_member_id, id,
                      quoted() + " is " + std::string(to_string(state_)) + " and has no member '" +
                          id + "'; rejoin with an empty member id");
  }
}

std::optional<join_group_response>
group_machine::add_member_and_rebalance(const join_group_request& req, const std::string& member_id,
                                        uint64_t waiter, effects& fx) {
  exists_ = true;
  member_state m;
  m.member_id = member_id;
  m.group_instance_id = req.group_instance_id;
  m.client_id = req.client_id;
  m.client_host = req.client_host;
  m.session_timeout_ms = req.session_timeout_ms;
  m.rebalance_timeout_ms =
      req.rebalance_timeout_ms > 0 ? req.rebalance_timeout_ms : req.session_timeout_ms;
  m.protocols = req.protocols;
  m.is_new = true;
  m.join_waiter = waiter;
  m.join_order = next_join_order_++;
  if (state_ == group_state::preparing_rebalance && initial_delay_active_)
    new_member_added_ = true;
  if (members_.empty())
    protocol_type_ = req.protocol_type;
  if (leader_.empty())
    leader_ = member_id;
  pending_members_.erase(member_id);
  if (m.is_static())
    static_members_[m.group_instance_id] = member_id;
  auto& added = members_.emplace(member_id, std::move(m)).first->second;
  // A member without an id cannot heartbeat while its JoinGroup waits: bound the wait.
  schedule_session(added, settings_.new_member_join_timeout_ms, fx);
  maybe_prepare_rebalance("member '" + member_id + "' joins" + client_reason(req), fx);
  return std::nullopt;
}

void group_machine::update_member(member_state& m, const join_group_request& req,
                                  std::optional<uint64_t> waiter, effects& fx) {
  if (m.join_waiter && waiter && *m.join_waiter != *waiter)
    fx.joins.push_back({*m.join_waiter, join_error(kafka_error::rebalance_in_progress, m.member_id,
                                                   "a newer JoinGroup of member '" + m.member_id +
                                                       "' replaced this one")});
  m.protocols = req.protocols;
  m.session_timeout_ms = req.session_timeout_ms;
  m.rebalance_timeout_ms =
      req.rebalance_timeout_ms > 0 ? req.rebalance_timeout_ms : req.session_timeout_ms;
  m.join_waiter = waiter;
}

} // namespace tributary::actors::groups
