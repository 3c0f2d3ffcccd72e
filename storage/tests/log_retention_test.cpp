// Retention, DeleteRecords, follower truncation and the compactor's segment swap.
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

TEST_CASE("retention.ms deletes old segments and rolls when the active one is old too") {
  temp_dir d;
  auto o = small_segments();
  o.retention_ms = 1000;
  auto log = partition_log::open(d.path, o);
  REQUIRE(log);
  fill(**log, 6, 10'000); // 3 segments of 2 batches
  REQUIRE((*log)->segments().size() == 3);
  auto r = (*log)->apply_retention(10'500);
  REQUIRE(r);
  CHECK(r->deleted_segments == 0);
  r = (*log)->apply_retention(20'000);
  REQUIRE(r);
  CHECK(r->deleted_segments == 3);
  CHECK((*log)->segments().size() == 1);
  CHECK((*log)->log_start_offset() == offset{12});
  CHECK((*log)->log_end_offset() == offset{12});
  CHECK_FALSE(file_exists(d.sub("00000000000000000000.log")));
  CHECK_FALSE(file_exists(d.sub("00000000000000000000.log.deleted")));
  CHECK((*log)->read(offset{0}, 100, offset{12}).error() ==
        make_error_code(errc::offset_out_of_range));
}

TEST_CASE("retention.bytes deletes the oldest whole segments while the log stays above it") {
  temp_dir d;
  auto o = small_segments();
  o.retention_ms = -1;
  auto log = partition_log::open(d.path, o);
  REQUIRE(log);
  fill(**log, 7, 10'000);
  auto segs = (*log)->segments();
  REQUIRE(segs.size() == 4);
  o.retention_bytes = static_cast<int64_t>((*log)->size_bytes() - segs[0].size_bytes - 1);
  temp_dir d2; // same log, reopened with the option
  REQUIRE((*log)->close());
  log = partition_log::open(d.path, o);
  REQUIRE(log);
  auto r = (*log)->apply_retention(0);
  REQUIRE(r);
  CHECK(r->deleted_segments == 1);
  CHECK((*log)->log_start_offset() == offset{4});
  CHECK((*log)->size_bytes() >= static_cast<uint64_t>(o.retention_bytes));
}

TEST_CASE("a read keeps its file range usable after retention deleted the segment") {
  temp_dir d;
  auto o = small_segments();
  o.retention_ms = 1;
  auto log = partition_log::open(d.path, o);
  REQUIRE(log);
  fill(**log, 4, 10'000);
  auto rd = (*log)->read(offset{0}, 100, offset{8});
  REQUIRE(rd);
  REQUIRE((*log)->apply_retention(1'000'000));
  CHECK_FALSE(file_exists(d.sub("00000000000000000000.log")));
  std::vector<std::byte> buf(rd->ranges[0].length);
  auto n = rd->ranges[0].file->pread_all(buf.data(), buf.size(), rd->ranges[0].position);
  REQUIRE(n);
  CHECK(*n == buf.size());
  CHECK(protocol::validate_batch(buf.data(), buf.size()));
}

TEST_CASE("delete_records_before moves the log start and drops whole segments below it") {
  temp_dir d;
  auto log = partition_log::open(d.path, small_segments());
  REQUIRE(log);
  fill(**log, 6, 10'000); // segments at 0, 4, 8
  auto r = (*log)->delete_records_before(offset{5});
  REQUIRE(r);
  CHECK(*r == offset{5});
  CHECK((*log)->segments().front().base_offset == offset{4});
  CHECK((*log)->read(offset{4}, 100, offset{12}).error() ==
        make_error_code(errc::offset_out_of_range));
  CHECK((*log)->read(offset{5}, 100, offset{12}));
  CHECK((*log)->delete_records_before(offset{13}).error() ==
        make_error_code(errc::offset_out_of_range));
  REQUIRE((*log)->close());
  auto again = partition_log::open(d.path, small_segments());
  REQUIRE(again);
  CHECK((*again)->log_start_offset() == offset{5});
}

TEST_CASE("truncate_to removes the batches at and after the offset, across segments") {
  temp_dir d;
  auto log = partition_log::open(d.path, small_segments());
  REQUIRE(log);
  fill(**log, 6, 10'000);
  REQUIRE((*log)->truncate_to(offset{5})); // batch 4..5 goes whole
  CHECK((*log)->log_end_offset() == offset{4});
  CHECK((*log)->segments().size() == 2);
  auto b = one_batch(2, 150, 20'000);
  auto r = (*log)->append(b.data(), b.size(), epoch{1});
  REQUIRE(r);
  CHECK(r->base_offset == offset{4});
  REQUIRE((*log)->truncate_to(offset{0}));
  CHECK((*log)->log_end_offset() == offset{0});
  CHECK((*log)->segments().size() == 1);
}

TEST_CASE("replace_segments swaps cleaned segments in, and open completes a half-done swap") {
  temp_dir d;
  auto o = small_segments();
  auto log = partition_log::open(d.path, o);
  REQUIRE(log);
  fill(**log, 6, 10'000); // segments at 0, 4, 8
  auto sealed = (*log)->sealed_segments();
  REQUIRE(sealed.size() == 2);
  // "Compact" segments 0 and 4 into one holding only the batch at offset 6.
  std::vector<std::byte> kept(sealed[1].size_bytes);
  REQUIRE(sealed[1].file->pread_all(kept.data(), kept.size(), 0));
  auto h = protocol::parse_batch_header(kept.data(), kept.size());
  REQUIRE(h);
  size_t second = h->total_size();
  auto cleaned = segment::create(d.path, offset{0}, o, 0, ".cleaned");
  REQUIRE(cleaned);
  REQUIRE((*cleaned)->append_batches(kept.data() + second, kept.size() - second));
  REQUIRE((*cleaned)->seal());
  REQUIRE((*cleaned)->sync());
  CHECK((*log)->replace_segments({offset{4}}, nullptr).error() ==
        make_error_code(errc::stale_segments));
  REQUIRE((*log)->replace_segments({offset{0}, offset{4}}, std::move(*cleaned)));
  auto segs = (*log)->segments();
  REQUIRE(segs.size() == 2);
  CHECK(segs[0].base_offset == offset{0});
  CHECK(segs[0].next_offset == offset{8});
  std::vector<std::byte> out;
  auto rd = (*log)->read_copy(offset{0}, 1 << 20, offset{12}, out);
  REQUIRE(rd);
  CHECK(rd->ranges[0].first_offset == offset{6});
  CHECK_FALSE(file_exists(d.sub("00000000000000000004.log")));
  REQUIRE((*log)->close());

  // A crash after ".cleaned -> .swap": the swap must win on open.
  auto again = partition_log::open(d.path, o);
  REQUIRE(again);
  auto s2 = (*again)->sealed_segments();
  auto c2 = segment::create(d.path, offset{0}, o, 0, ".swap");
  REQUIRE(c2);
  REQUIRE((*c2)->seal());
  (*c2).reset(); // empty replacement: all of [0, 8) compacted away
  REQUIRE(segment::file_name(offset{0}, ".log") == "00000000000000000000.log");
  REQUIRE(write_file_atomically(d.path, "00000000000000000000.swap.range", "8\n"));
  again->reset(); // crash (no clean close of the swap state)
  auto third = partition_log::open(d.path, o);
  REQUIRE(third);
  CHECK((*third)->segments().front().size_bytes == 0);
  CHECK((*third)->log_end_offset() == offset{12});
  CHECK_FALSE(file_exists(d.sub("00000000000000000000.log.swap")));
}
