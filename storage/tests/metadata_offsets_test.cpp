// metadata_store: committed offsets — commit, fetch, delete, atomic batches, expiry.
#include "metadata_test_util.hpp"

#include <chrono>
#include <cstdio>

using namespace tributary;
using namespace tributary::storage::metadata;
using namespace tributary::storage::metadata::test;

namespace {

offset_commit commit(std::string topic, int32_t p, int64_t off, int64_t at = 100) {
  offset_commit c;
  c.topic = std::move(topic);
  c.partition = partition_id{p};
  c.committed = offset{off};
  c.leader_epoch = epoch{2};
  c.metadata = "m" + std::to_string(off);
  c.commit_ms = at;
  return c;
}

std::vector<offset_commit> batch(int32_t partitions, int64_t off) {
  std::vector<offset_commit> out;
  for (int32_t p = 0; p < partitions; ++p)
    out.push_back(commit("orders", p, off + p));
  return out;
}

} // namespace

TEST_CASE("committed offsets are fetched back with all fields", "[metadata]") {
  temp_dir dir;
  auto store = open_ok(dir.db());
  REQUIRE(store.create_topic(simple_topic("orders", 3)));
  auto c0 = commit("orders", 0, 10);
  auto c2 = commit("orders", 2, 30);
  c2.leader_epoch = std::nullopt;
  c2.expire_ms = 5000;
  REQUIRE(store.commit_offsets("g", {c2, c0}));
  auto all = store.fetch_offsets("g");
  REQUIRE(all);
  REQUIRE(all->size() == 2);
  CHECK(all->at(0) == c0);
  CHECK(all->at(1) == c2);
  auto some = store.fetch_offsets("g", {{"orders", partition_id{2}}, {"orders", partition_id{1}}});
  REQUIRE(some);
  REQUIRE(some->size() == 1);
  CHECK(some->at(0) == c2);
  CHECK(store.fetch_offsets("nobody")->empty());
}

TEST_CASE("committing to an unknown group creates it Empty, as for standalone consumers",
          "[metadata]") {
  temp_dir dir;
  auto store = open_ok(dir.db());
  REQUIRE(store.create_topic(simple_topic("orders", 1)));
  REQUIRE(store.commit_offsets("standalone", {commit("orders", 0, 1)}));
  auto g = store.load_group("standalone");
  REQUIRE(g);
  CHECK(g->state == group_state::empty);
  CHECK(g->protocol_type.empty());
}

TEST_CASE("a later commit replaces the offset of the same partition", "[metadata]") {
  temp_dir dir;
  auto store = open_ok(dir.db());
  REQUIRE(store.create_topic(simple_topic("orders", 1)));
  REQUIRE(store.commit_offsets("g", {commit("orders", 0, 1)}));
  REQUIRE(store.commit_offsets("g", {commit("orders", 0, 7, 200)}));
  auto all = store.fetch_offsets("g");
  REQUIRE(all->size() == 1);
  CHECK(all->at(0).committed == offset{7});
  CHECK(all->at(0).commit_ms == 200);
}

TEST_CASE("a batch failing at one partition commits none of it", "[metadata]") {
  temp_dir dir;
  auto store = open_ok(dir.db());
  REQUIRE(store.create_topic(simple_topic("orders", 100)));
  REQUIRE(store.commit_offsets("g", batch(100, 1000)));
  auto bad = batch(100, 5000);
  bad[50].partition = partition_id{100}; // does not exist: the 51st write fails
  auto r = store.commit_offsets("g", bad);
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::unknown_partition);
  CHECK_THAT(store.last_error(), Catch::Contains("has 100 partitions; partition 100"));
  auto all = store.fetch_offsets("g");
  REQUIRE(all->size() == 100);
  for (const auto& c : *all)
    CHECK(c.committed.value == 1000 + c.partition.value);
  bad[50].topic = "missing";
  CHECK(store.commit_offsets("g", bad).error() == errc::unknown_topic);
  CHECK(store.fetch_offsets("g")->at(99).committed == offset{1099});
}

TEST_CASE("deleting a topic deletes every group's offsets for it", "[metadata]") {
  temp_dir dir;
  auto store = open_ok(dir.db());
  REQUIRE(store.create_topic(simple_topic("orders", 1)));
  REQUIRE(store.create_topic(simple_topic("other", 1)));
  REQUIRE(store.commit_offsets("g", {commit("orders", 0, 1), commit("other", 0, 2)}));
  REQUIRE(store.delete_topic("orders"));
  auto left = store.fetch_offsets("g");
  REQUIRE(left->size() == 1);
  CHECK(left->at(0).topic == "other");
}

TEST_CASE("delete_offsets removes only the listed partitions", "[metadata]") {
  temp_dir dir;
  auto store = open_ok(dir.db());
  REQUIRE(store.create_topic(simple_topic("orders", 3)));
  REQUIRE(store.commit_offsets("g", batch(3, 0)));
  auto n = store.delete_offsets("g", {{"orders", partition_id{0}}, {"orders", partition_id{9}}});
  REQUIRE(n);
  CHECK(*n == 1);
  CHECK(store.fetch_offsets("g")->size() == 2);
  CHECK(store.delete_offsets("nobody", {}).error() == errc::unknown_group);
}

