// group_machine: membership bookkeeping, rebalance rounds (prepare / complete), protocol
// selection and the views the actor persists or reports. The JoinGroup paths live in
// group_join.cpp, SyncGroup / Heartbeat / LeaveGroup / timers / offsets in group_members.cpp.
#include "group_machine.hpp"

#include "group_log.hpp"
#include "group_subscription.hpp"

#include <algorithm>
#include <chrono>
#include <random>

namespace tributary::actors::groups {

using protocol::kafka_error;

int16_t code(kafka_error e) {
  return protocol::code_of(e);
}

namespace {

std::string random_uuid() {
  std::random_device rd;
  uint8_t b[16];
  for (int i = 0; i < 16; i += 4) {
    auto r = rd();
    for (int k = 0; k < 4; ++k)
      b[i + k] = static_cast<uint8_t>(r >> (8 * k));
  }
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40); // version 4
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80); // RFC 4122 variant
  constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10)
      out += '-';
    out += hex[b[i] >> 4];
    out += hex[b[i] & 0x0f];
  }
  return out;
}

int64_t system_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace

const bytes* member_state::metadata(const std::string& protocol) const {
  for (const auto& p : protocols)
    if (p.name == protocol)
      return &p.metadata;
  return nullptr;
}

group_machine::group_machine(std::string group_id, group_settings settings, id_source uuid,
                             wall_clock now_ms)
    : group_id_(std::move(group_id)), settings_(settings),
      uuid_(uuid ? std::move(uuid) : id_source{random_uuid}),
      now_ms_(now_ms ? std::move(now_ms) : wall_clock{system_ms}) {
  state_ms_ = now_ms_();
}

const member_state* group_machine::find(const std::string& member_id) const {
  auto it = members_.find(member_id);
  return it == members_.end() ? nullptr : &it->second;
}

member_state* group_machine::find_mut(const std::string& member_id) {
  auto it = members_.find(member_id);
  return it == members_.end() ? nullptr : &it->second;
}

std::vector<member_state*> group_machine::ordered() {
  std::vector<member_state*> out;
  for (auto& [id, m] : members_)
    out.push_back(&m);
  std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->join_order < b->join_order; });
  return out;
}

std::vector<const member_state*> group_machine::ordered() const {
  std::vector<const member_state*> out;
  for (const auto& [id, m] : members_)
    out.push_back(&m);
  std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->join_order < b->join_order; });
  return out;
}

void group_machine::transition(group_state s) {
  state_ = s;
  state_ms_ = now_ms_();
}

void group_machine::schedule_session(member_state& m, int64_t timeout_ms, effects& fx) {
  // A new seq makes every earlier session timer of the member stale: that is how a
  // heartbeat "completes" the previous expectation (Kafka's DelayedHeartbeat).
  m.session_seq = ++timer_seq_;
  fx.timers.push_back({timer_kind::session, m.session_seq, m.member_id, timeout_ms});
}

int32_t group_machine::rebalance_timeout() const {
  int32_t out = 0;
  for (const auto& [id, m] : members_)
    out = std::max(out, m.rebalance_timeout_ms);
  return out;
}

void group_machine::maybe_prepare_rebalance(const std::string& reason, effects& fx) {
  if (state_ == group_state::stable || state_ == group_state::completing_rebalance ||
      state_ == group_state::empty)
    prepare_rebalance(reason, fx);
}

void group_machine::prepare_rebalance(const std::string& reason, effects& fx) {
  if (state_ == group_state::completing_rebalance) {
    // Members waiting for their assignment must rejoin instead.
    for (auto& [id, m] : members_)
      m.assignment.clear();
    propagate_assignment(code(kafka_error::rebalance_in_progress),
                         quoted() + " is rebalancing again (" + reason + "); rejoin", fx);
  }
  pending_sync_.clear();
  bool from_empty = state_ == group_state::empty;
  transition(group_state::preparing_rebalance);
  ++rebalance_seq_;
  group_log()->info("{}: preparing to rebalance from generation {} ({})", quoted(), generation_,
                    reason);
  int64_t timeout = rebalance_timeout();
  if (from_empty && settings_.initial_rebalance_delay_ms > 0) {
    // Kafka's InitialDelayedJoin: give the other members of a starting group a moment to
    // arrive, so they share one generation instead of rebalancing once per member.
    initial_delay_active_ = true;
    new_member_added_ = false;
    int64_t delay = settings_.initial_rebalance_delay_ms;
    initial_remaining_ms_ = std::max<int64_t>(timeout - delay, 0);
    fx.timers.push_back({timer_kind::join, rebalance_seq_, "", delay});
    return;
  }
  initial_delay_active_ = false;
  fx.timers.push_back({timer_kind::join, rebalance_seq_, "", timeout});
  maybe_complete_join(fx);
}

bool group_machine::all_members_joined() const {
  if (!pending_members_.empty())
    return false;
  for (const auto& [id, m] : members_)
    if (!m.awaiting_join())
      return false;
  return true;
}

void group_machine::maybe_complete_join(effects& fx) {
  if (state_ == group_state::preparing_rebalance && !initial_delay_active_ && all_members_joined())
    complete_join(fx);
}

