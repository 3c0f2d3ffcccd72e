// Crash tests: torn and corrupt tails, damaged index files, a writer killed with SIGKILL,
// and a full disk. After reopening, everything before the damage is there and readable and
// nothing after it is returned.
#include "log_test_util.hpp"

#include "tributary/protocol/batch_header.hpp"
#include "tributary/storage/errc.hpp"

#include <catch2/catch.hpp>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <random>
#include <sys/mount.h>
#include <sys/wait.h>

using namespace tributary;
using namespace tributary::storage;
using namespace tributary::storage::test;

namespace {

struct written {
  int64_t base = 0;
  int64_t last = 0;
  uint64_t position = 0; // in the last segment file
  uint64_t size = 0;
};

log_options crash_options() {
  log_options o;
  o.segment_bytes = 6000;
  o.index_interval_bytes = 200;
  return o;
}

/// Fills a log (several segments), closes it and removes the clean marker as a crash would.
/// Returns the batches of the last segment and its base.
std::vector<written> build_log(const std::string& dir, std::mt19937_64& rng, int64_t& last_base) {
  auto log = std::move(*partition_log::open(dir, crash_options()));
  std::vector<written> out;
  for (int i = 0; i < 60; ++i) {
    auto b = one_batch(1 + static_cast<int>(rng() % 4), rng() % 150, 1000 + i);
    auto r = log->append(b.data(), b.size(), epoch{0});
    REQUIRE(r);
    if (log->segments().back().base_offset != offset{last_base}) {
      last_base = log->segments().back().base_offset.value;
      out.clear();
    }
    uint64_t pos = log->segments().back().size_bytes - b.size();
    out.push_back({r->base_offset.value, r->last_offset.value, pos, b.size()});
  }
  REQUIRE(log->close());
  ::unlink((dir + "/.clean_shutdown").c_str());
  return out;
}

/// Reads the whole log and checks every batch: valid CRC, contiguous offsets.
int64_t read_all_valid(partition_log& log) {
  std::vector<std::byte> out;
  auto r = log.read_copy(log.log_start_offset(), 1 << 30, log.log_end_offset(), out);
  REQUIRE(r);
  int64_t next = log.log_start_offset().value;
  for (size_t pos = 0; pos < out.size();) {
    auto h = protocol::validate_batch(out.data() + pos, out.size() - pos);
    REQUIRE(h);
    REQUIRE(h->base_offset == next);
    next = h->last_offset() + 1;
    pos += h->total_size();
  }
  REQUIRE(next == log.log_end_offset().value);
  return next;
}

void damage(const std::string& path, uint64_t pos, bool truncate) {
  int fd = ::open(path.c_str(), O_RDWR);
  REQUIRE(fd >= 0);
  if (truncate) {
    REQUIRE(::ftruncate(fd, static_cast<off_t>(pos)) == 0);
  } else {
    std::byte b{};
    REQUIRE(::pread(fd, &b, 1, static_cast<off_t>(pos)) == 1);
    b ^= std::byte{0x41};
    REQUIRE(::pwrite(fd, &b, 1, static_cast<off_t>(pos)) == 1);
  }
  ::close(fd);
}

} // namespace

TEST_CASE("crash: a torn or corrupt last segment keeps every batch before the damage") {
  uint64_t seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  for (int round = 0; round < 30; ++round) {
    temp_dir d;
    int64_t last_base = 0;
    auto batches = build_log(d.path, rng, last_base);
    const written& hit = batches[rng() % batches.size()];
    bool is_truncate = rng() % 2 == 0;
    // Bytes 0-7 (base offset) and 12-15 (leader epoch) are outside the CRC, as in Kafka.
    uint64_t within = is_truncate ? rng() % hit.size : 16 + rng() % (hit.size - 16);
    if (within < 12 && within >= 8 && !is_truncate)
      within = 8;
    std::string log_path = d.sub(segment::file_name(offset{last_base}, ".log"));
    damage(log_path, hit.position + within, is_truncate);
    INFO("round " << round << (is_truncate ? " truncate" : " flip") << " at batch " << hit.base);
    auto log = partition_log::open(d.path, crash_options());
    REQUIRE(log);
    CHECK((*log)->log_end_offset() == offset{hit.base});
    CHECK(read_all_valid(**log) == hit.base);
    auto b = one_batch(2, 10, 5000); // and the log takes appends again where it stopped
    auto r = (*log)->append(b.data(), b.size(), epoch{1});
    REQUIRE(r);
    CHECK(r->base_offset == offset{hit.base});
  }
}

