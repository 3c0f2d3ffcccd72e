// Compaction safety: a worker thread beside appends, crashes between the steps of a swap,
// retention or truncation under a running task, corrupt input.
#include "log_compactor_test_util.hpp"

#include "tributary/storage/errc.hpp"

#include <atomic>
#include <fcntl.h>
#include <random>
#include <thread>
#include <unistd.h>

using namespace tributary;
using namespace tributary::storage;
using namespace tributary::storage::test;

namespace {

void workload(partition_log& log, log_model& m, std::mt19937& rng, int batches, int64_t ts) {
  for (int i = 0; i < batches; ++i) {
    std::vector<keyed_record> recs(1 + rng() % 4);
    for (auto& r : recs) {
      r.key = "k" + std::to_string(rng() % 16);
      if (rng() % 10 != 0)
        r.value = std::string(10 + rng() % 40, static_cast<char>('a' + rng() % 26));
      r.ts = ts + i;
    }
    append_keyed(log, m, recs);
  }
}

/// The model without what retention removed below the log start.
log_model pruned(const log_model& m, offset log_start) {
  log_model out;
  for (const auto& [off, r] : m.all)
    if (off >= log_start.value)
      out.add(off, r);
  return out;
}

void rename_segment(const std::string& dir, offset base, const std::string& to_suffix) {
  for (const char* ext : {".log", ".index", ".timeindex"}) {
    std::string from = dir + "/" + segment::file_name(base, ext);
    std::filesystem::rename(from, from + to_suffix);
  }
}

} // namespace

TEST_CASE("compaction runs on a second thread while the owner thread keeps appending",
          "[compaction]") {
  temp_dir d;
  manual_clock clk;
  auto log = partition_log::open(d.path, compact_options(), clk.fn());
  REQUIRE(log);
  std::mt19937 rng(99);
  log_model m;
  workload(**log, m, rng, 200, *clk.now - 1000);
  REQUIRE((*log)->roll());
  log_compactor c(d.path, eager_compaction());
  for (int round = 0; round < 3; ++round) {
    auto task = c.plan(**log, *clk.now);
    REQUIRE(task);
    REQUIRE(*task);
    std::atomic<bool> is_done{false};
    result<void> outcome;
    std::thread worker([&] {
      outcome = (*task)->run();
      is_done = true;
    });
    int appended = 0;
    while ((!is_done || appended < 30) && appended < 100'000) {
      workload(**log, m, rng, 1, *clk.now); // the owner thread appends (and rolls) meanwhile
      ++appended;
      if (appended % 10 == 0)
        REQUIRE((*log)->read(offset{0}, 4096, (*log)->log_end_offset()));
    }
    worker.join();
    REQUIRE(outcome);
    auto s = c.apply(**log, std::move(**task));
    REQUIRE(s);
    check_compacted(read_all(**log), m, s->cleaned_up_to.value);
  }
}

TEST_CASE("leftover .cleaned files of a crashed run are discarded on reopen, nothing lost",
          "[compaction]") {
  temp_dir d;
  manual_clock clk;
  auto log = partition_log::open(d.path, compact_options(), clk.fn());
  REQUIRE(log);
  std::mt19937 rng(5);
  log_model m;
  workload(**log, m, rng, 150, *clk.now - 1000);
  REQUIRE((*log)->roll());
  auto before = read_all(**log);
  log_compactor c(d.path, eager_compaction());
  {
    auto task = c.plan(**log, *clk.now);
    REQUIRE(task);
    REQUIRE(*task);
    REQUIRE((*task)->run());
    for (const auto& e : std::filesystem::directory_iterator(d.path))
      if (e.path().extension() == ".cleaned")
        std::filesystem::copy_file(e.path(), e.path().string() + ".keep");
  } // the task is dropped without apply
  CHECK(count_files(d.path, ".cleaned") == 0);
  REQUIRE((*log)->close());
  log->reset();
  for (const auto& e : std::filesystem::directory_iterator(d.path)) // as if the process died
    if (e.path().extension() == ".keep")
      std::filesystem::rename(e.path(), d.path + "/" + e.path().stem().string());
  REQUIRE(count_files(d.path, ".cleaned") > 0);
  auto reopened = partition_log::open(d.path, compact_options(), clk.fn());
  REQUIRE(reopened);
  CHECK(count_files(d.path, ".cleaned") == 0);
  CHECK(read_all(**reopened).records == before.records);
}