TEST_CASE("expiry removes old offsets of empty groups only and reports them", "[metadata]") {
  temp_dir dir;
  auto store = open_ok(dir.db());
  REQUIRE(store.create_topic(simple_topic("orders", 3)));
  // "idle" is Empty: p0 committed long ago, p1 recently, p2 with an explicit expiry.
  auto explicit_expiry = commit("orders", 2, 3, 900);
  explicit_expiry.expire_ms = 950;
  REQUIRE(store.commit_offsets(
      "idle", {commit("orders", 0, 1, 100), commit("orders", 1, 2, 900), explicit_expiry}));
  // "active" is Stable: nothing of it expires, however old.
  group_record active;
  active.group_id = "active";
  active.state = group_state::stable;
  active.protocol_type = "consumer";
  REQUIRE(store.save_group(active));
  REQUIRE(store.commit_offsets("active", {commit("orders", 0, 5, 100)}));

  auto expired = store.expire_offsets(/*now_ms=*/1000, /*retention_ms=*/500);
  REQUIRE(expired);
  REQUIRE(expired->size() == 2);
  CHECK(expired->at(0).group_id == "idle");
  CHECK(expired->at(0).partition == partition_id{0});
  CHECK(expired->at(0).committed == offset{1});
  CHECK(expired->at(1).partition == partition_id{2});
  auto idle = store.fetch_offsets("idle");
  REQUIRE(idle->size() == 1);
  CHECK(idle->at(0).partition == partition_id{1});
  CHECK(store.fetch_offsets("active")->size() == 1);
  CHECK(store.expire_offsets(1000, 500)->empty());
}

TEST_CASE("offsets of an empty consumer group expire by the time the group became empty",
          "[metadata]") {
  temp_dir dir;
  auto store = open_ok(dir.db());
  REQUIRE(store.create_topic(simple_topic("orders", 2)));
  auto empty_since = [&](std::string id, int64_t state_ms) {
    group_record g;
    g.group_id = std::move(id);
    g.state = group_state::empty;
    g.protocol_type = "consumer";
    g.state_ms = state_ms;
    REQUIRE(store.save_group(g));
  };
  // Both committed long ago; "recent" emptied within retention, "old" before it.
  empty_since("recent", 900);
  empty_since("old", 200);
  REQUIRE(store.commit_offsets("recent", {commit("orders", 0, 1, 100)}));
  REQUIRE(store.commit_offsets("old", {commit("orders", 0, 2, 100)}));
  // A recent commit does not keep a group that has been empty too long.
  REQUIRE(store.commit_offsets("old", {commit("orders", 1, 3, 950)}));
  // An explicit expiry still wins over the group's clock.
  auto explicit_expiry = commit("orders", 1, 4, 100);
  explicit_expiry.expire_ms = 990;
  REQUIRE(store.commit_offsets("recent", {explicit_expiry}));

  auto expired = store.expire_offsets(/*now_ms=*/1000, /*retention_ms=*/500);
  REQUIRE(expired);
  REQUIRE(expired->size() == 3);
  CHECK(expired->at(0).group_id == "old");
  CHECK(expired->at(1).group_id == "old");
  CHECK(expired->at(2).group_id == "recent");
  CHECK(expired->at(2).partition == partition_id{1});
  auto kept = store.fetch_offsets("recent");
  REQUIRE(kept->size() == 1);
  CHECK(kept->at(0).committed == offset{1});
  CHECK(store.fetch_offsets("old")->empty());
}

TEST_CASE("offsets of a standalone group (no protocol type) expire by commit time", "[metadata]") {
  temp_dir dir;
  auto store = open_ok(dir.db());
  REQUIRE(store.create_topic(simple_topic("orders", 2)));
  group_record g;
  g.group_id = "standalone";
  g.state = group_state::empty;
  g.state_ms = 100; // empty since long ago: irrelevant without a protocol type
  REQUIRE(store.save_group(g));
  REQUIRE(store.commit_offsets("standalone",
                               {commit("orders", 0, 1, 100), commit("orders", 1, 2, 900)}));
  auto expired = store.expire_offsets(/*now_ms=*/1000, /*retention_ms=*/500);
  REQUIRE(expired);
  REQUIRE(expired->size() == 1);
  CHECK(expired->at(0).partition == partition_id{0});
  auto kept = store.fetch_offsets("standalone");
  REQUIRE(kept->size() == 1);
  CHECK(kept->at(0).partition == partition_id{1});
}

TEST_CASE("committing 100 partitions is one transaction (measured, not asserted)", "[metadata]") {
  temp_dir dir;
  auto store = open_ok(dir.db());
  REQUIRE(store.create_topic(simple_topic("orders", 100)));
  constexpr int k_rounds = 50;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < k_rounds; ++i)
    REQUIRE(store.commit_offsets("g", batch(100, i * 1000)));
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                  start)
                .count();
  std::printf("metadata_store: commit_offsets of 100 partitions: %.1f us per batch "
              "(synchronous=NORMAL, %d batches)\n",
              static_cast<double>(us) / k_rounds, k_rounds);
  CHECK(store.fetch_offsets("g")->at(0).committed == offset{(k_rounds - 1) * 1000});
}
