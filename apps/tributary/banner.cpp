// The startup banner (see banner.hpp).

#include "banner.hpp"

#include "tributary/config/listener.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>

namespace tributary::apps {

namespace {

constexpr uint16_t default_native_port = 19092; // trib's default --bootstrap port

std::string listen_address(const startup_facts& facts) {
  config::listener l;
  l.host = facts.native_host.empty() ? "0.0.0.0" : facts.native_host;
  l.port = facts.native_port;
  return l.to_string();
}

/// The Kafka listeners with their bound ports ("PLAINTEXT://127.0.0.1:9092").
std::string kafka_listeners(const startup_facts& facts, const config::broker_config& config) {
  std::string text;
  for (size_t i = 0; i < config.listeners.size(); ++i) {
    auto l = config.listeners[i];
    if (i < facts.kafka_ports.size())
      l.port = facts.kafka_ports[i];
    text += (text.empty() ? "" : ", ") + l.to_string();
  }
  return text;
}

} // namespace

std::string client_address(const startup_facts& facts) {
  config::listener l;
  l.host = facts.native_host.empty() || config::is_wildcard_host(facts.native_host)
               ? "127.0.0.1"
               : facts.native_host;
  l.port = facts.native_port;
  return l.to_string();
}

std::string banner_text(const startup_facts& facts, const config::broker_config& config) {
  std::string out;
  out += "tributary " + facts.version + " -- node " + std::to_string(facts.node_id) + ", cluster " +
         facts.cluster_id + "\n";
  out += "  data     " + facts.data_dir + "\n";
  if (facts.native_port != 0)
    out +=
        "  native   " + listen_address(facts) + "  <- Tributary clients and `trib` connect here\n";
  else
    out += "  native   off (native.listener is empty): no client outside this process can "
           "connect\n";
  if (!facts.kafka_ports.empty())
    out += "  kafka    " + kafka_listeners(facts, config) +
           "  <- any Kafka client (kcat, librdkafka, Java, kafka-python, kafkajs)\n";
  else
    out += "  kafka    off (listeners is empty)\n";
  out += "started in " + std::to_string(facts.startup_time.count()) +
         " ms; Ctrl-C (SIGINT) or SIGTERM stops it cleanly\n";
  if (facts.native_port != 0) {
    out += "quick start:\n";
    auto address = client_address(facts);
    if (address != "127.0.0.1:" + std::to_string(default_native_port))
      out += "  (not trib's default address: export TRIB_BOOTSTRAP=" + address + " first)\n";
    out += "  trib topic create demo --partitions 3 && echo 'hello world' | trib produce demo\n";
    out += "  trib consume demo --from-beginning --count 1\n";
  }
  return out;
}

void print_banner(const startup_facts& facts, const config::broker_config& config) {
  if (config.log_format == config::log_line_format::json) {
    auto log = spdlog::get("tributary");
    if (!log)
      log = spdlog::default_logger();
    log->info("started in {} ms: node {} cluster {} data {} native {} kafka {}",
              facts.startup_time.count(), facts.node_id, facts.cluster_id, facts.data_dir,
              facts.native_port != 0 ? listen_address(facts) : std::string("off"),
              facts.kafka_ports.empty() ? std::string("off") : kafka_listeners(facts, config));
    return;
  }
  auto text = banner_text(facts, config);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

} // namespace tributary::apps
