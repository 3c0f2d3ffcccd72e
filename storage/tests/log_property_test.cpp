// Property test: random appends, reads, rolls, retention, DeleteRecords, truncation,
// flushes and reopen (clean and unclean), checked against an in-memory model of batches.
// Seeded: TRIB_SEED=<n> reproduces a run; the seed is printed on failure.
#include "log_test_util.hpp"

#include "tributary/storage/errc.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <random>

using namespace tributary;
using namespace tributary::storage;
using namespace tributary::storage::test;

namespace {

struct model {
  std::map<int64_t, std::vector<std::byte>> batches; // by base offset, as written
  std::map<int64_t, int64_t> last;                   // base -> last offset
  int64_t start = 0;
  int64_t end = 0;

  /// Bytes a read(start, max_bytes, upper) must return.
  std::vector<std::byte> expect(int64_t from, size_t max_bytes, int64_t upper) const {
    std::vector<std::byte> out;
    auto it = batches.upper_bound(from);
    if (it != batches.begin() && last.at(std::prev(it)->first) >= from)
      --it;
    for (; it != batches.end(); ++it) {
      if (last.at(it->first) >= upper)
        break;
      if (!out.empty() && out.size() + it->second.size() > max_bytes)
        break;
      out.insert(out.end(), it->second.begin(), it->second.end());
      if (out.size() >= max_bytes)
        break;
    }
    return out;
  }
  void drop_from(int64_t target) { // truncate_to semantics
    for (auto it = batches.begin(); it != batches.end();) {
      if (last.at(it->first) >= target) {
        last.erase(it->first);
        it = batches.erase(it);
      } else {
        ++it;
      }
    }
  }
};

} // namespace

TEST_CASE("property: the log agrees with a model under random operations and reopens") {
  uint64_t seed = std::random_device{}();
  if (const char* s = std::getenv("TRIB_SEED"))
    seed = std::stoull(s);
  INFO("seed " << seed << " (rerun with TRIB_SEED=" << seed << ")");
  std::mt19937_64 rng(seed);
  auto pick = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  temp_dir d;
  log_options o;
  o.segment_bytes = pick(800, 4000);
  o.index_interval_bytes = pick(0, 600);
  o.segment_index_bytes = pick(1, 4) * 96;
  o.retention_ms = -1;
  o.retention_bytes = pick(0, 1) ? pick(3000, 20000) : -1;
  o.file_delete_delay_ms = 0;
  auto log = std::move(*partition_log::open(d.path, o));
  model m;
  int64_t ts = 1'000'000;
  const int steps = 2500;
  for (int step = 0; step < steps; ++step) {
    INFO("step " << step);
    int64_t op = pick(0, 99);
    if (op < 50) { // append 1..3 batches in one call
      std::vector<std::byte> buf;
      std::vector<std::pair<size_t, int>> parts;
      for (int64_t n = pick(1, 3); n > 0; --n) {
        int recs = static_cast<int>(pick(1, 5));
        parts.emplace_back(add_batch(buf, recs, static_cast<size_t>(pick(0, 200)), ts += 3), recs);
      }
      auto r = log->append(buf.data(), buf.size(), epoch{1});
      if (static_cast<int64_t>(buf.size()) > o.segment_bytes) {
        REQUIRE(r.error() == make_error_code(errc::batch_too_large));
        continue;
      }
      REQUIRE(r);
      REQUIRE(r->base_offset == offset{m.end});
      size_t pos = 0;
      for (auto [size, recs] : parts) {
        m.batches[m.end].assign(buf.begin() + pos, buf.begin() + pos + size);
        m.last[m.end] = m.end + recs - 1;
        m.end += recs;
        pos += size;
      }
    } else if (op < 80) { // read
      int64_t from = pick(m.start, m.end);
      size_t max_bytes = static_cast<size_t>(pick(1, 3000));
      int64_t upper = pick(0, 3) == 0 ? pick(from, m.end) : m.end;
      std::vector<std::byte> out;
      auto r = log->read_copy(offset{from}, max_bytes, offset{upper}, out);
      REQUIRE(r);
      REQUIRE(out == m.expect(from, max_bytes, upper));
      if (m.start > 0)
        REQUIRE(log->read(offset{m.start - 1}, 10, offset{m.end}).error() ==
                make_error_code(errc::offset_out_of_range));
    } else if (op < 84) { // DeleteRecords
      int64_t before = pick(m.start, m.end);
      auto r = log->delete_records_before(offset{before});
      REQUIRE(r);
      m.start = std::max(m.start, before);
      REQUIRE(*r == offset{m.start});
    } else if (op < 88) { // retention by bytes
      auto r = log->apply_retention(ts);
      REQUIRE(r);
      REQUIRE(log->log_start_offset() >= offset{m.start});
      m.start = log->log_start_offset().value;
      if (r->deleted_segments > 0) // deleting by size never takes the log below the limit
        REQUIRE(log->size_bytes() >= static_cast<uint64_t>(o.retention_bytes));
    } else if (op < 90) { // follower truncation
      int64_t target = pick(m.start, m.end);
      int64_t first_base = log->segments().front().base_offset.value;
      REQUIRE(log->truncate_to(offset{target}));
      if (target <= first_base && target < m.end) {
        m.batches.clear();
        m.last.clear();
        m.start = m.end = target;
      } else if (target < m.end) {
        m.drop_from(target);
        m.end = m.last.empty() ? first_base : std::max(first_base, m.last.rbegin()->second + 1);
        m.start = std::min(m.start, m.end);
      }
    } else if (op < 94) {
      REQUIRE(log->flush());
    } else if (op < 97) {
      REQUIRE(log->roll());
    } else { // reopen: clean, or as after a crash (no marker, so recovery scans)
      REQUIRE(log->close());
      if (pick(0, 1))
        ::unlink(d.sub(".clean_shutdown").c_str());
      log.reset();
      log = std::move(*partition_log::open(d.path, o));
    }
    REQUIRE(log->log_end_offset() == offset{m.end});
    REQUIRE(log->log_start_offset() == offset{m.start});
  }
}