TEST_CASE("crash: damaged index and time index files are detected and rebuilt") {
  uint64_t seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  for (int round = 0; round < 20; ++round) {
    temp_dir d;
    int64_t last_base = 0;
    build_log(d.path, rng, last_base);
    int64_t end = 0;
    {
      auto log = std::move(*partition_log::open(d.path, crash_options()));
      end = log->log_end_offset().value;
      REQUIRE(log->close()); // clean: the fast path trusts the indexes unless they look bad
    }
    const char* ext = rng() % 2 ? ".index" : ".timeindex";
    std::string path = d.sub(segment::file_name(offset{0}, ext));
    auto size = static_cast<uint64_t>(std::filesystem::file_size(path));
    INFO("round " << round << " " << ext << " of " << size << " bytes");
    if (size > 0 && rng() % 2)
      damage(path, rng() % size, true); // torn: a size that is not a whole number of entries
    else {
      std::ofstream junk(path, std::ios::app | std::ios::binary);
      junk << "garbage!"; // entries past the log / not monotonic
    }
    auto log = partition_log::open(d.path, crash_options());
    REQUIRE(log);
    CHECK((*log)->log_end_offset() == offset{end});
    CHECK(read_all_valid(**log) == end);
    for (int64_t o = 0; o < end; o += 7) { // every offset is found through the indexes
      auto r = (*log)->read(offset{o}, 1, offset{end});
      REQUIRE(r);
      REQUIRE(r->ranges.size() == 1);
      CHECK(r->ranges[0].first_offset <= offset{o});
      CHECK(r->ranges[0].last_offset >= offset{o});
    }
    CHECK(**(*log)->offset_for_timestamp(1000) == offset{0});
  }
}

TEST_CASE("crash: a writer killed with SIGKILL reopens with every flushed batch") {
  temp_dir d;
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) { // the writer: append, flush every few appends, report the flushed offset
    ::close(fds[0]);
    auto log = partition_log::open(d.path, crash_options());
    if (!log)
      ::_exit(2);
    for (int i = 0;; ++i) {
      auto b = one_batch(3, 40, 1000 + i);
      if (!(*log)->append(b.data(), b.size(), epoch{0}))
        ::_exit(3);
      if (i % 5 == 4) {
        if (!(*log)->flush())
          ::_exit(4);
        int64_t flushed = (*log)->recovery_point().value;
        if (::write(fds[1], &flushed, sizeof flushed) != sizeof flushed)
          ::_exit(5);
      }
    }
  }
  ::close(fds[1]);
  int64_t flushed = 0;
  for (int reports = 0; reports < 40; ++reports)
    REQUIRE(::read(fds[0], &flushed, sizeof flushed) == sizeof flushed);
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(fds[0]);
  CHECK(WIFSIGNALED(status));
  auto log = partition_log::open(d.path, crash_options());
  REQUIRE(log);
  CHECK((*log)->log_end_offset() >= offset{flushed});
  CHECK(read_all_valid(**log) >= flushed);
  log->reset();
  std::filesystem::remove_all(d.path); // the child's temp_dir never ran its destructor
}

