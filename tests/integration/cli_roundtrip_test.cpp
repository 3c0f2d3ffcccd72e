// `trib` against a real node: produce/consume round trips with keys and headers, kcat-style
// formats, JSON output, and the exit codes scripts rely on.

#include "itest.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <set>

using namespace tributary::itest;

namespace {

/// "k0:v0\nk1:v1\n..." with `n` lines; keys repeat every `distinct` lines.
std::string keyed_lines(int n, int distinct) {
  std::string text;
  for (int i = 0; i < n; ++i)
    text += "k" + std::to_string(i % distinct) + ":v" + std::to_string(i) + "\n";
  return text;
}

} // namespace

TEST_CASE("trib produce and consume round-trip keys, values and headers", "[integration][cli]") {
  temp_dir scratch;
  node_process node(scratch);
  node.start();
  auto created = trib(node, {"topic", "create", "orders", "--partitions", "3"}, scratch);
  REQUIRE(created.exit_code == 0);

  auto produced = trib(node, {"produce", "orders", "-K", ":", "-H", "src=itest", "-H", "n=1"},
                       scratch, keyed_lines(30, 5));
  INFO(describe(produced));
  REQUIRE(produced.exit_code == 0);
  CHECK(contains(produced.err, "produced 30 records"));

  auto consumed = trib(node,
                       {"consume", "orders", "--from-beginning", "--exit-at-end", "--format",
                        "%t|%p|%o|%k|%s|%h|%K|%S\\n"},
                       scratch);
  INFO(describe(consumed));
  REQUIRE(consumed.exit_code == 0);
  auto lines = split_lines(consumed.out);
  REQUIRE(lines.size() == 30);
  std::map<std::string, std::set<std::string>> partitions_of_key;
  std::set<std::string> values;
  for (const auto& line : lines) {
    // topic|partition|offset|key|value|headers|key length|value length
    std::vector<std::string> f;
    size_t start = 0;
    for (size_t bar; (bar = line.find('|', start)) != std::string::npos; start = bar + 1)
      f.push_back(line.substr(start, bar - start));
    f.push_back(line.substr(start));
    REQUIRE(f.size() == 8);
    CHECK(f[0] == "orders");
    CHECK(f[5] == "src=itest,n=1");
    CHECK(f[6] == std::to_string(f[3].size()));
    CHECK(f[7] == std::to_string(f[4].size()));
    partitions_of_key[f[3]].insert(f[1]);
    values.insert(f[4]);
  }
  CHECK(values.size() == 30);
  REQUIRE(partitions_of_key.size() == 5);
  for (const auto& [key, partitions] : partitions_of_key) {
    INFO("key " << key);
    CHECK(partitions.size() == 1); // one key, one partition
  }

  auto json =
      trib(node, {"--json", "consume", "orders", "--from-beginning", "--count", "30"}, scratch);
  REQUIRE(json.exit_code == 0);
  auto records = json_lines(json.out);
  REQUIRE(records.size() == 30);
  for (const auto& r : records) {
    CHECK(r["topic"] == "orders");
    REQUIRE(r["headers"].size() == 2);
    CHECK(r["headers"][0]["key"] == "src");
    CHECK(r["headers"][0]["value"] == "itest");
  }
}

TEST_CASE("trib produce sends null values and to a chosen partition", "[integration][cli]") {
  temp_dir scratch;
  node_process node(scratch);
  node.start();
  REQUIRE(trib(node, {"topic", "create", "t", "--partitions", "2"}, scratch).exit_code == 0);
  auto produced =
      trib(node, {"produce", "t", "-p", "1", "--null-value", "NULL"}, scratch, "a\nNULL\nb\n");
  REQUIRE(produced.exit_code == 0);
  auto consumed = trib(
      node, {"consume", "t", "-p", "1", "--from-beginning", "-e", "-f", "%p %o %S %s\\n"}, scratch);
  INFO(describe(consumed));
  REQUIRE(consumed.exit_code == 0);
  CHECK(consumed.out == "1 0 1 a\n1 1 -1 \n1 2 1 b\n");
  auto other = trib(node, {"consume", "t", "-p", "0", "--from-beginning", "-e"}, scratch);
  CHECK(other.exit_code == 0);
  CHECK(other.out.empty());
}

TEST_CASE("trib exit codes: 0 ok, 1 node error, 2 usage, 3 cannot connect", "[integration][cli]") {
  temp_dir scratch;
  node_process node(scratch);
  node.start();
  CHECK(trib(node, {"topic", "create", "dup"}, scratch).exit_code == 0);

  auto again = trib(node, {"topic", "create", "dup"}, scratch);
  CHECK(again.exit_code == 1);
  CHECK(contains(again.err, "TOPIC_ALREADY_EXISTS"));
  CHECK(contains(again.err, "'dup'"));
  CHECK(split_lines(again.err).size() == 1);
  CHECK(trib(node, {"topic", "create", "dup", "--if-not-exists"}, scratch).exit_code == 0);

  auto unknown = trib(node, {"topic", "describe", "missing"}, scratch);
  CHECK(unknown.exit_code == 1);
  CHECK(contains(unknown.err, "missing"));

  CHECK(trib(node, {"topic", "frobnicate"}, scratch).exit_code == 2);
  CHECK(trib(node, {"consume", "dup", "--format", "%q"}, scratch).exit_code == 2);
  auto no_separator = trib(node, {"produce", "dup", "-K", ":"}, scratch, "a:1\nb:2\nno-key\n");
  CHECK(no_separator.exit_code == 2);
  CHECK(contains(no_separator.err, "line 3"));

  auto port = std::to_string(unused_port());
  auto nobody =
      run({trib_path(), "--bootstrap", "127.0.0.1:" + port, "--timeout", "1000", "topic", "list"},
          "", scratch);
  CHECK(nobody.exit_code == 3);
  CHECK(contains(nobody.err, "127.0.0.1:" + port));

  auto help = run({trib_path(), "--help"}, "", scratch);
  CHECK(help.exit_code == 0);
  CHECK(contains(help.out, "Exit codes"));

  // The node keeps serving after every refusal.
  auto list = trib(node, {"--json", "topic", "list"}, scratch);
  REQUIRE(list.exit_code == 0);
  auto doc = nlohmann::json::parse(list.out);
  REQUIRE(doc.size() == 1);
  CHECK(doc[0]["topic"] == "dup");
}
