// Compaction semantics: latest record per key, tombstone horizons, min.compaction.lag,
// compressed batches, dirty ratio, bounded offset map, batches copied as they are.
#include "log_compactor_test_util.hpp"

#include "tributary/storage/errc.hpp"
#include "tributary/storage/offset_map.hpp"

#include <random>

using namespace tributary;
using namespace tributary::storage;
using namespace tributary::storage::test;

namespace {

/// `batches` batches of 1-5 records: keys k0..k19 (5% null), values of 5-60 letters (10%
/// tombstones), timestamps from `ts`.
void random_workload(partition_log& log, log_model& m, std::mt19937& rng, int batches, int64_t ts,
                     protocol::batch_options o = {}) {
  std::uniform_int_distribution<int> percent(0, 99);
  for (int i = 0; i < batches; ++i) {
    std::vector<keyed_record> recs(1 + rng() % 5);
    for (auto& r : recs) {
      if (percent(rng) >= 5)
        r.key = "k" + std::to_string(rng() % 20);
      if (percent(rng) >= 10)
        r.value = std::string(5 + rng() % 56, static_cast<char>('a' + rng() % 26));
      r.ts = ts + i;
    }
    append_keyed(log, m, recs, o);
  }
}

} // namespace

TEST_CASE("compaction of a random keyed workload keeps exactly each key's latest record",
          "[compaction]") {
  temp_dir d;
  manual_clock clk;
  auto log = partition_log::open(d.path, compact_options(), clk.fn());
  REQUIRE(log);
  std::mt19937 rng(20240611);
  log_model m;
  random_workload(**log, m, rng, 400, *clk.now - 100'000);
  REQUIRE((*log)->roll());
  size_t segments_before = (*log)->sealed_segments().size();
  REQUIRE(segments_before > 10);

  log_compactor c(d.path, eager_compaction());
  auto s = compact_once(c, **log, *clk.now);
  REQUIRE(s);
  CHECK(s->stats.records_kept < s->stats.records_read);
  CHECK(s->cleaned_up_to == (*log)->log_end_offset());
  auto contents = read_all(**log);
  check_compacted(contents, m, (*log)->log_end_offset().value);
  CHECK(count_files(d.path, ".cleaned") == 0);

  auto after = (*log)->sealed_segments();
  CHECK(after.size() < segments_before); // small cleaned segments were grouped
  for (const auto& seg : after)
    CHECK(seg.size_bytes <= 4096);

  REQUIRE((*log)->close());
  log->reset();
  auto reopened = partition_log::open(d.path, compact_options(), clk.fn());
  REQUIRE(reopened);
  CHECK(read_all(**reopened).records == contents.records);
}

TEST_CASE("a tombstone survives until its delete horizon and vanishes in the pass after it",
          "[compaction]") {
  temp_dir d;
  manual_clock clk;
  int64_t t0 = *clk.now;
  auto log = partition_log::open(d.path, compact_options(), clk.fn());
  REQUIRE(log);
  log_model m;
  append_keyed(**log, m, {{"a", "v1", t0 - 50}, {"a", std::nullopt, t0 - 40}});
  append_keyed(**log, m, {{"c", std::nullopt, t0 - 30}}); // all kept, still needs a horizon
  append_keyed(**log, m, {{"b", "v2", t0 - 20}});
  REQUIRE((*log)->roll());

  log_compactor c(d.path, eager_compaction());
  REQUIRE(compact_once(c, **log, t0));
  auto first = read_all(**log);
  check_compacted(first, m, (*log)->log_end_offset().value);
  REQUIRE(first.records.size() == 3); // a's tombstone, c's tombstone, b
  for (const auto& h : first.batches)
    if (h.base_offset <= 2) {
      CHECK(h.has_delete_horizon());
      CHECK(h.base_timestamp == t0 + 10'000);
    }
  CHECK(c.next_horizon_ms() == t0 + 10'000);

  auto early = c.plan(**log, t0 + 9'999);
  REQUIRE(early);
  CHECK_FALSE(*early); // nothing dirty, horizon not reached: the log is left alone

  auto s = compact_once(c, **log, t0 + 10'000);
  REQUIRE(s);
  CHECK(s->stats.tombstones_dropped == 2);
  auto second = read_all(**log);
  REQUIRE(second.records.size() == 1);
  CHECK(second.records[0].key == "b");
  CHECK(second.records[0].value == "v2");
  CHECK_FALSE(c.next_horizon_ms());
}

TEST_CASE("retention deletes the empty sealed segments that expired tombstones leave",
          "[compaction]") {
  temp_dir d;
  manual_clock clk;
  int64_t t0 = *clk.now;
  auto opts = compact_options();
  opts.cleanup_delete = true; // compact,delete
  opts.retention_bytes = 1 << 20;
  auto log = partition_log::open(d.path, opts, clk.fn());
  REQUIRE(log);
  log_model m;
  append_keyed(**log, m, {{"a", std::nullopt, t0 - 10}});
  REQUIRE((*log)->roll());
  append_keyed(**log, m, {{"b", "kept", t0 - 5}}); // stays in the active segment
  log_compactor c(d.path, eager_compaction());
  REQUIRE(compact_once(c, **log, t0));
  REQUIRE(compact_once(c, **log, t0 + 10'000)); // the tombstone's horizon has passed
  auto segs = (*log)->sealed_segments();
  REQUIRE_FALSE(segs.empty());
  CHECK(segs.front().size_bytes == 0);
  auto r = (*log)->apply_retention(t0 + 10'000);
  REQUIRE(r);
  CHECK(r->deleted_segments >= 1);
  CHECK((*log)->log_start_offset() == offset{1});
  auto contents = read_all(**log);
  REQUIRE(contents.records.size() == 1);
  CHECK(contents.records[0].value == "kept");
}

TEST_CASE("segments younger than min.compaction.lag.ms stay untouched", "[compaction]") {
  temp_dir d;
  manual_clock clk;
  int64_t now = *clk.now;
  auto opts = compact_options();
  opts.min_compaction_lag_ms = 60'000;
  auto log = partition_log::open(d.path, opts, clk.fn());
  REQUIRE(log);
  std::mt19937 rng(7);
  log_model m;
  random_workload(**log, m, rng, 100, now - 120'000);
  REQUIRE((*log)->roll());
  int64_t boundary = (*log)->log_end_offset().value;
  random_workload(**log, m, rng, 100, now - 1'000);
  REQUIRE((*log)->roll());
  std::vector<segment_info> recent;
  for (const auto& seg : (*log)->sealed_segments())
    if (seg.base_offset.value >= boundary)
      recent.push_back(seg);
  REQUIRE(recent.size() > 1);

  log_compactor c(d.path, eager_compaction());
  auto s = compact_once(c, **log, now);
  REQUIRE(s);
  CHECK(s->cleaned_up_to == offset{boundary});
  auto contents = read_all(**log);
  check_compacted(contents, m, boundary);
  int64_t head_records = 0;
  for (const auto& r : contents.records)
    head_records += r.off >= boundary;
  CHECK(head_records == (*log)->log_end_offset().value - boundary); // the dirty head keeps all
  auto now_segments = (*log)->sealed_segments();
  for (const auto& was : recent) {
    bool same = false;
    for (const auto& seg : now_segments)
      same = same || (seg.base_offset == was.base_offset && seg.file == was.file &&
                      seg.size_bytes == was.size_bytes);
    CHECK(same);
  }
}

TEST_CASE("compressed batches are cleaned into valid batches of the same codec and offsets",
          "[compaction]") {
  auto codec = GENERATE(protocol::compression_codec::gzip, protocol::compression_codec::lz4,
                        protocol::compression_codec::zstd, protocol::compression_codec::snappy);
  temp_dir d;
  manual_clock clk;
  auto log = partition_log::open(d.path, compact_options(), clk.fn());
  REQUIRE(log);
  std::mt19937 rng(static_cast<unsigned>(codec) * 31);
  log_model m;
  std::map<int64_t, protocol::batch_header> originals; // by base offset
  for (int i = 0; i < 60; ++i) {
    protocol::batch_options o;
    o.codec = codec;
    o.producer_id = 77;
    o.producer_epoch = 3;
    o.base_sequence = i * 8;
    std::vector<keyed_record> recs(8);
    for (auto& r : recs)
      r = {"key-" + std::to_string(rng() % 6), std::string(40, static_cast<char>('a' + i % 26)),
           *clk.now - 1000 + i};
    append_keyed(**log, m, recs, o);
  }
  for (const auto& h : read_all(**log).batches)
    originals[h.base_offset] = h;
  REQUIRE((*log)->roll());

  log_compactor c(d.path, eager_compaction());
  auto s = compact_once(c, **log, *clk.now);
  REQUIRE(s);
  CHECK(s->stats.batches_rewritten > 0);
  auto contents = read_all(**log); // every batch passes CRC and decodes
  check_compacted(contents, m, (*log)->log_end_offset().value);
  for (const auto& h : contents.batches) {
    REQUIRE(originals.count(h.base_offset));
    const auto& was = originals[h.base_offset];
    CHECK(h.codec() == codec);
    CHECK(h.last_offset_delta == was.last_offset_delta);
    CHECK(h.producer_id == 77);
    CHECK(h.producer_epoch == 3);
    CHECK(h.base_sequence == was.base_sequence);
    CHECK(h.partition_leader_epoch == was.partition_leader_epoch);
  }
}

TEST_CASE("an idle compacted log is not rewritten again, also after a restart", "[compaction]") {
  temp_dir d;
  manual_clock clk;
  auto log = partition_log::open(d.path, compact_options(), clk.fn());
  REQUIRE(log);
  std::mt19937 rng(3);
  log_model m;
  random_workload(**log, m, rng, 200, *clk.now - 1000);
  REQUIRE((*log)->roll());
  compaction_options half;
  half.min_cleanable_dirty_ratio = 0.5;
  log_compactor c(d.path, half);
  REQUIRE(compact_once(c, **log, *clk.now));
  CHECK(c.cleaned_offset() == (*log)->log_end_offset());
  CHECK(file_exists(d.sub(log_compactor::k_checkpoint_name)));
  CHECK_FALSE(compact_once(c, **log, *clk.now));
  log_compactor restarted(d.path, half);
  CHECK_FALSE(compact_once(restarted, **log, *clk.now));

  random_workload(**log, m, rng, 200, *clk.now);
  REQUIRE((*log)->roll());
  auto s = compact_once(restarted, **log, *clk.now);
  REQUIRE(s); // more dirty than clean bytes now
  check_compacted(read_all(**log), m, (*log)->log_end_offset().value);
}

TEST_CASE("a small offset map cleans up to the offset it covers; passes converge", "[compaction]") {
  temp_dir d;
  manual_clock clk;
  auto log = partition_log::open(d.path, compact_options(), clk.fn());
  REQUIRE(log);
  std::mt19937 rng(11);
  log_model m;
  random_workload(**log, m, rng, 80, *clk.now - 1000);
  REQUIRE((*log)->roll());
  auto opts = eager_compaction();
  opts.offset_map_bytes = 8 * (offset_map::k_entry_overhead + 3); // about 8 keys
  log_compactor c(d.path, opts);
  auto first = compact_once(c, **log, *clk.now);
  REQUIRE(first);
  CHECK(first->cleaned_up_to < (*log)->log_end_offset());
  check_compacted(read_all(**log), m, first->cleaned_up_to.value);
  int passes = 1;
  while (c.cleaned_offset() < (*log)->log_end_offset() && passes < 200) {
    auto s = compact_once(c, **log, *clk.now);
    REQUIRE(s);
    check_compacted(read_all(**log), m, s->cleaned_up_to.value);
    ++passes;
  }
  CHECK(c.cleaned_offset() == (*log)->log_end_offset());
  check_compacted(read_all(**log), m, (*log)->log_end_offset().value);
}

TEST_CASE("transactional batches and null-key records are kept as they are", "[compaction]") {
  temp_dir d;
  manual_clock clk;
  auto log = partition_log::open(d.path, compact_options(), clk.fn());
  REQUIRE(log);
  log_model m;
  protocol::batch_options txn;
  txn.is_transactional = true;
  txn.producer_id = 5;
  txn.producer_epoch = 0;
  txn.base_sequence = 0;
  append_keyed(**log, m, {{"k", "in-txn", 1}}, txn);
  append_keyed(**log, m, {{std::nullopt, "no-key-1", 2}, {std::nullopt, "no-key-2", 3}});
  append_keyed(**log, m, {{"k", "v2", 4}});
  REQUIRE((*log)->roll());
  log_compactor c(d.path, eager_compaction());
  REQUIRE(compact_once(c, **log, *clk.now));
  auto contents = read_all(**log);
  REQUIRE(contents.records.size() == 4);
  CHECK(contents.records[0].value == "in-txn");
  CHECK(contents.batches[0].is_transactional());
}

TEST_CASE("a log without cleanup.policy=compact is never planned", "[compaction]") {
  temp_dir d;
  auto opts = compact_options();
  opts.cleanup_compact = false;
  auto log = partition_log::open(d.path, opts);
  REQUIRE(log);
  log_model m;
  append_keyed(**log, m, {{"a", "1", 1}, {"a", "2", 2}});
  REQUIRE((*log)->roll());
  log_compactor c(d.path, eager_compaction());
  auto task = c.plan(**log, 10);
  REQUIRE(task);
  CHECK_FALSE(*task);
}

TEST_CASE("LogAppendTime batches keep their type and append time when rewritten", "[compaction]") {
  temp_dir d;
  manual_clock clk;
  auto opts = compact_options();
  opts.timestamp_type = message_timestamp_type::log_append_time;
  auto log = partition_log::open(d.path, opts, clk.fn());
  REQUIRE(log);
  log_model m;
  append_keyed(**log, m, {{"a", "1", 5}, {"b", "2", 6}});
  append_keyed(**log, m, {{"a", "3", 7}});
  REQUIRE((*log)->roll());
  log_compactor c(d.path, eager_compaction());
  REQUIRE(compact_once(c, **log, *clk.now));
  auto contents = read_all(**log);
  REQUIRE(contents.records.size() == 2);
  CHECK(contents.records[0].key == "b");
  for (const auto& h : contents.batches) {
    CHECK(h.ts_type() == protocol::timestamp_type::log_append_time);
    CHECK(h.max_timestamp == *clk.now);
  }
}
