// The `tributary` program as a process: startup banner, clean stop on SIGTERM/SIGINT, exit
// codes for bad configuration and a data folder in use, JSON log lines.

#include "itest.hpp"

#include <catch2/catch.hpp>

#include <csignal>

using namespace tributary::itest;

TEST_CASE("tributary starts on an empty folder, says where clients connect and stops on SIGTERM",
          "[integration][node]") {
  temp_dir scratch;
  node_process node(scratch);
  node.start();
  auto log = node.log();
  INFO(log);
  CHECK(contains(log, "native   127.0.0.1:" + std::to_string(node.port())));
  CHECK(contains(log, "started in "));
  CHECK(contains(log, "quick start:"));
  CHECK(contains(log, "TRIB_BOOTSTRAP=127.0.0.1:" + std::to_string(node.port())));
  // The Kafka listener bound a free port (port 0 asked) and the banner says which.
  CHECK(contains(log, "kafka    PLAINTEXT://127.0.0.1:"));
  CHECK_FALSE(contains(log, "PLAINTEXT://127.0.0.1:0 "));
  CHECK(node.stop() == 0);
  CHECK(contains(node.log(), "stopped cleanly"));
}

TEST_CASE("tributary stops cleanly on SIGINT and logs JSON lines on request",
          "[integration][node]") {
  temp_dir scratch;
  node_process node(scratch);
  node.start({"--log.format=json"});
  REQUIRE(node.running());
  auto code = node.stop();
  CHECK(code == 0);
  auto lines = split_lines(node.log());
  REQUIRE(lines.size() >= 3);
  for (const auto& line : lines) {
    INFO(line);
    auto doc = nlohmann::json::parse(line, nullptr, false);
    REQUIRE_FALSE(doc.is_discarded());
    CHECK(doc.contains("level"));
    CHECK(doc.contains("msg"));
  }
  CHECK(contains(node.log(), "stopped cleanly"));
}

TEST_CASE("tributary refuses bad configuration with exit code 2 and one clear line",
          "[integration][node]") {
  temp_dir scratch;
  auto data = "--data.dir=" + scratch.file("data");
  auto bad_level = run({tributary_path(), data, "--log.level=loud"}, "", scratch);
  INFO(describe(bad_level));
  CHECK(bad_level.exit_code == 2);
  CHECK(split_lines(bad_level.err).size() == 1);
  CHECK(contains(bad_level.err, "log.level"));
  CHECK(contains(bad_level.err, "loud"));

  auto unknown = run({tributary_path(), data, "--no.such.setting=1"}, "", scratch);
  CHECK(unknown.exit_code == 2);
  CHECK(contains(unknown.err, "no.such.setting"));

  auto help = run({tributary_path(), "--help"}, "", scratch);
  CHECK(help.exit_code == 0);
  CHECK(contains(help.out, "Exit codes"));
}

TEST_CASE("a second node on a data folder in use exits 1 naming the folder",
          "[integration][node]") {
  temp_dir scratch;
  node_process first(scratch, "first");
  first.start();
  auto second = run({tributary_path(), "--data.dir=" + first.data_dir(),
                     "--native.listener=127.0.0.1:0", "--listeners=PLAINTEXT://127.0.0.1:0"},
                    "", scratch);
  INFO(describe(second));
  CHECK(second.exit_code == 1);
  CHECK(contains(second.err, first.data_dir()));
  // The first node is unaffected.
  CHECK(first.running());
  CHECK(can_connect(first.port()));
  CHECK(first.stop() == 0);
}