void group_machine::complete_join(effects& fx) {
  // Dynamic members that did not rejoin in time are gone; static ones keep their place until
  // their session expires, so a restarting static member does not cost a rebalance.
  std::vector<std::string> gone;
  for (const auto& [id, m] : members_)
    if (!m.awaiting_join() && !m.is_static())
      gone.push_back(id);
  for (const auto& id : gone)
    remove(id, "it did not rejoin within the rebalance timeout", fx);
  if (state_ == group_state::dead)
    return;
  if (!elect_joined_leader() && !members_.empty()) {
    group_log()->warn("{}: no member rejoined; waiting another {} ms for their sessions to expire",
                      quoted(), rebalance_timeout());
    fx.timers.push_back({timer_kind::join, ++rebalance_seq_, "", rebalance_timeout()});
    return;
  }
  initial_delay_active_ = false;
  init_next_generation();
  if (state_ == group_state::empty) {
    group_log()->info("{}: generation {} is empty", quoted(), generation_);
    fx.saves.push_back({save_purpose::empty_group, generation_, snapshot(), {}, {}});
    return;
  }
  group_log()->info("{}: generation {} with {} members, protocol '{}', leader '{}'", quoted(),
                    generation_, members_.size(), protocol_name_, leader_);
  auto list = member_list();
  for (auto* m : ordered()) {
    if (m->join_waiter) {
      auto r = current_generation(*m);
      if (m->member_id == leader_)
        r.members = list;
      fx.joins.push_back({*m->join_waiter, std::move(r)});
      m->join_waiter.reset();
    }
    schedule_session(*m, m->session_timeout_ms, fx);
    m->is_new = false;
    pending_sync_.insert(m->member_id);
  }
  // Members that never send SyncGroup must not hold the generation forever.
  fx.timers.push_back(
      {timer_kind::sync, static_cast<uint64_t>(generation_), "", rebalance_timeout()});
}

bool group_machine::elect_joined_leader() {
  if (leader_.empty())
    return false;
  if (auto* l = find_mut(leader_); l && l->awaiting_join())
    return true;
  for (auto* m : ordered())
    if (m->awaiting_join()) {
      leader_ = m->member_id;
      return true;
    }
  return false;
}

void group_machine::init_next_generation() {
  ++generation_;
  if (!members_.empty()) {
    protocol_name_ = select_protocol();
    compute_subscribed_topics();
    transition(group_state::completing_rebalance);
  } else {
    protocol_name_.clear();
    leader_.clear();
    compute_subscribed_topics();
    transition(group_state::empty);
  }
  pending_sync_.clear();
}

std::string group_machine::select_protocol() const {
  // Candidates: protocols every member supports. Each member votes for its most preferred
  // candidate; the most votes win, ties go to the protocol voted for first (join order).
  std::map<std::string, size_t> support;
  for (const auto& [id, m] : members_) {
    std::set<std::string> names;
    for (const auto& p : m.protocols)
      names.insert(p.name);
    for (const auto& n : names)
      ++support[n];
  }
  std::vector<std::pair<std::string, size_t>> votes;
  for (const auto* m : ordered())
    for (const auto& p : m->protocols)
      if (support[p.name] == members_.size()) {
        auto it = std::find_if(votes.begin(), votes.end(),
                               [&](const auto& v) { return v.first == p.name; });
        if (it == votes.end())
          votes.emplace_back(p.name, 1);
        else
          ++it->second;
        break;
      }
  std::string best;
  size_t most = 0;
  for (const auto& [name, n] : votes)
    if (n > most) {
      best = name;
      most = n;
    }
  return best;
}

bool group_machine::supports_protocols(const std::string& type,
                                       const std::vector<group_protocol>& ps) const {
  if (state_ == group_state::empty)
    return !type.empty() && !ps.empty();
  if (type != protocol_type_)
    return false;
  for (const auto& p : ps) {
    size_t n = 0;
    for (const auto& [id, m] : members_)
      if (m.metadata(p.name))
        ++n;
    if (n == members_.size())
      return true;
  }
  return false;
}

void group_machine::compute_subscribed_topics() {
  if (protocol_type_ != "consumer") {
    subscribed_topics_.reset();
    return;
  }
  if (members_.empty()) {
    subscribed_topics_ = std::set<std::string>{};
    return;
  }
  std::vector<const bytes*> blobs;
  for (const auto& [id, m] : members_)
    blobs.push_back(m.metadata(protocol_name_));
  subscribed_topics_ = subscribed_topics(blobs);
}

std::vector<join_group_member> group_machine::member_list() const {
  std::vector<join_group_member> out;
  for (const auto* m : ordered()) {
    const auto* md = m->metadata(protocol_name_);
    out.push_back({m->member_id, m->group_instance_id, md ? *md : bytes{}});
  }
  return out;
}

join_group_response group_machine::current_generation(const member_state& m) const {
  join_group_response r;
  r.generation_id = generation_;
  r.protocol_type = protocol_type_;
  r.protocol_name = protocol_name_;
  r.leader = leader_;
  r.member_id = m.member_id;
  return r;
}

} // namespace tributary::actors::groups
