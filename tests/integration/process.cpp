// fork/exec children with bounded waits (see process.hpp).

#include "process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace tributary::itest {

namespace {

int open_or_null(const std::string& path, int flags) {
  return ::open(path.empty() ? "/dev/null" : path.c_str(), flags | O_CLOEXEC, 0644);
}

int decode_status(int status) {
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return -1;
}

} // namespace

temp_dir::temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "trib-itest-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr)
    throw std::runtime_error("mkdtemp failed: " + std::string(std::strerror(errno)));
  path_ = pattern;
}

temp_dir::~temp_dir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

child_process::child_process(const spawn_options& options) {
  // Everything the child needs is prepared before fork(): after it only async-signal-safe
  // calls are allowed (this process has threads).
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry = *e;
    auto name = entry.substr(0, entry.find('='));
    bool dropped = options.env.count(name) > 0;
    for (const auto& u : options.unset_env)
      dropped = dropped || u == name;
    if (!dropped)
      env_strings.push_back(entry);
  }
  for (const auto& [k, v] : options.env)
    env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings)
    envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = options.argv;
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  int in = open_or_null(options.stdin_file, O_RDONLY);
  int out = open_or_null(options.stdout_file, O_WRONLY | O_CREAT | O_APPEND);
  int err = open_or_null(options.stderr_file, O_WRONLY | O_CREAT | O_APPEND);
  if (in < 0 || out < 0 || err < 0)
    throw std::runtime_error("cannot open the child's stdio files for " + args.at(0));
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(in);
  ::close(out);
  ::close(err);
  if (pid_ < 0)
    throw std::runtime_error("fork failed: " + std::string(std::strerror(errno)));
}

child_process::~child_process() {
  if (pid_ > 0 && !exit_code_)
    stop();
}

bool child_process::running() {
  if (exit_code_)
    return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exit_code_ = decode_status(status);
    return false;
  }
  return true;
}

std::optional<int> child_process::wait(std::chrono::milliseconds bound) {
  auto deadline = std::chrono::steady_clock::now() + bound;
  // Polling waitpid with a short sleep: there is no waitpid with a timeout, and the bound
  // keeps the loop finite.
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline)
      return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return exit_code_;
}

int child_process::stop(std::chrono::milliseconds bound) {
  if (!running())
    return *exit_code_;
  ::kill(pid_, SIGTERM);
  if (auto code = wait(bound))
    return *code;
  kill_hard();
  return *exit_code_;
}

void child_process::kill_hard() {
  if (!running())
    return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  exit_code_ = decode_status(status);
}

void child_process::signal(int signo) {
  if (running())
    ::kill(pid_, signo);
}

run_result run(const std::vector<std::string>& argv, const std::string& input,
               const temp_dir& scratch, std::chrono::milliseconds bound,
               const std::map<std::string, std::string>& env) {
  static std::atomic<int> counter{0};
  auto n = std::to_string(counter++);
  spawn_options options;
  options.argv = argv;
  options.stdin_file = scratch.file("run-" + n + ".in");
  options.stdout_file = scratch.file("run-" + n + ".out");
  options.stderr_file = scratch.file("run-" + n + ".err");
  options.env = env;
  write_file(options.stdin_file, input);
  run_result result;
  {
    child_process child(options);
    auto code = child.wait(bound);
    if (code)
      result.exit_code = *code;
    else
      child.kill_hard();
  }
  result.out = read_file(options.stdout_file);
  result.err = read_file(options.stderr_file);
  return result;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

bool can_connect(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

} // namespace tributary::itest

namespace tributary::itest {

uint16_t unused_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

} // namespace tributary::itest
