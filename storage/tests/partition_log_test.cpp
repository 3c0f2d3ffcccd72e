// Unit tests of partition_log: append, read, roll, lookup, flush tickets.
#include "log_test_util.hpp"

#include "tributary/protocol/batch_header.hpp"
#include "tributary/storage/errc.hpp"

#include <catch2/catch.hpp>

using namespace tributary;
using namespace tributary::storage;
using namespace tributary::storage::test;

TEST_CASE("append assigns consecutive offsets and read returns the batches") {
  temp_dir d;
  auto log = partition_log::open(d.path, log_options{});
  REQUIRE(log);
  auto b1 = one_batch(3, 10, 1000);
  auto r1 = (*log)->append(b1.data(), b1.size(), epoch{7});
  REQUIRE(r1);
  CHECK(r1->base_offset == offset{0});
  CHECK(r1->last_offset == offset{2});
  auto b2 = one_batch(2, 10, 2000);
  auto r2 = (*log)->append(b2.data(), b2.size(), epoch{7});
  REQUIRE(r2);
  CHECK(r2->base_offset == offset{3});
  CHECK((*log)->log_end_offset() == offset{5});
  std::vector<std::byte> out;
  auto rd = (*log)->read_copy(offset{3}, 1 << 20, offset{5}, out);
  REQUIRE(rd);
  REQUIRE(out.size() == b2.size());
  auto h = protocol::validate_batch(out.data(), out.size());
  REQUIRE(h);
  CHECK(h->base_offset == 3);
  CHECK(h->partition_leader_epoch == 7);
}

TEST_CASE("append of a corrupt batch writes nothing, even after valid batches in the call") {
  temp_dir d;
  auto log = partition_log::open(d.path, log_options{});
  REQUIRE(log);
  std::vector<std::byte> buf;
  add_batch(buf, 2, 10, 1000);
  size_t second = buf.size();
  add_batch(buf, 2, 10, 1000);
  buf[second + 70] ^= std::byte{0xff}; // inside the CRC'd range of batch 2
  auto r = (*log)->append(buf.data(), buf.size(), epoch{0});
  REQUIRE_FALSE(r);
  CHECK(r.error() == make_error_code(errc::corrupt_message));
  CHECK((*log)->last_error().find("batch 1") != std::string::npos);
  CHECK((*log)->log_end_offset() == offset{0});
  CHECK((*log)->size_bytes() == 0);
}

TEST_CASE("a batch over max.message.bytes is refused with both sizes in the message") {
  temp_dir d;
  log_options o;
  o.max_message_bytes = 200;
  auto log = partition_log::open(d.path, o);
  REQUIRE(log);
  auto b = one_batch(3, 100, 1000);
  auto r = (*log)->append(b.data(), b.size(), epoch{0});
  REQUIRE_FALSE(r);
  CHECK(r.error() == make_error_code(errc::record_too_large));
  CHECK((*log)->last_error().find(std::to_string(b.size())) != std::string::npos);
  CHECK((*log)->last_error().find("200") != std::string::npos);
  std::vector<std::byte> junk(10, std::byte{1});
  CHECK((*log)->append(junk.data(), junk.size(), epoch{0}).error() ==
        make_error_code(errc::corrupt_message));
  CHECK((*log)->append(junk.data(), 0, epoch{0}).error() == make_error_code(errc::invalid_request));
}

TEST_CASE("append_with_offsets keeps offsets and refuses offsets going backwards") {
  temp_dir d;
  auto log = partition_log::open(d.path, log_options{});
  REQUIRE(log);
  auto b = one_batch(5, 10, 1000, 100);
  auto r = (*log)->append_with_offsets(b.data(), b.size());
  REQUIRE(r);
  CHECK(r->base_offset == offset{100});
  CHECK((*log)->log_end_offset() == offset{105});
  auto back = one_batch(1, 10, 1000, 104);
  auto r2 = (*log)->append_with_offsets(back.data(), back.size());
  REQUIRE_FALSE(r2);
  CHECK(r2.error() == make_error_code(errc::offset_out_of_order));
  std::vector<std::byte> two;
  add_batch(two, 2, 10, 1000, 110);
  add_batch(two, 2, 10, 1000, 111); // overlaps the first batch of the call
  CHECK((*log)->append_with_offsets(two.data(), two.size()).error() ==
        make_error_code(errc::offset_out_of_order));
  CHECK((*log)->log_end_offset() == offset{105});
}