TEST_CASE("a swap interrupted after .cleaned -> .swap is completed on reopen", "[compaction]") {
  bool are_old_deleted = GENERATE(false, true);
  temp_dir d;
  manual_clock clk;
  auto log = partition_log::open(d.path, compact_options(), clk.fn());
  REQUIRE(log);
  std::mt19937 rng(6);
  log_model m;
  workload(**log, m, rng, 150, *clk.now - 1000);
  REQUIRE((*log)->roll());
  size_t records_before = read_all(**log).records.size();
  log_compactor c(d.path, eager_compaction());
  auto task = c.plan(**log, *clk.now);
  REQUIRE(task);
  REQUIRE(*task);
  REQUIRE((*task)->run());
  auto& group = (*task)->groups().front();
  offset base = group.old_bases.front();
  offset end = (*log)->log_end_offset();
  for (const auto& seg : (*log)->segments())
    if (seg.base_offset > group.old_bases.back()) {
      end = seg.base_offset;
      break;
    }
  // The first steps of partition_log::replace_segments, then a crash.
  auto rep = std::move(group.replacement);
  REQUIRE(rep->persist_indexes());
  REQUIRE(write_file_atomically(d.path, segment::file_name(base, ".swap.range"),
                                std::to_string(end.value) + "\n"));
  REQUIRE(rep->rename_suffix(".cleaned", ".swap"));
  rep.reset();
  if (are_old_deleted)
    for (offset b : group.old_bases)
      rename_segment(d.path, b, ".deleted");
  task->reset(); // discards the other groups
  log->reset();
  std::filesystem::remove(d.sub(".clean_shutdown"));

  auto reopened = partition_log::open(d.path, compact_options(), clk.fn());
  REQUIRE(reopened);
  CHECK(count_files(d.path, ".swap") == 0);
  CHECK(count_files(d.path, ".swap.range") == 0);
  auto contents = read_all(**reopened);
  CHECK(contents.records.size() < records_before);
  check_compacted(contents, m, 0);       // every latest value, every record unchanged, ascending
  for (const auto& r : contents.records) // the swapped range is the cleaned one
    if (r.off >= base.value && r.off < end.value && r.key) {
      int64_t latest_before_end = -1;
      for (const auto& [off, rec] : m.all)
        if (off < (*reopened)->log_end_offset().value && rec.key == r.key)
          latest_before_end = off;
      CHECK(latest_before_end == r.off);
    }
}

