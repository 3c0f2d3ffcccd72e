#pragma once
// How trib reaches a node: --bootstrap HOST:PORT (env TRIB_BOOTSTRAP, default
// 127.0.0.1:19092, the node's native listener) or --embedded DIR (a node started inside
// this trib process on data folder DIR, without any listener). Every failure to get a
// connection is exit code 3.

#include "exit_codes.hpp"

#include "tributary/client/connection.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <variant>

namespace tributary::trib {

/// The global options every command shares; filled by CLI11 in main.
struct global_options {
  std::string bootstrap = "127.0.0.1:19092";
  std::string embedded_dir; // non-empty: run an in-process node on this folder
  bool json = false;
  int timeout_ms = 5000; // connect timeout (remote)
  bool verbose = false;  // client (and embedded node) log lines from info up, else warn up
};

/// A connection or the failure to report (always exit_cannot_connect).
using connect_result = std::variant<client::connection, failure>;

/// Opens the connection the options ask for. The client library and an embedded node log to
/// stderr (warnings and errors only unless --verbose), so stdout stays the command's output.
connect_result connect(const global_options& options);

} // namespace tributary::trib
