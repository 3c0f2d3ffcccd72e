// load_broker_config: defaults < TOML file < TRIB_* < flags; TOML conventions and errors.

#include "tributary/config/errc.hpp"
#include "tributary/config/loader.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace tributary::config;

namespace {

/// A TOML file in the temp directory, removed when the test ends.
struct temp_toml {
  std::string path;
  explicit temp_toml(std::string_view text) {
    static int counter = 0;
    path = (std::filesystem::temp_directory_path() / ("trib-config-" + std::to_string(::getpid()) +
                                                      "-" + std::to_string(++counter) + ".toml"))
               .string();
    std::ofstream(path) << text;
  }
  ~temp_toml() { std::filesystem::remove(path); }
};

tributary::result<loaded_config> load(std::vector<std::string> args, env_map env = {},
                                      std::string* why = nullptr) {
  return load_broker_config({std::move(args), std::move(env)}, why);
}

} // namespace

TEST_CASE("with no inputs every broker setting has its default") {
  std::string why;
  auto loaded = load({}, {}, &why);
  REQUIRE(loaded);
  const auto& c = loaded->config;
  CHECK(c.node_id == tributary::node_id{0});
  CHECK(c.data_dir == "./tributary-data");
  REQUIRE(c.listeners.size() == 1);
  CHECK(c.listeners[0].name == "PLAINTEXT");
  CHECK(c.listeners[0].host == "127.0.0.1");
  CHECK(c.listeners[0].port == 9092);
  CHECK(c.advertised_listeners.size() == 1); // defaults to listeners
  REQUIRE(c.native_listener);
  CHECK(c.native_listener->port == 19092);
  CHECK(c.num_partitions == 1);
  CHECK(c.default_replication_factor == 1);
  CHECK(c.auto_create_topics_enable);
  CHECK(c.delete_topic_enable);
  CHECK(c.offsets_retention_minutes == 10080);
  CHECK(c.group_initial_rebalance_delay_ms == 3000);
  CHECK(c.group_min_session_timeout_ms == 6000);
  CHECK(c.group_max_session_timeout_ms == 1800000);
  CHECK(c.socket_request_max_bytes == 104857600);
  CHECK(c.connections_max_idle_ms == 600000);
  CHECK(c.log_format == log_line_format::text);
  CHECK(c.log_level == "info");
  CHECK_FALSE(loaded->config_file);
  CHECK(loaded->warnings.empty());
}

TEST_CASE("precedence: file < environment < flags, and describe names each source") {
  temp_toml file(R"(
"log.retention.ms" = 1000
num.partitions = 3
node.id = 7
)");
  std::string why;
  auto loaded = load({"--config", file.path, "--num.partitions=5"},
                     {{"TRIB_LOG_RETENTION_MS", "2000"}, {"TRIB_NUM_PARTITIONS", "4"}}, &why);
  INFO(why);
  REQUIRE(loaded);
  const auto& c = loaded->config;
  CHECK(c.node_id == tributary::node_id{7});
  CHECK(c.num_partitions == 5);
  CHECK(c.topic_defaults().retention_ms == 2000);
  CHECK(loaded->config_file == file.path);

  auto entries = c.describe();
  auto origin_of = [&](std::string_view name) {
    for (const auto& e : entries)
      if (e.name == name)
        return e.origin;
    return std::string("missing");
  };
  CHECK(origin_of("node.id") == file.path + ":4");
  CHECK(origin_of("log.retention.ms") == "TRIB_LOG_RETENTION_MS");
  CHECK(origin_of("num.partitions") == "--num.partitions");
  CHECK(origin_of("delete.topic.enable") == "default");
  CHECK(entries.front().is_read_only);
}

TEST_CASE("quoted keys, dotted keys and tables are the same setting in TOML") {
  for (auto text : {"\"log.retention.ms\" = 5000\n", "log.retention.ms = 5000\n",
                    "[log]\nretention.ms = 5000\n", "[log.retention]\nms = 5000\n"}) {
    INFO(text);
    temp_toml file(text);
    std::string why;
    auto loaded = load({"--config=" + file.path}, {}, &why);
    INFO(why);
    REQUIRE(loaded);
    CHECK(loaded->config.topic_defaults().retention_ms == 5000);
  }
}

TEST_CASE("TOML arrays, strings and booleans map onto lists, numbers and flags") {
  temp_toml file(R"(
listeners = ["PLAINTEXT://0.0.0.0:9092", "INTERNAL://127.0.0.1:9094"]
advertised.listeners = "PLAINTEXT://broker1.example:9092"
auto.create.topics.enable = false
log.cleaner.min.cleanable.ratio = 0.3
log.cleanup.policy = ["compact"]
"log.segment.bytes" = "2048"
)");
  std::string why;
  auto loaded = load({"--config", file.path}, {}, &why);
  INFO(why);
  REQUIRE(loaded);
  const auto& c = loaded->config;
  REQUIRE(c.listeners.size() == 2);
  CHECK(c.listeners[1].name == "INTERNAL");
  CHECK(c.listeners[1].port == 9094);
  REQUIRE(c.advertised_listeners.size() == 1);
  CHECK(c.advertised_listeners[0].host == "broker1.example");
  CHECK_FALSE(c.auto_create_topics_enable);
  auto t = c.topic_defaults();
  CHECK(t.min_cleanable_dirty_ratio == 0.3);
  CHECK(t.cleanup_compact);
  CHECK(t.segment_bytes == 2048);
}

