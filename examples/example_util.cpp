#include "example_util.hpp"

#include "tributary/client/consumer.hpp"

#include <CLI/CLI.hpp>
#include <unistd.h>

#include <filesystem>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace examples {

namespace {
std::atomic<bool> interrupted{false};
void on_signal(int) {
  interrupted = true;
}
} // namespace

tributary::client::connection connect_or_exit(const std::string& url) {
  auto conn = tributary::client::connection::open(url);
  if (!conn) {
    std::fprintf(stderr, "cannot connect to %s: %s\n", url.c_str(), conn.err().to_string().c_str());
    std::exit(2);
  }
  return std::move(*conn);
}

void ensure_topics(tributary::client::connection& conn, const std::vector<std::string>& topics,
                   int32_t partitions) {
  auto admin = tributary::client::admin::create(conn);
  if (!admin) {
    std::fprintf(stderr, "admin: %s\n", admin.err().to_string().c_str());
    std::exit(2);
  }
  std::vector<tributary::client::new_topic> wanted;
  for (const auto& t : topics)
    wanted.push_back({t, partitions, 1, {}});
  auto r = admin->create_topics(wanted);
  if (!r) {
    std::fprintf(stderr, "create topics: %s\n", r.err().to_string().c_str());
    std::exit(2);
  }
  for (const auto& t : *r)
    if (!t.ok() && t.err.code != tributary::protocol::kafka_error::topic_already_exists) {
      std::fprintf(stderr, "create topic %s: %s\n", t.name.c_str(), t.err.to_string().c_str());
      std::exit(2);
    }
}

std::vector<tributary::client::consumer_record> read_topic(tributary::client::connection& conn,
                                                           const std::string& topic) {
  namespace tc = tributary::client;
  std::vector<tc::consumer_record> out;
  auto admin = tc::admin::create(conn);
  auto consumer = tc::consumer::create(conn, {{"enable.auto.commit", "false"}});
  if (!admin || !consumer)
    return out;
  auto described = admin->describe_topics({topic});
  if (!described || described->empty() || !described->front().ok())
    return out;
  std::map<tc::topic_partition, tc::offset_spec> specs;
  std::vector<tc::topic_partition> tps;
  for (size_t p = 0; p < described->front().partitions.size(); ++p) {
    tps.push_back({topic, static_cast<int32_t>(p)});
    specs[tps.back()] = tc::offset_spec::to_latest();
  }
  auto ends = admin->list_offsets(specs);
  if (!ends)
    return out;
  std::map<tc::topic_partition, int64_t> want;
  for (const auto& e : *ends)
    if (e.ok() && e.offset > 0)
      want[e.tp] = e.offset;
  (void)consumer->assign(tps);
  (void)consumer->seek_to_beginning();
  for (int i = 0; i < 100 && !want.empty(); ++i) {
    auto batch = consumer->poll(std::chrono::milliseconds(50));
    if (!batch)
      continue;
    for (const auto& r : *batch) {
      auto w = want.find({r.topic, r.partition});
      if (w == want.end() || r.offset >= w->second)
        continue;
      out.push_back(r);
      if (r.offset + 1 >= w->second)
        want.erase(w);
    }
  }
  (void)consumer->close(std::chrono::seconds(5));
  return out;
}

int example_main(int argc, char** argv, const std::string& description,
                 const std::string& application_id, const std::function<int(const options&)>& run) {
  CLI::App cli{description};
  options opts;
  opts.application_id = application_id;
  cli.add_option("--connect", opts.url, "node: embedded:<dir> or host:port");
  cli.add_option("--application-id", opts.application_id,
                 "consumer group and internal topic prefix");
  cli.add_option("--state-dir", opts.state_dir, "where the SQLite stores live");
  cli.add_flag("--demo", opts.demo,
               "feed sample data to a fresh embedded node, print the results, exit");
  CLI11_PARSE(cli, argc, argv);
  std::filesystem::path demo_dir;
  if (opts.demo) {
    demo_dir = std::filesystem::temp_directory_path() /
               ("trib-" + application_id + "-demo-" + std::to_string(::getpid()));
    opts.url = "embedded:" + (demo_dir / "node").string();
    opts.state_dir = (demo_dir / "state").string();
  }
  int code = run(opts);
  if (opts.demo) {
    std::error_code ec;
    std::filesystem::remove_all(demo_dir, ec);
  }
  return code;
}

std::unique_ptr<tributary::streams::streams_app> make_app(const tributary::streams::topology& topo,
                                                          tributary::client::connection& conn,
                                                          const options& opts) {
  tributary::streams::streams_config config;
  config.application_id = opts.application_id;
  config.state_dir = opts.state_dir;
  config.commit_interval_ms = opts.demo ? 100 : 1000;
  auto app = tributary::streams::streams_app::create(topo, conn, config);
  if (!app) {
    std::fprintf(stderr, "%s\n", app.err().to_string().c_str());
    std::exit(2);
  }
  return std::move(*app);
}

int run_until(tributary::streams::streams_app& app, const std::function<bool()>& done,
              std::chrono::milliseconds limit) {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  if (auto r = app.start(); !r) {
    std::fprintf(stderr, "cannot start: %s\n", r.err().to_string().c_str());
    return 1;
  }
  auto deadline = std::chrono::steady_clock::now() + limit;
  int code = 0;
  while (!interrupted) {
    if (app.state() == tributary::streams::app_state::failed) {
      std::fprintf(stderr, "the application failed: %s\n", app.failure().c_str());
      code = 1;
      break;
    }
    if (done && done())
      break;
    if (std::chrono::steady_clock::now() > deadline) {
      std::fprintf(stderr, "no result within %lld ms\n", static_cast<long long>(limit.count()));
      code = 1;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  app.close();
  return code;
}

} // namespace examples
