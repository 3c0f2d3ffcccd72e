// The partition actor's write and read paths on CAF's testing scheduler: appends of whole
// batches, acks, Kafka error codes, fetch ranges, ListOffsets and DeleteRecords.
#include "partition_test_util.hpp"

#include "tributary/protocol/kafka_error.hpp"

using namespace tributary;
using namespace tributary::actors;
using namespace tributary::actors::test;
using protocol::code_of;
using protocol::kafka_error;

TEST_CASE_METHOD(det_fixture, "produce appends whole batches and fetch returns them",
                 "[partition]") {
  auto p = spawn_leader(make_spec(d.path));
  auto r1 = ask<produce_response>(p, produce(make_batch(3)));
  CHECK(r1.error == 0);
  CHECK(r1.base_offset == 0);
  CHECK(r1.record_count == 3);
  CHECK(r1.topic == "orders");
  auto r2 = ask<produce_response>(p, produce(make_batch(2, 10, 2000)));
  CHECK(r2.base_offset == 3);
  auto f = ask<fetch_partition_data>(p, fetch_at(0));
  REQUIRE(f.error == 0);
  CHECK(f.high_watermark == 5);
  CHECK(f.log_start_offset == 0);
  auto hs = headers_of(f.records);
  REQUIRE(hs.size() == 2);
  CHECK(hs[0].base_offset == 0);
  CHECK(hs[0].records_count == 3);
  CHECK(hs[1].base_offset == 3);
  CHECK(hs[1].partition_leader_epoch == 0);
  // From the middle of the first batch: whole batches, starting with the one holding it.
  f = ask<fetch_partition_data>(p, fetch_at(4));
  hs = headers_of(f.records);
  REQUIRE(hs.size() == 1);
  CHECK(hs[0].base_offset == 3);
  auto s = status(p);
  CHECK(s.log_end_offset == 5);
  CHECK(s.high_watermark == 5);
  CHECK(s.isr == std::vector<int32_t>{0});
  CHECK(close(p).error == 0);
}

TEST_CASE_METHOD(det_fixture, "acks 0 and 1 answer after the append, other values are refused",
                 "[partition]") {
  auto p = spawn_leader(make_spec(d.path));
  CHECK(ask<produce_response>(p, produce(make_batch(1), 0)).base_offset == 0);
  CHECK(ask<produce_response>(p, produce(make_batch(1), 1)).base_offset == 1);
  CHECK(ask<produce_response>(p, produce(make_batch(1), -1)).base_offset == 2);
  auto bad = ask<produce_response>(p, produce(make_batch(1), 2));
  CHECK(bad.error == code_of(kafka_error::invalid_required_acks));
  CHECK(bad.error_message.find("orders-0") != std::string::npos);
  CHECK(status(p).log_end_offset == 3); // nothing appended
  auto tx = produce(make_batch(1));
  tx.transactional_id = "tx-1";
  CHECK(ask<produce_response>(p, tx).error == code_of(kafka_error::invalid_request));
}

TEST_CASE_METHOD(det_fixture,
                 "a batch over max.message.bytes is refused and the partition serves on",
                 "[partition]") {
  auto p = spawn_leader(make_spec(d.path, {{"max.message.bytes", "200"}}));
  auto big = ask<produce_response>(p, produce(make_batch(5, 100)));
  CHECK(big.error == code_of(kafka_error::message_too_large));
  CHECK(big.error_message.find("orders-0") != std::string::npos);
  CHECK(big.error_message.find("200") != std::string::npos);
  auto ok = ask<produce_response>(p, produce(make_batch(1, 10)));
  CHECK(ok.error == 0);
  CHECK(ok.base_offset == 0);
  CHECK(headers_of(ask<fetch_partition_data>(p, fetch_at(0)).records).size() == 1);
}

TEST_CASE_METHOD(det_fixture, "corrupt batches are refused with CORRUPT_MESSAGE", "[partition]") {
  auto p = spawn_leader(make_spec(d.path));
  auto batch = make_batch(2);
  batch.back() ^= 0x55; // inside the CRC'd records
  CHECK(ask<produce_response>(p, produce(batch)).error == code_of(kafka_error::corrupt_message));
  CHECK(ask<produce_response>(p, produce({})).error == code_of(kafka_error::corrupt_message));
  CHECK(status(p).log_end_offset == 0);
}

TEST_CASE_METHOD(det_fixture, "fetches outside [log start, log end] get OFFSET_OUT_OF_RANGE",
                 "[partition]") {
  auto p = spawn_leader(make_spec(d.path));
  ask<produce_response>(p, produce(make_batch(5)));
  auto f = ask<fetch_partition_data>(p, fetch_at(6));
  CHECK(f.error == code_of(kafka_error::offset_out_of_range));
  CHECK(f.error_message.find("orders-0") != std::string::npos);
  f = ask<fetch_partition_data>(p, fetch_at(-1));
  CHECK(f.error == code_of(kafka_error::offset_out_of_range));
  f = ask<fetch_partition_data>(p, fetch_at(5)); // the log end: empty, no error
  CHECK(f.error == 0);
  CHECK(f.records.empty());
  CHECK(f.high_watermark == 5);
}

