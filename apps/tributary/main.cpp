// tributary: one node. Loads the configuration (defaults < TOML file < TRIB_* < --flags),
// starts actors::node and its Kafka listeners, prints where clients connect, then waits for
// SIGINT/SIGTERM and stops cleanly (stop accepting, drain, flush, checkpoint). Exit codes: 0 clean
// stop, 1 runtime failure (cannot start, node failed, unclean stop, forced exit), 2 bad
// configuration or usage.

#include "banner.hpp"
#include "logging.hpp"
#include "signals.hpp"

#include "tributary/actors/node.hpp"
#include "tributary/config/loader.hpp"
#include "tributary/kafka/kafka_listener.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#ifndef TRIB_VERSION
#define TRIB_VERSION "unknown"
#endif

namespace {

using namespace tributary;
using clock_type = std::chrono::steady_clock;

constexpr int exit_ok = 0;
constexpr int exit_failure = 1;
constexpr int exit_usage = 2;
constexpr auto stop_deadline = std::chrono::seconds(10);
constexpr auto kafka_drain = std::chrono::seconds(3); // answers in flight before the node stops
constexpr auto liveness_poll = std::chrono::milliseconds(500);

const char* exit_code_help = "\nExit codes: 0 stopped cleanly on SIGINT/SIGTERM; 1 runtime failure "
                             "(cannot start,\nnode failed, unclean stop, second signal); 2 bad "
                             "configuration or usage.\nA second SIGINT/SIGTERM during shutdown "
                             "exits at once (code 1).\n";

int fail(int code, const std::string& what) {
  std::fprintf(stderr, "tributary: %s\n", what.c_str());
  return code;
}

std::chrono::milliseconds since(clock_type::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t0);
}

/// Waits for a shutdown signal, then stops the Kafka listeners (draining what is in flight)
/// and the node; returns the exit code.
int serve_until_signal(actors::node& node, kafka::kafka_listener* kafka_side,
                       const std::shared_ptr<spdlog::logger>& log) {
  for (;;) {
    if (auto signo = apps::wait_for_shutdown_signal(liveness_poll)) {
      log->info("{} received: stopping (send it again to exit at once)", apps::signal_name(*signo));
      break;
    }
    if (!node.is_running()) {
      log->error("the node stopped by itself; exiting");
      return exit_failure;
    }
  }
  apps::force_exit_on_next_signal(exit_failure);
  auto t0 = clock_type::now();
  if (kafka_side != nullptr)
    kafka_side->stop(kafka_drain);
  if (auto stopped = node.stop(stop_deadline); !stopped) {
    log->error("unclean stop: {}", stopped.error().message());
    return exit_failure;
  }
  log->info("stopped cleanly in {} ms", since(t0).count());
  return exit_ok;
}

} // namespace

int main(int argc, char** argv) {
  auto t0 = clock_type::now();
  // Before any thread exists, so every thread the node starts inherits the blocked mask.
  apps::block_shutdown_signals();
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], "--version") == 0) {
      std::printf("tributary %s\n", TRIB_VERSION);
      return exit_ok;
    }

  std::string why;
  auto loaded = config::load_broker_config(argc, argv, &why);
  if (!loaded)
    return fail(exit_usage, why.find("--help") == std::string::npos
                                ? why + " (tributary --help lists every setting)"
                                : why);
  if (loaded->wants_help) {
    std::printf("%s%s", config::usage("tributary").c_str(), exit_code_help);
    return exit_ok;
  }
  const auto& cfg = loaded->config;

  apps::setup_logging(cfg.log_format, cfg.log_level);
  auto log = spdlog::get("tributary");
  if (loaded->config_file)
    log->info("configuration file {}", *loaded->config_file);
  for (const auto& warning : loaded->warnings)
    log->warn("{}", warning);

  auto node = actors::node::start(cfg, &why);
  if (!node) {
    log->error("cannot start: {}", why.empty() ? node.error().message() : why);
    apps::shutdown_logging();
    return fail(exit_failure, "cannot start: " + (why.empty() ? node.error().message() : why));
  }

  std::unique_ptr<kafka::kafka_listener> kafka_side;
  if (!cfg.listeners.empty()) {
    auto started = kafka::kafka_listener::start((*node)->system(), (*node)->broker(), cfg, &why);
    if (!started) {
      auto what = why.empty() ? started.error().message() : why;
      log->error("cannot start the Kafka listener: {}", what);
      (void)(*node)->stop(stop_deadline);
      node->reset();
      apps::shutdown_logging();
      return fail(exit_failure, "cannot start the Kafka listener: " + what);
    }
    kafka_side = std::move(*started);
  }

  apps::startup_facts facts;
  facts.version = TRIB_VERSION;
  facts.cluster_id = (*node)->cluster_id();
  facts.node_id = static_cast<int32_t>(cfg.node_id.value);
  facts.data_dir = cfg.data_dir;
  facts.native_host = cfg.native_listener ? cfg.native_listener->host : std::string{};
  facts.native_port = (*node)->native_port();
  if (kafka_side)
    for (auto port : kafka_side->ports())
      facts.kafka_ports.push_back(port);
  facts.startup_time = since(t0);
  apps::print_banner(facts, cfg);

  int code = serve_until_signal(**node, kafka_side.get(), log);
  kafka_side.reset(); // its I/O thread holds actor handles: gone before the actor system
  node->reset();      // joins the actor system before the loggers go away
  apps::shutdown_logging();
  return code;
}
