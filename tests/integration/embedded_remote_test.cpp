// The same trib commands against an embedded node (--embedded DIR, in the trib process) and a
// remote `tributary` give the same results; a folder written by a node reads the same
// embedded after the node stopped.

#include "itest.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>

using namespace tributary::itest;

namespace {

using trib_runner = std::function<run_result(const std::vector<std::string>&, const std::string&)>;

std::string keyed_lines(int n, int distinct) {
  std::string text;
  for (int i = 0; i < n; ++i)
    text += "key" + std::to_string(i % distinct) + "=value" + std::to_string(i) + "\n";
  return text;
}

std::vector<std::string> sorted_lines(const std::string& text) {
  auto lines = split_lines(text);
  std::sort(lines.begin(), lines.end());
  return lines;
}

/// A scripted session; returns what a script would compare (timestamps and sizes left out,
/// cross-partition interleaving sorted away).
std::vector<std::string> scripted_session(const trib_runner& trib_cmd) {
  std::vector<std::string> seen;
  auto must = [&](const std::vector<std::string>& args, const std::string& input = {}) {
    auto r = trib_cmd(args, input);
    INFO(describe(r));
    REQUIRE(r.exit_code == 0);
    return r;
  };
  must({"topic", "create", "same", "--partitions", "3", "--config", "retention.ms=86400000"});
  must({"produce", "same", "-K", "=", "-H", "origin=itest"}, keyed_lines(50, 7));
  auto records = must({"consume", "same", "--from-beginning", "-e", "-f", "%p %o %k %s %h\\n"});
  for (const auto& line : sorted_lines(records.out))
    seen.push_back("record " + line);

  auto list = nlohmann::json::parse(must({"--json", "topic", "list"}).out);
  for (const auto& t : list)
    seen.push_back("topic " + t["topic"].get<std::string>() + " " +
                   std::to_string(t["partitions"].get<int>()) + " " +
                   std::to_string(t["records"].get<uint64_t>()));
  auto described = nlohmann::json::parse(must({"--json", "topic", "describe", "same"}).out);
  for (const auto& p : described[0]["partitions"])
    seen.push_back("partition " + std::to_string(p["partition"].get<int>()) + " hw " +
                   std::to_string(p["high_watermark"].get<int64_t>()));
  seen.push_back("retention.ms " + described[0]["configs"]["retention.ms"]["value"].dump());

  auto grouped = must({"consume", "same", "-g", "g", "--from-beginning", "--count", "20"});
  seen.push_back("group read " + std::to_string(split_lines(grouped.out).size()));
  auto group = nlohmann::json::parse(must({"--json", "group", "describe", "g"}).out);
  int64_t committed = 0;
  for (const auto& o : group[0]["offsets"])
    committed += o["committed"].get<int64_t>();
  seen.push_back("group committed " + std::to_string(committed));

  auto unknown = trib_cmd({"consume", "nowhere", "--count", "1"}, "");
  seen.push_back("unknown topic exit " + std::to_string(unknown.exit_code));
  return seen;
}

} // namespace

TEST_CASE("embedded and remote transports give the same results", "[integration][embedded]") {
  temp_dir scratch;
  node_process node(scratch);
  node.start();
  auto remote = scripted_session([&](const std::vector<std::string>& args, const std::string& in) {
    return trib(node, args, scratch, in);
  });
  auto embedded_dir = scratch.file("embedded-data");
  auto embedded =
      scripted_session([&](const std::vector<std::string>& args, const std::string& in) {
        return trib_embedded(embedded_dir, args, scratch, in);
      });
  CHECK(remote.size() > 50);
  CHECK(remote == embedded);

  // The node's own folder, read in-process after the node stopped, holds the same records.
  auto before =
      trib(node, {"consume", "same", "--from-beginning", "-e", "-f", "%p %o %s\\n"}, scratch);
  REQUIRE(before.exit_code == 0);
  REQUIRE(node.stop() == 0);
  auto after = trib_embedded(
      node.data_dir(), {"consume", "same", "--from-beginning", "-e", "-f", "%p %o %s\\n"}, scratch);
  INFO(describe(after));
  REQUIRE(after.exit_code == 0);
  CHECK(sorted_lines(after.out) == sorted_lines(before.out));
}
