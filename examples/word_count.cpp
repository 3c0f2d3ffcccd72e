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

#include <cctype>
#include <cstdio>
#include <cstdlib>
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

static int run(const examples::options& opts) {
  const bool demo = opts.demo;
  auto topo = word_count_topology();
  std::printf("%s", topo.describe().c_str());
  auto conn = examples::connect_or_exit(opts.url);
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

  auto app = examples::make_app(topo, conn, opts);
  auto counts = [&] {
    std::map<std::string, int64_t> out;
    for (const auto& [k, v] : app->query_all("word-counts"))
      if (auto n = tributary::client::serde<int64_t>::deserialize(v))
        out[k] = *n;
    return out;
  };
  std::map<std::string, int64_t> seen;
  auto done = demo ? std::function<bool()>([&] { return (seen = counts()) == expected; })
                   : std::function<bool()>();
  int code = examples::run_until(*app, done, std::chrono::minutes(demo ? 2 : 1'000'000));
  if (demo) {
    for (const auto& [word, n] : seen)
      std::printf("%-10s %lld\n", word.c_str(), static_cast<long long>(n));
    std::printf(code == 0 ? "word count: OK\n" : "word count: FAILED\n");
  }
  return code;
}

int main(int argc, char** argv) {
  return examples::example_main(argc, argv, "Tributary Streams word count", "word-count", run);
}