TEST_CASE("retention during a run makes apply fail with stale_segments and change nothing",
          "[compaction]") {
  temp_dir d;
  manual_clock clk;
  auto opts = compact_options();
  opts.cleanup_delete = true;
  opts.retention_ms = 50'000;
  auto log = partition_log::open(d.path, opts, clk.fn());
  REQUIRE(log);
  std::mt19937 rng(8);
  log_model m;
  workload(**log, m, rng, 100, *clk.now - 100'000);
  workload(**log, m, rng, 100, *clk.now);
  REQUIRE((*log)->roll());
  log_compactor c(d.path, eager_compaction());
  auto task = c.plan(**log, *clk.now);
  REQUIRE(task);
  REQUIRE(*task);
  REQUIRE((*task)->run());

  auto ret = (*log)->apply_retention(*clk.now);
  REQUIRE(ret);
  REQUIRE(ret->deleted_segments > 0);
  auto before = read_all(**log);
  auto applied = c.apply(**log, std::move(**task));
  REQUIRE_FALSE(applied);
  CHECK(applied.error() == make_error_code(errc::stale_segments));
  CHECK(count_files(d.path, ".cleaned") == 0);
  CHECK(read_all(**log).records == before.records);
  CHECK_FALSE(c.cleaned_offset());

  auto again = compact_once(c, **log, *clk.now); // the next pass works on the new log
  REQUIRE(again);
  check_compacted(read_all(**log), pruned(m, (*log)->log_start_offset()),
                  (*log)->log_end_offset().value);
}

TEST_CASE("a truncation below the cleaned range during a run makes apply stale", "[compaction]") {
  temp_dir d;
  manual_clock clk;
  auto log = partition_log::open(d.path, compact_options(), clk.fn());
  REQUIRE(log);
  std::mt19937 rng(9);
  log_model m;
  workload(**log, m, rng, 150, *clk.now - 1000);
  REQUIRE((*log)->roll());
  log_compactor c(d.path, eager_compaction());
  auto task = c.plan(**log, *clk.now);
  REQUIRE(task);
  REQUIRE(*task);
  REQUIRE((*task)->run());
  auto sealed = (*log)->sealed_segments();
  offset target = sealed[sealed.size() / 2].base_offset + 1;
  REQUIRE((*log)->truncate_to(target));
  auto before = read_all(**log);
  auto applied = c.apply(**log, std::move(**task));
  REQUIRE_FALSE(applied);
  CHECK(applied.error() == make_error_code(errc::stale_segments));
  CHECK(count_files(d.path, ".cleaned") == 0);
  CHECK(read_all(**log).records == before.records);
}

TEST_CASE("a corrupt batch in a sealed segment stops cleaning that log and drops nothing",
          "[compaction]") {
  temp_dir d;
  manual_clock clk;
  auto log = partition_log::open(d.path, compact_options(), clk.fn());
  REQUIRE(log);
  std::mt19937 rng(10);
  log_model m;
  workload(**log, m, rng, 100, *clk.now - 1000);
  REQUIRE((*log)->roll());
  auto sealed = (*log)->sealed_segments();
  REQUIRE(sealed.size() > 2);
  std::string victim = sealed[1].file->path();
  uint64_t size_before = sealed[1].size_bytes;
  int fd = ::open(victim.c_str(), O_WRONLY);
  REQUIRE(fd >= 0);
  char junk = 0x7f;
  REQUIRE(::pwrite(fd, &junk, 1, 100) == 1); // inside the CRC'd part of the first batch
  ::close(fd);

  log_compactor c(d.path, eager_compaction());
  auto task = c.plan(**log, *clk.now);
  REQUIRE(task);
  REQUIRE(*task);
  auto run = (*task)->run();
  REQUIRE_FALSE(run);
  CHECK(run.error() == make_error_code(errc::corrupt_log));
  CHECK((*task)->last_error().find(victim) != std::string::npos);
  CHECK(count_files(d.path, ".cleaned") == 0);
  auto applied = c.apply(**log, std::move(**task));
  REQUIRE_FALSE(applied);
  CHECK(c.is_uncleanable());
  CHECK(c.plan(**log, *clk.now).error() == make_error_code(errc::corrupt_log));
  CHECK((*log)->sealed_segments()[1].size_bytes == size_before);
}

TEST_CASE("a truncation before the run reads as damage but only makes apply stale",
          "[compaction]") {
  temp_dir d;
  manual_clock clk;
  auto log = partition_log::open(d.path, compact_options(), clk.fn());
  REQUIRE(log);
  std::mt19937 rng(11);
  log_model m;
  workload(**log, m, rng, 150, *clk.now - 1000);
  REQUIRE((*log)->roll());
  log_compactor c(d.path, eager_compaction());
  auto task = c.plan(**log, *clk.now);
  REQUIRE(task);
  REQUIRE(*task);
  auto sealed = (*log)->sealed_segments();
  REQUIRE((*log)->truncate_to(sealed[sealed.size() / 2].base_offset + 1)); // shrinks a file
  (void)(*task)->run(); // may fail: the snapshot's sizes no longer match the files
  auto applied = c.apply(**log, std::move(**task));
  REQUIRE_FALSE(applied);
  CHECK(applied.error() == make_error_code(errc::stale_segments));
  CHECK_FALSE(c.is_uncleanable());
  auto again = compact_once(c, **log, *clk.now); // the next pass cleans the new log
  REQUIRE(again);
}
