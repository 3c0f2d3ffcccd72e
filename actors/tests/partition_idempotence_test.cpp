// Idempotent produce on the partition actor: a retried batch is answered with its original
// offset and stored once, out-of-order sequences and fenced epochs are refused with Kafka's
// codes, and the producer state survives close and reopen (snapshot, or the log when the
// snapshot is damaged) and truncation.
#include "partition_test_util.hpp"

#include "tributary/protocol/kafka_error.hpp"
#include "tributary/storage/log_options.hpp"
#include "tributary/storage/producer_state.hpp"

#include <fstream>

using namespace tributary;
using namespace tributary::actors;
using namespace tributary::actors::test;
using protocol::code_of;
using protocol::kafka_error;

namespace {

/// One idempotent batch of `records` records from producer `pid`.
bytes idem(int64_t pid, int16_t epoch, int32_t seq, int records = 1) {
  protocol::batch_options o;
  o.producer_id = pid;
  o.producer_epoch = epoch;
  o.base_sequence = seq;
  protocol::batch_builder b(o);
  std::string value = "v" + std::to_string(seq);
  for (int i = 0; i < records; ++i) {
    protocol::record_input r;
    r.timestamp_ms = storage::system_now_ms(); // recent: not expired at reopen
    r.value = protocol::as_bytes(value);
    b.append(r);
  }
  std::vector<std::byte> out;
  REQUIRE(b.build(out));
  return bytes(reinterpret_cast<const char*>(out.data()),
               reinterpret_cast<const char*>(out.data()) + out.size());
}

struct idem_fixture : det_fixture {
  produce_response send(const partition_actor& p, bytes records, int16_t acks = 1) {
    return ask<produce_response>(p, produce(std::move(records), acks));
  }
  size_t stored_batches(const partition_actor& p) {
    return headers_of(ask<fetch_partition_data>(p, fetch_at(0)).records).size();
  }
};

} // namespace

TEST_CASE_METHOD(idem_fixture, "a batch sent twice gets the same base offset and is stored once",
                 "[idempotence]") {
  auto p = spawn_leader(make_spec(d.path));
  CHECK(send(p, make_batch(3)).base_offset == 0);
  auto batch = idem(5, 0, 0, 2);
  auto first = send(p, batch);
  CHECK(first.error == 0);
  CHECK(first.base_offset == 3);
  auto again = send(p, batch);
  CHECK(again.error == 0);
  CHECK(again.base_offset == 3);
  CHECK(again.record_count == 2);
  auto all = send(p, batch, -1); // acks=all: answered once the original is committed
  CHECK(all.error == 0);
  CHECK(all.base_offset == 3);
  CHECK(status(p).log_end_offset == 5);
  CHECK(stored_batches(p) == 2);
}

TEST_CASE_METHOD(idem_fixture,
                 "a retry of any of the last five batches is answered from the "
                 "producer state",
                 "[idempotence]") {
  auto p = spawn_leader(make_spec(d.path));
  for (int32_t seq = 0; seq < 5; ++seq)
    CHECK(send(p, idem(5, 0, seq)).base_offset == seq);
  CHECK(send(p, idem(5, 0, 1)).base_offset == 1);
  CHECK(send(p, idem(5, 0, 4)).base_offset == 4);
  CHECK(status(p).log_end_offset == 5);
}

TEST_CASE_METHOD(idem_fixture, "an out-of-order sequence is refused with code 45, nothing stored",
                 "[idempotence]") {
  auto p = spawn_leader(make_spec(d.path));
  CHECK(send(p, idem(5, 0, 0)).error == 0);
  auto gap = send(p, idem(5, 0, 5));
  CHECK(gap.error == code_of(kafka_error::out_of_order_sequence_number));
  CHECK(gap.error == 45);
  CHECK(gap.error_message.find("orders-0") != std::string::npos);
  CHECK(gap.error_message.find("expected sequence 1, received 5") != std::string::npos);
  CHECK(status(p).log_end_offset == 1);
  CHECK(send(p, idem(5, 0, 1)).base_offset == 1);
}

