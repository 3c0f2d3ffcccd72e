// Long-poll fetches on CAF's testing scheduler: parked until data or max_wait, answered by
// appends, expired by the (simulated) clock, many at once.
#include "partition_test_util.hpp"

#include "tributary/protocol/kafka_error.hpp"

using namespace tributary;
using namespace tributary::actors;
using namespace tributary::actors::test;
using protocol::code_of;
using protocol::kafka_error;

TEST_CASE_METHOD(det_fixture, "a parked fetch is answered when a produce arrives", "[partition]") {
  auto p = spawn_leader(make_spec(d.path));
  self->send(p, fetch_at(0, 5000));
  sched.run();
  CHECK_FALSE(try_take<fetch_partition_data>());
  CHECK(status(p).parked_fetches == 1);
  self->send(p, produce(make_batch(2)));
  sched.run();
  auto f = take<fetch_partition_data>();
  CHECK(f.error == 0);
  CHECK(f.high_watermark == 2);
  REQUIRE(headers_of(f.records).size() == 1);
  CHECK(take<produce_response>().base_offset == 0);
  CHECK(status(p).parked_fetches == 0);
  // Its expiry timer still fires later; the stale tick must not answer anything twice.
  sched.advance_time(std::chrono::milliseconds(5000));
  sched.run();
  CHECK_FALSE(try_take<fetch_partition_data>());
}

TEST_CASE_METHOD(det_fixture, "a parked fetch is answered empty after max_wait", "[partition]") {
  auto p = spawn_leader(make_spec(d.path));
  ask<produce_response>(p, produce(make_batch(3)));
  self->send(p, fetch_at(3, 500));
  sched.run();
  sched.advance_time(std::chrono::milliseconds(499));
  sched.run();
  CHECK_FALSE(try_take<fetch_partition_data>());
  sched.advance_time(std::chrono::milliseconds(1));
  sched.run();
  auto f = take<fetch_partition_data>();
  CHECK(f.error == 0);
  CHECK(f.records.empty());
  CHECK(f.high_watermark == 3);
  CHECK(status(p).parked_fetches == 0);
}

TEST_CASE_METHOD(det_fixture, "max_wait 0 answers at once even without data", "[partition]") {
  auto p = spawn_leader(make_spec(d.path));
  auto f = ask<fetch_partition_data>(p, fetch_at(0, 0));
  CHECK(f.error == 0);
  CHECK(f.records.empty());
}

TEST_CASE_METHOD(det_fixture, "a fetch waits until min_bytes are readable", "[partition]") {
  auto p = spawn_leader(make_spec(d.path));
  auto one = make_batch(1, 100);
  self->send(p, fetch_at(0, 5000, static_cast<int32_t>(one.size() * 2)));
  sched.run();
  ask<produce_response>(p, produce(one));
  CHECK_FALSE(try_take<fetch_partition_data>()); // one batch is not enough
  self->send(p, produce(make_batch(1, 100)));
  sched.run();
  auto f = take<fetch_partition_data>();
  CHECK(headers_of(f.records).size() == 2);
}

TEST_CASE_METHOD(det_fixture, "one append answers every parked fetch", "[partition]") {
  auto p = spawn_leader(make_spec(d.path));
  constexpr int n = 200;
  for (int i = 0; i < n; ++i)
    self->send(p, fetch_at(0, 10000));
  sched.run();
  CHECK(status(p).parked_fetches == n);
  self->send(p, produce(make_batch(3)));
  sched.run();
  for (int i = 0; i < n; ++i) {
    auto f = take<fetch_partition_data>();
    REQUIRE(f.error == 0);
    REQUIRE(headers_of(f.records).size() == 1);
  }
  CHECK(status(p).parked_fetches == 0);
}

TEST_CASE_METHOD(det_fixture, "parked fetches at other offsets wait for their own data",
                 "[partition]") {
  auto p = spawn_leader(make_spec(d.path));
  ask<produce_response>(p, produce(make_batch(2)));
  self->send(p, fetch_at(2, 10000));
  sched.run();
  self->send(p, fetch_at(5, 10000)); // beyond the log end: an error at once
  sched.run();
  CHECK(take<fetch_partition_data>().error == code_of(kafka_error::offset_out_of_range));
  CHECK(status(p).parked_fetches == 1);
  self->send(p, produce(make_batch(1)));
  sched.run();
  auto f = take<fetch_partition_data>();
  REQUIRE(headers_of(f.records).size() == 1);
  CHECK(headers_of(f.records)[0].base_offset == 2);
}

TEST_CASE_METHOD(det_fixture, "closing answers parked fetches", "[partition]") {
  auto p = spawn_leader(make_spec(d.path));
  self->send(p, fetch_at(0, 10000));
  sched.run();
  CHECK(close(p).error == 0);
  auto f = take<fetch_partition_data>();
  CHECK(f.error == code_of(kafka_error::not_leader_or_follower));
  CHECK(f.error_message.find("closing") != std::string::npos);
}
