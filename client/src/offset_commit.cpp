// Positions and offsets: resolving a partition's starting position (committed offset, else
// auto.offset.reset through ListOffsets), commit_sync / commit_async / auto-commit, and
// committed().
#include "consumer_impl.hpp"

#include "connection_request.hpp"

#include "caf/all.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

namespace tributary::client {

using protocol::kafka_error;
using clock_type = std::chrono::steady_clock;

namespace {

bool retriable_commit_error(kafka_error e) {
  return e == kafka_error::coordinator_not_available || e == kafka_error::not_coordinator ||
         e == kafka_error::coordinator_load_in_progress || e == kafka_error::request_timed_out ||
         e == kafka_error::network_exception;
}

offset_and_metadata committed_at(int64_t offset, int32_t leader_epoch, std::string metadata = {}) {
  offset_and_metadata om;
  om.offset = offset;
  om.leader_epoch = leader_epoch;
  om.metadata = std::move(metadata);
  return om;
}

std::chrono::milliseconds remaining(clock_type::time_point deadline) {
  return std::max(
      std::chrono::milliseconds(1),
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now()));
}

} // namespace

// -- consumer API -----------------------------------------------------------------------------

outcome<void> consumer::commit_sync() {
  if (impl_->closed)
    return error{kafka_error::invalid_request, "the consumer is closed"};
  return impl_->commit_sync(impl_->all_positions(), impl_->api_timeout());
}

outcome<void> consumer::commit_sync(const offset_map& offsets) {
  if (impl_->closed)
    return error{kafka_error::invalid_request, "the consumer is closed"};
  return impl_->commit_sync(offsets, impl_->api_timeout());
}

void consumer::commit_async(commit_callback done) {
  impl_->commit_async(impl_->all_positions(), std::move(done));
}

void consumer::commit_async(const offset_map& offsets, commit_callback done) {
  impl_->commit_async(offsets, std::move(done));
}

outcome<offset_map> consumer::committed(const std::vector<topic_partition>& partitions) {
  if (impl_->closed)
    return error{kafka_error::invalid_request, "the consumer is closed"};
  return impl_->fetch_committed(partitions, impl_->api_timeout());
}

// -- positions --------------------------------------------------------------------------------

void consumer::impl::set_position(const topic_partition& tp, int64_t offset) {
  auto& st = assigned.at(tp);
  st.position = offset;
  st.source = position_source::none;
  ++st.epoch;
  plan_dirty = true;
}

offset_map consumer::impl::positions(const std::vector<topic_partition>& tps) const {
  offset_map out;
  for (auto& tp : tps) {
    auto it = assigned.find(tp);
    if (it != assigned.end() && it->second.position >= 0)
      out[tp] = committed_at(it->second.position, it->second.leader_epoch);
  }
  return out;
}

offset_map consumer::impl::all_positions() const {
  offset_map out;
  for (auto& [tp, st] : assigned)
    if (st.position >= 0)
      out[tp] = committed_at(st.position, st.leader_epoch);
  return out;
}

