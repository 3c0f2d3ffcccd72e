// consumer: creation, subscription and assignment, positions, pause/resume, close.
#include "consumer_impl.hpp"

#include "caf/all.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <regex>
#include <set>

namespace tributary::client {

using protocol::kafka_error;

std::shared_ptr<spdlog::logger> consumer_logger() {
  auto l = spdlog::get("tributary");
  return l ? l : spdlog::default_logger();
}

namespace {

error closed_error() {
  return error{kafka_error::invalid_request, "the consumer is closed"};
}

error not_assigned(const topic_partition& tp) {
  return error{kafka_error::invalid_request,
               "partition " + tp.to_string() + " is not assigned to this consumer"};
}

fetcher_settings fetcher_settings_of(const consumer_config& c) {
  fetcher_settings s;
  s.max_wait_ms = c.fetch_max_wait_ms;
  s.min_bytes = c.fetch_min_bytes;
  s.max_bytes = c.fetch_max_bytes;
  s.max_partition_bytes = c.max_partition_fetch_bytes;
  s.isolation_level = static_cast<int8_t>(c.isolation_level);
  s.retry_backoff_ms = c.retry_backoff_ms;
  s.request_timeout_ms = c.request_timeout_ms;
  return s;
}

member_settings member_settings_of(const consumer_config& c,
                                   const std::vector<std::shared_ptr<assignor>>& assignors,
                                   rebalance_protocol protocol) {
  member_settings s;
  s.group_id = c.group_id;
  s.client_id = c.client_id;
  s.group_instance_id = c.group_instance_id;
  s.client_rack = c.client_rack;
  s.session_timeout_ms = c.session_timeout_ms;
  s.rebalance_timeout_ms = c.max_poll_interval_ms;
  s.heartbeat_interval_ms = c.heartbeat_interval_ms;
  s.max_poll_interval_ms = c.max_poll_interval_ms;
  s.retry_backoff_ms = c.retry_backoff_ms;
  s.request_timeout_ms = c.request_timeout_ms;
  s.metadata_max_age_ms = c.metadata_max_age_ms;
  s.allow_auto_create_topics = c.allow_auto_create_topics;
  s.exclude_internal_topics = c.exclude_internal_topics;
  s.assignors = assignors;
  s.protocol = protocol;
  return s;
}

} // namespace

outcome<consumer> consumer::create(connection conn, consumer_config config) {
  if (auto ok = config.validate(); !ok)
    return ok.err();
  auto d = std::make_unique<impl>(impl{std::move(conn), std::move(config)});
  for (auto& name : d->config.partition_assignment_strategy)
    d->assignors.push_back(std::shared_ptr<assignor>(make_assignor(name).value().release()));
  d->protocol = common_rebalance_protocol(d->assignors);
  auto& sys = d->conn.system();
  d->fetcher = spawn_fetcher(sys, d->conn.broker(), d->channel, fetcher_settings_of(d->config));
  if (!d->config.group_id.empty())
    d->member = spawn_group_member(sys, d->conn.broker(), d->channel,
                                   member_settings_of(d->config, d->assignors, d->protocol));
  d->next_auto_commit_ms = steady_ms() + d->config.auto_commit_interval_ms;
  return consumer{std::move(d)};
}

outcome<consumer> consumer::create(connection conn,
                                   const std::map<std::string, std::string>& config) {
  auto parsed = consumer_config::from_map(config);
  if (!parsed)
    return parsed.err();
  return create(std::move(conn), std::move(*parsed));
}

consumer::consumer(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
consumer::consumer(consumer&&) noexcept = default;
consumer& consumer::operator=(consumer&& other) noexcept {
  if (this != &other) {
    if (impl_ && !impl_->closed)
      (void)close(impl_->request_timeout());
    impl_ = std::move(other.impl_);
  }
  return *this;
}

consumer::~consumer() {
  if (impl_ && !impl_->closed)
    (void)close(impl_->request_timeout());
}

// -- what to read -----------------------------------------------------------------------------

outcome<void> consumer::subscribe(const std::vector<std::string>& topics,
                                  std::shared_ptr<rebalance_listener> listener) {
  auto& d = *impl_;
  if (d.closed)
    return closed_error();
  if (topics.empty())
    return unsubscribe();
  if (d.config.group_id.empty())
    return error{kafka_error::invalid_group_id, "subscribe() needs a group.id; use assign() to "
                                                "read partitions without a group"};
  if (d.mode == consumer_mode::assigned)
    return error{kafka_error::invalid_request,
                 "subscribe() after assign(): call unsubscribe() first"};
  for (auto& t : topics)
    if (t.empty())
      return error{kafka_error::invalid_topic_exception, "subscribe(): empty topic name"};
  std::set<std::string> sorted(topics.begin(), topics.end());
  d.mode = consumer_mode::subscribed;
  d.topics.assign(sorted.begin(), sorted.end());
  d.pattern.clear();
  d.listener = std::move(listener);
  caf::anon_send(d.member, member_subscribe{d.topics, {}});
  d.join_requested = true;
  d.fatal.reset(); // a new subscription gets a new chance
  return {};
}

outcome<void> consumer::subscribe(const topic_pattern& pattern,
                                  std::shared_ptr<rebalance_listener> listener) {
  auto& d = *impl_;
  if (d.closed)
    return closed_error();
  if (d.config.group_id.empty())
    return error{kafka_error::invalid_group_id, "subscribe() needs a group.id"};
  if (d.mode == consumer_mode::assigned)
    return error{kafka_error::invalid_request,
                 "subscribe() after assign(): call unsubscribe() first"};
  try {
    std::regex check(pattern.regex, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return error{kafka_error::invalid_request,
                 "subscribe(): '" + pattern.regex + "' is not a valid regex: " + e.what()};
  }
  d.mode = consumer_mode::subscribed;
  d.topics.clear();
  d.pattern = pattern.regex;
  d.listener = std::move(listener);
  caf::anon_send(d.member, member_subscribe{{}, pattern.regex});
  d.join_requested = true;
  d.fatal.reset(); // a new subscription gets a new chance
  return {};
}

outcome<void> consumer::unsubscribe() {
  auto& d = *impl_;
  if (d.closed)
    return closed_error();
  if (d.mode == consumer_mode::subscribed) {
    d.leave_group("the consumer unsubscribed", std::chrono::steady_clock::now() + d.api_timeout());
    caf::anon_send(d.member, member_subscribe{});
  } else if (d.mode == consumer_mode::assigned) {
    if (d.auto_commit())
      d.commit_async(d.all_positions(), {});
    d.remove_partitions(assignment());
  }
  d.mode = consumer_mode::none;
  d.topics.clear();
  d.pattern.clear();
  d.listener.reset();
  d.send_plan();
  return {};
}

outcome<void> consumer::assign(const std::vector<topic_partition>& partitions) {
  auto& d = *impl_;
  if (d.closed)
    return closed_error();
  if (d.mode == consumer_mode::subscribed)
    return error{kafka_error::invalid_request,
                 "assign() after subscribe(): call unsubscribe() first"};
  std::set<topic_partition> wanted(partitions.begin(), partitions.end());
  for (auto& tp : wanted)
    if (tp.topic.empty() || tp.partition < 0)
      return error{kafka_error::unknown_topic_or_partition,
                   "assign(): '" + tp.to_string() + "' is not a partition"};
  std::vector<topic_partition> gone, added;
  for (auto& [tp, st] : d.assigned)
    if (!wanted.count(tp))
      gone.push_back(tp);
  for (auto& tp : wanted)
    if (!d.assigned.count(tp))
      added.push_back(tp);
  if (!gone.empty() && d.auto_commit())
    d.commit_async(d.positions(gone), {});
  d.remove_partitions(gone);
  d.add_partitions(added);
  d.mode = wanted.empty() ? consumer_mode::none : consumer_mode::assigned;
  d.topics.clear();
  for (auto& tp : wanted)
    if (d.topics.empty() || d.topics.back() != tp.topic)
      d.topics.push_back(tp.topic);
  d.send_plan();
  return {};
}

std::vector<topic_partition> consumer::assignment() const {
  std::vector<topic_partition> out;
  for (auto& [tp, st] : impl_->assigned)
    out.push_back(tp);
  return out;
}

std::vector<std::string> consumer::subscription() const {
  return impl_->mode == consumer_mode::subscribed ? impl_->topics : std::vector<std::string>{};
}

void consumer::wakeup() {
  impl_->channel->wake();
}

// -- positions --------------------------------------------------------------------------------

outcome<int64_t> consumer::position(const topic_partition& tp) {
  auto& d = *impl_;
  if (d.closed)
    return closed_error();
  auto it = d.assigned.find(tp);
  if (it == d.assigned.end())
    return not_assigned(tp);
  if (it->second.position < 0) {
    d.position_retry_ms = 0;
    if (auto ok = d.update_positions(d.api_timeout()); !ok)
      return ok.err();
    it = d.assigned.find(tp);
    if (it == d.assigned.end() || it->second.position < 0)
      return error{kafka_error::request_timed_out,
                   "the position of " + tp.to_string() + " could not be determined yet"};
  }
  return it->second.position;
}

outcome<void> consumer::seek(const topic_partition& tp, int64_t offset) {
  auto& d = *impl_;
  if (d.closed)
    return closed_error();
  if (!d.assigned.count(tp))
    return not_assigned(tp);
  if (offset < 0)
    return error{kafka_error::offset_out_of_range,
                 "seek(" + tp.to_string() + ", " + std::to_string(offset) +
                     "): offsets are not negative; use seek_to_beginning / seek_to_end"};
  d.set_position(tp, offset);
  d.drop_data(tp);
  return {};
}

namespace {

outcome<void> seek_to(consumer::impl& d, std::vector<topic_partition> tps, position_source where) {
  if (d.closed)
    return closed_error();
  if (tps.empty())
    for (auto& [tp, st] : d.assigned)
      tps.push_back(tp);
  for (auto& tp : tps)
    if (!d.assigned.count(tp))
      return not_assigned(tp);
  for (auto& tp : tps) {
    auto& st = d.assigned[tp];
    st.position = -1;
    st.source = where;
    ++st.epoch;
    d.drop_data(tp);
  }
  d.plan_dirty = true;
  d.position_retry_ms = 0;
  return {};
}

} // namespace

outcome<void> consumer::seek_to_beginning(const std::vector<topic_partition>& partitions) {
  return seek_to(*impl_, partitions, position_source::earliest);
}

outcome<void> consumer::seek_to_end(const std::vector<topic_partition>& partitions) {
  return seek_to(*impl_, partitions, position_source::latest);
}

outcome<void> consumer::pause(const std::vector<topic_partition>& partitions) {
  auto& d = *impl_;
  if (d.closed)
    return closed_error();
  for (auto& tp : partitions)
    if (!d.assigned.count(tp))
      return not_assigned(tp);
  for (auto& tp : partitions)
    d.assigned[tp].paused = true;
  d.plan_dirty = true;
  d.send_plan();
  return {};
}

outcome<void> consumer::resume(const std::vector<topic_partition>& partitions) {
  auto& d = *impl_;
  if (d.closed)
    return closed_error();
  for (auto& tp : partitions)
    if (!d.assigned.count(tp))
      return not_assigned(tp);
  for (auto& tp : partitions) {
    auto& st = d.assigned[tp];
    if (!st.paused)
      continue;
    st.paused = false;
    // Parked data goes back first, oldest first, ahead of what arrived meanwhile.
    for (auto it = st.parked.rbegin(); it != st.parked.rend(); ++it)
      d.ready.push_front(std::move(*it));
    st.parked.clear();
  }
  d.plan_dirty = true;
  d.send_plan();
  return {};
}

std::vector<topic_partition> consumer::paused() const {
  std::vector<topic_partition> out;
  for (auto& [tp, st] : impl_->assigned)
    if (st.paused)
      out.push_back(tp);
  return out;
}

std::string consumer::member_id() const {
  return impl_->member_id;
}

int32_t consumer::generation_id() const {
  return impl_->generation;
}

// -- close ------------------------------------------------------------------------------------

outcome<void> consumer::close(std::chrono::milliseconds timeout) {
  if (!impl_)
    return {};
  auto& d = *impl_;
  if (d.closed)
    return {};
  auto deadline = std::chrono::steady_clock::now() + timeout;
  outcome<void> result;
  if (d.mode == consumer_mode::subscribed) {
    d.leave_group("the consumer is being closed", deadline);
  } else if (d.mode == consumer_mode::assigned && d.auto_commit()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (auto ok = d.commit_sync(d.all_positions(), left); !ok)
      result = ok.err();
  }
  // Pending async commits get their answers (or the deadline passes).
  while (!d.pending_commits.empty() && std::chrono::steady_clock::now() < deadline) {
    d.wait(deadline);
    d.complete_commits();
  }
  d.closed = true;
  caf::anon_send_exit(d.fetcher, caf::exit_reason::user_shutdown);
  if (d.member)
    caf::anon_send_exit(d.member, caf::exit_reason::user_shutdown);
  d.fetcher = nullptr;
  d.member = nullptr;
  d.assigned.clear();
  d.ready.clear();
  d.current.reset();
  return result;
}

} // namespace tributary::client
