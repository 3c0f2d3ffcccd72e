// The partition actor's timers on CAF's testing scheduler: retention (bounded by the high
// watermark) and compaction (plan / run / apply), driven by advancing the test clock.
#include "partition_test_util.hpp"

#include "tributary/protocol/kafka_error.hpp"

using namespace tributary;
using namespace tributary::actors;
using namespace tributary::actors::test;

namespace {

int64_t records_in(const bytes& data) {
  int64_t n = 0;
  for (const auto& h : headers_of(data))
    n += h.records_count;
  return n;
}

} // namespace

TEST_CASE_METHOD(det_fixture, "retention deletes old segments on its timer", "[partition]") {
  auto spec = make_spec(
      d.path, {{"segment.bytes", "300"}, {"retention.ms", "1000"}, {"file.delete.delay.ms", "0"}});
  spec.retention_check_interval_ms = 1000;
  auto p = spawn_leader(spec);
  for (int i = 0; i < 6; ++i) // timestamps from 1970: far older than retention.ms
    ask<produce_response>(p, produce(make_batch(2, 50, 1000 + i)));
  auto s = status(p);
  REQUIRE(s.segment_count > 2);
  CHECK(s.log_start_offset == 0);
  sched.advance_time(std::chrono::milliseconds(1000));
  sched.run();
  s = status(p);
  CHECK(s.log_start_offset == 12);
  CHECK(s.log_end_offset == 12);
  CHECK(ask<fetch_partition_data>(p, fetch_at(0)).error ==
        protocol::code_of(protocol::kafka_error::offset_out_of_range));
  // The timer re-arms itself: later appends age out too.
  ask<produce_response>(p, produce(make_batch(2, 50, 2000)));
  sched.advance_time(std::chrono::milliseconds(1000));
  sched.run();
  CHECK(status(p).log_start_offset == 14);
}

TEST_CASE_METHOD(det_fixture, "retention keeps what the high watermark does not cover",
                 "[partition]") {
  auto spec = make_spec(
      d.path, {{"segment.bytes", "300"}, {"retention.ms", "1000"}, {"file.delete.delay.ms", "0"}});
  spec.retention_check_interval_ms = 1000;
  auto p = spawn_leader(spec);
  // A follower in the ISR that never fetches holds the high watermark at 0.
  ask<partition_status>(p, leadership_change{0, 0, {0, 1}, {0, 1}});
  for (int i = 0; i < 6; ++i)
    ask<produce_response>(p, produce(make_batch(2, 50, 1000 + i)));
  sched.advance_time(std::chrono::milliseconds(1000));
  sched.run();
  auto s = status(p);
  CHECK(s.high_watermark == 0);
  CHECK(s.log_start_offset == 0);
}

TEST_CASE_METHOD(det_fixture, "compaction keeps the latest record of each key", "[partition]") {
  auto spec = make_spec(d.path, {{"cleanup.policy", "compact"},
                                 {"segment.bytes", "300"},
                                 {"min.cleanable.dirty.ratio", "0.01"},
                                 {"file.delete.delay.ms", "0"}});
  spec.cleaner_backoff_ms = 1000;
  auto p = spawn_leader(spec);
  for (int i = 0; i < 8; ++i) // keys k0 and k1 over and over
    REQUIRE(ask<produce_response>(p, produce(make_batch(2, 10, 1000 + i, 'v', true))).error == 0);
  auto before = ask<fetch_partition_data>(p, fetch_at(0, 0));
  CHECK(records_in(before.records) == 16);
  REQUIRE(status(p).segment_count > 2);
  sched.advance_time(std::chrono::milliseconds(1000));
  sched.run();
  auto after = ask<fetch_partition_data>(p, fetch_at(0, 0));
  CHECK(records_in(after.records) < 16);
  auto s = status(p);
  CHECK(s.log_end_offset == 16); // offsets never move
  CHECK(s.high_watermark == 16);
  // Keyless records are refused on a compacted topic.
  CHECK(ask<produce_response>(p, produce(make_batch(1))).error ==
        protocol::code_of(protocol::kafka_error::invalid_record));
}
