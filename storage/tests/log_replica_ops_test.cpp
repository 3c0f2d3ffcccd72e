// The log operations replication needs: retention bounded by the high watermark,
// truncate_fully_and_start_at (a follower behind the leader's log start) and set_options
// (topic config changes on an open log).
#include "log_test_util.hpp"

#include "tributary/storage/errc.hpp"

#include <catch2/catch.hpp>

using namespace tributary;
using namespace tributary::storage;
using namespace tributary::storage::test;

namespace {
log_options small_segments() {
  log_options o;
  o.segment_bytes = 1000;
  o.index_interval_bytes = 0;
  o.file_delete_delay_ms = 0;
  return o;
}
void fill(partition_log& log, int batches, int64_t ts) {
  for (int i = 0; i < batches; ++i) {
    auto b = one_batch(2, 150, ts + i);
    REQUIRE(log.append(b.data(), b.size(), epoch{0}));
  }
}
} // namespace

TEST_CASE("retention never deletes a segment holding offsets at or above the high watermark") {
  temp_dir d;
  auto o = small_segments();
  o.retention_ms = 1000;
  auto log = partition_log::open(d.path, o);
  REQUIRE(log);
  fill(**log, 6, 10'000); // segments [0,4) [4,8) [8,12)
  REQUIRE((*log)->segments().size() == 3);
  auto r = (*log)->apply_retention(20'000, offset{5}); // only [0,4) is wholly below 5
  REQUIRE(r);
  CHECK(r->deleted_segments == 1);
  CHECK((*log)->log_start_offset() == offset{4});
  r = (*log)->apply_retention(20'000, offset{8}); // [4,8) ends exactly at the HW
  REQUIRE(r);
  CHECK(r->deleted_segments == 1);
  CHECK((*log)->log_start_offset() == offset{8});
  r = (*log)->apply_retention(20'000, offset{11});
  REQUIRE(r);
  CHECK(r->deleted_segments == 0); // the active segment reaches the log end 12 > 11
  r = (*log)->apply_retention(20'000, offset{12});
  REQUIRE(r);
  CHECK(r->deleted_segments == 1);
  CHECK((*log)->log_start_offset() == offset{12});
}

TEST_CASE("retention.bytes stops at the high watermark too") {
  temp_dir d;
  auto o = small_segments();
  o.retention_ms = -1;
  o.retention_bytes = 1;
  auto log = partition_log::open(d.path, o);
  REQUIRE(log);
  fill(**log, 6, 10'000);
  auto r = (*log)->apply_retention(0, offset{4});
  REQUIRE(r);
  CHECK(r->deleted_segments == 1);
  CHECK((*log)->log_start_offset() == offset{4});
  r = (*log)->apply_retention(0, offset{0});
  REQUIRE(r);
  CHECK(r->deleted_segments == 0);
}

TEST_CASE("truncate_fully_and_start_at restarts the log past its end and survives a reopen") {
  temp_dir d;
  auto o = small_segments();
  {
    auto log = partition_log::open(d.path, o);
    REQUIRE(log);
    fill(**log, 3, 10'000); // offsets [0, 6)
    REQUIRE((*log)->truncate_fully_and_start_at(offset{100}));
    CHECK((*log)->log_start_offset() == offset{100});
    CHECK((*log)->log_end_offset() == offset{100});
    CHECK((*log)->recovery_point() == offset{100});
    CHECK((*log)->read(offset{0}, 100, offset{100}).error() ==
          make_error_code(errc::offset_out_of_range));
    auto b = one_batch(2, 10, 20'000, 100);
    REQUIRE((*log)->append_with_offsets(b.data(), b.size()));
    CHECK((*log)->log_end_offset() == offset{102});
    REQUIRE((*log)->close());
  }
  auto log = partition_log::open(d.path, o);
  REQUIRE(log);
  CHECK((*log)->log_start_offset() == offset{100});
  CHECK((*log)->log_end_offset() == offset{102});
}

TEST_CASE("truncate_fully_and_start_at refuses while a flush ticket is out") {
  temp_dir d;
  auto log = partition_log::open(d.path, small_segments());
  REQUIRE(log);
  fill(**log, 1, 10'000);
  auto t = (*log)->prepare_flush();
  REQUIRE(t);
  CHECK((*log)->truncate_fully_and_start_at(offset{10}).error() ==
        make_error_code(errc::flush_in_progress));
  REQUIRE(t->execute());
  (*log)->complete_flush(*t);
  CHECK((*log)->truncate_fully_and_start_at(offset{10}));
}

TEST_CASE("set_options changes max.message.bytes of an open log") {
  temp_dir d;
  auto log = partition_log::open(d.path, small_segments());
  REQUIRE(log);
  auto b = one_batch(2, 150, 10'000);
  auto o = (*log)->options();
  o.max_message_bytes = 100;
  (*log)->set_options(o);
  CHECK((*log)->append(b.data(), b.size(), epoch{0}).error() ==
        make_error_code(errc::record_too_large));
  o.max_message_bytes = 10'000;
  (*log)->set_options(o);
  CHECK((*log)->append(b.data(), b.size(), epoch{0}));
}
