// Partition lifecycle: close and respawn on the same folder (data and leader epochs survive),
// deleting a partition's data, a log that cannot open, the disk worker path (scheduled worker
// on the testing scheduler, and a detached one on real threads), flushes for acks=all.
#include "partition_test_util.hpp"

#include "tributary/actors/workers.hpp"
#include "tributary/protocol/kafka_error.hpp"

#include <fstream>
#include <sstream>

using namespace tributary;
using namespace tributary::actors;
using namespace tributary::actors::test;
using protocol::code_of;
using protocol::kafka_error;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

leadership_change lead(int32_t epoch, std::vector<int32_t> replicas = {0},
                       std::vector<int32_t> isr = {0}) {
  return leadership_change{0, epoch, std::move(replicas), std::move(isr)};
}

} // namespace

TEST_CASE_METHOD(det_fixture, "close and respawn keeps the data and the leader epoch cache",
                 "[partition]") {
  {
    auto p = spawn_leader(make_spec(d.path));
    ask<produce_response>(p, produce(make_batch(3)));
    CHECK(ask<partition_status>(p, lead(1)).leader_epoch == 1);
    ask<produce_response>(p, produce(make_batch(2)));
    CHECK(close(p).error == 0);
    CHECK(read_file(d.path + "/leader-epoch-checkpoint") == "0\n2\n0 0\n1 3\n");
  }
  auto p = spawn_leader(make_spec(d.path, {}, 1));
  auto s = status(p);
  CHECK(s.log_end_offset == 5);
  CHECK(s.high_watermark == 5);
  auto e0 = ask<epoch_end_offset_response>(p, epoch_end_offset_request{0, -1});
  CHECK(e0.error == 0);
  CHECK(e0.leader_epoch == 0);
  CHECK(e0.end_offset == 3);
  auto e1 = ask<epoch_end_offset_response>(p, epoch_end_offset_request{1, 1});
  CHECK(e1.leader_epoch == 1);
  CHECK(e1.end_offset == 5);
  auto hs = headers_of(ask<fetch_partition_data>(p, fetch_at(0)).records);
  REQUIRE(hs.size() == 2);
  CHECK(hs[0].partition_leader_epoch == 0);
  CHECK(hs[1].partition_leader_epoch == 1);
  auto stale = ask<epoch_end_offset_response>(p, epoch_end_offset_request{0, 0});
  CHECK(stale.error == code_of(kafka_error::fenced_leader_epoch));
}

TEST_CASE_METHOD(det_fixture, "a lost epoch checkpoint is rebuilt from the batches",
                 "[partition]") {
  {
    auto p = spawn_leader(make_spec(d.path, {}, 4));
    ask<produce_response>(p, produce(make_batch(2)));
    ask<produce_response>(p, produce(make_batch(2)));
    ask<partition_status>(p, lead(6));
    ask<produce_response>(p, produce(make_batch(1)));
    ask<partition_status>(p, lead(9));
    ask<produce_response>(p, produce(make_batch(3)));
    CHECK(close(p).error == 0);
  }
  std::filesystem::remove(d.path + "/leader-epoch-checkpoint");
  auto p = spawn_leader(make_spec(d.path, {}, 9));
  CHECK(read_file(d.path + "/leader-epoch-checkpoint") == "0\n3\n4 0\n6 4\n9 5\n");
  auto e = ask<epoch_end_offset_response>(p, epoch_end_offset_request{5, -1});
  CHECK(e.leader_epoch == 4);
  CHECK(e.end_offset == 4);
}

TEST_CASE_METHOD(det_fixture, "close with delete_data removes the partition folder",
                 "[partition]") {
  auto dir = d.sub("orders-0");
  auto p = spawn_leader(make_spec(dir));
  ask<produce_response>(p, produce(make_batch(2)));
  REQUIRE(std::filesystem::exists(dir));
  CHECK(close(p, true).error == 0);
  CHECK_FALSE(std::filesystem::exists(dir));
}

TEST_CASE_METHOD(det_fixture, "a log that cannot open answers KAFKA_STORAGE_ERROR", "[partition]") {
  auto file = d.sub("not-a-dir");
  std::ofstream(file) << "x";
  auto p = spawn_leader(make_spec(file + "/orders-0"));
  auto r = ask<produce_response>(p, produce(make_batch(1)));
  CHECK(r.error == code_of(kafka_error::kafka_storage_error));
  CHECK(r.error_message.find("orders-0") != std::string::npos);
  CHECK(ask<fetch_partition_data>(p, fetch_at(0)).error ==
        code_of(kafka_error::kafka_storage_error));
  CHECK(status(p).error == code_of(kafka_error::kafka_storage_error));
  CHECK(close(p).error == 0);
}

