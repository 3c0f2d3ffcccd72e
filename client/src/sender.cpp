#include "producer_sender.hpp"

#include "caf/all.hpp"

#include <spdlog/spdlog.h>

#include <deque>
#include <unordered_map>

namespace tributary::client::detail {

using protocol::kafka_error;

namespace {

using wake_atom = caf::atom_constant<caf::atom("ps_wake")>;
using linger_atom = caf::atom_constant<caf::atom("ps_linger")>;
using tick_atom = caf::atom_constant<caf::atom("ps_tick")>;
using retry_atom = caf::atom_constant<caf::atom("ps_retry")>;
using close_atom = caf::atom_constant<caf::atom("ps_close")>;

struct partition_queue {
  std::deque<batch_ptr> pending; // drained, not yet sent (or back for a retry), in order
  int32_t in_flight = 0;
  clock::time_point backoff_until{};
};

struct in_flight_request {
  topic_partition tp;
  std::vector<batch_ptr> batches;
};

struct sender_state {
  std::shared_ptr<sender_context> ctx;
  std::unordered_map<topic_partition, partition_queue> queues;
  std::unordered_map<uint64_t, in_flight_request> in_flight;
  uint64_t next_request = 0;
  std::vector<std::byte> scratch; // built batches of one request; capacity reused
  static constexpr const char* name = "producer_sender";
};

using sender_self = caf::stateful_actor<sender_state>*;

void dispatch(sender_self self);

void fail_batch(sender_self self, batch_ptr b, const error& e) {
  auto& st = self->state;
  st.ctx->metrics->records_failed.fetch_add(b->records.size(), std::memory_order_relaxed);
  st.ctx->accumulator->complete(std::move(b), -1, -1, &e);
}

void take_ready(sender_self self, bool from_timer) {
  auto& st = self->state;
  std::optional<clock::time_point> next;
  auto batches = st.ctx->accumulator->drain(clock::now(), next, from_timer);
  for (auto& b : batches) {
    auto& q = st.queues[topic_partition{b->topic, b->partition}];
    q.pending.push_back(std::move(b));
  }
  if (from_timer && next) {
    auto delay = *next - clock::now();
    self->delayed_send(self, std::max(delay, clock::duration::zero()), tick_atom::value);
  }
}

void refresh_metadata(sender_self self, const std::string& topic) {
  auto& st = self->state;
  auto md = st.ctx->metadata;
  md->invalidate(topic);
  self->request(st.ctx->conn.broker(), std::chrono::milliseconds(st.ctx->config.request_timeout_ms),
                md->make_request({topic}))
      .then([md](actors::metadata_response& r) { md->update(r); },
            [](caf::error&) { /* the next lookup asks again */ });
}

void handle_failure(sender_self self, in_flight_request req, const error& e) {
  auto& st = self->state;
  auto& cfg = st.ctx->config;
  auto& q = st.queues[req.tp];
  bool retriable = e.is_retriable() && !st.ctx->conn.is_lost();
  if (retriable && (e.code == kafka_error::unknown_topic_or_partition ||
                    e.code == kafka_error::not_leader_or_follower ||
                    e.code == kafka_error::leader_not_available))
    refresh_metadata(self, req.tp.topic);
  auto now = clock::now();
  bool requeued = false;
  // Back to the front in their original order, ahead of batches that came later.
  for (auto i = req.batches.rbegin(); i != req.batches.rend(); ++i) {
    auto& b = *i;
    if (retriable && b->attempts <= cfg.retries && now < b->deadline) {
      q.pending.push_front(std::move(b));
      requeued = true;
      continue;
    }
    auto why = e;
    if (retriable)
      why.message = "gave up on " + req.tp.to_string() + " after " + std::to_string(b->attempts) +
                    " attempts (retries=" + std::to_string(cfg.retries) +
                    ", delivery.timeout.ms=" + std::to_string(cfg.delivery_timeout_ms) +
                    "): " + e.to_string();
    fail_batch(self, std::move(b), why);
  }
  if (requeued) {
    auto backoff = std::chrono::milliseconds(cfg.retry_backoff_ms);
    q.backoff_until = now + backoff;
    self->delayed_send(self, backoff, retry_atom::value);
  }
}

void on_response(sender_self self, uint64_t id, const actors::produce_response& r) {
  auto& st = self->state;
  auto i = st.in_flight.find(id);
  if (i == st.in_flight.end())
    return; // failed by close already
  auto req = std::move(i->second);
  st.in_flight.erase(i);
  st.queues[req.tp].in_flight -= 1;
  if (r.error != 0) {
    auto msg =
        r.error_message.empty() ? "produce to " + req.tp.to_string() + " failed" : r.error_message;
    handle_failure(self, std::move(req), make_error(r.error, std::move(msg)));
    return;
  }
  bool acks0 = st.ctx->config.acks == 0;
  auto base = r.base_offset;
  for (auto& b : req.batches) {
    auto n = static_cast<int64_t>(b->records.size());
    st.ctx->metrics->records_sent.fetch_add(static_cast<uint64_t>(n), std::memory_order_relaxed);
    st.ctx->metrics->batches_sent.fetch_add(1, std::memory_order_relaxed);
    st.ctx->accumulator->complete(std::move(b), acks0 || base < 0 ? -1 : base, r.log_append_time,
                                  nullptr);
    if (base >= 0)
      base += n;
  }
}

void on_request_error(sender_self self, uint64_t id, const caf::error& err) {
  auto& st = self->state;
  auto i = st.in_flight.find(id);
  if (i == st.in_flight.end())
    return;
  auto req = std::move(i->second);
  st.in_flight.erase(i);
  st.queues[req.tp].in_flight -= 1;
  auto e = st.ctx->conn.to_error(err, std::chrono::milliseconds(st.ctx->config.request_timeout_ms));
  e.message = "produce to " + req.tp.to_string() + ": " + e.message;
  handle_failure(self, std::move(req), e);
}

// Builds the first batches of `q` (at least one, more while they fit max.request.size)
// into one produce_request and sends it.
void send_request(sender_self self, const topic_partition& tp, partition_queue& q) {
  auto& st = self->state;
  auto& cfg = st.ctx->config;
  in_flight_request req{tp, {}};
  st.scratch.clear();
  while (!q.pending.empty()) {
    auto before = st.scratch.size();
    auto built = q.pending.front()->builder.build(st.scratch);
    if (!built) {
      st.scratch.resize(before);
      fail_batch(self, std::move(q.pending.front()),
                 make_error(kafka_error::corrupt_message, "cannot encode a batch for " +
                                                              tp.to_string() + ": " +
                                                              built.error().message()));
      q.pending.pop_front();
      continue;
    }
    if (!req.batches.empty() && st.scratch.size() > static_cast<size_t>(cfg.max_request_size)) {
      st.scratch.resize(before);
      break;
    }
    req.batches.push_back(std::move(q.pending.front()));
    q.pending.pop_front();
  }
  if (req.batches.empty())
    return;
  actors::produce_request msg;
  msg.topic = tp.topic;
  msg.partition = tp.partition;
  msg.acks = cfg.acks;
  msg.timeout_ms = cfg.request_timeout_ms;
  auto data = reinterpret_cast<const char*>(st.scratch.data());
  msg.records.assign(data, data + st.scratch.size());
  auto m = st.ctx->metrics;
  m->requests.fetch_add(1, std::memory_order_relaxed);
  m->bytes_sent.fetch_add(st.scratch.size(), std::memory_order_relaxed);
  bool retry = false;
  for (auto& b : req.batches)
    retry |= b->attempts++ > 0;
  if (retry)
    m->retries.fetch_add(1, std::memory_order_relaxed);
  auto id = st.next_request++;
  q.in_flight += 1;
  st.in_flight.emplace(id, std::move(req));
  // The node answers acks=all produces within timeout_ms; allow a second more for the reply
  // to arrive, so its own timeout error wins over ours.
  auto wait = std::chrono::milliseconds(cfg.request_timeout_ms) + std::chrono::seconds(1);
  self->request(st.ctx->conn.broker(), wait, std::move(msg))
      .then(
          [=](actors::produce_response& r) {
            on_response(self, id, r);
            dispatch(self);
          },
          [=](caf::error& err) {
            on_request_error(self, id, err);
            dispatch(self);
          });
}

void expire(sender_self self, const topic_partition& tp, partition_queue& q,
            clock::time_point now) {
  auto& cfg = self->state.ctx->config;
  while (!q.pending.empty() && q.pending.front()->deadline <= now) {
    auto b = std::move(q.pending.front());
    q.pending.pop_front();
    auto n = b->records.size();
    fail_batch(self, std::move(b),
               make_error(kafka_error::request_timed_out,
                          "expiring " + std::to_string(n) + " record(s) for " + tp.to_string() +
                              ": not delivered within delivery.timeout.ms=" +
                              std::to_string(cfg.delivery_timeout_ms)));
  }
}

void dispatch(sender_self self) {
  auto& st = self->state;
  auto now = clock::now();
  auto limit = st.ctx->config.max_in_flight;
  for (auto& [tp, q] : st.queues) {
    if (q.pending.empty())
      continue;
    expire(self, tp, q, now);
    while (!q.pending.empty() && q.in_flight < limit && now >= q.backoff_until)
      send_request(self, tp, q);
  }
}

void fail_everything(sender_self self) {
  auto& st = self->state;
  auto e = make_error(kafka_error::unknown_server_error,
                      "producer closed before the record was delivered");
  for (auto& [tp, q] : st.queues) {
    while (!q.pending.empty()) {
      auto b = std::move(q.pending.front());
      q.pending.pop_front();
      fail_batch(self, std::move(b), e);
    }
  }
  auto requests = std::move(st.in_flight);
  st.in_flight.clear();
  for (auto& [id, req] : requests)
    for (auto& b : req.batches)
      fail_batch(self, std::move(b), e);
}

caf::behavior sender_actor(sender_self self, std::shared_ptr<sender_context> ctx) {
  self->state.ctx = std::move(ctx);
  self->set_exception_handler([](std::exception_ptr& ep) -> caf::error {
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      spdlog::default_logger()->error("producer sender failed: {}", e.what());
    } catch (...) {
      spdlog::default_logger()->error("producer sender failed with a non-exception");
    }
    return caf::exit_reason::unhandled_exception;
  });
  return {
      [=](wake_atom) {
        take_ready(self, false);
        dispatch(self);
      },
      [=](linger_atom, int64_t deadline_ns) {
        auto deadline = clock::time_point(std::chrono::nanoseconds(deadline_ns));
        auto delay = std::max(deadline - clock::now(), clock::duration::zero());
        self->delayed_send(self, delay, tick_atom::value);
      },
      [=](tick_atom) {
        take_ready(self, true);
        dispatch(self);
      },
      [=](retry_atom) { dispatch(self); },
      [=](close_atom) {
        take_ready(self, false);
        fail_everything(self);
        self->quit();
        return caf::ok_atom::value;
      },
  };
}

} // namespace

caf::actor spawn_sender(std::shared_ptr<sender_context> ctx) {
  auto& sys = ctx->conn.system();
  return sys.spawn(sender_actor, std::move(ctx));
}

void send_wake(const caf::actor& sender) {
  if (sender)
    caf::anon_send(sender, wake_atom::value);
}

void send_linger(const caf::actor& sender, clock::time_point deadline) {
  if (sender)
    caf::anon_send(sender, linger_atom::value,
                   static_cast<int64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                            deadline.time_since_epoch())
                                            .count()));
}

void close_sender(caf::actor_system& sys, const caf::actor& sender) {
  if (!sender)
    return;
  caf::scoped_actor self{sys};
  self->request(sender, std::chrono::seconds(30), close_atom::value)
      .receive([](caf::ok_atom) {},
               [&](caf::error& e) {
                 spdlog::default_logger()->warn("producer sender did not close: {}", sys.render(e));
                 self->send_exit(sender, caf::exit_reason::kill);
               });
  self->wait_for(sender); // its state (and our connection copy) is gone after this
}

} // namespace tributary::client::detail