TEST_CASE_METHOD(det_fixture, "fetches check the leader epoch", "[partition]") {
  auto p = spawn_leader(make_spec(d.path, {}, 2));
  ask<produce_response>(p, produce(make_batch(1)));
  auto f = fetch_at(0);
  f.current_leader_epoch = 1;
  CHECK(ask<fetch_partition_data>(p, f).error == code_of(kafka_error::fenced_leader_epoch));
  f.current_leader_epoch = 3;
  CHECK(ask<fetch_partition_data>(p, f).error == code_of(kafka_error::unknown_leader_epoch));
  f.current_leader_epoch = 2;
  auto ok = ask<fetch_partition_data>(p, f);
  CHECK(ok.error == 0);
  REQUIRE(headers_of(ok.records).size() == 1);
  CHECK(headers_of(ok.records)[0].partition_leader_epoch == 2);
}

TEST_CASE_METHOD(det_fixture, "ListOffsets finds offsets by time and the special timestamps",
                 "[partition]") {
  auto p = spawn_leader(make_spec(d.path));
  ask<produce_response>(p, produce(make_batch(3, 10, 1000))); // offsets 0-2, ts 1000-1002
  ask<produce_response>(p, produce(make_batch(3, 10, 2000))); // offsets 3-5, ts 2000-2002
  auto at = [&](int64_t ts) { return ask<list_offsets_result>(p, partition_list_offset{ts, 0}); };
  CHECK(at(-2).offset == 0);
  CHECK(at(-1).offset == 6);
  auto r = at(1001);
  CHECK(r.offset == 1);
  CHECK(r.timestamp == 1001);
  CHECK(r.leader_epoch == 0);
  r = at(1500);
  CHECK(r.offset == 3);
  CHECK(r.timestamp == 2000);
  r = at(5000);
  CHECK(r.offset == -1);
  CHECK(r.error == 0);
  r = at(-3);
  CHECK(r.offset == 5);
  CHECK(r.timestamp == 2002);
  CHECK(at(-7).error == code_of(kafka_error::invalid_request));
}

TEST_CASE_METHOD(det_fixture, "DeleteRecords moves the log start up to the high watermark",
                 "[partition]") {
  auto p = spawn_leader(make_spec(d.path));
  ask<produce_response>(p, produce(make_batch(3)));
  ask<produce_response>(p, produce(make_batch(3)));
  auto r = ask<delete_records_result>(p, partition_delete_records{3});
  CHECK(r.error == 0);
  CHECK(r.low_watermark == 3);
  CHECK(ask<fetch_partition_data>(p, fetch_at(1)).error ==
        code_of(kafka_error::offset_out_of_range));
  auto f = ask<fetch_partition_data>(p, fetch_at(3));
  CHECK(f.log_start_offset == 3);
  CHECK(headers_of(f.records).size() == 1);
  auto beyond = ask<delete_records_result>(p, partition_delete_records{7});
  CHECK(beyond.error == code_of(kafka_error::offset_out_of_range));
  CHECK(beyond.error_message.find("orders-0") != std::string::npos);
  CHECK(ask<delete_records_result>(p, partition_delete_records{-1}).low_watermark == 6);
  CHECK(ask<list_offsets_result>(p, partition_list_offset{-2, 0}).offset == 6);
}

TEST_CASE_METHOD(det_fixture, "topic config updates are validated and applied to the log",
                 "[partition]") {
  auto p = spawn_leader(make_spec(d.path));
  auto bad = ask<resource_result>(p, topic_config_update{{{"max.message.bytes", "lots"}}});
  CHECK(bad.error == code_of(kafka_error::invalid_config));
  CHECK(bad.error_message.find("orders") != std::string::npos);
  CHECK(bad.error_message.find("max.message.bytes") != std::string::npos);
  auto ok = ask<resource_result>(p, topic_config_update{{{"max.message.bytes", "200"}}});
  CHECK(ok.error == 0);
  CHECK(ok.name == "orders");
  CHECK(ask<produce_response>(p, produce(make_batch(5, 100))).error ==
        code_of(kafka_error::message_too_large));
  // The complete override set: an empty one restores the defaults.
  CHECK(ask<resource_result>(p, topic_config_update{}).error == 0);
  CHECK(ask<produce_response>(p, produce(make_batch(5, 100))).error == 0);
}

TEST_CASE_METHOD(det_fixture, "stats name the partition and report its offsets", "[partition]") {
  auto p = spawn_leader(make_spec(d.path));
  ask<produce_response>(p, produce(make_batch(4)));
  ask<fetch_partition_data>(p, fetch_at(0));
  auto info = ask<actor_info>(p, stats_request{});
  CHECK(info.kind == "partition");
  CHECK(info.name == "partition orders-0");
  CHECK(info.parent == "broker 0");
  CHECK(info.counters.records_in == 4);
  CHECK(info.counters.batches_in == 1);
  CHECK(info.counters.records_out == 4);
  auto detail = [&](const std::string& k) {
    for (const auto& kv : info.details)
      if (kv.name == k)
        return kv.value;
    return std::string{"missing"};
  };
  CHECK(detail("high_watermark") == "4");
  CHECK(detail("log_end_offset") == "4");
  CHECK(detail("parked_fetches") == "0");
  CHECK(detail("leader_epoch") == "0");
}
