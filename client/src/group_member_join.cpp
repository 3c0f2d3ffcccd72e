// JoinGroup, the leader's assignment and SyncGroup for the group member actor.
#include "group_member_state.hpp"

#include <algorithm>

namespace tributary::client::detail {
namespace {

using protocol::kafka_error;

std::chrono::milliseconds group_request_timeout(const member_settings& s) {
  // A JoinGroup / SyncGroup waits for the whole group: up to the rebalance timeout.
  return std::chrono::milliseconds(
      std::max<int64_t>(s.request_timeout_ms, int64_t{s.rebalance_timeout_ms} + 5000));
}

std::vector<actors::group_protocol> protocols_for(const member_state& st) {
  std::vector<actors::group_protocol> out;
  for (auto& a : st.settings.assignors) {
    member_subscription sub;
    sub.topics = st.topics;
    sub.user_data = a->subscription_user_data(st.topics, st.pending.generation);
    sub.owned_partitions = st.pending.owned;
    sub.generation_id = st.pending.generation;
    if (!st.settings.client_rack.empty())
      sub.rack_id = st.settings.client_rack;
    out.push_back(actors::group_protocol{a->name(), encode_subscription(sub)});
  }
  return out;
}

bool is_coordinator_error(kafka_error e) {
  return e == kafka_error::coordinator_not_available || e == kafka_error::not_coordinator ||
         e == kafka_error::coordinator_load_in_progress || e == kafka_error::request_timed_out;
}

client::error group_error(int16_t code, const std::string& message, const std::string& group,
                          const char* what) {
  auto e = protocol::to_kafka_error(code);
  std::string text = std::string{what} + " of group '" + group + "' failed";
  if (!message.empty())
    text += ": " + message;
  return client::error{e, text};
}

/// The member's generation is gone while it owned partitions: the poll thread must report
/// them lost (and rejoin with nothing owned).
void lose_generation(member_actor* self, const std::string& reason) {
  auto& st = self->state;
  st.generation = -1;
  ++st.join_seq;
  st.phase = member_phase::awaiting_join;
  post_event(self, group_event::kind::lost, reason);
}

void finish_sync(member_actor* self, actors::sync_group_response& resp) {
  auto& st = self->state;
  auto assignment = decode_assignment(resp.assignment);
  if (!assignment) {
    member_logger()->error("group '{}': undecodable assignment from the leader ({}); rejoining",
                           st.settings.group_id, assignment.err().message);
    retry_join_later(self);
    return;
  }
  st.phase = member_phase::stable;
  st.last_heartbeat_ms = steady_ms();
  if (!resp.protocol_name.empty())
    st.protocol_name = resp.protocol_name;
  group_event e;
  e.what = group_event::kind::assigned;
  e.generation = st.generation;
  e.member_id = st.member_id;
  e.protocol = st.protocol_name;
  e.partitions = std::move(assignment->partitions);
  e.topics = st.topics;
  st.channel->push_event(std::move(e));
}

void send_sync(member_actor* self, std::vector<actors::sync_group_assignment> assignments) {
  auto& st = self->state;
  auto seq = st.join_seq;
  actors::sync_group_request req;
  req.group_id = st.settings.group_id;
  req.generation_id = st.generation;
  req.member_id = st.member_id;
  req.group_instance_id = st.settings.group_instance_id;
  req.protocol_type = "consumer";
  req.protocol_name = st.protocol_name;
  req.assignments = std::move(assignments);
  st.phase = member_phase::syncing;
  st.last_heartbeat_ms = steady_ms();
  self->request(st.broker, group_request_timeout(st.settings), std::move(req))
      .then(
          [=](actors::sync_group_response& resp) {
            auto& st = self->state;
            if (seq != st.join_seq || st.phase != member_phase::syncing)
              return;
            auto e = protocol::to_kafka_error(resp.error);
            if (e == kafka_error::none) {
              finish_sync(self, resp);
            } else if (e == kafka_error::rebalance_in_progress) {
              start_join(self); // a new round started while we synced: join it
            } else if (e == kafka_error::unknown_member_id) {
              st.member_id.clear();
              lose_generation(self, "SyncGroup: unknown member id");
            } else if (e == kafka_error::illegal_generation) {
              lose_generation(self, "SyncGroup: generation " + std::to_string(st.generation) +
                                        " is no longer the group's");
            } else if (is_coordinator_error(e)) {
              retry_join_later(self);
            } else {
              st.phase = member_phase::idle;
              post_event(
                  self, group_event::kind::fatal, "SyncGroup failed",
                  group_error(resp.error, resp.error_message, st.settings.group_id, "SyncGroup"));
            }
          },
          [=](caf::error& err) {
            if (seq != self->state.join_seq)
              return;
            member_logger()->warn("group '{}': SyncGroup failed: {}; rejoining",
                                  self->state.settings.group_id, self->system().render(err));
            retry_join_later(self);
          });
}

/// The leader's part: assign with the protocol the coordinator chose, on fresh partition
/// counts of every topic any member subscribed to.
void lead(member_actor* self, std::vector<actors::join_group_member> members) {
  auto& st = self->state;
  auto seq = st.join_seq;
  std::shared_ptr<assignor> chosen;
  for (auto& a : st.settings.assignors)
    if (a->name() == st.protocol_name)
      chosen = a;
  if (!chosen) {
    st.phase = member_phase::idle;
    post_event(self, group_event::kind::fatal, "no such assignor",
               client::error{kafka_error::inconsistent_group_protocol,
                             "group '" + st.settings.group_id + "' chose assignor '" +
                                 st.protocol_name + "', which this consumer does not have"});
    return;
  }
  auto infos = std::make_shared<std::map<std::string, group_member_info>>();
  std::set<std::string> topics;
  for (auto& m : members) {
    group_member_info info;
    info.member_id = m.member_id;
    if (!m.group_instance_id.empty())
      info.group_instance_id = m.group_instance_id;
    auto sub = decode_subscription(m.metadata);
    if (sub)
      info.subscription = std::move(*sub);
    else
      member_logger()->warn("group '{}': member {} sent an undecodable subscription ({}); it "
                            "gets no partitions",
                            st.settings.group_id, m.member_id, sub.err().message);
    topics.insert(info.subscription.topics.begin(), info.subscription.topics.end());
    infos->emplace(m.member_id, std::move(info));
  }
  actors::metadata_request req;
  req.all_topics = false;
  req.topics.assign(topics.begin(), topics.end());
  req.allow_auto_create = false;
  self->request(st.broker, std::chrono::milliseconds(st.settings.request_timeout_ms),
                std::move(req))
      .then(
          [=](actors::metadata_response& md) {
            auto& st = self->state;
            if (seq != st.join_seq || st.phase != member_phase::joining)
              return;
            partition_counts counts;
            for (auto& t : md.topics)
              if (t.error == 0 && topics.count(t.name))
                counts[t.name] = static_cast<int32_t>(t.partitions.size());
            auto result = chosen->assign(counts, *infos);
            std::vector<actors::sync_group_assignment> out;
            for (auto& [id, info] : *infos) {
              member_assignment a;
              a.partitions = result[id];
              out.push_back(actors::sync_group_assignment{id, encode_assignment(a)});
            }
            st.group_topics = topics;
            for (auto& [t, n] : counts)
              st.counts[t] = n;
            send_sync(self, std::move(out));
          },
          [=](caf::error& err) {
            if (seq != self->state.join_seq)
              return;
            member_logger()->warn("group '{}': metadata for the assignment failed: {}; rejoining",
                                  self->state.settings.group_id, self->system().render(err));
            retry_join_later(self);
          });
}

void on_join(member_actor* self, actors::join_group_response& resp) {
  auto& st = self->state;
  auto e = protocol::to_kafka_error(resp.error);
  switch (e) {
  case kafka_error::none:
    st.member_id = resp.member_id;
    st.generation = resp.generation_id;
    st.protocol_name = resp.protocol_name;
    st.last_heartbeat_ms = steady_ms();
    if (resp.leader == resp.member_id && !resp.skip_assignment)
      lead(self, std::move(resp.members));
    else
      send_sync(self, {});
    return;
  case kafka_error::member_id_required:
    st.member_id = resp.member_id;
    start_join(self);
    return;
  case kafka_error::unknown_member_id:
  case kafka_error::illegal_generation:
    if (e == kafka_error::unknown_member_id)
      st.member_id.clear();
    if (!st.pending.owned.empty())
      lose_generation(self,
                      std::string{"JoinGroup: "} + std::string{protocol::kafka_error_name(e)});
    else
      st.generation = -1, start_join(self);
    return;
  case kafka_error::rebalance_in_progress:
    retry_join_later(self);
    return;
  default:
    if (is_coordinator_error(e)) {
      retry_join_later(self);
      return;
    }
    st.phase = member_phase::idle;
    post_event(self, group_event::kind::fatal, "JoinGroup failed",
               group_error(resp.error, resp.error_message, st.settings.group_id, "JoinGroup"));
  }
}

} // namespace

void start_join(member_actor* self) {
  auto& st = self->state;
  st.phase = member_phase::joining;
  auto seq = ++st.join_seq;
  if (st.pattern && !st.pattern_resolved) {
    st.join_after_metadata = true; // join once we know which topics the pattern matches
    refresh_metadata(self);
    return;
  }
  actors::join_group_request req;
  req.group_id = st.settings.group_id;
  req.session_timeout_ms = st.settings.session_timeout_ms;
  req.rebalance_timeout_ms = st.settings.rebalance_timeout_ms;
  req.member_id = st.member_id;
  req.group_instance_id = st.settings.group_instance_id;
  req.protocol_type = "consumer";
  req.protocols = protocols_for(st);
  req.client_id = st.settings.client_id;
  req.reason = st.pending.reason;
  req.require_known_member_id = true;
  self->request(st.broker, group_request_timeout(st.settings), std::move(req))
      .then(
          [=](actors::join_group_response& resp) {
            if (seq == self->state.join_seq && self->state.phase == member_phase::joining)
              on_join(self, resp);
          },
          [=](caf::error& err) {
            if (seq != self->state.join_seq)
              return;
            member_logger()->warn("group '{}': JoinGroup failed: {}; retrying",
                                  self->state.settings.group_id, self->system().render(err));
            retry_join_later(self);
          });
}

void retry_join_later(member_actor* self) {
  auto& st = self->state;
  st.phase = member_phase::joining;
  auto seq = ++st.join_seq;
  self->delayed_send(self, std::chrono::milliseconds(st.settings.retry_backoff_ms),
                     member_retry_atom::value, seq);
}

} // namespace tributary::client::detail
