// Word count, the classic: lines of text in, a table of counts per word out.
//
//   lines ("streams-plaintext-input")
//     -> flat_map_values(split into lowercase words)
//     -> group_by(word)            (repartition topic: same word, same task)
//     -> count("word-counts")      (SQLite store + compacted changelog)
//     -> to("streams-wordcount-output")
//
//   word_count [--connect embedded:./tributary-data | host:port] [--demo]
// --demo feeds a few lines into a fresh embedded node, waits for the counts, prints them and
// exits (0 when they are right).
#include "example_util.hpp"

#include "tributary/client/producer.hpp"

#include <CLI/CLI.hpp>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>

namespace ts = tributary::streams;

namespace {

const char* input_topic = "streams-plaintext-input";
const char* output_topic = "streams-wordcount-output";

std::vector<std::string> words(const std::string& line) {
  std::vector<std::string> out;
  std::string w;
  for (char c : line + " ") {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      w += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!w.empty()) {
      out.push_back(std::move(w));
      w.clear();
    }
  }
  return out;
}

ts::topology word_count_topology() {
  ts::stream_builder builder;
  builder.stream<std::string, std::string>(input_topic)
      .flat_map_values(words)
      .group_by([](const std::string&, const std::string& word) { return word; },
                ts::grouped<std::string, std::string>{{}, "words"})
      .count(ts::materialized<std::string, int64_t>::as("word-counts"))
      .to_stream()
      .to(output_topic);
  auto topo = builder.build();
  if (!topo) {
    std::fprintf(stderr, "%s\n", topo.err().to_string().c_str());
    std::exit(2);
  }
  return *topo;
}

} // namespace

static int run(const std::string& url, const std::string& app_id, const std::string& state_dir,
               bool demo) {
  auto topo = word_count_topology();
  std::printf("%s", topo.describe().c_str());
  auto conn = examples::connect_or_exit(url);
  examples::ensure_topics(conn, {input_topic, output_topic}, 2);

  std::map<std::string, int64_t> expected;
  if (demo) {
    const std::vector<std::string> lines = {"all streams lead to kafka", "hello kafka streams",
                                            "join kafka summit"};
    auto producer = tributary::client::producer::create(conn);
    for (size_t i = 0; i < lines.size(); ++i) {
      for (const auto& w : words(lines[i]))
        ++expected[w];
      (void)producer->send({input_topic, std::nullopt, std::to_string(i), lines[i]}).get();
    }
  }

  ts::streams_config config;
  config.application_id = app_id;
  config.state_dir = state_dir;
  config.commit_interval_ms = demo ? 100 : 1000;
  auto app = ts::streams_app::create(topo, conn, config);
  if (!app) {
    std::fprintf(stderr, "%s\n", app.err().to_string().c_str());
    return 2;
  }
  auto counts = [&] {
    std::map<std::string, int64_t> out;
    for (const auto& [k, v] : (*app)->query_all("word-counts"))
      if (auto n = tributary::client::serde<int64_t>::deserialize(v))
        out[k] = *n;
    return out;
  };
  std::map<std::string, int64_t> seen;
  auto done = demo ? std::function<bool()>([&] { return (seen = counts()) == expected; })
                   : std::function<bool()>();
  int code = examples::run_until(**app, done, std::chrono::minutes(demo ? 2 : 1'000'000));
  if (demo) {
    for (const auto& [word, n] : seen)
      std::printf("%-10s %lld\n", word.c_str(), static_cast<long long>(n));
    std::printf(code == 0 ? "word count: OK\n" : "word count: FAILED\n");
  }
  return code;
}

int main(int argc, char** argv) {
  CLI::App cli{"Tributary Streams word count"};
  std::string url = "embedded:./tributary-data";
  std::string app_id = "word-count";
  std::string state_dir = "./tributary-streams-state";
  bool demo = false;
  cli.add_option("--connect", url, "node: embedded:<dir> or host:port");
  cli.add_option("--application-id", app_id, "consumer group and internal topic prefix");
  cli.add_option("--state-dir", state_dir, "where the SQLite stores live");
  cli.add_flag("--demo", demo, "feed sample lines to a fresh embedded node and print the counts");
  CLI11_PARSE(cli, argc, argv);

  std::filesystem::path demo_dir;
  if (demo) {
    demo_dir = std::filesystem::temp_directory_path() /
               ("trib-word-count-demo-" + std::to_string(::getpid()));
    url = "embedded:" + (demo_dir / "node").string();
    state_dir = (demo_dir / "state").string();
  }
  int code = run(url, app_id, state_dir, demo); // the embedded node is stopped on return
  if (demo) {
    std::error_code ec;
    std::filesystem::remove_all(demo_dir, ec);
  }
  return code;
}
