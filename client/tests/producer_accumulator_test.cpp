// record_accumulator without a node: batching by batch.size and linger.ms, buffer.memory
// back-pressure bounded by max.block.ms, sticky partitions, flush, completion order.
// Time is passed to drain() explicitly; the only waits are bounded by max.block.ms.

#include "../src/record_accumulator.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <set>
#include <thread>

using namespace tributary::client;
using namespace tributary::client::detail;
using tributary::protocol::kafka_error;

namespace {

struct fixture {
  std::atomic<int> wakes{0};
  std::vector<clock::time_point> lingers;
  std::atomic<int> lookups{0};
  outcome<int32_t> partitions = 4;

  std::unique_ptr<record_accumulator> make(producer_config cfg) {
    accumulator_hooks h;
    h.partitions = [this](const std::string&, std::chrono::milliseconds) {
      ++lookups;
      return partitions;
    };
    h.metadata_version = [] { return uint64_t{1}; };
    h.wake = [this] { ++wakes; };
    h.arm_linger = [this](clock::time_point t) { lingers.push_back(t); };
    return std::make_unique<record_accumulator>(cfg, std::move(h));
  }
};

producer_record rec(int32_t partition, size_t value_size = 100) {
  producer_record r;
  r.topic = "t";
  r.partition = partition;
  r.value = std::string(value_size, 'v');
  return r;
}

std::vector<batch_ptr> drain_now(record_accumulator& acc, bool from_timer = false,
                                 clock::time_point at = clock::now()) {
  std::optional<clock::time_point> next;
  return acc.drain(at, next, from_timer);
}

} // namespace

TEST_CASE_METHOD(fixture, "a batch closes when it reaches batch.size", "[producer]") {
  producer_config cfg;
  cfg.batch_size = 1000;
  cfg.linger_ms = 60000;
  auto acc = make(cfg);
  for (int i = 0; i < 30; ++i)
    acc->append(rec(0), {});
  CHECK(wakes.load() >= 1);
  CHECK(lookups.load() == 1); // metadata asked once, then cached
  auto batches = drain_now(*acc);
  REQUIRE(batches.size() >= 2);
  int32_t total = 0;
  for (auto& b : batches) {
    CHECK(b->partition == 0);
    CHECK(b->builder.uncompressed_size() <= 1000 + 130);
    total += b->builder.record_count();
  }
  CHECK(total < 30); // the last batch is still open, lingering
  for (auto& b : batches)
    acc->complete(std::move(b), 0, -1, nullptr);
}

TEST_CASE_METHOD(fixture, "an open batch becomes ready when linger.ms has passed", "[producer]") {
  producer_config cfg;
  cfg.linger_ms = 50;
  auto acc = make(cfg);
  auto before = clock::now();
  acc->append(rec(1), {});
  acc->append(rec(1), {});
  REQUIRE(lingers.size() == 1); // one timer for the first open batch, not one per record
  CHECK(lingers[0] >= before + std::chrono::milliseconds(50));
  CHECK(wakes.load() == 0);
  std::optional<clock::time_point> next;
  auto early = acc->drain(lingers[0] - std::chrono::milliseconds(1), next, true);
  CHECK(early.empty());
  REQUIRE(next);
  CHECK(*next == lingers[0]);
  auto due = acc->drain(lingers[0], next, true);
  REQUIRE(due.size() == 1);
  CHECK(due[0]->builder.record_count() == 2);
  CHECK_FALSE(next); // nothing open: the timer chain ends
  acc->complete(std::move(due[0]), 0, -1, nullptr);
  acc->append(rec(1), {});
  CHECK(lingers.size() == 2); // a new batch arms a new timer
}

TEST_CASE_METHOD(fixture, "callbacks run in record order with consecutive offsets", "[producer]") {
  producer_config cfg;
  cfg.linger_ms = 0;
  auto acc = make(cfg);
  std::vector<int64_t> offsets;
  for (int i = 0; i < 5; ++i)
    acc->append(rec(2), [&](const outcome<record_metadata>& r) {
      REQUIRE(r);
      CHECK(r->topic == "t");
      CHECK(r->partition == 2);
      CHECK(r->serialized_value_size == 100);
      CHECK(r->serialized_key_size == -1);
      offsets.push_back(r->offset);
    });
  CHECK(wakes.load() >= 1); // linger.ms=0: ready at once
  auto batches = drain_now(*acc);
  REQUIRE(batches.size() == 1);
  acc->complete(std::move(batches[0]), 100, -1, nullptr);
  CHECK(offsets == std::vector<int64_t>{100, 101, 102, 103, 104});
  CHECK(acc->buffered_bytes() == 0);
  CHECK(acc->incomplete_batches() == 0);
}

TEST_CASE_METHOD(fixture, "a full buffer.memory blocks send for max.block.ms, then fails",
                 "[producer]") {
  producer_config cfg;
  cfg.buffer_memory = 2000;
  cfg.max_block_ms = 50;
  cfg.linger_ms = 60000;
  auto acc = make(cfg);
  int accepted = 0;
  std::optional<error> refused;
  for (int i = 0; i < 40 && !refused; ++i)
    acc->append(rec(0), [&](const outcome<record_metadata>& r) {
      if (!r)
        refused = r.err();
    });
  REQUIRE(refused);
  CHECK(refused->code == kafka_error::request_timed_out);
  CHECK(refused->message.find("buffer.memory=2000") != std::string::npos);
  CHECK(acc->buffered_bytes() <= 2000);
  CHECK(wakes.load() >= 1); // waiting for memory makes lingering batches ready
  (void)accepted;
}

