// The group member actor: commands from the poll thread, heartbeats, the max.poll.interval.ms
// watchdog, metadata (pattern matches, partition counts), LeaveGroup and async commits.
#include "group_member_state.hpp"

#include <algorithm>

namespace tributary::client::detail {

using protocol::kafka_error;

std::shared_ptr<spdlog::logger> member_logger() {
  auto l = spdlog::get("tributary");
  return l ? l : spdlog::default_logger();
}

client::error request_error(member_actor* self, const caf::error& err, const char* what) {
  auto code = kafka_error::unknown_server_error;
  if (err == caf::sec::request_timeout)
    code = kafka_error::request_timed_out;
  else if (err == caf::sec::request_receiver_down)
    code = kafka_error::broker_not_available;
  return client::error{code, std::string{what} + " failed: " + self->system().render(err)};
}

void post_event(member_actor* self, group_event::kind what, std::string reason, client::error err) {
  group_event e;
  e.what = what;
  e.generation = self->state.generation;
  e.member_id = self->state.member_id;
  e.reason = std::move(reason);
  e.err = std::move(err);
  e.topics = self->state.topics;
  self->state.channel->push_event(std::move(e));
}

namespace {

bool has_generation(const member_state& st) {
  return st.generation >= 0 && !st.member_id.empty() &&
         (st.phase == member_phase::syncing || st.phase == member_phase::stable ||
          st.phase == member_phase::awaiting_join);
}

/// The group must rebalance while we keep what we own: ask the poll thread to prepare.
void request_rejoin(member_actor* self, const std::string& reason) {
  auto& st = self->state;
  if (st.phase != member_phase::stable)
    return; // joining / syncing already, or waiting for the poll thread
  st.phase = member_phase::awaiting_join;
  post_event(self, group_event::kind::rejoin, reason);
}

void send_heartbeat(member_actor* self) {
  auto& st = self->state;
  st.heartbeat_in_flight = true;
  st.last_heartbeat_ms = steady_ms();
  auto generation = st.generation;
  actors::heartbeat_request req{st.settings.group_id, st.generation, st.member_id,
                                st.settings.group_instance_id};
  self->request(st.broker, std::chrono::milliseconds(st.settings.request_timeout_ms),
                std::move(req))
      .then(
          [=](actors::heartbeat_response& resp) {
            auto& st = self->state;
            st.heartbeat_in_flight = false;
            if (generation != st.generation || !has_generation(st))
              return; // answer for a generation we no longer have
            auto e = protocol::to_kafka_error(resp.error);
            switch (e) {
            case kafka_error::none:
              return;
            case kafka_error::rebalance_in_progress:
              request_rejoin(self, "the group is rebalancing");
              return;
            case kafka_error::unknown_member_id:
            case kafka_error::illegal_generation:
              if (e == kafka_error::unknown_member_id)
                st.member_id.clear();
              st.generation = -1;
              ++st.join_seq;
              st.phase = member_phase::awaiting_join;
              post_event(self, group_event::kind::lost,
                         "heartbeat: " + std::string{protocol::kafka_error_name(e)});
              return;
            case kafka_error::fenced_instance_id:
              st.phase = member_phase::idle;
              post_event(self, group_event::kind::fatal, "fenced",
                         client::error{e, "group.instance.id '" + st.settings.group_instance_id +
                                              "' of group '" + st.settings.group_id +
                                              "' is used by another consumer"});
              return;
            default:
              member_logger()->debug("group '{}': heartbeat answered {}", st.settings.group_id,
                                     protocol::kafka_error_name(e));
            }
          },
          [=](caf::error& err) {
            self->state.heartbeat_in_flight = false;
            member_logger()->debug("group '{}': heartbeat failed: {}",
                                   self->state.settings.group_id, self->system().render(err));
          });
}

/// Leaves the group (LeaveGroup for dynamic members; static members just stop) and reports
/// group_event::left with `reason`.
void leave(member_actor* self, const std::string& reason) {
  auto& st = self->state;
  bool in_group = !st.member_id.empty() && st.phase != member_phase::idle;
  auto member_id = st.member_id;
  st.phase = member_phase::idle;
  st.generation = -1;
  st.member_id.clear();
  ++st.join_seq;
  if (!in_group || !st.settings.group_instance_id.empty()) {
    post_event(self, group_event::kind::left, reason);
    return;
  }
  actors::leave_group_request req;
  req.group_id = st.settings.group_id;
  req.members.push_back(actors::leave_group_member{member_id, {}, reason});
  self->request(st.broker, std::chrono::milliseconds(st.settings.request_timeout_ms),
                std::move(req))
      .then(
          [=](actors::leave_group_response&) { post_event(self, group_event::kind::left, reason); },
          [=](caf::error& err) {
            member_logger()->warn("group '{}': LeaveGroup failed: {}",
                                  self->state.settings.group_id, self->system().render(err));
            post_event(self, group_event::kind::left, reason);
          });
}

void on_metadata(member_actor* self, actors::metadata_response& md) {
  auto& st = self->state;
  st.metadata_in_flight = false;
  st.next_metadata_ms = steady_ms() + st.settings.metadata_max_age_ms;
  partition_counts fresh;
  std::vector<std::string> matched;
  for (auto& t : md.topics) {
    if (t.error != 0)
      continue;
    fresh[t.name] = static_cast<int32_t>(t.partitions.size());
    if (st.pattern && !(t.is_internal && st.settings.exclude_internal_topics) &&
        std::regex_match(t.name, *st.pattern))
      matched.push_back(t.name);
  }
  bool changed = false;
  std::string why;
  if (st.pattern) {
    std::sort(matched.begin(), matched.end());
    if (matched != st.topics || !st.pattern_resolved) {
      changed = st.pattern_resolved;
      why = "the subscription pattern matches different topics";
      st.topics = std::move(matched);
      st.pattern_resolved = true;
      post_event(self, group_event::kind::topics, why);
    }
  }
  // The leader watches every member's topics: a partition count change means a new
  // assignment (Kafka's metadata snapshot check).
  for (auto& t : st.group_topics) {
    auto before = st.counts.find(t);
    auto now = fresh.find(t);
    int32_t b = before == st.counts.end() ? -1 : before->second;
    int32_t n = now == fresh.end() ? -1 : now->second;
    if (b != n && (b >= 0 || n >= 0)) {
      changed = true;
      why = "topic '" + t + "' has " + std::to_string(std::max(n, 0)) + " partitions now";
    }
  }
  for (auto& [t, n] : fresh)
    st.counts[t] = n;
  if (st.join_after_metadata) {
    st.join_after_metadata = false;
    if (st.phase == member_phase::joining)
      start_join(self);
  } else if (changed) {
    request_rejoin(self, why);
  }
}

} // namespace

void refresh_metadata(member_actor* self) {
  auto& st = self->state;
  if (st.metadata_in_flight)
    return;
  st.metadata_in_flight = true;
  actors::metadata_request req;
  req.all_topics = st.pattern.has_value();
  if (!req.all_topics) {
    std::set<std::string> topics(st.topics.begin(), st.topics.end());
    topics.insert(st.group_topics.begin(), st.group_topics.end());
    req.topics.assign(topics.begin(), topics.end());
    if (req.topics.empty()) {
      st.metadata_in_flight = false;
      st.next_metadata_ms = steady_ms() + st.settings.metadata_max_age_ms;
      return;
    }
  }
  req.allow_auto_create = st.settings.allow_auto_create_topics && !st.pattern;
  self->request(st.broker, std::chrono::milliseconds(st.settings.request_timeout_ms),
                std::move(req))
      .then([=](actors::metadata_response& md) { on_metadata(self, md); },
            [=](caf::error& err) {
              auto& st = self->state;
              st.metadata_in_flight = false;
              st.next_metadata_ms = steady_ms() + st.settings.retry_backoff_ms;
              member_logger()->warn("group '{}': metadata request failed: {}", st.settings.group_id,
                                    self->system().render(err));
            });
}

namespace {

void on_tick(member_actor* self) {
  auto& st = self->state;
  auto now = steady_ms();
  if (has_generation(st) && st.channel->ms_since_poll(now) > st.settings.max_poll_interval_ms) {
    member_logger()->warn("group '{}': consumer poll timeout has expired (no poll() for more than "
                          "max.poll.interval.ms={}); leaving the group",
                          st.settings.group_id, st.settings.max_poll_interval_ms);
    leave(self, "consumer poll timeout has expired");
  } else if (has_generation(st) && !st.heartbeat_in_flight &&
             now - st.last_heartbeat_ms >= st.settings.heartbeat_interval_ms) {
    send_heartbeat(self);
  }
  if (st.subscribed && now >= st.next_metadata_ms)
    refresh_metadata(self);
}

int64_t tick_interval_ms(const member_settings& s) {
  return std::clamp<int64_t>(std::min(s.heartbeat_interval_ms, s.max_poll_interval_ms) / 4, 5, 500);
}

void send_commit(member_actor* self, member_commit& cmd) {
  auto id = cmd.id;
  auto& st = self->state;
  self->request(st.broker, std::chrono::milliseconds(st.settings.request_timeout_ms),
                std::move(cmd.request))
      .then(
          [=](actors::offset_commit_response& resp) {
            commit_result r{id, std::nullopt};
            for (auto& p : resp.partitions)
              if (p.error != 0 && !r.err) {
                std::string text =
                    "commit of " + p.topic + "-" + std::to_string(p.partition) + " failed";
                if (!p.error_message.empty())
                  text += ": " + p.error_message;
                r.err = client::error{protocol::to_kafka_error(p.error), text};
              }
            self->state.channel->push_commit(std::move(r));
          },
          [=](caf::error& err) {
            self->state.channel->push_commit(
                commit_result{id, request_error(self, err, "OffsetCommit")});
          });
}

caf::behavior member_impl(member_actor* self, actors::broker_actor broker,
                          std::shared_ptr<consumer_channel> channel, member_settings settings) {
  self->state.broker = std::move(broker);
  self->state.channel = std::move(channel);
  self->state.settings = std::move(settings);
  self->set_exception_handler([](caf::scheduled_actor*, std::exception_ptr& ep) -> caf::error {
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      member_logger()->error("consumer group member stopped by an exception: {}", e.what());
    } catch (...) {
      member_logger()->error("consumer group member stopped by an unknown exception");
    }
    return caf::exit_reason::unhandled_exception;
  });
  return {
      [=](member_subscribe& sub) {
        auto& st = self->state;
        st.subscribed = !sub.topics.empty() || !sub.pattern.empty();
        st.pattern.reset();
        st.pattern_resolved = false;
        st.topics = std::move(sub.topics);
        std::sort(st.topics.begin(), st.topics.end());
        st.topics.erase(std::unique(st.topics.begin(), st.topics.end()), st.topics.end());
        if (!sub.pattern.empty())
          st.pattern.emplace(sub.pattern, std::regex::ECMAScript); // validated by the consumer
        st.next_metadata_ms = 0;
        if (st.subscribed)
          refresh_metadata(self);
        if (!st.ticking) {
          st.ticking = true;
          self->send(self, member_tick_atom::value);
        }
      },
      [=](member_join& join) {
        self->state.pending = std::move(join);
        start_join(self);
      },
      [=](member_leave& cmd) { leave(self, cmd.reason); },
      [=](member_commit& cmd) { send_commit(self, cmd); },
      [=](member_tick_atom) {
        on_tick(self);
        self->delayed_send(self, std::chrono::milliseconds(tick_interval_ms(self->state.settings)),
                           member_tick_atom::value);
      },
      [=](member_retry_atom, uint64_t seq) {
        if (seq == self->state.join_seq && self->state.phase == member_phase::joining)
          start_join(self);
      },
  };
}

} // namespace
} // namespace tributary::client::detail

namespace tributary::client {

caf::actor spawn_group_member(caf::actor_system& sys, actors::broker_actor broker,
                              std::shared_ptr<consumer_channel> channel, member_settings settings) {
  return sys.spawn(detail::member_impl, std::move(broker), std::move(channel), std::move(settings));
}

} // namespace tributary::client
