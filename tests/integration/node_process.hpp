#pragma once
// A real `tributary` process for the integration tests: its own data folder, the native
// listener on a port the node picks itself (127.0.0.1:0, read back from its banner, so
// parallel tests never race for a port), stdout/stderr in a log file, and a stop by PID.

#include "process.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tributary::itest {

/// Paths of the programs under test (compile definitions from tests/CMakeLists.txt).
const char* tributary_path();
const char* trib_path();

class node_process {
public:
  /// Data in `<scratch>/<name>-data`, log in `<scratch>/<name>.log`; not started yet.
  node_process(const temp_dir& scratch, std::string name = "node");

  /// Starts the node with `extra` flags and waits (bounded) until its native port accepts.
  /// Throws std::runtime_error with the node's log when it exits or never becomes ready.
  void start(const std::vector<std::string>& extra = {});
  /// SIGTERM and wait; returns the exit code (SIGKILL after the bound).
  int stop();
  /// SIGKILL: an unclean stop.
  void kill_hard();
  bool running();

  uint16_t port() const noexcept { return port_; }
  /// "127.0.0.1:<port>", what --bootstrap takes.
  std::string bootstrap() const { return "127.0.0.1:" + std::to_string(port_); }
  const std::string& data_dir() const noexcept { return data_dir_; }
  std::string log() const { return read_file(log_file_); }

private:
  std::string data_dir_;
  std::string log_file_;
  uint16_t port_ = 0;
  std::unique_ptr<child_process> process_;
};

/// `trib <args...>` against `node` (--bootstrap added first), with `input` on stdin.
run_result trib(const node_process& node, const std::vector<std::string>& args,
                const temp_dir& scratch, const std::string& input = {});

/// `trib --embedded <dir> <args...>` with `input` on stdin.
run_result trib_embedded(const std::string& data_dir, const std::vector<std::string>& args,
                         const temp_dir& scratch, const std::string& input = {});

} // namespace tributary::itest