TEST_CASE_METHOD(fixture, "a blocked send proceeds once a completed batch frees memory",
                 "[producer]") {
  producer_config cfg;
  cfg.buffer_memory = 1000;
  cfg.max_block_ms = 10000;
  cfg.linger_ms = 60000;
  auto acc = make(cfg);
  while (acc->buffered_bytes() + 300 < 1000)
    acc->append(rec(0), {});
  std::atomic<bool> done{false};
  std::optional<bool> ok;
  std::thread t([&] {
    acc->append(rec(0), [&](const outcome<record_metadata>& r) { ok = r.has_value(); });
    done = true;
  });
  // The blocked sender wakes the sender and waits; drain (everything is ready while
  // someone waits for memory) and complete until it gets through.
  std::vector<batch_ptr> all;
  for (int i = 0; i < 1000 && !done; ++i) {
    for (auto& b : drain_now(*acc))
      acc->complete(std::move(b), 0, -1, nullptr);
    std::this_thread::yield();
  }
  t.join();
  CHECK(done);
  for (auto& b : drain_now(*acc, false, clock::now() + std::chrono::hours(1)))
    acc->complete(std::move(b), 0, -1, nullptr);
  acc->flush(clock::now());
  CHECK((!ok.has_value() || *ok));
}

TEST_CASE_METHOD(fixture, "null keys stick to one partition per batch (KIP-480)", "[producer]") {
  producer_config cfg;
  cfg.batch_size = 600;
  cfg.linger_ms = 60000;
  auto acc = make(cfg);
  for (int i = 0; i < 200; ++i) {
    producer_record r;
    r.topic = "t";
    r.value = std::string(100, 'x');
    acc->append(r, {});
  }
  auto batches = drain_now(*acc);
  REQUIRE(batches.size() >= 20);
  std::set<int32_t> used;
  for (size_t i = 1; i < batches.size(); ++i) {
    CHECK(batches[i]->partition != batches[i - 1]->partition); // each new batch moves
    used.insert(batches[i]->partition);
    CHECK(batches[i]->builder.record_count() >= 4); // full batches, not one record each
  }
  CHECK(used.size() == 4);
  for (auto& b : batches)
    acc->complete(std::move(b), 0, -1, nullptr);
}

TEST_CASE_METHOD(fixture, "keyed records go to murmur2's partition", "[producer]") {
  producer_config cfg;
  cfg.linger_ms = 0;
  auto acc = make(cfg);
  producer_record r;
  r.topic = "t";
  r.key = "foobar";
  r.value = "v";
  acc->append(r, {});
  auto batches = drain_now(*acc);
  REQUIRE(batches.size() == 1);
  CHECK(batches[0]->partition == partitioner::keyed("foobar", 4));
  acc->complete(std::move(batches[0]), 0, -1, nullptr);
}

TEST_CASE_METHOD(fixture, "records refused before queueing fail inline with a reason",
                 "[producer]") {
  producer_config cfg;
  cfg.max_request_size = 1000;
  cfg.max_block_ms = 30;
  auto acc = make(cfg);
  std::vector<error> errors;
  auto collect = [&](const outcome<record_metadata>& r) {
    REQUIRE_FALSE(r);
    errors.push_back(r.err());
  };
  acc->append(rec(7), collect);
  acc->append(rec(0, 5000), collect);
  partitions = make_error(kafka_error::unknown_topic_or_partition, "no such topic");
  producer_record other = rec(0);
  other.topic = "missing";
  acc->append(other, collect);
  partitions = make_error(kafka_error::invalid_topic_exception, "bad name");
  other.topic = "bad name";
  acc->append(other, collect);
  REQUIRE(errors.size() == 4);
  CHECK(errors[0].code == kafka_error::unknown_topic_or_partition);
  CHECK(errors[0].message == "topic 't' has 4 partitions; partition 7 does not exist");
  CHECK(errors[1].code == kafka_error::message_too_large);
  CHECK(errors[2].code == kafka_error::unknown_topic_or_partition);
  CHECK(errors[2].message.find("not present in metadata after") != std::string::npos);
  CHECK(errors[3].code == kafka_error::invalid_topic_exception);
  CHECK(acc->buffered_bytes() == 0);
}

TEST_CASE_METHOD(fixture, "flush makes lingering batches ready and waits for them", "[producer]") {
  producer_config cfg;
  cfg.linger_ms = 60000;
  auto acc = make(cfg);
  acc->append(rec(0), {});
  acc->append(rec(1), {});
  CHECK_FALSE(acc->flush(clock::now() + std::chrono::milliseconds(20))); // nobody sends
  std::atomic<bool> flushed{false};
  std::thread t([&] { flushed = acc->flush(clock::now() + std::chrono::seconds(30)); });
  size_t completed = 0;
  for (int i = 0; i < 100000 && completed < 2; ++i) {
    for (auto& b : drain_now(*acc)) { // a flush in progress drains open batches too
      acc->complete(std::move(b), 0, -1, nullptr);
      ++completed;
    }
    std::this_thread::yield();
  }
  t.join();
  CHECK(completed == 2);
  CHECK(flushed);
}

TEST_CASE_METHOD(fixture, "abort fails everything queued; a closed accumulator refuses",
                 "[producer]") {
  producer_config cfg;
  cfg.linger_ms = 60000;
  auto acc = make(cfg);
  int failed = 0;
  auto count = [&](const outcome<record_metadata>& r) { failed += r ? 0 : 1; };
  acc->append(rec(0), count);
  acc->append(rec(3), count);
  acc->abort(make_error(kafka_error::unknown_server_error, "closed"));
  CHECK(failed == 2);
  acc->append(rec(0), count);
  CHECK(failed == 3);
  CHECK(acc->incomplete_batches() == 0);
}
