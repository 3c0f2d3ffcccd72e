// Replication on one node: a leader partition actor and a follower replica actor with its own
// folder, on CAF's testing scheduler. The follower mirrors the leader byte for byte, the
// leader's high watermark follows the follower's log end offset, acks=all waits for it, the
// ISR drops a silent follower, and a diverging tail is truncated after an epoch change.
#include "partition_test_util.hpp"

#include "tributary/protocol/kafka_error.hpp"
#include "tributary/storage/partition_log.hpp"
#include "tributary/storage/topic_log_options.hpp"

#include <fstream>
#include <sstream>

using namespace tributary;
using namespace tributary::actors;
using namespace tributary::actors::test;
using protocol::code_of;
using protocol::kafka_error;

namespace {

leadership_change lead(int32_t epoch, std::vector<int32_t> isr) {
  return leadership_change{0, epoch, {0, 1}, std::move(isr)};
}

replica_spec follower_spec(const std::string& dir, partition_actor leader, int32_t epoch = 0) {
  replica_spec s;
  s.topic = "orders";
  s.partition = 0;
  s.dir = dir;
  s.node_id = 1;
  s.leader = std::move(leader);
  s.leader_epoch = epoch;
  s.leader_id = 0;
  return s;
}

// Every byte of a closed log folder from `from` on.
bytes log_bytes(const std::string& dir, int64_t from = 0) {
  auto log = storage::partition_log::open(dir, storage::log_options{});
  REQUIRE(log);
  std::vector<std::byte> out;
  auto r = (*log)->read_copy(offset{from}, size_t{64} << 20, (*log)->log_end_offset(), out);
  REQUIRE(r);
  return bytes(reinterpret_cast<const char*>(out.data()),
               reinterpret_cast<const char*>(out.data()) + out.size());
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

} // namespace

TEST_CASE_METHOD(det_fixture, "a follower mirrors the leader and the HW follows its log end",
                 "[replica]") {
  auto leader = spawn_leader(make_spec(d.sub("leader")));
  ask<partition_status>(leader, lead(0, {0, 1}));
  CHECK(ask<produce_response>(leader, produce(make_batch(3), 1)).error == 0);
  auto s = status(leader);
  CHECK(s.log_end_offset == 3);
  CHECK(s.high_watermark == 0); // the in-sync follower has not fetched yet
  CHECK(ask<fetch_partition_data>(leader, fetch_at(0)).records.empty()); // consumers see < HW
  self->send(leader, produce(make_batch(2), -1));                        // acks=all must wait
  sched.run();
  CHECK_FALSE(try_take<produce_response>());

  auto follower = own(spawn_follower_replica(sys, follower_spec(d.sub("follower"), leader), {}));
  auto acked = take<produce_response>(); // the follower's second fetch moved the HW to 5
  CHECK(acked.error == 0);
  CHECK(acked.base_offset == 3);
  s = status(leader);
  CHECK(s.high_watermark == 5);
  CHECK(s.isr == std::vector<int32_t>{0, 1});
  CHECK(status(follower).log_end_offset == 5);
  // The follower learns the HW from the next answer (its parked fetch expires).
  sched.advance_time(std::chrono::milliseconds(500));
  sched.run();
  CHECK(status(follower).high_watermark == 5);

  ask<produce_response>(leader, produce(make_batch(4, 50, 3000)));
  auto fs = status(follower);
  CHECK(fs.log_end_offset == 9);
  CHECK(status(leader).high_watermark == 9);
  auto info = ask<actor_info>(follower, stats_request{});
  CHECK(info.kind == "replica");
  CHECK(info.counters.records_in == 9);

  CHECK(close(follower).error == 0);
  auto leader_bytes = ask<fetch_partition_data>(leader, fetch_at(0)).records;
  CHECK(close(leader).error == 0);
  CHECK(log_bytes(d.sub("follower")) == leader_bytes);
  CHECK(read_file(d.sub("follower") + "/leader-epoch-checkpoint") == "0\n1\n0 0\n");
}

TEST_CASE_METHOD(det_fixture, "acks=all times out while an in-sync follower stays silent",
                 "[replica]") {
  auto leader = spawn_leader(make_spec(d.path));
  ask<partition_status>(leader, lead(0, {0, 1}));
  self->send(leader, produce(make_batch(1), -1, 1000));
  sched.run();
  sched.advance_time(std::chrono::milliseconds(1000));
  sched.run();
  auto r = take<produce_response>();
  CHECK(r.error == code_of(kafka_error::request_timed_out));
  CHECK(r.error_message.find("orders-0") != std::string::npos);
}

TEST_CASE_METHOD(det_fixture, "a silent follower leaves the ISR and rejoins once caught up",
                 "[replica]") {
  auto spec = make_spec(d.sub("leader"));
  spec.replica_lag_time_max_ms = 1000;
  auto leader = spawn_leader(spec);
  ask<partition_status>(leader, lead(0, {0, 1}));
  self->send(leader, produce(make_batch(2), -1, 60000));
  sched.run();
  CHECK_FALSE(try_take<produce_response>());
  for (int i = 0; i < 3; ++i) { // ISR checks every 500 ms; lagging means > 1000 ms
    sched.advance_time(std::chrono::milliseconds(500));
    sched.run();
  }
  auto r = take<produce_response>(); // the ISR shrank to the leader: HW = log end
  CHECK(r.error == 0);
  auto s = status(leader);
  CHECK(s.isr == std::vector<int32_t>{0});
  CHECK(s.high_watermark == 2);

  auto follower = own(spawn_follower_replica(sys, follower_spec(d.sub("follower"), leader), {}));
  CHECK(status(leader).isr == std::vector<int32_t>{0, 1});
  CHECK(status(follower).log_end_offset == 2);
  CHECK(close(follower).error == 0);
}

TEST_CASE_METHOD(det_fixture, "a follower truncates its diverging tail after an epoch change",
                 "[replica]") {
  auto fdir = d.sub("follower");
  { // The follower once took offsets 0-4 from an old leader in epoch 0.
    auto log = storage::partition_log::open(fdir, storage::log_options{});
    REQUIRE(log);
    for (auto fill : {'a', 'b'}) {
      auto b = make_batch(fill == 'a' ? 3 : 2, 10, 1000, fill);
      REQUIRE((*log)->append(reinterpret_cast<std::byte*>(b.data()), b.size(), epoch{0}));
    }
    REQUIRE((*log)->close());
    std::ofstream(fdir + "/leader-epoch-checkpoint") << "0\n1\n0 0\n";
  }
  // The new leader kept only offsets 0-2 of epoch 0, then wrote 3-6 in epoch 1.
  auto leader = spawn_leader(make_spec(d.sub("leader")));
  ask<produce_response>(leader, produce(make_batch(3, 10, 1000, 'a')));
  ask<partition_status>(leader, lead(1, {0}));
  ask<produce_response>(leader, produce(make_batch(4, 10, 2000, 'c')));

  auto follower = own(spawn_follower_replica(sys, follower_spec(fdir, leader, 1), {}));
  auto fs = status(follower);
  CHECK(fs.log_end_offset == 7);
  CHECK(fs.leader_epoch == 1);
  auto ls = status(leader);
  CHECK(ls.isr == std::vector<int32_t>{0, 1}); // caught up: back in the ISR
  CHECK(close(follower).error == 0);
  auto leader_bytes = ask<fetch_partition_data>(leader, fetch_at(0)).records;
  CHECK(log_bytes(fdir) == leader_bytes);
  CHECK(read_file(fdir + "/leader-epoch-checkpoint") == "0\n2\n0 0\n1 3\n");
}

TEST_CASE_METHOD(det_fixture, "a leader change fences the follower until it learns the epoch",
                 "[replica]") {
  auto leader = spawn_leader(make_spec(d.sub("leader")));
  ask<partition_status>(leader, lead(0, {0, 1}));
  auto follower = own(spawn_follower_replica(sys, follower_spec(d.sub("follower"), leader), {}));
  ask<produce_response>(leader, produce(make_batch(2)));
  CHECK(status(follower).log_end_offset == 2);
  ask<partition_status>(leader, lead(1, {0, 1})); // the follower's parked fetch is fenced
  ask<produce_response>(leader, produce(make_batch(3)));
  CHECK(status(follower).log_end_offset == 2);
  auto fs = ask<partition_status>(follower, leadership_change{0, 1, {0, 1}, {0, 1}});
  CHECK(fs.error == 0);
  CHECK(fs.leader_epoch == 1);
  sched.run();
  CHECK(status(follower).log_end_offset == 5);
  CHECK(status(leader).high_watermark == 5);
  auto stale = ask<partition_status>(follower, leadership_change{0, 0, {0, 1}, {0, 1}});
  CHECK(stale.error == code_of(kafka_error::fenced_leader_epoch));
  CHECK(close(follower).error == 0);
}

TEST_CASE_METHOD(det_fixture, "a follower behind the leader's log start starts over there",
                 "[replica]") {
  auto leader = spawn_leader(make_spec(d.sub("leader")));
  ask<partition_status>(leader, lead(0, {0}));
  ask<produce_response>(leader, produce(make_batch(5)));
  CHECK(ask<delete_records_result>(leader, partition_delete_records{-1}).low_watermark == 5);
  auto follower = own(spawn_follower_replica(sys, follower_spec(d.sub("follower"), leader), {}));
  auto fs = status(follower);
  CHECK(fs.log_start_offset == 5);
  CHECK(fs.log_end_offset == 5);
  ask<produce_response>(leader, produce(make_batch(2)));
  CHECK(status(follower).log_end_offset == 7);
  CHECK(close(follower).error == 0);
}

TEST_CASE_METHOD(det_fixture, "fetches from unknown replicas are refused", "[replica]") {
  auto leader = spawn_leader(make_spec(d.path));
  replica_fetch_request req;
  req.replica_id = 7;
  auto r = ask<fetch_partition_data>(leader, req);
  CHECK(r.error == code_of(kafka_error::not_leader_or_follower));
  CHECK(r.error_message.find("replica 7") != std::string::npos);
}
