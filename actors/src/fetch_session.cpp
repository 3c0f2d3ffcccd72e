// fetch_session (fetch_session.hpp). Two rounds: first every partition answers at once (max
// wait 0); if that already satisfies the request (min_bytes reached, max_wait 0, or an error
// to report) the session answers. Otherwise every partition long-polls for the bytes still
// missing, and the session answers on the first answer that completes min_bytes or when its
// own max_wait timer fires, with the freshest data each partition gave. Bytes that trickle
// into several partitions without any one of them reaching the rest are noticed at max_wait.
#include "fetch_session.hpp"
#include "file_ranges.hpp"

#include "tributary/protocol/kafka_error.hpp"

#include "caf/all.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <utility>

namespace tributary::actors {

size_t trim_to_batches(bytes& records, size_t budget) {
  // RecordBatch v2: base offset (8) + batch length (4, big endian, bytes after this field).
  size_t pos = 0;
  while (pos + 12 <= records.size()) {
    uint32_t be = 0;
    std::memcpy(&be, records.data() + pos + 8, 4);
    auto len = static_cast<size_t>(__builtin_bswap32(be)) + 12;
    if (pos + len > records.size() || pos + len > budget)
      break;
    pos += len;
  }
  records.resize(pos);
  return pos;
}

namespace {

struct session_state {
  std::vector<fetch_target> targets;
  fetch_request request;
  std::vector<fetch_partition_data> slots;
  caf::typed_response_promise<fetch_response> promise;
  size_t outstanding = 0;
  bool answered = false;
  static constexpr const char* name = "fetch_session";
};

using session_self = fetch_session_actor::stateful_pointer<session_state>;

size_t total_bytes(const session_state& st) {
  size_t n = 0;
  for (auto& s : st.slots)
    n += s.size_bytes();
  return n;
}

void answer(session_self self) {
  auto& st = self->state;
  if (st.answered)
    return;
  st.answered = true;
  // max_bytes across partitions, in request order: the first partition with data keeps what
  // it returned (Kafka returns at least one batch so consumers make progress), the rest get
  // whole batches while the budget lasts.
  size_t budget = st.request.max_bytes > 0 ? static_cast<size_t>(st.request.max_bytes) : 0;
  bool first = true;
  fetch_response out;
  for (auto& s : st.slots) {
    if (s.size_bytes() > 0) {
      if (first) {
        budget -= std::min(budget, s.size_bytes());
        first = false;
      } else {
        const size_t kept = trim_to_batches(s.records, budget);
        budget -= kept + trim_ranges_to_batches(s.file_ranges, budget - kept);
      }
    }
    out.partitions.push_back(std::move(s));
  }
  st.promise.deliver(std::move(out));
  self->quit();
}

partition_fetch ask_for(const fetch_request& req, const fetch_partition& p, int32_t min_bytes,
                        int32_t max_wait_ms) {
  partition_fetch f;
  f.replica_id = req.replica_id;
  f.fetch_offset = p.fetch_offset;
  f.max_bytes = p.max_bytes;
  f.min_bytes = min_bytes;
  f.max_wait_ms = max_wait_ms;
  f.isolation_level = req.isolation_level;
  f.current_leader_epoch = p.current_leader_epoch;
  f.wants_file_ranges = req.wants_file_ranges;
  return f;
}

void long_poll(session_self self);

void first_round_done(session_self self) {
  auto& st = self->state;
  bool has_error = std::any_of(st.slots.begin(), st.slots.end(),
                               [](const fetch_partition_data& d) { return d.error != 0; });
  if (has_error || st.request.max_wait_ms <= 0 ||
      total_bytes(st) >= static_cast<size_t>(std::max(st.request.min_bytes, 0)))
    answer(self);
  else
    long_poll(self);
}

void long_poll(session_self self) {
  auto& st = self->state;
  auto wait = std::chrono::milliseconds(st.request.max_wait_ms);
  self->delayed_send(self, wait, timer_tick{1, 0, {}});
  auto total = total_bytes(st);
  for (size_t i = 0; i < st.targets.size(); ++i) {
    if (!st.targets[i].actor)
      continue;
    auto others = total - st.slots[i].size_bytes();
    auto missing = static_cast<int64_t>(st.request.min_bytes) - static_cast<int64_t>(others);
    auto ask = ask_for(st.request, st.request.partitions[i],
                       static_cast<int32_t>(std::max<int64_t>(missing, 1)), st.request.max_wait_ms);
    self->request(st.targets[i].actor, wait + std::chrono::seconds(5), ask)
        .then(
            [=](fetch_partition_data& d) {
              auto& s = self->state;
              if (s.answered)
                return;
              d.topic = s.request.partitions[i].topic;
              d.partition = s.request.partitions[i].partition;
              s.slots[i] = std::move(d);
              if (total_bytes(s) >= static_cast<size_t>(std::max(s.request.min_bytes, 0)) ||
                  s.slots[i].error != 0)
                answer(self);
            },
            [=](caf::error&) {}); // keep the first round's data; the timer answers
  }
}

fetch_session_actor::behavior_type session_impl(session_self self,
                                                std::vector<fetch_target> targets) {
  self->state.targets = std::move(targets);
  return {
      [=](fetch_request& req) -> caf::result<fetch_response> {
        auto& st = self->state;
        st.request = std::move(req);
        st.promise = self->make_response_promise<fetch_response>();
        st.targets.resize(st.request.partitions.size());
        st.slots.resize(st.request.partitions.size());
        for (size_t i = 0; i < st.slots.size(); ++i) {
          st.slots[i].topic = st.request.partitions[i].topic;
          st.slots[i].partition = st.request.partitions[i].partition;
          st.slots[i].error = st.targets[i].error;
          st.slots[i].error_message = st.targets[i].error_message;
          if (st.targets[i].actor)
            ++st.outstanding;
        }
        if (st.outstanding == 0) {
          answer(self);
          return st.promise;
        }
        for (size_t i = 0; i < st.targets.size(); ++i) {
          if (!st.targets[i].actor)
            continue;
          self->request(st.targets[i].actor, std::chrono::seconds(30),
                        ask_for(st.request, st.request.partitions[i], 0, 0))
              .then(
                  [=](fetch_partition_data& d) {
                    auto& s = self->state;
                    d.topic = s.request.partitions[i].topic;
                    d.partition = s.request.partitions[i].partition;
                    s.slots[i] = std::move(d);
                    if (--s.outstanding == 0)
                      first_round_done(self);
                  },
                  [=](caf::error& err) {
                    auto& s = self->state;
                    s.slots[i].error =
                        protocol::code_of(err == caf::sec::request_timeout
                                              ? protocol::kafka_error::request_timed_out
                                              : protocol::kafka_error::not_leader_or_follower);
                    s.slots[i].error_message = "partition " + s.request.partitions[i].topic + "-" +
                                               std::to_string(s.request.partitions[i].partition) +
                                               " did not answer: " + caf::to_string(err);
                    if (--s.outstanding == 0)
                      first_round_done(self);
                  });
        }
        return st.promise;
      },
      [=](timer_tick&) { answer(self); },
  };
}

} // namespace

fetch_session_actor spawn_fetch_session(caf::actor_system& sys, std::vector<fetch_target> targets) {
  return sys.spawn(session_impl, std::move(targets));
}

} // namespace tributary::actors
