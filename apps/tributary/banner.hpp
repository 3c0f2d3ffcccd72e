#pragma once
// What the node prints once it accepts clients: version, identity, data folder, where
// clients connect, how long startup took and a two-line quick start. Plain lines on stdout
// with log.format=text; one structured log line with log.format=json (so every line of a
// JSON log stays parseable).

#include "tributary/config/broker_config.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace tributary::apps {

/// The facts the banner reports, gathered by main from the started node.
struct startup_facts {
  std::string version;
  std::string cluster_id;
  int32_t node_id = 0;
  std::string data_dir;
  std::string native_host;           // as configured; empty = every interface
  uint16_t native_port = 0;          // bound port, 0 = no native listener
  std::vector<uint16_t> kafka_ports; // bound port per `listeners` entry, in order
  std::chrono::milliseconds startup_time{0};
};

/// The trib address a client on this machine uses ("127.0.0.1:19092"); wildcard and empty
/// hosts become 127.0.0.1.
std::string client_address(const startup_facts& facts);

/// The banner text (text format), ending with a newline.
std::string banner_text(const startup_facts& facts, const config::broker_config& config);

/// Prints the banner in the configured format.
void print_banner(const startup_facts& facts, const config::broker_config& config);

} // namespace tributary::apps