TEST_CASE_METHOD(det_fixture, "the log opens on the disk worker before the first request",
                 "[partition]") {
  auto disk = own(spawn_disk_worker(sys, "disk-0", {}, 0, false));
  partition_deps deps;
  deps.disk = disk;
  auto spec = make_spec(d.path, {{"flush.messages", "1"}});
  auto p = spawn_partition(sys, spec, deps);
  owned.push_back(caf::actor_cast<caf::actor>(p));
  self->send(p, produce(make_batch(2), -1)); // queued while the open job runs
  sched.run();
  auto r = take<produce_response>();
  CHECK(r.error == 0);
  CHECK(r.base_offset == 0);
  CHECK(close(p).error == 0);
  CHECK(std::filesystem::exists(d.path + "/.clean_shutdown"));
}

TEST_CASE_METHOD(det_fixture, "acks=all waits for the flush the policy asks for", "[partition]") {
  auto disk = own(spawn_disk_worker(sys, "disk-0", {}, 0, false));
  partition_deps deps;
  deps.disk = disk;
  auto p = spawn_leader(make_spec(d.path, {{"flush.messages", "2"}}), deps);
  self->send(p, produce(make_batch(1), -1)); // flush not due yet: answered at once
  sched.run_once();                          // the partition handles the produce
  CHECK(try_take<produce_response>());
  self->send(p, produce(make_batch(1), -1)); // the second message makes a flush due
  sched.run_once();                          // the append; the flush job goes to the worker
  CHECK_FALSE(try_take<produce_response>());
  sched.run(); // the worker fsyncs, the partition completes the flush and answers
  auto r = take<produce_response>();
  CHECK(r.error == 0);
  CHECK(r.base_offset == 1);
}

namespace {
struct mt_fixture {
  caf::actor_system_config cfg;
  caf::actor_system sys;
  caf::scoped_actor self;
  static caf::actor_system_config& init(caf::actor_system_config& c) {
    c.set("scheduler.max-threads", 2);
    return c;
  }
  mt_fixture() : sys(init(cfg)), self(sys) {}
  template <class T, class Handle, class Msg>
  T ask(const Handle& h, Msg msg) {
    T out{};
    bool got = false;
    self->request(h, std::chrono::seconds(20), std::move(msg))
        .receive([&](T& x) { out = std::move(x), got = true; },
                 [&](caf::error& err) { FAIL("request failed: " << caf::to_string(err)); });
    REQUIRE(got);
    return out;
  }
};
} // namespace

TEST_CASE_METHOD(mt_fixture, "a partition with a detached disk worker serves on real threads",
                 "[partition]") {
  temp_dir d;
  auto disk = spawn_disk_worker(sys, "disk-0", {}, 0, true);
  partition_deps deps;
  deps.disk = disk;
  auto p = spawn_partition(sys, make_spec(d.path, {{"flush.messages", "1"}}), deps);
  for (int i = 0; i < 20; ++i) {
    auto r = ask<produce_response>(p, produce(make_batch(5), -1));
    REQUIRE(r.error == 0);
    CHECK(r.base_offset == i * 5);
  }
  auto f = ask<fetch_partition_data>(p, fetch_at(0, 100));
  CHECK(headers_of(f.records).size() == 20);
  // A long-poll answered by a produce from the same requester on real threads.
  self->send(p, fetch_at(100, 10000));
  auto r = ask<produce_response>(p, produce(make_batch(1), 1));
  CHECK(r.base_offset == 100);
  bool got = false;
  self->receive([&](fetch_partition_data& x) { got = !x.records.empty(); },
                caf::after(std::chrono::seconds(20)) >> [] {});
  CHECK(got);
  CHECK(ask<close_response>(p, close_request{}).error == 0);
  caf::anon_send_exit(disk, caf::exit_reason::user_shutdown);
}

TEST_CASE_METHOD(det_fixture, "truncate_request drops the tail and the epochs that wrote it",
                 "[partition]") {
  auto p = spawn_leader(make_spec(d.path));
  ask<produce_response>(p, produce(make_batch(3)));
  ask<partition_status>(p, lead(1));
  ask<produce_response>(p, produce(make_batch(2)));
  CHECK(read_file(d.path + "/leader-epoch-checkpoint") == "0\n2\n0 0\n1 3\n");
  auto s = ask<partition_status>(p, truncate_request{3});
  CHECK(s.error == 0);
  CHECK(s.log_end_offset == 3);
  CHECK(s.high_watermark == 3);
  CHECK(read_file(d.path + "/leader-epoch-checkpoint") == "0\n1\n0 0\n");
  auto e = ask<epoch_end_offset_response>(p, epoch_end_offset_request{1, 1});
  CHECK(e.leader_epoch == 1); // the current epoch, nothing appended in it (any more)
  CHECK(e.end_offset == 3);
  CHECK(ask<produce_response>(p, produce(make_batch(1))).base_offset == 3);
  CHECK(read_file(d.path + "/leader-epoch-checkpoint") == "0\n2\n0 0\n1 3\n");
}
