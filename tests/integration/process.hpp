#pragma once
// Child processes for the integration tests: fork/exec with stdout/stderr to files (a node
// that logs never blocks on a full pipe), stdin from a file, bounded waits, and a RAII stop
// (SIGTERM, then SIGKILL after a bound) so no test leaves a process behind. Used from the
// test's thread only.

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tributary::itest {

/// A temporary folder removed (recursively) with the object.
class temp_dir {
public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const std::string& path() const noexcept { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
  std::string path_;
};

/// How to start a child.
struct spawn_options {
  std::vector<std::string> argv;          // argv[0] is the program path
  std::string stdout_file;                // "" = /dev/null
  std::string stderr_file;                // "" = /dev/null
  std::string stdin_file;                 // "" = /dev/null
  std::map<std::string, std::string> env; // set on top of this process's environment
  std::vector<std::string> unset_env;     // removed (e.g. TRIB_BOOTSTRAP)
};

/// One child process; the destructor stops it (SIGTERM, SIGKILL after 10 s) and reaps it.
class child_process {
public:
  explicit child_process(const spawn_options& options);
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  pid_t pid() const noexcept { return pid_; }
  /// True until the process has exited (reaps it when it has).
  bool running();
  /// Waits up to `bound` for the exit; the exit code (128 + signal when killed by one), or
  /// nullopt when still running.
  std::optional<int> wait(std::chrono::milliseconds bound);
  /// SIGTERM, wait up to `bound`, then SIGKILL; returns the exit code.
  int stop(std::chrono::milliseconds bound = std::chrono::seconds(10));
  /// SIGKILL and reap (a crash as far as the process can tell).
  void kill_hard();
  /// Sends `signo` without waiting.
  void signal(int signo);

private:
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

/// The outcome of a short-lived command.
struct run_result {
  int exit_code = -1; // -1: did not finish within the bound (it was killed)
  std::string out;
  std::string err;
};

/// Runs argv with `input` on stdin and waits up to `bound`; stdout/stderr captured through
/// files in `scratch`.
run_result run(const std::vector<std::string>& argv, const std::string& input,
               const temp_dir& scratch, std::chrono::milliseconds bound = std::chrono::seconds(60),
               const std::map<std::string, std::string>& env = {});

/// The whole content of a file ("" when missing).
std::string read_file(const std::string& path);
/// Writes `text` to `path`.
void write_file(const std::string& path, const std::string& text);

/// Whether a TCP connection to 127.0.0.1:port succeeds now.
bool can_connect(uint16_t port);

/// A 127.0.0.1 port nothing listens on right now (bound, read back, closed).
uint16_t unused_port();

} // namespace tributary::itest
