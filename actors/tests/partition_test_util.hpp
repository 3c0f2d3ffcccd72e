#pragma once
// Shared by the partition and replica tests: temp folders, record batches, and a
// deterministic fixture on CAF's testing scheduler (guide 8.2: our own mini "expect", since
// CAF's DSL crashes under Catch2). Actors spawned through the fixture are stopped in its
// destructor, and remaining timers are fired a bounded number of times, so a test that fails
// half-way cannot hang the actor system's teardown.

#include "tributary/actors/partition.hpp"
#include "tributary/actors/replica.hpp"
#include "tributary/protocol/batch_builder.hpp"
#include "tributary/protocol/batch_header.hpp"

#include "caf/all.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <unistd.h>
#include <vector>

namespace tributary::actors::test {

/// A fresh folder under /tmp, removed with everything in it at scope end.
struct temp_dir {
  std::string path;
  temp_dir() {
    char tmpl[] = "/tmp/trib-part-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string sub(const std::string& name) const { return path + "/" + name; }
};

/// One RecordBatch v2 of `records` records (values of `value_bytes` bytes filled with
/// `fill`, keys "k<i>" when keyed), timestamps ts, ts+1, ...
inline bytes make_batch(int records, size_t value_bytes = 10, int64_t ts = 1000, char fill = 'v',
                        bool keyed = false) {
  protocol::batch_builder b;
  std::string value(value_bytes, fill);
  std::vector<std::string> keys;
  keys.reserve(static_cast<size_t>(records));
  for (int i = 0; i < records; ++i) {
    keys.push_back("k" + std::to_string(i));
    protocol::record_input r;
    r.timestamp_ms = ts + i;
    r.value = protocol::as_bytes(value);
    if (keyed)
      r.key = protocol::as_bytes(keys.back());
    b.append(r);
  }
  std::vector<std::byte> out;
  REQUIRE(b.build(out));
  return bytes(reinterpret_cast<const char*>(out.data()),
               reinterpret_cast<const char*>(out.data()) + out.size());
}

/// The headers of the batches in a fetch payload.
inline std::vector<protocol::batch_header> headers_of(const bytes& data) {
  std::vector<protocol::batch_header> out;
  size_t pos = 0;
  auto* p = reinterpret_cast<const std::byte*>(data.data());
  while (pos < data.size()) {
    auto h = protocol::validate_batch(p + pos, data.size() - pos);
    REQUIRE(h);
    out.push_back(*h);
    pos += h->total_size();
  }
  return out;
}

inline produce_request produce(bytes records, int16_t acks = 1, int32_t timeout_ms = 30000) {
  produce_request r;
  r.topic = "orders";
  r.partition = 0;
  r.acks = acks;
  r.timeout_ms = timeout_ms;
  r.records = std::move(records);
  return r;
}

inline partition_fetch fetch_at(int64_t offset, int32_t max_wait_ms = 0, int32_t min_bytes = 1) {
  partition_fetch f;
  f.fetch_offset = offset;
  f.max_wait_ms = max_wait_ms;
  f.min_bytes = min_bytes;
  return f;
}

/// Topic "orders" partition 0 in `dir` with Kafka's defaults plus `overrides`.
inline partition_spec make_spec(const std::string& dir, config::string_map overrides = {},
                                int32_t leader_epoch = 0) {
  partition_spec s;
  s.topic = "orders";
  s.partition = 0;
  s.dir = dir;
  auto cfg = config::topic_config{}.with_overrides(overrides);
  REQUIRE(cfg);
  s.config = *cfg;
  s.leader_epoch = leader_epoch;
  s.parent = "broker 0";
  return s;
}

struct det_fixture {
  caf::actor_system_config cfg;
  caf::actor_system sys;
  caf::scheduler::test_coordinator& sched;
  caf::scoped_actor self;
  std::vector<caf::actor> owned;
  temp_dir d; // outlives the actors: they close their logs in the destructor's body

  static caf::actor_system_config& init(caf::actor_system_config& c) {
    c.set("scheduler.policy", caf::atom("testing"));
    c.set("logger.inline-output", true);
    return c;
  }

  det_fixture()
      : sys(init(cfg)), sched(dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler())),
        self(sys, true) {}

  ~det_fixture() {
    for (auto& a : owned)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    sched.run();
    for (int i = 0; i < 100 && sched.trigger_timeouts() > 0; ++i)
      sched.run();
  }

  template <class Handle>
  Handle own(Handle h) {
    owned.push_back(caf::actor_cast<caf::actor>(h));
    sched.run();
    return h;
  }

  partition_actor spawn_leader(partition_spec spec, partition_deps deps = {}) {
    return own(spawn_partition(sys, std::move(spec), std::move(deps)));
  }

  /// Takes the next message of type T out of the scoped actor's mailbox, if there is one.
  template <class T>
  std::optional<T> try_take() {
    std::optional<T> out;
    self->receive([&](T& x) { out = std::move(x); }, caf::after(std::chrono::seconds(0)) >> [] {});
    return out;
  }

  template <class T>
  T take() {
    auto x = try_take<T>();
    REQUIRE(x);
    return std::move(*x);
  }

  /// Sends `msg`, runs every actor until idle, returns the answer.
  template <class T, class Handle, class Msg>
  T ask(const Handle& h, Msg msg) {
    self->send(h, std::move(msg));
    sched.run();
    return take<T>();
  }

  template <class Handle>
  partition_status status(const Handle& h) {
    return ask<partition_status>(h, partition_status_request{});
  }

  template <class Handle>
  close_response close(const Handle& h, bool delete_data = false) {
    return ask<close_response>(h, close_request{delete_data});
  }
};

} // namespace tributary::actors::test