TEST_CASE("LogAppendTime stamps the batch with the log's clock and keeps the CRC valid") {
  temp_dir d;
  manual_clock clock;
  log_options o;
  o.timestamp_type = message_timestamp_type::log_append_time;
  auto log = partition_log::open(d.path, o, clock.fn());
  REQUIRE(log);
  auto b = one_batch(2, 10, 5);
  auto r = (*log)->append(b.data(), b.size(), epoch{0});
  REQUIRE(r);
  CHECK(r->log_append_time == *clock.now);
  std::vector<std::byte> out;
  REQUIRE((*log)->read_copy(offset{0}, 1 << 20, offset{2}, out));
  auto h = protocol::validate_batch(out.data(), out.size());
  REQUIRE(h);
  CHECK(h->max_timestamp == *clock.now);
  CHECK(h->ts_type() == protocol::timestamp_type::log_append_time);
}

TEST_CASE("read returns whole batches: the containing batch, at least one, up to the bound") {
  temp_dir d;
  log_options o;
  o.index_interval_bytes = 0; // index every batch
  auto log = partition_log::open(d.path, o);
  REQUIRE(log);
  size_t batch_size = 0;
  for (int i = 0; i < 10; ++i) {
    auto b = one_batch(4, 50, 1000 + i);
    batch_size = b.size();
    REQUIRE((*log)->append(b.data(), b.size(), epoch{0}));
  }
  auto end = (*log)->log_end_offset();
  CHECK(end == offset{40});
  auto mid = (*log)->read(offset{9}, 1, end); // max_bytes 1: still one batch
  REQUIRE(mid);
  REQUIRE(mid->ranges.size() == 1);
  CHECK(mid->ranges[0].first_offset == offset{8});
  CHECK(mid->ranges[0].length == batch_size);
  auto three = (*log)->read(offset{0}, 3 * batch_size + 5, end);
  REQUIRE(three);
  CHECK(three->size_bytes() == 3 * batch_size);
  auto bounded = (*log)->read(offset{0}, 1 << 20, offset{10}); // high watermark 10
  REQUIRE(bounded);
  CHECK(bounded->ranges[0].last_offset == offset{7}); // batch 8..11 is not below 10
  CHECK(bounded->high_watermark == offset{10});
  auto at_end = (*log)->read(end, 100, end);
  REQUIRE(at_end);
  CHECK(at_end->ranges.empty());
  CHECK((*log)->read(end + 1, 100, end).error() == make_error_code(errc::offset_out_of_range));
}

TEST_CASE("segments roll by segment.bytes and segment.ms and are named by base offset") {
  temp_dir d;
  manual_clock clock;
  log_options o;
  o.segment_bytes = 1000;
  o.segment_ms = 60'000;
  auto log = partition_log::open(d.path, o, clock.fn());
  REQUIRE(log);
  auto b = one_batch(2, 150, *clock.now); // ~ 380 bytes
  for (int i = 0; i < 3; ++i) {
    auto copy = b;
    REQUIRE((*log)->append(copy.data(), copy.size(), epoch{0}));
  }
  auto segs = (*log)->segments();
  REQUIRE(segs.size() == 2); // two batches fit in 1000 bytes, the third rolled
  CHECK(segs[1].base_offset == offset{4});
  CHECK(file_exists(d.sub("00000000000000000004.log")));
  CHECK(file_exists(d.sub("00000000000000000000.index")));
  *clock.now += 60'010;
  auto copy = one_batch(2, 150, *clock.now);
  REQUIRE((*log)->append(copy.data(), copy.size(), epoch{0}));
  CHECK((*log)->segments().size() == 3);
  CHECK((*log)->sealed_segments().size() == 2);
}

