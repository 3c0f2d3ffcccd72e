// producer_state_table (Kafka's idempotent-producer checks) and its rebuild from a snapshot
// plus the log: in sequence, duplicates of the last five batches, epochs, gaps, unknown
// producers, sequence wrap, expiry, snapshot round trip, corrupt / stale snapshots.
#include "log_test_util.hpp"

#include "tributary/storage/errc.hpp"
#include "tributary/storage/producer_state.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <limits>

using namespace tributary;
using namespace tributary::storage;
using namespace tributary::storage::test;
using protocol::kafka_error;

namespace {

constexpr int32_t k_max_seq = std::numeric_limits<int32_t>::max();

protocol::batch_header hdr(int64_t pid, int16_t epoch, int32_t seq, int32_t records = 1,
                           int64_t ts = 1000) {
  protocol::batch_header h;
  h.producer_id = pid;
  h.producer_epoch = epoch;
  h.base_sequence = seq;
  h.last_offset_delta = records - 1;
  h.records_count = records;
  h.base_timestamp = ts;
  h.max_timestamp = ts;
  return h;
}

/// Records `h` at `base` (the log's offset assignment) and returns the next free offset.
int64_t put(producer_state_table& t, protocol::batch_header h, int64_t base, int32_t le = 0) {
  h.base_offset = base;
  h.partition_leader_epoch = le;
  t.record(h, base);
  return base + h.last_offset_delta + 1;
}

std::vector<std::byte> idem_batch(int64_t pid, int16_t epoch, int32_t seq, int records,
                                  int64_t ts = 1000) {
  protocol::batch_options o;
  o.producer_id = pid;
  o.producer_epoch = epoch;
  o.base_sequence = seq;
  protocol::batch_builder b(o);
  std::string value = "value";
  for (int i = 0; i < records; ++i) {
    protocol::record_input r;
    r.timestamp_ms = ts + i;
    r.value = protocol::as_bytes(value);
    b.append(r);
  }
  std::vector<std::byte> out;
  REQUIRE(b.build(out));
  return out;
}

/// Appends a batch to the log; returns its base offset.
int64_t append(partition_log& log, std::vector<std::byte> batch, int32_t leader_epoch = 0) {
  auto r = log.append(batch.data(), batch.size(), epoch{leader_epoch});
  REQUIRE(r);
  return r->base_offset.value;
}

producer_state_loaded load(const partition_log& log, int64_t now = 2000) {
  std::string why;
  auto l = load_producer_state(log, "orders-0", k_default_producer_id_expiration_ms, now, &why);
  INFO(why);
  REQUIRE(l);
  return std::move(*l);
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

} // namespace

TEST_CASE("batches in sequence are appended, non-idempotent ones always", "[producer-state]") {
  producer_state_table t("orders-0");
  CHECK(t.check(hdr(-1, -1, -1)).verdict == producer_verdict::append);
  CHECK(t.check(hdr(7, 0, 0, 5)).verdict == producer_verdict::append);
  int64_t next = put(t, hdr(7, 0, 0, 5), 0);
  CHECK(t.check(hdr(7, 0, 5, 2)).verdict == producer_verdict::append);
  put(t, hdr(7, 0, 5, 2), next);
  REQUIRE(t.find(producer_id{7}));
  CHECK(t.find(producer_id{7})->batches.size() == 2);
  CHECK(t.find(producer_id{7})->batches.back().last_sequence == 6);
  CHECK(t.end_offset() == 7);
}

TEST_CASE("a retry of each of the last five batches is a duplicate with its original offsets",
          "[producer-state]") {
  producer_state_table t("orders-0");
  int64_t next = 100;
  for (int32_t seq = 0; seq < 6; ++seq)
    next = put(t, hdr(7, 0, seq * 2, 2), next);
  for (int32_t seq = 1; seq < 6; ++seq) {
    auto c = t.check(hdr(7, 0, seq * 2, 2));
    REQUIRE(c.verdict == producer_verdict::duplicate);
    CHECK(c.duplicate.first_offset == 100 + seq * 2);
    CHECK(c.duplicate.last_offset == 101 + seq * 2);
  }
  // The sixth-last batch is forgotten: its retry is out of order, as in Kafka.
  auto old = t.check(hdr(7, 0, 0, 2));
  CHECK(old.verdict == producer_verdict::refuse);
  CHECK(old.error == kafka_error::out_of_order_sequence_number);
  // Same first sequence, different last: not a duplicate.
  CHECK(t.check(hdr(7, 0, 8, 3)).error == kafka_error::out_of_order_sequence_number);
}

TEST_CASE("an older epoch is fenced with INVALID_PRODUCER_EPOCH", "[producer-state]") {
  producer_state_table t("orders-0");
  put(t, hdr(7, 3, 0), 0);
  auto c = t.check(hdr(7, 2, 1));
  CHECK(c.verdict == producer_verdict::refuse);
  CHECK(c.error == kafka_error::invalid_producer_epoch);
  CHECK(c.message.find("orders-0") != std::string::npos);
  CHECK(c.message.find("producer 7") != std::string::npos);
  // A retry of an appended batch under an older epoch is not a duplicate either.
  CHECK(t.check(hdr(7, 2, 0)).error == kafka_error::invalid_producer_epoch);
}

TEST_CASE("a new epoch must start at sequence 0 and forgets the old batches", "[producer-state]") {
  producer_state_table t("orders-0");
  int64_t next = put(t, hdr(7, 0, 0, 3), 0);
  auto c = t.check(hdr(7, 1, 3));
  CHECK(c.error == kafka_error::out_of_order_sequence_number);
  CHECK(c.message.find("expected sequence 0") != std::string::npos);
  CHECK(t.check(hdr(7, 1, 0)).verdict == producer_verdict::append);
  put(t, hdr(7, 1, 0), next);
  CHECK(t.find(producer_id{7})->epoch == 1);
  CHECK(t.find(producer_id{7})->batches.size() == 1);
  CHECK(t.check(hdr(7, 0, 3)).error == kafka_error::invalid_producer_epoch);
  CHECK(t.check(hdr(7, 1, 1)).verdict == producer_verdict::append);
}

TEST_CASE("a gap or a reorder is OUT_OF_ORDER_SEQUENCE_NUMBER with the sequences in words",
          "[producer-state]") {
  producer_state_table t("orders-0");
  put(t, hdr(7, 4, 0, 3), 0);
  auto gap = t.check(hdr(7, 4, 5));
  CHECK(gap.verdict == producer_verdict::refuse);
  CHECK(gap.error == kafka_error::out_of_order_sequence_number);
  for (const char* part :
       {"orders-0", "producer 7", "epoch 4", "expected sequence 3", "received 5"})
    CHECK(gap.message.find(part) != std::string::npos);
  CHECK(t.check(hdr(7, 4, 1)).error == kafka_error::out_of_order_sequence_number);
}

TEST_CASE("an unknown producer may start at any sequence (Kafka 2.5+); no sequence is invalid",
          "[producer-state]") {
  producer_state_table t("orders-0");
  CHECK(t.check(hdr(9, 0, 42)).verdict == producer_verdict::append);
  auto c = t.check(hdr(9, 0, -1));
  CHECK(c.verdict == producer_verdict::refuse);
  CHECK(c.error == kafka_error::invalid_record);
}

TEST_CASE("sequences wrap from INT32_MAX to 0", "[producer-state]") {
  CHECK(last_sequence_of(hdr(1, 0, k_max_seq - 1, 2)) == k_max_seq);
  CHECK(last_sequence_of(hdr(1, 0, k_max_seq - 1, 3)) == 0);
  CHECK(last_sequence_of(hdr(1, 0, k_max_seq, 4)) == 2);
  producer_state_table t("orders-0");
  int64_t next = put(t, hdr(7, 0, k_max_seq - 2, 3), 0);
  CHECK(t.check(hdr(7, 0, 1)).error == kafka_error::out_of_order_sequence_number);
  CHECK(t.check(hdr(7, 0, 0, 2)).verdict == producer_verdict::append);
  put(t, hdr(7, 0, 0, 2), next);
  CHECK(t.check(hdr(7, 0, 2)).verdict == producer_verdict::append);
  CHECK(t.check(hdr(7, 0, k_max_seq - 2, 3)).verdict == producer_verdict::duplicate);
}

TEST_CASE("check_all judges each batch as if the earlier ones were appended", "[producer-state]") {
  producer_state_table t("orders-0");
  put(t, hdr(7, 0, 0, 5), 0);
  auto ok = t.check_all({hdr(7, 0, 5), hdr(-1, -1, -1), hdr(7, 0, 6, 2), hdr(8, 0, 0)});
  REQUIRE(ok.size() == 4);
  for (const auto& c : ok)
    CHECK(c.verdict == producer_verdict::append);
  auto bad = t.check_all({hdr(7, 0, 5), hdr(7, 0, 7)});
  CHECK(bad[0].verdict == producer_verdict::append);
  CHECK(bad[1].error == kafka_error::out_of_order_sequence_number);
  auto twice = t.check_all({hdr(7, 0, 5), hdr(7, 0, 5)});
  CHECK(twice[1].verdict == producer_verdict::duplicate);
  CHECK(t.find(producer_id{7})->batches.size() == 1); // check_all changes nothing
}

TEST_CASE("producers idle for producer.id.expiration.ms are forgotten", "[producer-state]") {
  producer_state_table t("orders-0", 1000);
  int64_t next = put(t, hdr(1, 0, 0, 1, 5000), 0);
  put(t, hdr(2, 0, 0, 1, 5500), next);
  CHECK(t.remove_expired(5999) == 0);
  CHECK(t.remove_expired(6000) == 1);
  CHECK(t.find(producer_id{1}) == nullptr);
  CHECK(t.find(producer_id{2}) != nullptr);
  // Forgotten means unknown: any sequence is taken again.
  CHECK(t.check(hdr(1, 0, 17)).verdict == producer_verdict::append);
}

TEST_CASE("a snapshot round trip keeps epochs, batches, end offset; expired ones stay out",
          "[producer-state]") {
  producer_state_table t("orders-0", 10000);
  int64_t next = 0;
  for (int32_t i = 0; i < 7; ++i)
    next = put(t, hdr(7, 2, i * 3, 3, 20000 + i), next, 5);
  next = put(t, hdr(-1, -1, -1, 4), next, 5);
  next = put(t, hdr(11, 0, 0, 1, 1000), next, 6);
  auto text = t.to_snapshot();
  std::string why;
  auto back = producer_state_table::from_snapshot(text, "orders-0", 10000, 21000, &why);
  INFO(why);
  REQUIRE(back);
  CHECK(back->end_offset() == next);
  CHECK(back->end_epoch() == 6);
  CHECK(back->find(producer_id{11}) == nullptr); // expired at 21000
  REQUIRE(back->find(producer_id{7}));
  const auto& e = *back->find(producer_id{7});
  const auto& orig = *t.find(producer_id{7});
  CHECK(e.epoch == 2);
  CHECK(e.last_timestamp == orig.last_timestamp);
  REQUIRE(e.batches.size() == 5);
  for (size_t i = 0; i < 5; ++i) {
    CHECK(e.batches[i].first_sequence == orig.batches[i].first_sequence);
    CHECK(e.batches[i].last_sequence == orig.batches[i].last_sequence);
    CHECK(e.batches[i].first_offset == orig.batches[i].first_offset);
    CHECK(e.batches[i].last_offset == orig.batches[i].last_offset);
    CHECK(e.batches[i].timestamp == orig.batches[i].timestamp);
  }
  CHECK(back->check(hdr(7, 2, 15, 3)).verdict == producer_verdict::duplicate);
}

TEST_CASE("damaged snapshot texts are refused with the reason", "[producer-state]") {
  producer_state_table t("orders-0");
  put(t, hdr(7, 0, 0, 3), 0);
  auto text = t.to_snapshot();
  std::string why;
  auto flipped = text;
  flipped[flipped.size() - 3] = flipped[flipped.size() - 3] == '1' ? '2' : '1';
  auto r = producer_state_table::from_snapshot(flipped, "orders-0", 1 << 30, 0, &why);
  CHECK(!r);
  CHECK(r.error() == make_error_code(errc::corrupt_log));
  CHECK(why.find("CRC32C") != std::string::npos);
  CHECK(!producer_state_table::from_snapshot(text.substr(0, text.size() / 2), "orders-0", 1 << 30,
                                             0, &why));
  CHECK(!producer_state_table::from_snapshot("producer-state 2\n" + text.substr(17), "orders-0",
                                             1 << 30, 0, &why));
  CHECK(why.find("version") != std::string::npos);
  CHECK(!producer_state_table::from_snapshot("", "orders-0", 1 << 30, 0, &why));
}

TEST_CASE("a restart rebuilds from the snapshot plus the log tail and still finds duplicates",
          "[producer-state]") {
  temp_dir d;
  int64_t second = 0;
  {
    auto log = partition_log::open(d.path, log_options{});
    REQUIRE(log);
    append(**log, idem_batch(7, 0, 0, 3));
    append(**log, one_batch(2, 10, 1000));
    auto snap = load(**log);
    CHECK(snap.snapshot_offset == -1);
    CHECK(snap.scanned_batches == 2);
    REQUIRE(write_producer_snapshot(d.path, snap.table.to_snapshot()));
    second = append(**log, idem_batch(7, 0, 3, 4));
    append(**log, idem_batch(8, 1, 0, 1));
    REQUIRE((*log)->close());
  }
  auto log = partition_log::open(d.path, log_options{});
  REQUIRE(log);
  auto l = load(**log);
  CHECK(l.warning.empty());
  CHECK(l.snapshot_offset == 5);
  CHECK(l.scanned_from == 5);
  CHECK(l.scanned_batches == 2);
  CHECK(l.table.end_offset() == 10);
  auto dup = l.table.check(hdr(7, 0, 3, 4));
  REQUIRE(dup.verdict == producer_verdict::duplicate);
  CHECK(dup.duplicate.first_offset == second);
  CHECK(l.table.check(hdr(7, 0, 0, 3)).verdict == producer_verdict::duplicate);
  CHECK(l.table.check(hdr(7, 0, 7)).verdict == producer_verdict::append);
  CHECK(l.table.check(hdr(8, 1, 0)).verdict == producer_verdict::duplicate);
}

TEST_CASE("a corrupt snapshot is ignored with a warning and the state rebuilt from the log",
          "[producer-state]") {
  temp_dir d;
  auto log = partition_log::open(d.path, log_options{});
  REQUIRE(log);
  append(**log, idem_batch(7, 0, 0, 3));
  append(**log, idem_batch(7, 0, 3, 2));
  auto good = load(**log).table.to_snapshot();
  write_text(d.sub(k_producer_snapshot_file), good.substr(0, good.size() - 4) + "xx\n");
  auto l = load(**log);
  CHECK(l.warning.find("not used") != std::string::npos);
  CHECK(l.warning.find("CRC32C") != std::string::npos);
  CHECK(l.snapshot_offset == -1);
  CHECK(l.scanned_batches == 2);
  CHECK(l.table.check(hdr(7, 0, 3, 2)).verdict == producer_verdict::duplicate);
  CHECK(l.table.check(hdr(7, 0, 5)).verdict == producer_verdict::append);
}

TEST_CASE("a snapshot past a truncated log end, or over rewritten batches, is not used",
          "[producer-state]") {
  temp_dir d;
  auto log = partition_log::open(d.path, log_options{});
  REQUIRE(log);
  append(**log, idem_batch(7, 0, 0, 2));
  append(**log, idem_batch(7, 0, 2, 2));
  REQUIRE(write_producer_snapshot(d.path, load(**log).table.to_snapshot()));
  REQUIRE((*log)->truncate_to(offset{2}));

  auto past = load(**log);
  CHECK(past.warning.find("log ends at 2") != std::string::npos);
  CHECK(past.table.end_offset() == 2);
  // The truncated batch is gone: its retry is in sequence again, not a duplicate.
  CHECK(past.table.check(hdr(7, 0, 2, 2)).verdict == producer_verdict::append);

  // A new leader (epoch 1) rewrote offsets 2..3: same end offset, other batch.
  append(**log, idem_batch(7, 0, 2, 2), 1);
  auto rewritten = load(**log);
  CHECK(rewritten.warning.find("rewritten") != std::string::npos);
  CHECK(rewritten.snapshot_offset == -1);
  CHECK(rewritten.table.end_epoch() == 1);
  CHECK(rewritten.table.check(hdr(7, 0, 2, 2)).verdict == producer_verdict::duplicate);
}

TEST_CASE("a snapshot below the log start is not used after DeleteRecords", "[producer-state]") {
  temp_dir d;
  log_options o;
  o.segment_bytes = 200; // one batch per segment, so DeleteRecords drops whole segments
  auto log = partition_log::open(d.path, o);
  REQUIRE(log);
  append(**log, idem_batch(7, 0, 0, 1));
  REQUIRE(write_producer_snapshot(d.path, load(**log).table.to_snapshot()));
  append(**log, idem_batch(7, 0, 1, 1));
  append(**log, idem_batch(7, 0, 2, 1));
  REQUIRE((*log)->delete_records_before(offset{2}));
  auto l = load(**log);
  CHECK(l.warning.find("below the log start 2") != std::string::npos);
  CHECK(l.scanned_from == 2);
  CHECK(l.table.check(hdr(7, 0, 3)).verdict == producer_verdict::append);
  CHECK(l.table.check(hdr(7, 0, 2)).verdict == producer_verdict::duplicate);
}
