#pragma once
// node_process: a `tributary` node in a child process for remote benchmarks -- a free
// loopback port for its native listener, a data folder, its CPU time from /proc, and SIGTERM
// (then SIGKILL) when the object goes away.

#include <string>
#include <sys/types.h>

namespace tributary::bench {

class node_process {
public:
  /// Starts `binary` with data in `data_dir`; exits the benchmark with a message if the node
  /// does not accept connections within 10 s.
  node_process(const std::string& binary, const std::string& data_dir);
  ~node_process();
  node_process(const node_process&) = delete;
  node_process& operator=(const node_process&) = delete;

  uint16_t port() const { return port_; }
  /// User + system CPU seconds the node has used so far.
  double cpu_seconds() const;

private:
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

} // namespace tributary::bench