outcome<void> consumer::impl::update_positions(std::chrono::milliseconds timeout) {
  std::vector<topic_partition> from_group;
  bool pending = false;
  for (auto& [tp, st] : assigned) {
    if (st.position >= 0)
      continue;
    pending = true;
    if (st.source == position_source::committed)
      from_group.push_back(tp);
  }
  if (!pending) {
    position_retry_ms = 0;
    return {};
  }
  if (position_retry_ms > steady_ms())
    return {};
  position_retry_ms = 0;
  auto retry_later = [&](const error& why) -> outcome<void> {
    consumer_logger()->debug("resolving consumer positions: {}; retrying", why.to_string());
    position_retry_ms = steady_ms() + std::max(config.retry_backoff_ms, 1);
    return {};
  };
  if (!from_group.empty()) {
    auto committed = fetch_committed(from_group, timeout);
    if (!committed) {
      if (committed.err().is_retriable())
        return retry_later(committed.err());
      return committed.err();
    }
    for (auto& tp : from_group) {
      auto c = committed->find(tp);
      if (c != committed->end()) {
        set_position(tp, c->second.offset);
        assigned.at(tp).leader_epoch = c->second.leader_epoch;
      } else {
        assigned.at(tp).source = position_source::reset_policy;
      }
    }
  }
  actors::list_offsets_request req;
  req.isolation_level = static_cast<int8_t>(config.isolation_level);
  for (auto& [tp, st] : assigned) {
    if (st.position >= 0 || st.source == position_source::committed)
      continue;
    auto where = st.source;
    if (where == position_source::reset_policy) {
      if (config.auto_offset_reset == offset_reset::none)
        return error{kafka_error::offset_out_of_range,
                     "no committed offset for " + tp.to_string() +
                         " and auto.offset.reset is none; seek() to a position first"};
      where = config.auto_offset_reset == offset_reset::earliest ? position_source::earliest
                                                                 : position_source::latest;
    }
    req.partitions.push_back(actors::list_offsets_partition{
        tp.topic, tp.partition, where == position_source::earliest ? int64_t{-2} : int64_t{-1}});
  }
  if (req.partitions.empty())
    return {};
  auto resp = blocking_request<actors::list_offsets_response>(conn, std::move(req), timeout);
  if (!resp) {
    if (resp.err().is_retriable() || resp.err().code == kafka_error::request_timed_out)
      return retry_later(resp.err());
    return resp.err();
  }
  for (auto& r : resp->partitions) {
    topic_partition tp{r.topic, r.partition};
    auto it = assigned.find(tp);
    if (it == assigned.end() || it->second.position >= 0)
      continue;
    auto e = protocol::to_kafka_error(r.error);
    if (e != kafka_error::none) {
      error why{e, "looking up the " +
                       std::string{it->second.source == position_source::earliest ? "earliest"
                                                                                  : "reset"} +
                       " offset of " + tp.to_string() + " failed" +
                       (r.error_message.empty() ? "" : ": " + r.error_message)};
      if (why.is_retriable())
        return retry_later(why);
      return why;
    }
    set_position(tp, r.offset);
    it->second.leader_epoch = r.leader_epoch;
  }
  return {};
}

// -- commits ----------------------------------------------------------------------------------

namespace {

actors::offset_commit_request commit_request(const consumer::impl& d, const offset_map& offsets) {
  actors::offset_commit_request req;
  req.group_id = d.config.group_id;
  if (d.mode == consumer_mode::subscribed) {
    req.generation_id = d.generation;
    req.member_id = d.member_id;
    req.group_instance_id = d.config.group_instance_id;
  }
  for (auto& [tp, om] : offsets)
    req.partitions.push_back(actors::offset_commit_partition{tp.topic, tp.partition, om.offset,
                                                             om.leader_epoch, om.metadata});
  return req;
}

error no_group() {
  return error{kafka_error::invalid_group_id, "committing offsets needs a group.id"};
}

} // namespace

outcome<void> consumer::impl::commit_sync(const offset_map& offsets,
                                          std::chrono::milliseconds timeout) {
  if (config.group_id.empty())
    return no_group();
  complete_commits(); // Kafka runs earlier async callbacks first
  if (offsets.empty())
    return {};
  auto deadline = clock_type::now() + timeout;
  while (true) {
    auto resp = blocking_request<actors::offset_commit_response>(
        conn, commit_request(*this, offsets), std::min(request_timeout(), remaining(deadline)));
    std::optional<error> failure;
    if (!resp) {
      failure = resp.err();
    } else {
      for (auto& p : resp->partitions)
        if (p.error != 0) {
          failure = error{protocol::to_kafka_error(p.error),
                          "commit of " + p.topic + "-" + std::to_string(p.partition) +
                              " to group '" + config.group_id + "' failed" +
                              (p.error_message.empty() ? "" : ": " + p.error_message)};
          break;
        }
    }
    if (!failure)
      return {};
    if (!retriable_commit_error(failure->code) || clock_type::now() >= deadline)
      return *failure;
    std::this_thread::sleep_for(
        std::min(std::chrono::milliseconds(config.retry_backoff_ms), remaining(deadline)));
  }
}

