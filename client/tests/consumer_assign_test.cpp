// The consumer without a group (assign()) against a real node: records come back in order
// with their keys, values and offsets, on both transports; seek / seek_to_beginning /
// seek_to_end / position; pause / resume; max.poll.records; auto.offset.reset; compressed
// batches.

#include "consumer_test_support.hpp"

#include "tributary/protocol/batch_builder.hpp"

using namespace tributary::client;
using namespace consumer_test;
using client_test::test_node;
using tributary::client::blocking_request;
using tributary::protocol::kafka_error;

TEST_CASE("assign() reads every record of its partitions in order", "[consumer]") {
  auto transport = GENERATE(std::string("embedded"), std::string("remote"));
  SECTION(transport) {
    test_node n;
    auto conn = n.connect(transport);
    create_topic(conn, "orders", 2);
    produce(conn, "orders", 0, 700, "a");
    produce(conn, "orders", 1, 300, "b");
    auto cfg = quick_config();
    cfg.max_poll_records = 128;
    auto c = consumer::create(conn, cfg);
    REQUIRE(c);
    REQUIRE(c->assign({{"orders", 0}, {"orders", 1}}));
    collected got;
    size_t biggest = 0;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (got.total < 1000 && std::chrono::steady_clock::now() < deadline) {
      auto batch = c->poll(std::chrono::milliseconds(100));
      REQUIRE(batch);
      biggest = std::max(biggest, batch->count());
      for (auto& tp : batch->partitions()) {
        auto range = batch->records(tp);
        REQUIRE(!range.empty());
        for (auto& r : range)
          CHECK(r.partition == tp.partition);
      }
      got.add(*batch);
    }
    CHECK(biggest <= 128);
    REQUIRE(got.total == 1000);
    auto& p0 = got.by_partition[{"orders", 0}];
    auto& p1 = got.by_partition[{"orders", 1}];
    REQUIRE(p0.size() == 700);
    REQUIRE(p1.size() == 300);
    for (size_t i = 0; i < p0.size(); ++i) {
      CHECK(p0[i].offset == static_cast<int64_t>(i));
      CHECK(p0[i].value == "a-" + std::to_string(i));
      CHECK(p0[i].key == "k" + std::to_string(i));
      CHECK(p0[i].timestamp > 0);
    }
    for (size_t i = 0; i < p1.size(); ++i)
      CHECK(p1[i].value == "b-" + std::to_string(i));
    CHECK(*c->position({"orders", 0}) == 700);
    CHECK(*c->position({"orders", 1}) == 300);
    REQUIRE(c->close());
  }
}

TEST_CASE("seek, seek_to_beginning and seek_to_end move the position", "[consumer]") {
  test_node n;
  auto conn = n.connect("embedded");
  create_topic(conn, "events", 1);
  produce(conn, "events", 0, 50);
  auto c = consumer::create(conn, quick_config());
  REQUIRE(c);
  topic_partition tp{"events", 0};
  REQUIRE(c->assign({tp}));
  collected got;
  poll_until(*c, got, [&] { return got.total >= 50; });
  REQUIRE(got.total == 50);

  REQUIRE(c->seek(tp, 42));
  CHECK(*c->position(tp) == 42);
  collected again;
  poll_until(*c, again, [&] { return again.total >= 8; });
  REQUIRE(again.total == 8);
  CHECK(again.by_partition[tp].front().offset == 42);

  REQUIRE(c->seek_to_beginning());
  CHECK(*c->position(tp) == 0);
  collected from_start;
  poll_until(*c, from_start, [&] { return from_start.total >= 50; });
  CHECK(from_start.by_partition[tp].front().offset == 0);
  CHECK(from_start.total == 50);

  REQUIRE(c->seek(tp, 10));
  REQUIRE(c->seek_to_end({tp}));
  CHECK(*c->position(tp) == 50);
  produce(conn, "events", 0, 5, "late");
  collected late;
  poll_until(*c, late, [&] { return late.total >= 5; });
  REQUIRE(late.total == 5);
  CHECK(late.by_partition[tp].front().offset == 50);
  CHECK(late.by_partition[tp].front().value == "late-0");

  CHECK_FALSE(c->seek({"events", 9}, 0));
  CHECK(c->position({"other", 0}).err().message.find("not assigned") != std::string::npos);
}