TEST_CASE("bad TOML syntax reports the file, line and column") {
  temp_toml file("num.partitions = 3\nlog.retention.ms = = 5\n");
  std::string why;
  auto loaded = load({"--config", file.path}, {}, &why);
  REQUIRE_FALSE(loaded);
  CHECK(loaded.error() == errc::syntax_error);
  CHECK(why.rfind("syntax error in " + file.path + " at line 2, column ", 0) == 0);
}

TEST_CASE("a value error in the file names file:line") {
  temp_toml file("\n\n[log]\ncleanup.policy = \"fast\"\n");
  std::string why;
  auto loaded = load({"--config", file.path}, {}, &why);
  REQUIRE_FALSE(loaded);
  CHECK(why == "invalid value 'fast' for 'log.cleanup.policy' (from " + file.path +
                   ":4): allowed values are delete, compact");
}

TEST_CASE("a setting written twice in one file is an error") {
  temp_toml file("\"log.retention.ms\" = 1\n[log]\nretention.ms = 2\n");
  std::string why;
  auto loaded = load({"--config", file.path}, {}, &why);
  REQUIRE_FALSE(loaded);
  CHECK(loaded.error() == errc::duplicate_setting);
  CHECK(why.find("'log.retention.ms' is set twice in the config file") != std::string::npos);
}

TEST_CASE("log.retention.ms wins over .minutes and .hours in one file, as in Kafka") {
  temp_toml file("[log]\nretention.hours = 2\nretention.ms = 5000\nretention.minutes = 1\n");
  std::string why;
  auto loaded = load({"--config", file.path}, {}, &why);
  INFO(why);
  REQUIRE(loaded);
  CHECK(loaded->config.topic_defaults().retention_ms == 5000);
  loaded = load({}, {{"TRIB_LOG_RETENTION_MS", "7000"}, {"TRIB_LOG_RETENTION_HOURS", "1"}}, &why);
  REQUIRE(loaded);
  CHECK(loaded->config.topic_defaults().retention_ms == 7000);
}

TEST_CASE("unknown keys in the file and flags suggest the closest setting") {
  temp_toml file("log.retention.msx = 1\n");
  std::string why;
  auto loaded = load({"--config", file.path}, {}, &why);
  REQUIRE_FALSE(loaded);
  CHECK(why == "unknown setting 'log.retention.msx' (from " + file.path +
                   ":1): did you mean 'log.retention.ms'?");
  loaded = load({"--num.partition=3"}, {}, &why);
  CHECK(loaded.error() == errc::unknown_setting);
  CHECK(why == "unknown setting 'num.partition' (from --num.partition): did you mean "
               "'num.partitions'?");
}

TEST_CASE("a missing config file is a clear error; TRIB_CONFIG names the file too") {
  std::string why;
  auto loaded = load({"--config", "/nonexistent/trib.toml"}, {}, &why);
  CHECK(loaded.error() == errc::file_not_found);
  CHECK(why.find("cannot read config file '/nonexistent/trib.toml'") != std::string::npos);
  temp_toml file("node.id = 9\n");
  loaded = load({}, {{"TRIB_CONFIG", file.path}}, &why);
  REQUIRE(loaded);
  CHECK(loaded->config.node_id == tributary::node_id{9});
}

TEST_CASE("environment variables resolve aliases and topic names; typos are errors") {
  std::string why;
  auto loaded = load({},
                     {{"TRIB_LOG_RETENTION_HOURS", "1"},
                      {"TRIB_LOG_DIRS", "/data"},
                      {"TRIB_BROKER_ID", "4"},
                      {"TRIB_SEGMENT_BYTES", "100"},
                      {"TRIB_JOBS", "2"}},
                     &why);
  INFO(why);
  REQUIRE(loaded);
  CHECK(loaded->config.topic_defaults().retention_ms == 3600000);
  CHECK(loaded->config.topic_defaults().segment_bytes == 100);
  CHECK(loaded->config.data_dir == "/data");
  CHECK(loaded->config.node_id == tributary::node_id{4});
  CHECK(loaded->warnings ==
        std::vector<std::string>{"ignoring TRIB_JOBS: not a Tributary setting"});

  loaded = load({}, {{"TRIB_LOG_RETENTON_MS", "1"}}, &why);
  CHECK(loaded.error() == errc::unknown_setting);
  CHECK(why == "unknown setting TRIB_LOG_RETENTON_MS: did you mean TRIB_LOG_RETENTION_MS "
               "('log.retention.ms')?");

  loaded = load({}, {{"TRIB_CLEANUP_POLICY", "fast"}}, &why);
  CHECK(why == "invalid value 'fast' for 'cleanup.policy' (from TRIB_CLEANUP_POLICY): allowed "
               "values are delete, compact");
}