TEST_CASE_METHOD(idem_fixture, "an older producer epoch is fenced with INVALID_PRODUCER_EPOCH",
                 "[idempotence]") {
  auto p = spawn_leader(make_spec(d.path));
  CHECK(send(p, idem(5, 1, 0)).error == 0);
  CHECK(send(p, idem(5, 0, 1)).error == code_of(kafka_error::invalid_producer_epoch));
  CHECK(send(p, idem(5, 2, 3)).error == code_of(kafka_error::out_of_order_sequence_number));
  CHECK(send(p, idem(5, 2, 0)).error == 0);
  CHECK(status(p).log_end_offset == 2);
}

TEST_CASE_METHOD(idem_fixture, "a request mixing a retried batch with new ones is refused",
                 "[idempotence]") {
  auto p = spawn_leader(make_spec(d.path));
  CHECK(send(p, idem(5, 0, 0)).error == 0);
  auto mixed = idem(5, 0, 0);
  auto next = idem(5, 0, 1);
  mixed.insert(mixed.end(), next.begin(), next.end());
  CHECK(send(p, mixed).error == code_of(kafka_error::invalid_request));
  auto two = idem(5, 0, 1);
  auto three = idem(5, 0, 2);
  two.insert(two.end(), three.begin(), three.end());
  auto both = send(p, two); // in sequence across the request: one append
  CHECK(both.error == 0);
  CHECK(both.base_offset == 1);
  CHECK(status(p).log_end_offset == 3);
}

TEST_CASE_METHOD(idem_fixture, "the producer state survives close and reopen", "[idempotence]") {
  {
    auto p = spawn_leader(make_spec(d.path));
    for (int32_t seq = 0; seq < 3; ++seq)
      CHECK(send(p, idem(5, 0, seq * 2, 2)).base_offset == seq * 2);
    CHECK(close(p).error == 0);
  }
  CHECK(std::filesystem::exists(d.sub(storage::k_producer_snapshot_file)));
  auto p = spawn_leader(make_spec(d.path));
  CHECK(send(p, idem(5, 0, 4, 2)).base_offset == 4); // duplicate of the last batch
  CHECK(send(p, idem(5, 0, 2, 2)).base_offset == 2);
  CHECK(status(p).log_end_offset == 6);
  CHECK(send(p, idem(5, 0, 9)).error == code_of(kafka_error::out_of_order_sequence_number));
  CHECK(send(p, idem(5, 0, 6)).base_offset == 6);
}

TEST_CASE_METHOD(idem_fixture, "a damaged snapshot is replaced by a rebuild from the log",
                 "[idempotence]") {
  {
    auto p = spawn_leader(make_spec(d.path));
    CHECK(send(p, idem(5, 0, 0, 3)).base_offset == 0);
    CHECK(send(p, make_batch(2)).base_offset == 3);
    CHECK(close(p).error == 0);
  }
  std::ofstream(d.sub(storage::k_producer_snapshot_file), std::ios::trunc) << "garbage\n";
  auto p = spawn_leader(make_spec(d.path));
  CHECK(send(p, idem(5, 0, 0, 3)).base_offset == 0);
  CHECK(status(p).log_end_offset == 5);
  CHECK(close(p).error == 0);
  std::ifstream in(d.sub(storage::k_producer_snapshot_file));
  std::string first_line;
  std::getline(in, first_line);
  CHECK(first_line == "producer-state 1"); // rewritten at open (and close)
}

TEST_CASE_METHOD(idem_fixture, "truncated batches are no longer duplicates", "[idempotence]") {
  auto p = spawn_leader(make_spec(d.path));
  CHECK(send(p, idem(5, 0, 0)).base_offset == 0);
  CHECK(send(p, idem(5, 0, 1)).base_offset == 1);
  CHECK(ask<partition_status>(p, truncate_request{1}).log_end_offset == 1);
  auto retry = send(p, idem(5, 0, 1));
  CHECK(retry.error == 0);
  CHECK(retry.base_offset == 1); // appended again, not answered from stale state
  CHECK(status(p).log_end_offset == 2);
  CHECK(send(p, idem(5, 0, 1)).base_offset == 1); // now it is a duplicate
  CHECK(status(p).log_end_offset == 2);
}