TEST_CASE("pause() holds a partition back until resume()", "[consumer]") {
  test_node n;
  auto conn = n.connect("embedded");
  create_topic(conn, "logs", 2);
  produce(conn, "logs", 0, 20, "zero");
  produce(conn, "logs", 1, 20, "one");
  auto c = consumer::create(conn, quick_config());
  REQUIRE(c);
  topic_partition p0{"logs", 0}, p1{"logs", 1};
  REQUIRE(c->assign({p0, p1}));
  REQUIRE(c->pause({p0}));
  CHECK(c->paused() == std::vector<topic_partition>{p0});
  collected got;
  poll_until(*c, got, [&] { return got.by_partition[p1].size() >= 20; });
  CHECK(got.by_partition[p1].size() == 20);
  // A few more polls: still nothing from the paused partition.
  for (int i = 0; i < 3; ++i) {
    auto batch = c->poll(std::chrono::milliseconds(50));
    REQUIRE(batch);
    got.add(*batch);
  }
  CHECK(got.by_partition[p0].empty());
  REQUIRE(c->resume({p0}));
  CHECK(c->paused().empty());
  poll_until(*c, got, [&] { return got.by_partition[p0].size() >= 20; });
  REQUIRE(got.by_partition[p0].size() == 20);
  CHECK(got.by_partition[p0].front().offset == 0);
  CHECK(got.by_partition[p0].back().value == "zero-19");
}

TEST_CASE("auto.offset.reset decides where a partition without commits starts", "[consumer]") {
  test_node n;
  auto conn = n.connect("embedded");
  create_topic(conn, "reset", 1);
  produce(conn, "reset", 0, 10, "old");
  topic_partition tp{"reset", 0};

  SECTION("latest skips what is already there") {
    auto cfg = quick_config();
    cfg.auto_offset_reset = offset_reset::latest;
    auto c = consumer::create(conn, cfg);
    REQUIRE(c);
    REQUIRE(c->assign({tp}));
    CHECK(*c->position(tp) == 10);
    produce(conn, "reset", 0, 3, "new");
    collected got;
    poll_until(*c, got, [&] { return got.total >= 3; });
    REQUIRE(got.total == 3);
    CHECK(got.by_partition[tp][0].value == "new-0");
  }
  SECTION("none fails the poll, and a seek fixes it") {
    auto cfg = quick_config();
    cfg.auto_offset_reset = offset_reset::none;
    auto c = consumer::create(conn, cfg);
    REQUIRE(c);
    REQUIRE(c->assign({tp}));
    auto failed = c->poll(std::chrono::milliseconds(100));
    REQUIRE_FALSE(failed);
    CHECK(failed.err().code == kafka_error::offset_out_of_range);
    CHECK(failed.err().message.find("reset-0") != std::string::npos);
    REQUIRE(c->seek(tp, 4));
    collected got;
    poll_until(*c, got, [&] { return got.total >= 6; });
    CHECK(got.by_partition[tp].front().offset == 4);
  }
  SECTION("a position beyond the log end is reset per auto.offset.reset") {
    auto c = consumer::create(conn, quick_config()); // earliest
    REQUIRE(c);
    REQUIRE(c->assign({tp}));
    REQUIRE(c->seek(tp, 1000));
    collected got;
    poll_until(*c, got, [&] { return got.total >= 10; });
    REQUIRE(got.total == 10);
    CHECK(got.by_partition[tp].front().offset == 0);
  }
}

TEST_CASE("compressed batches are decoded", "[consumer]") {
  using tributary::protocol::compression_codec;
  auto codec = GENERATE(compression_codec::gzip, compression_codec::snappy, compression_codec::lz4,
                        compression_codec::zstd);
  test_node n;
  auto conn = n.connect("embedded");
  create_topic(conn, "packed", 1);
  produce(conn, "packed", 0, 300, "z", codec);
  auto c = consumer::create(conn, quick_config());
  REQUIRE(c);
  topic_partition tp{"packed", 0};
  REQUIRE(c->assign({tp}));
  collected got;
  poll_until(*c, got, [&] { return got.total >= 300; });
  REQUIRE(got.total == 300);
  for (size_t i = 0; i < 300; ++i) {
    CHECK(got.by_partition[tp][i].offset == static_cast<int64_t>(i));
    CHECK(got.by_partition[tp][i].value == "z-" + std::to_string(i));
  }
}

TEST_CASE("misuse fails with a sentence instead of throwing", "[consumer]") {
  test_node n;
  auto conn = n.connect("embedded");
  auto c = consumer::create(conn, quick_config());
  REQUIRE(c);
  auto idle = c->poll(std::chrono::milliseconds(1));
  REQUIRE_FALSE(idle);
  CHECK(idle.err().message.find("neither subscribed") != std::string::npos);
  auto no_group = c->subscribe({"t"});
  REQUIRE_FALSE(no_group);
  CHECK(no_group.err().code == kafka_error::invalid_group_id);
  auto commit = c->commit_sync();
  REQUIRE_FALSE(commit);
  CHECK(commit.err().code == kafka_error::invalid_group_id);
  REQUIRE(c->close());
  CHECK_FALSE(c->assign({{"t", 0}}));
  auto bad = consumer::create(conn, [] {
    auto cfg = quick_config();
    cfg.max_poll_records = 0;
    return cfg;
  }());
  REQUIRE_FALSE(bad);
  CHECK(bad.err().message.find("max.poll.records") != std::string::npos);
}