TEST_CASE("flags take =value or a separate value; a lone boolean flag means true") {
  std::string why;
  auto loaded = load({"--log.retention.ms", "-1", "--auto.create.topics.enable", "false",
                      "--delete.topic.enable", "--log.level=debug", "--advertised.listeners="},
                     {}, &why);
  INFO(why);
  REQUIRE(loaded);
  CHECK(loaded->config.topic_defaults().retention_ms == -1);
  CHECK_FALSE(loaded->config.auto_create_topics_enable);
  CHECK(loaded->config.delete_topic_enable);
  CHECK(loaded->config.log_level == "debug");

  loaded = load({"--num.partitions"}, {}, &why);
  CHECK(loaded.error() == errc::bad_argument);
  CHECK(why == "--num.partitions needs a value: --num.partitions=<value>");
  loaded = load({"node.id=3"}, {}, &why);
  CHECK(loaded.error() == errc::bad_argument);
  loaded = load({"--config", "a.toml", "--config", "b.toml"}, {}, &why);
  CHECK(why == "--config is given twice; Tributary reads one config file");
  loaded = load({"--num.partitions=1", "--num.partitions=2"}, {}, &why);
  CHECK(loaded.error() == errc::duplicate_setting);
}

TEST_CASE("--help asks for usage without loading anything") {
  auto loaded = load({"--help"}, {{"TRIB_NUM_PARTITIONS", "zero"}});
  REQUIRE(loaded);
  CHECK(loaded->wants_help);
  auto text = usage("tributary");
  CHECK(text.find("--log.retention.ms (long, default '604800000')") != std::string::npos);
  CHECK(text.find("allowed: delete compact") != std::string::npos);
}

TEST_CASE("settings that must agree are checked together") {
  std::string why;
  auto loaded = load({"--group.min.session.timeout.ms=9000", "--group.max.session.timeout.ms=8000"},
                     {}, &why);
  CHECK(loaded.error() == errc::conflicting_values);
  CHECK(why == "group.min.session.timeout.ms (9000, from --group.min.session.timeout.ms) must "
               "not exceed group.max.session.timeout.ms (8000, from "
               "--group.max.session.timeout.ms)");
  loaded = load({"--advertised.listeners=OTHER://h:1"}, {}, &why);
  CHECK(loaded.error() == errc::conflicting_values);
  loaded = load({"--listeners=PLAINTEXT://:9092,INTERNAL://:9092"}, {}, &why);
  CHECK(why == "listeners use port 9092 twice");
  loaded = load({"--native.listener=127.0.0.1:9092"}, {}, &why);
  CHECK(loaded.error() == errc::conflicting_values);
}

TEST_CASE("listener syntax errors say what a listener looks like") {
  std::string why;
  auto loaded = load({"--listeners=127.0.0.1:9092"}, {}, &why);
  CHECK(why == "invalid value '127.0.0.1:9092' for 'listeners' (from --listeners): "
               "'127.0.0.1:9092' is not NAME://host:port (e.g. PLAINTEXT://127.0.0.1:9092)");
  loaded = load({"--listeners=SSL://:9093"}, {}, &why);
  CHECK(why.find("SSL is not supported") != std::string::npos);
  loaded = load({"--listeners=PLAINTEXT://h:70000"}, {}, &why);
  CHECK(why.find("a port is a number from 0 to 65535") != std::string::npos);
  auto v6 = parse_listener("PLAINTEXT://[::1]:9092");
  REQUIRE(v6);
  CHECK(v6->host == "::1");
  CHECK(v6->to_string() == "PLAINTEXT://[::1]:9092");
  CHECK(load({"--native.listener="})->config.native_listener == std::nullopt);
}

TEST_CASE("the example config file loads") {
  std::string why;
  auto loaded =
      load({"--config", std::string(TRIB_TEST_DATA) + "/../tributary.example.toml"}, {}, &why);
  INFO(why);
  REQUIRE(loaded);
}

TEST_CASE("TOML values that are not settings values are rejected with file:line") {
  temp_toml file("\"log.retention.ms\" = 1979-05-27\n");
  std::string why;
  auto loaded = load({"--config", file.path}, {}, &why);
  REQUIRE_FALSE(loaded);
  CHECK(why == "'log.retention.ms' (" + file.path +
                   ":1) must be a string, number, boolean or array of those");
  loaded = load({"--config", "/tmp"}, {}, &why);
  CHECK(loaded.error() == errc::file_not_found);
  CHECK(why == "config file '/tmp' is a directory");
}

TEST_CASE("a syntax error message reads well") {
  temp_toml file("[log\nretention.ms = 1\n");
  std::string why;
  auto loaded = load({"--config", file.path}, {}, &why);
  REQUIRE_FALSE(loaded);
  INFO(why);
  CHECK(why.rfind("syntax error in " + file.path + " at line 1, column ", 0) == 0);
}
