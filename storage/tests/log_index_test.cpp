// Unit tests of offset_index, time_index, checkpoint_file, batch_scanner and segment.
#include "log_test_util.hpp"

#include "tributary/storage/batch_scanner.hpp"
#include "tributary/storage/checkpoint_file.hpp"
#include "tributary/storage/errc.hpp"
#include "tributary/storage/offset_index.hpp"
#include "tributary/storage/segment.hpp"
#include "tributary/storage/time_index.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

using namespace tributary;
using namespace tributary::storage;
using namespace tributary::storage::test;

TEST_CASE("offset_index finds the largest entry at or below the target and persists 8-byte "
          "entries") {
  temp_dir d;
  auto idx = offset_index::open(d.sub("x.index"), offset{100}, 10, false);
  REQUIRE(idx);
  idx->append(offset{110}, 400);
  idx->append(offset{120}, 800);
  idx->append(offset{115}, 900); // not increasing: ignored
  CHECK(idx->entry_count() == 2);
  CHECK(idx->lookup(offset{105}).position == 0);
  CHECK(idx->lookup(offset{110}).position == 400);
  CHECK(idx->lookup(offset{119}).position == 400);
  CHECK(idx->lookup(offset{500}).position == 800);
  REQUIRE(idx->persist());
  CHECK(std::filesystem::file_size(d.sub("x.index")) == 16);
  auto again = offset_index::open(d.sub("x.index"), offset{100}, 10, true);
  REQUIRE(again);
  CHECK(again->entry_count() == 2);
  CHECK_FALSE(again->is_corrupt(1000));
  CHECK(again->is_corrupt(800)); // an entry points past the log
  REQUIRE(again->truncate_to(offset{120}));
  CHECK(again->entry_count() == 1);
  CHECK(std::filesystem::file_size(d.sub("x.index")) == 8);
  std::ofstream(d.sub("x.index"), std::ios::app) << "abc";
  auto torn = offset_index::open(d.sub("x.index"), offset{100}, 10, true);
  REQUIRE(torn);
  CHECK(torn->is_corrupt(1000));
}

TEST_CASE("time_index only grows with the timestamp and looks up strictly before the target") {
  temp_dir d;
  auto idx = time_index::open(d.sub("x.timeindex"), offset{0}, 10, false);
  REQUIRE(idx);
  idx->maybe_append(1000, offset{5});
  idx->maybe_append(900, offset{9}); // not greater: ignored
  idx->maybe_append(2000, offset{20});
  CHECK(idx->entry_count() == 2);
  CHECK(idx->lookup_before(1000).off == offset{0});
  CHECK(idx->lookup_before(1001).off == offset{5});
  CHECK(idx->lookup_before(5000).off == offset{20});
  REQUIRE(idx->persist());
  CHECK(std::filesystem::file_size(d.sub("x.timeindex")) == 24);
  auto again = time_index::open(d.sub("x.timeindex"), offset{0}, 10, true);
  REQUIRE(again);
  CHECK(again->last_entry().timestamp == 2000);
  CHECK(again->is_corrupt(offset{20})); // offset 20 is not below the next offset
  CHECK_FALSE(again->is_corrupt(offset{21}));
}

TEST_CASE("checkpoint_file writes Kafka's text format atomically and ignores stale writers") {
  temp_dir d;
  checkpoint_file cp(d.path, "recovery-point-offset-checkpoint");
  CHECK_FALSE(*cp.read());
  REQUIRE(cp.write(offset{42}, 2));
  REQUIRE(cp.write(offset{40}, 1)); // older generation: ignored
  CHECK(**cp.read() == offset{42});
  std::ofstream(cp.path()) << "garbage";
  CHECK(cp.read().error() == make_error_code(errc::corrupt_log));
}

TEST_CASE("batch_scanner walks batches and stops at a torn tail") {
  temp_dir d;
  std::vector<std::byte> buf;
  for (int i = 0; i < 50; ++i)
    add_batch(buf, 2, 300, 1000, i * 2);
  std::ofstream(d.sub("s.log"), std::ios::binary)
      .write(reinterpret_cast<const char*>(buf.data()), static_cast<std::streamsize>(buf.size()));
  auto file = log_file::open(d.sub("s.log"), false);
  REQUIRE(file);
  for (bool validate : {false, true}) {
    batch_scanner all(*file, 0, buf.size(), validate);
    scanned_batch b;
    int n = 0;
    while (all.next(b) == batch_scanner::status::batch)
      CHECK(b.header.base_offset == 2 * n++);
    CHECK(n == 50);
    batch_scanner torn(*file, 0, buf.size() - 1, validate);
    n = 0;
    auto st = batch_scanner::status::batch;
    while ((st = torn.next(b)) == batch_scanner::status::batch)
      ++n;
    CHECK(n == 49);
    CHECK(st == batch_scanner::status::damaged);
  }
}

TEST_CASE("segment appends, reads by offset, truncates and rebuilds its indexes by recovery") {
  temp_dir d;
  log_options o;
  o.index_interval_bytes = 100;
  auto seg = segment::create(d.path, offset{50}, o, 0);
  REQUIRE(seg);
  CHECK(segment::file_name(offset{50}, ".log") == "00000000000000000050.log");
  std::vector<std::byte> buf;
  for (int i = 0; i < 10; ++i)
    add_batch(buf, 3, 50, 1000 + i, 50 + 3 * i);
  REQUIRE((*seg)->append_batches(buf.data(), buf.size()));
  CHECK((*seg)->next_offset() == offset{80});
  CHECK((*seg)->index().entry_count() > 0);
  auto s = (*seg)->read(offset{61}, 1, offset{80}, true);
  REQUIRE(s);
  CHECK(s->range->first_offset == offset{59});
  REQUIRE((*seg)->truncate_to(offset{70})); // batch 68..70 goes whole
  CHECK((*seg)->next_offset() == offset{68});
  REQUIRE((*seg)->seal());
  auto size = (*seg)->size_bytes();
  seg->reset();
  auto again = segment::open_files(d.path, offset{50}, o, 0);
  REQUIRE(again);
  REQUIRE((*again)->load());
  CHECK((*again)->next_offset() == offset{68});
  auto rep = (*again)->recover();
  REQUIRE(rep);
  CHECK(rep->valid_bytes == size);
  CHECK(rep->truncated_bytes == 0);
  CHECK((*again)->max_timestamp() == 1007); // batches 0..5 remain: 1005 + 2
}