TEST_CASE("assign() with a group.id commits as a standalone member and resumes from it",
          "[consumer]") {
  test_node n;
  auto conn = n.connect("embedded");
  create_topic(conn, "ledger", 1);
  produce(conn, "ledger", 0, 20);
  topic_partition tp{"ledger", 0};
  auto cfg = quick_config("standalone");
  cfg.enable_auto_commit = false;
  {
    auto c = consumer::create(conn, cfg);
    REQUIRE(c);
    REQUIRE(c->assign({tp}));
    collected got;
    poll_until(*c, got, [&] { return got.total >= 20; });
    REQUIRE(got.total == 20);
    offset_map offsets;
    offsets[tp].offset = 15;
    offsets[tp].metadata = "checkpoint";
    REQUIRE(c->commit_sync(offsets));
    auto committed = c->committed({tp});
    REQUIRE(committed);
    CHECK(committed->at(tp).offset == 15);
    CHECK(committed->at(tp).metadata == "checkpoint");
  }
  auto c = consumer::create(conn, cfg);
  REQUIRE(c);
  REQUIRE(c->assign({tp}));
  CHECK(*c->position(tp) == 15);
  collected got;
  poll_until(*c, got, [&] { return got.total >= 5; });
  REQUIRE(got.total == 5);
  CHECK(got.by_partition[tp].front().offset == 15);
}

TEST_CASE("wakeup() makes a waiting poll return at once", "[consumer]") {
  test_node n;
  auto conn = n.connect("embedded");
  create_topic(conn, "quiet", 1);
  auto c = consumer::create(conn, quick_config());
  REQUIRE(c);
  REQUIRE(c->assign({{"quiet", 0}}));
  c->wakeup();
  auto start = std::chrono::steady_clock::now();
  auto batch = c->poll(std::chrono::seconds(60));
  REQUIRE(batch);
  CHECK(batch->empty());
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(30));
  // The wakeup was used up: a short poll now waits its time and returns empty.
  auto next = c->poll(std::chrono::milliseconds(20));
  REQUIRE(next);
  CHECK(next->empty());
}

TEST_CASE("recycled records are overwritten completely: nulls, tombstones, headers", "[consumer]") {
  namespace proto = tributary::protocol;
  test_node n;
  auto conn = n.connect("embedded");
  create_topic(conn, "mixed", 1);
  auto send = [&](bool full) {
    proto::batch_builder b;
    proto::record_header h{"trace", proto::as_bytes("abc")};
    for (int i = 0; i < 5; ++i) {
      if (full)
        b.append({1000 + i, proto::as_bytes("key"), proto::as_bytes("value"), {&h, 1}});
      else
        b.append({2000 + i, std::nullopt, std::nullopt, {}});
    }
    std::vector<std::byte> out;
    REQUIRE(b.build(out));
    tributary::actors::produce_request req;
    req.topic = "mixed";
    req.records.assign(reinterpret_cast<const char*>(out.data()),
                       reinterpret_cast<const char*>(out.data()) + out.size());
    auto r = blocking_request<tributary::actors::produce_response>(conn, std::move(req));
    REQUIRE(r);
    REQUIRE(r->error == 0);
  };
  send(true);
  send(false);
  auto cfg = quick_config();
  cfg.max_poll_records = 5;
  auto c = consumer::create(conn, cfg);
  REQUIRE(c);
  REQUIRE(c->assign({{"mixed", 0}}));
  size_t seen_full = 0, seen_empty = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (seen_full + seen_empty < 10 && std::chrono::steady_clock::now() < deadline) {
    auto batch = c->poll(std::chrono::milliseconds(100));
    REQUIRE(batch);
    consumer_records copy = *batch; // copies are independent of the pool
    for (auto& r : *batch) {
      if (r.offset < 5) {
        ++seen_full;
        CHECK(r.key == std::optional<std::string>{"key"});
        CHECK(r.value == std::optional<std::string>{"value"});
        REQUIRE(r.headers.size() == 1);
        CHECK(r.headers[0].key == "trace");
        CHECK(r.headers[0].value == std::optional<std::string>{"abc"});
        CHECK(r.timestamp == 1000 + r.offset);
      } else {
        ++seen_empty;
        CHECK(!r.key);
        CHECK(!r.value);
        CHECK(r.headers.empty());
        CHECK(r.timestamp == 2000 + (r.offset - 5));
      }
    }
    CHECK(copy.count() == batch->count());
  } // each batch goes back to the pool here and is reused by the next poll
  CHECK(seen_full == 5);
  CHECK(seen_empty == 5);
}
