// A Streams application in its own process, connected to a `tributary` node over the network,
// shows up in that node's inspector (`trib cluster actors`) with its tasks and their figures,
// and drops out when the process dies without saying goodbye.

#include "itest.hpp"

#include <catch2/catch.hpp>

using namespace tributary::itest;

namespace {

/// `trib --json cluster actors -k <kind>`: the entries, or an empty array when it fails.
nlohmann::json actors_of_kind(const node_process& node, const temp_dir& scratch,
                              const std::string& kind) {
  auto r = trib(node, {"--json", "cluster", "actors", "-k", kind}, scratch);
  if (r.exit_code != 0)
    return nlohmann::json::array();
  return nlohmann::json::parse(r.out)["actors"];
}

/// Answered entries: those the component itself described (not filled in at a deadline).
size_t answered(const nlohmann::json& actors) {
  size_t n = 0;
  for (const auto& a : actors)
    if (!a["details"].contains("answered"))
      ++n;
  return n;
}

} // namespace

TEST_CASE("a remote streams app appears in the node's inspector and leaves when it dies",
          "[integration][streams]") {
  temp_dir scratch;
  node_process node(scratch);
  node.start();
  spawn_options app_options;
  app_options.argv = {TRIB_WORD_COUNT_BIN, "--connect", node.bootstrap(), "--state-dir",
                      scratch.file("state")};
  app_options.stdout_file = scratch.file("word_count.out");
  app_options.stderr_file = scratch.file("word_count.err");
  child_process app(app_options);
  auto app_log = [&] { return read_file(scratch.file("word_count.err")); };

  // Two sub-topologies (split at the "words" repartition topic) x 2 partitions: four tasks.
  nlohmann::json tasks;
  bool listed = wait_until(
      [&] {
        tasks = actors_of_kind(node, scratch, "streams_task");
        return answered(tasks) == 4;
      },
      std::chrono::seconds(60));
  INFO("word_count stderr:\n" << app_log() << "\ntasks: " << tasks.dump());
  REQUIRE(listed);
  for (const auto& t : tasks)
    CHECK(t["parent"] == "streams word-count");
  auto apps = actors_of_kind(node, scratch, "streams_app");
  REQUIRE(apps.size() == 1);
  CHECK(apps[0]["name"] == "streams word-count");

  // Records flow through the remote tasks and their figures reach the inspector.
  auto produced = trib(node, {"produce", "streams-plaintext-input"}, scratch,
                       "to be or not to be\nthat is the question\n");
  INFO(describe(produced));
  REQUIRE(produced.exit_code == 0);
  REQUIRE(wait_until(
      [&] {
        uint64_t in = 0;
        for (const auto& t : actors_of_kind(node, scratch, "streams_task"))
          in += t["records_in"].get<uint64_t>();
        return in >= 2 + 10; // two lines, then ten words through the repartition topic
      },
      std::chrono::seconds(60)));

  // A crash: the node's monitors on the app's proxies fire when the connection drops.
  app.kill_hard();
  REQUIRE(wait_until(
      [&] {
        return actors_of_kind(node, scratch, "streams_task").empty() &&
               actors_of_kind(node, scratch, "streams_app").empty();
      },
      std::chrono::seconds(30)));
  CHECK(node.stop() == 0);
}