TEST_CASE("offset_for_timestamp finds the first record at or after the time") {
  temp_dir d;
  log_options o;
  o.index_interval_bytes = 0;
  o.segment_bytes = 2000;
  auto log = partition_log::open(d.path, o);
  REQUIRE(log);
  for (int i = 0; i < 20; ++i) {
    auto b = one_batch(5, 20, 1000 + i * 10); // records at 1000+10i .. +4
    REQUIRE((*log)->append(b.data(), b.size(), epoch{0}));
  }
  CHECK((*log)->segments().size() > 1);
  auto at = (*log)->offset_for_timestamp(1073);
  REQUIRE(at);
  REQUIRE(*at);
  CHECK(**at == offset{38}); // batch 7 holds 1070..1074: record 3 of it
  auto gap = (*log)->offset_for_timestamp(1076);
  REQUIRE(gap);
  CHECK(**gap == offset{40});
  CHECK_FALSE(*(*log)->offset_for_timestamp(5000));
  CHECK(**(*log)->offset_for_timestamp(partition_log::k_earliest_timestamp) == offset{0});
  CHECK(**(*log)->offset_for_timestamp(partition_log::k_latest_timestamp) == offset{100});
}

TEST_CASE("a compacted log refuses records without a key and writes nothing") {
  temp_dir d;
  log_options opts;
  opts.cleanup_compact = true;
  auto log = partition_log::open(d.path, opts);
  REQUIRE(log);
  auto keyless = one_batch(2, 10, 1000); // add_batch writes null keys
  auto r = (*log)->append(keyless.data(), keyless.size(), epoch{0});
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::invalid_record);
  CHECK((*log)->last_error().find("no key") != std::string::npos);
  CHECK((*log)->log_end_offset() == offset{0});

  protocol::batch_builder b;
  std::string key = "k";
  protocol::record_input rec;
  rec.timestamp_ms = 1000;
  rec.key = protocol::as_bytes(key);
  rec.value = protocol::as_bytes("v");
  b.append(rec);
  std::vector<std::byte> keyed;
  REQUIRE(b.build(keyed));
  auto ok = (*log)->append(keyed.data(), keyed.size(), epoch{0});
  REQUIRE(ok);
  CHECK(ok->base_offset == offset{0});
}

TEST_CASE("offset_for_timestamp searches from the log start, never returning older records") {
  temp_dir d;
  auto log = partition_log::open(d.path, log_options{});
  REQUIRE(log);
  // Offsets 0..49 (offset 10 at t=1000, the rest t=100), 50..79 at t=500, 80 at t=1000.
  auto batch_of = [](int count, auto ts_of) {
    protocol::batch_builder b;
    for (int i = 0; i < count; ++i) {
      protocol::record_input r;
      r.timestamp_ms = ts_of(i);
      r.value = protocol::as_bytes("v");
      b.append(r);
    }
    std::vector<std::byte> out;
    REQUIRE(b.build(out));
    return out;
  };
  auto a = batch_of(50, [](int i) { return i == 10 ? 1000 : 100; });
  auto b = batch_of(30, [](int) { return 500; });
  auto c = batch_of(1, [](int) { return 1000; });
  for (auto* batch : {&a, &b, &c})
    REQUIRE((*log)->append(batch->data(), batch->size(), epoch{0}));
  auto before = (*log)->offset_for_timestamp(900);
  REQUIRE(before);
  CHECK(*before == std::optional<offset>{offset{10}});
  REQUIRE((*log)->delete_records_before(offset{50}));
  auto after = (*log)->offset_for_timestamp(900);
  REQUIRE(after);
  CHECK(*after == std::optional<offset>{offset{80}});
  auto none = (*log)->offset_for_timestamp(2000);
  REQUIRE(none);
  CHECK_FALSE(*none);
}
