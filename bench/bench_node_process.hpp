#pragma once
// Servers in child processes for remote benchmarks: a generic `server_process` (argv, the
// loopback ports that must accept before it counts as up, its CPU time from /proc, SIGTERM
// then SIGKILL when the object goes away) and `node_process`, a `tributary` node on free
// loopback ports for its native and Kafka listeners.

#include <cstdint>
#include <string>
#include <sys/types.h>
#include <vector>

namespace tributary::bench {

/// A loopback port nobody listened on a moment ago (bind to port 0, read it back, close).
/// Exits the benchmark with a message if the kernel gives none.
uint16_t free_port();

/// User + system CPU seconds process `pid` has used so far (/proc/<pid>/stat); 0 if gone.
double process_cpu_seconds(pid_t pid);

/// A child process with stdout on /dev/null. Owned by one benchmark thread. The constructor
/// exits the benchmark with a message if the child dies or a port in `ready_ports` does not
/// accept within 10 s.
class server_process {
public:
  server_process(std::vector<std::string> argv, std::vector<uint16_t> ready_ports);
  ~server_process();
  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;

  pid_t pid() const { return pid_; }
  double cpu_seconds() const { return process_cpu_seconds(pid_); }

private:
  pid_t pid_ = -1;
};

/// A `tributary` node in a child process, data in `data_dir`, its native listener and its
/// Kafka listener (PLAINTEXT) each on a free loopback port; `extra_args` go last. Up once
/// both listeners accept. Same ownership and failure behaviour as server_process.
class node_process {
public:
  node_process(const std::string& binary, const std::string& data_dir,
               const std::vector<std::string>& extra_args = {});

  uint16_t port() const { return port_; }
  uint16_t kafka_port() const { return kafka_port_; }
  pid_t pid() const { return process_.pid(); }
  /// User + system CPU seconds the node has used so far.
  double cpu_seconds() const { return process_.cpu_seconds(); }

private:
  static std::vector<std::string> argv(const std::string& binary, const std::string& data_dir,
                                       uint16_t port, uint16_t kafka_port,
                                       const std::vector<std::string>& extra_args);
  static uint16_t other_free_port(uint16_t taken);

  uint16_t port_;
  uint16_t kafka_port_;
  server_process process_; // last: starts once the ports above are chosen
};

} // namespace tributary::bench