void consumer::impl::commit_async(const offset_map& offsets, commit_callback done) {
  if (closed || config.group_id.empty() || !member) {
    if (done) {
      outcome<void> r =
          closed ? error{kafka_error::invalid_request, "the consumer is closed"} : no_group();
      done(offsets, r);
    }
    return;
  }
  if (offsets.empty()) {
    if (done)
      done(offsets, outcome<void>{});
    return;
  }
  auto id = next_commit_id++;
  pending_commits.emplace(id, std::make_pair(offsets, std::move(done)));
  caf::anon_send(member, member_commit{id, commit_request(*this, offsets)});
}

void consumer::impl::complete_commits() {
  while (!commit_results.empty()) {
    auto r = std::move(commit_results.front());
    commit_results.pop_front();
    auto it = pending_commits.find(r.id);
    if (it == pending_commits.end())
      continue;
    auto [offsets, done] = std::move(it->second);
    pending_commits.erase(it);
    outcome<void> result = r.err ? outcome<void>{*r.err} : outcome<void>{};
    if (!done)
      continue;
    try {
      done(offsets, result);
    } catch (const std::exception& e) {
      consumer_logger()->error("a commit callback threw: {}", e.what());
    } catch (...) {
      consumer_logger()->error("a commit callback threw");
    }
  }
}

void consumer::impl::maybe_auto_commit() {
  if (!auto_commit())
    return;
  auto now = steady_ms();
  if (now < next_auto_commit_ms)
    return;
  next_auto_commit_ms = now + config.auto_commit_interval_ms;
  if (mode == consumer_mode::subscribed && (!in_group() || join_in_flight))
    return; // nothing valid to commit under
  offset_map changed;
  for (auto& [tp, om] : all_positions()) {
    auto last = last_auto_commit.find(tp);
    if (last == last_auto_commit.end() || last->second.offset != om.offset)
      changed[tp] = om;
  }
  if (changed.empty())
    return;
  for (auto& [tp, om] : changed)
    last_auto_commit[tp] = om;
  // Runs in this thread from complete_commits(), while the impl lives.
  commit_async(changed, [this](const offset_map& offsets, const outcome<void>& r) {
    if (r)
      return;
    consumer_logger()->warn("group '{}': auto-commit of {} partitions failed: {}", config.group_id,
                            offsets.size(), r.err().to_string());
    for (auto& [tp, om] : offsets)
      last_auto_commit.erase(tp); // commit them again next time
  });
}

outcome<offset_map> consumer::impl::fetch_committed(const std::vector<topic_partition>& tps,
                                                    std::chrono::milliseconds timeout) {
  if (config.group_id.empty())
    return error{kafka_error::invalid_group_id, "committed offsets need a group.id"};
  offset_map out;
  if (tps.empty())
    return out;
  actors::offset_fetch_request req;
  req.group_id = config.group_id;
  for (auto& tp : tps)
    req.partitions.push_back(actors::topic_partition_ref{tp.topic, tp.partition});
  auto resp = blocking_request<actors::offset_fetch_response>(conn, std::move(req), timeout);
  if (!resp)
    return resp.err();
  if (resp->error != 0)
    return error{protocol::to_kafka_error(resp->error),
                 "fetching committed offsets of group '" + config.group_id + "' failed"};
  for (auto& p : resp->partitions) {
    if (p.error != 0)
      return error{protocol::to_kafka_error(p.error),
                   "fetching the committed offset of " + p.topic + "-" +
                       std::to_string(p.partition) + " in group '" + config.group_id + "' failed"};
    if (p.offset >= 0)
      out[topic_partition{p.topic, p.partition}] =
          committed_at(p.offset, p.leader_epoch, p.metadata);
  }
  return out;
}

} // namespace tributary::client
