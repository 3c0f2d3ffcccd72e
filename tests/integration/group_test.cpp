// Consumer groups across processes: two members split a topic's partitions and the survivor
// takes over when one leaves; committed offsets survive a node restart (clean or kill -9).

#include "itest.hpp"

#include "tributary/client/consumer.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

using namespace tributary;
using namespace tributary::itest;

namespace {

client::consumer make_consumer(const node_process& node, const std::string& group) {
  auto conn = client::connection::remote("127.0.0.1", node.port());
  REQUIRE(conn);
  client::consumer_config config;
  config.group_id = group;
  config.auto_offset_reset = client::offset_reset::earliest;
  config.session_timeout_ms = 6000;
  config.heartbeat_interval_ms = 500;
  auto made = client::consumer::create(*conn, config);
  REQUIRE(made);
  return std::move(*made);
}

/// Polls once and adds what arrived to `seen` (partition -> values).
void poll_into(client::consumer& c, std::map<int32_t, std::vector<std::string>>& seen) {
  auto batch = c.poll(std::chrono::milliseconds(50));
  REQUIRE(batch);
  for (const auto& r : *batch)
    seen[r.partition].push_back(r.value.value_or(""));
}

size_t total(const std::map<int32_t, std::vector<std::string>>& seen) {
  size_t n = 0;
  for (const auto& [_, v] : seen)
    n += v.size();
  return n;
}

/// 10 records into each of the 4 partitions of `topic` (explicit partitions: records without
/// a key all go to one sticky partition per batch).
void produce_to_every_partition(const node_process& node, const temp_dir& scratch,
                                const std::string& prefix) {
  for (int p = 0; p < 4; ++p) {
    std::string text;
    for (int i = 0; i < 10; ++i)
      text += prefix + std::to_string(p) + "-" + std::to_string(i) + "\n";
    REQUIRE(trib(node, {"produce", "work", "-p", std::to_string(p)}, scratch, text).exit_code == 0);
  }
}

std::string numbered(const std::string& prefix, int n) {
  std::string text;
  for (int i = 0; i < n; ++i)
    text += prefix + std::to_string(i) + "\n";
  return text;
}

} // namespace

TEST_CASE("two consumers in one group split the partitions and the survivor takes over",
          "[integration][group]") {
  temp_dir scratch;
  node_process node(scratch);
  node.start();
  REQUIRE(trib(node, {"topic", "create", "work", "--partitions", "4"}, scratch).exit_code == 0);

  auto a = make_consumer(node, "split");
  auto b = make_consumer(node, "split");
  REQUIRE(a.subscribe({"work"}));
  REQUIRE(b.subscribe({"work"}));
  std::map<int32_t, std::vector<std::string>> seen_a, seen_b;
  auto split = [&] {
    poll_into(a, seen_a);
    poll_into(b, seen_b);
    auto pa = a.assignment();
    auto pb = b.assignment();
    return pa.size() + pb.size() == 4 && !pa.empty() && !pb.empty();
  };
  REQUIRE(wait_until(split, std::chrono::seconds(60)));
  std::set<client::topic_partition> all;
  for (const auto& tp : a.assignment())
    all.insert(tp);
  for (const auto& tp : b.assignment())
    CHECK(all.insert(tp).second); // disjoint
  CHECK(all.size() == 4);

  produce_to_every_partition(node, scratch, "first-");
  REQUIRE(wait_until([&] {
    poll_into(a, seen_a);
    poll_into(b, seen_b);
    return total(seen_a) + total(seen_b) >= 40;
  }));
  CHECK(total(seen_a) + total(seen_b) == 40);
  CHECK(seen_a.size() == 2); // each member read exactly its own two partitions
  CHECK(seen_b.size() == 2);
  auto owned = [](client::consumer& c, int32_t p) {
    auto tps = c.assignment();
    return std::any_of(tps.begin(), tps.end(), [p](const auto& tp) { return tp.partition == p; });
  };
  for (const auto& [p, _] : seen_a)
    CHECK(owned(a, p));
  for (const auto& [p, _] : seen_b)
    CHECK(owned(b, p));

  REQUIRE(b.close(std::chrono::seconds(10)));
  REQUIRE(wait_until(
      [&] {
        poll_into(a, seen_a);
        return a.assignment().size() == 4;
      },
      std::chrono::seconds(60)));
  std::map<int32_t, std::vector<std::string>> after;
  produce_to_every_partition(node, scratch, "second-");
  REQUIRE(wait_until([&] {
    poll_into(a, after);
    return total(after) >= 40;
  }));
  CHECK(total(after) == 40);
  CHECK(after.size() == 4); // records from every partition, including the ones b had
  REQUIRE(a.close(std::chrono::seconds(10)));
}

TEST_CASE("committed offsets survive a node restart", "[integration][group]") {
  temp_dir scratch;
  node_process node(scratch);
  node.start();
  REQUIRE(trib(node, {"topic", "create", "keep", "--partitions", "2"}, scratch).exit_code == 0);
  REQUIRE(trib(node, {"produce", "keep"}, scratch, numbered("m", 10)).exit_code == 0);
  auto first =
      trib(node, {"consume", "keep", "-g", "readers", "--from-beginning", "--count", "4"}, scratch);
  INFO(describe(first));
  REQUIRE(first.exit_code == 0);
  auto first_lines = split_lines(first.out);
  REQUIRE(first_lines.size() == 4);

  SECTION("clean stop") {
    REQUIRE(node.stop() == 0);
  }
  SECTION("kill -9") {
    // CHECK_NOTHROW: a section without an assertion fails under --warn NoAssertions.
    CHECK_NOTHROW(node.kill_hard());
  }
  node.start();

  auto described = trib(node, {"--json", "group", "describe", "readers"}, scratch);
  INFO(describe(described));
  REQUIRE(described.exit_code == 0);
  auto doc = nlohmann::json::parse(described.out);
  int64_t committed = 0;
  for (const auto& o : doc[0]["offsets"])
    committed += o["committed"].get<int64_t>();
  CHECK(committed == 4);

  auto rest = trib(node, {"consume", "keep", "-g", "readers", "--from-beginning", "-e"}, scratch);
  INFO(describe(rest));
  REQUIRE(rest.exit_code == 0);
  auto rest_lines = split_lines(rest.out);
  CHECK(rest_lines.size() == 6);
  std::set<std::string> everything(first_lines.begin(), first_lines.end());
  for (const auto& line : rest_lines)
    CHECK(everything.insert(line).second); // nothing read twice
  CHECK(everything.size() == 10);
}
