// The consumer's fetcher actor (see fetcher.hpp).
#include "fetcher.hpp"

#include "consumer_channel.hpp"

#include "tributary/protocol/batch_header.hpp"

#include "caf/all.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>
#include <map>

namespace tributary::client {
namespace {

using fetch_retry_atom = caf::atom_constant<caf::atom("c_fretry")>;

std::shared_ptr<spdlog::logger> logger() {
  auto l = spdlog::get("tributary");
  return l ? l : spdlog::default_logger();
}

struct partition_fetch_state {
  int64_t offset = -1;
  uint32_t epoch = 0;
  bool fetchable = false;
  uint64_t in_flight = 0; // id of the request carrying this partition, 0: none
  int32_t buffered = 0;   // chunks pushed and not yet acknowledged by the poll thread
  int64_t backoff_until = 0;
};

struct fetcher_state {
  actors::broker_actor broker;
  std::shared_ptr<consumer_channel> channel;
  fetcher_settings settings;
  std::map<topic_partition, partition_fetch_state> partitions;
  size_t requests_in_flight = 0;
  uint64_t next_request = 1;
  bool retry_scheduled = false;
  static constexpr const char* name = "consumer_fetcher";
};

using fetcher_actor = caf::stateful_actor<fetcher_state>;

/// The offset after the last complete batch of `records` (-1 when none is complete).
int64_t next_offset_after(const actors::bytes& records) {
  auto* data = reinterpret_cast<const std::byte*>(records.data());
  size_t pos = 0;
  int64_t next = -1;
  while (records.size() - pos >= protocol::batch_header_size) {
    auto header = protocol::parse_batch_header(data + pos, records.size() - pos);
    if (!header || header->batch_length < 0)
      break;
    auto total = header->total_size();
    if (total > records.size() - pos)
      break;
    next = header->last_offset() + 1;
    pos += total;
  }
  return next;
}

void maybe_fetch(fetcher_actor* self);

void schedule_retry(fetcher_actor* self, int64_t delay_ms) {
  auto& st = self->state;
  if (st.retry_scheduled)
    return;
  st.retry_scheduled = true;
  self->delayed_send(self, std::chrono::milliseconds(std::max<int64_t>(1, delay_ms)),
                     fetch_retry_atom::value);
}

fetched_chunk error_chunk(const topic_partition& tp, const partition_fetch_state& p, int16_t code,
                          std::string message) {
  fetched_chunk c;
  c.tp = tp;
  c.epoch = p.epoch;
  c.fetch_offset = p.offset;
  c.next_offset = p.offset;
  c.error = code;
  c.error_message = std::move(message);
  return c;
}

void on_response(fetcher_actor* self, uint64_t id, actors::fetch_response& resp) {
  auto& st = self->state;
  --st.requests_in_flight;
  auto now = steady_ms();
  std::vector<fetched_chunk> out;
  for (auto& d : resp.partitions) {
    topic_partition tp{d.topic, d.partition};
    auto it = st.partitions.find(tp);
    if (it == st.partitions.end() || it->second.in_flight != id)
      continue; // unassigned or repositioned since the request left
    auto& p = it->second;
    p.in_flight = 0;
    int16_t code = d.error != 0 ? d.error : resp.error;
    if (code != 0) {
      auto err = protocol::to_kafka_error(code);
      p.backoff_until = now + st.settings.retry_backoff_ms;
      if (protocol::is_retriable(err)) {
        logger()->debug("consumer fetch of {} at offset {} failed with {} ({}); retrying",
                        tp.to_string(), p.offset, protocol::kafka_error_name(err), d.error_message);
        continue;
      }
      out.push_back(error_chunk(tp, p, code, d.error_message));
      ++p.buffered;
      continue;
    }
    if (d.records.empty())
      continue;
    auto next = next_offset_after(d.records);
    if (next < 0) {
      out.push_back(error_chunk(tp, p, protocol::code_of(protocol::kafka_error::message_too_large),
                                "the record batch at offset " + std::to_string(p.offset) + " of " +
                                    tp.to_string() + " does not fit max.partition.fetch.bytes=" +
                                    std::to_string(st.settings.max_partition_bytes)));
      ++p.buffered;
      continue;
    }
    fetched_chunk c;
    c.tp = tp;
    c.epoch = p.epoch;
    c.fetch_offset = p.offset;
    c.next_offset = next;
    c.high_watermark = d.high_watermark;
    c.log_start_offset = d.log_start_offset;
    c.records = std::move(d.records);
    out.push_back(std::move(c));
    p.offset = std::max(next, p.offset);
    ++p.buffered;
  }
  for (auto& [tp, p] : st.partitions)
    if (p.in_flight == id) // missing from the answer: ask again after the backoff
      p.in_flight = 0, p.backoff_until = now + st.settings.retry_backoff_ms;
  if (!out.empty())
    st.channel->push_chunks(std::move(out));
  maybe_fetch(self);
}

void on_failure(fetcher_actor* self, uint64_t id, const caf::error& err) {
  auto& st = self->state;
  --st.requests_in_flight;
  auto now = steady_ms();
  size_t n = 0;
  for (auto& [tp, p] : st.partitions)
    if (p.in_flight == id)
      p.in_flight = 0, p.backoff_until = now + st.settings.retry_backoff_ms, ++n;
  logger()->warn("consumer fetch of {} partitions failed: {}; retrying in {} ms", n,
                 self->system().render(err), st.settings.retry_backoff_ms);
  maybe_fetch(self);
}

void maybe_fetch(fetcher_actor* self) {
  auto& st = self->state;
  if (st.requests_in_flight >= st.settings.max_requests_in_flight)
    return;
  auto now = steady_ms();
  auto id = st.next_request++;
  actors::fetch_request req;
  req.max_wait_ms = st.settings.max_wait_ms;
  req.min_bytes = st.settings.min_bytes;
  req.max_bytes = st.settings.max_bytes;
  req.isolation_level = st.settings.isolation_level;
  int64_t earliest_retry = std::numeric_limits<int64_t>::max();
  for (auto& [tp, p] : st.partitions) {
    if (!p.fetchable || p.in_flight != 0 || p.offset < 0 ||
        p.buffered >= st.settings.max_buffered_chunks)
      continue;
    if (p.backoff_until > now) {
      earliest_retry = std::min(earliest_retry, p.backoff_until);
      continue;
    }
    actors::fetch_partition fp;
    fp.topic = tp.topic;
    fp.partition = tp.partition;
    fp.fetch_offset = p.offset;
    fp.max_bytes = st.settings.max_partition_bytes;
    req.partitions.push_back(std::move(fp));
    p.in_flight = id;
  }
  if (earliest_retry != std::numeric_limits<int64_t>::max())
    schedule_retry(self, earliest_retry - now);
  if (req.partitions.empty())
    return;
  ++st.requests_in_flight;
  auto timeout = std::chrono::milliseconds(st.settings.request_timeout_ms + req.max_wait_ms);
  self->request(st.broker, timeout, std::move(req))
      .then([=](actors::fetch_response& resp) { on_response(self, id, resp); },
            [=](caf::error& err) { on_failure(self, id, err); });
}

caf::behavior fetcher_impl(fetcher_actor* self, actors::broker_actor broker,
                           std::shared_ptr<consumer_channel> channel, fetcher_settings settings) {
  self->state.broker = std::move(broker);
  self->state.channel = std::move(channel);
  self->state.settings = settings;
  self->set_exception_handler([](caf::scheduled_actor*, std::exception_ptr& ep) -> caf::error {
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      logger()->error("consumer fetcher stopped by an exception: {}", e.what());
    } catch (...) {
      logger()->error("consumer fetcher stopped by an unknown exception");
    }
    return caf::exit_reason::unhandled_exception;
  });
  return {
      [=](fetch_plan& plan) {
        auto& st = self->state;
        std::map<topic_partition, partition_fetch_state> next;
        for (auto& e : plan.partitions) {
          auto old = st.partitions.find(e.tp);
          partition_fetch_state p;
          if (old != st.partitions.end() && old->second.epoch == e.epoch) {
            p = old->second; // same position lineage: keep buffers and in-flight fetches
          } else {
            p.offset = e.offset;
            p.epoch = e.epoch;
          }
          p.fetchable = e.fetchable;
          next.emplace(e.tp, p);
        }
        st.partitions = std::move(next);
        maybe_fetch(self);
      },
      [=](fetch_done& done) {
        auto& st = self->state;
        for (auto& [tp, epoch] : done.chunks) {
          auto it = st.partitions.find(tp);
          if (it != st.partitions.end() && it->second.epoch == epoch && it->second.buffered > 0)
            --it->second.buffered;
        }
        maybe_fetch(self);
      },
      [=](fetch_retry_atom) {
        self->state.retry_scheduled = false;
        maybe_fetch(self);
      },
  };
}

} // namespace

caf::actor spawn_fetcher(caf::actor_system& sys, actors::broker_actor broker,
                         std::shared_ptr<consumer_channel> channel, fetcher_settings settings) {
  return sys.spawn(fetcher_impl, std::move(broker), std::move(channel), settings);
}

} // namespace tributary::client
