// Remote and embedded connections for trib (see connect.hpp).

#include "connect.hpp"

#include "tributary/config/listener.hpp"
#include "tributary/config/loader.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace tributary::trib {

namespace {

/// The client's (and an embedded node's) log goes to stderr: trib's stdout is data.
void log_to_stderr(bool verbose) {
  if (spdlog::get("tributary"))
    return;
  auto logger = spdlog::stderr_color_mt("tributary");
  logger->set_level(verbose ? spdlog::level::info : spdlog::level::warn);
  logger->set_pattern("trib: %l: %v");
  spdlog::set_default_logger(logger);
}

connect_result connect_embedded(const std::string& dir) {
  // Only the data folder changes; no listener, so a `tributary` on this machine keeps its
  // ports. The environment is not read: TRIB_* variables belong to the node program.
  config::load_request request;
  request.args = {"--data.dir=" + dir, "--native.listener="};
  std::string why;
  auto loaded = config::load_broker_config(request, &why);
  if (!loaded)
    return failure{exit_usage, "--embedded " + dir + ": " + why};
  auto conn = client::connection::embedded(loaded->config);
  if (!conn)
    return failure{exit_cannot_connect,
                   "cannot start an embedded node on " + dir + ": " + conn.err().to_string()};
  return std::move(*conn);
}

} // namespace

connect_result connect(const global_options& options) {
  log_to_stderr(options.verbose);
  if (!options.embedded_dir.empty())
    return connect_embedded(options.embedded_dir);
  std::string why;
  auto address = config::parse_host_port(options.bootstrap, &why);
  if (!address)
    return failure{exit_usage, "--bootstrap '" + options.bootstrap + "': " + why};
  auto conn = client::connection::remote(address->host, address->port,
                                         std::chrono::milliseconds(options.timeout_ms));
  if (!conn)
    return failure{exit_cannot_connect, "cannot connect to " + options.bootstrap + ": " +
                                            conn.err().to_string() +
                                            " (is `tributary` running? see --bootstrap)"};
  return std::move(*conn);
}

} // namespace tributary::trib