TEST_CASE("a full disk fails the append with no_space and leaves the log consistent") {
  temp_dir d;
  std::string mnt = d.sub("small");
  std::filesystem::create_directory(mnt);
  if (::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=128k") != 0) {
    WARN("cannot mount a tmpfs here (not root?): skipping the ENOSPC test");
    return;
  }
  struct unmount {
    std::string p;
    ~unmount() { ::umount2(p.c_str(), MNT_DETACH); }
  } guard{mnt};
  log_options o;
  o.segment_bytes = 1 << 20;
  auto log = partition_log::open(mnt + "/p0", o);
  REQUIRE(log);
  result<append_result> r = append_result{};
  int64_t end_before = 0;
  uint64_t size_before = 0;
  for (int i = 0; i < 1000 && r; ++i) {
    end_before = (*log)->log_end_offset().value;
    size_before = (*log)->size_bytes();
    auto b = one_batch(4, 1000, 1000 + i);
    r = (*log)->append(b.data(), b.size(), epoch{0});
  }
  REQUIRE_FALSE(r);
  CHECK(r.error() == make_error_code(errc::no_space));
  CHECK((*log)->last_error().find("00000000000000000000.log") != std::string::npos);
  CHECK((*log)->log_end_offset() == offset{end_before});
  CHECK((*log)->size_bytes() == size_before);
  CHECK(std::filesystem::file_size(mnt + "/p0/00000000000000000000.log") == size_before);
  CHECK(read_all_valid(**log) == end_before);
  log->reset();
  auto again = partition_log::open(mnt + "/p0", o);
  REQUIRE(again);
  CHECK(read_all_valid(**again) == end_before);
}

TEST_CASE("crash: missing index files of a sealed segment are rebuilt on a clean open") {
  temp_dir d;
  std::mt19937_64 rng(7);
  int64_t last_base = 0;
  build_log(d.path, rng, last_base);
  int64_t end = 0;
  {
    auto log = std::move(*partition_log::open(d.path, crash_options()));
    end = log->log_end_offset().value;
    REQUIRE(log->close());
  }
  REQUIRE(last_base > 0);
  ::unlink(d.sub("00000000000000000000.index").c_str());
  ::unlink(d.sub("00000000000000000000.timeindex").c_str());
  auto log = partition_log::open(d.path, crash_options());
  REQUIRE(log);
  CHECK((*log)->log_end_offset() == offset{end});
  CHECK(std::filesystem::file_size(d.sub("00000000000000000000.index")) > 0);
  CHECK(std::filesystem::file_size(d.sub("00000000000000000000.timeindex")) > 0);
  CHECK(read_all_valid(**log) == end);
}

TEST_CASE("crash: a log start checkpoint beyond the recovered log end starts an empty log there") {
  temp_dir d;
  uint64_t kept_bytes = 0;
  {
    auto log = std::move(*partition_log::open(d.path, log_options{}));
    for (int i = 0; i < 10; ++i) {
      auto b = one_batch(10, 20, 1000 + i);
      REQUIRE(log->append(b.data(), b.size(), epoch{0}));
      if (i == 2)
        kept_bytes = log->size_bytes();
    }
    REQUIRE(log->delete_records_before(offset{80})); // the log start 80 is checkpointed
    REQUIRE(log->close());
  }
  // The crash lost every batch after offset 29 although the log start checkpoint says 80.
  ::unlink(d.sub(".clean_shutdown").c_str());
  damage(d.sub(segment::file_name(offset{0}, ".log")), kept_bytes, true);

  {
    auto log = std::move(*partition_log::open(d.path, log_options{}));
    CHECK(log->log_start_offset() == offset{80});
    CHECK(log->log_end_offset() == offset{80});
    REQUIRE(log->segments().size() == 1);
    CHECK(log->segments().front().base_offset == offset{80});
    CHECK_FALSE(file_exists(d.sub(segment::file_name(offset{0}, ".log"))));
    auto b = one_batch(5, 20, 2000);
    auto r = log->append(b.data(), b.size(), epoch{0});
    REQUIRE(r);
    CHECK(r->base_offset == offset{80});
    CHECK(read_all_valid(*log) == 85);
    REQUIRE(log->close());
  }
  auto log = std::move(*partition_log::open(d.path, log_options{}));
  CHECK(log->log_start_offset() == offset{80});
  CHECK(read_all_valid(*log) == 85);
}
