#include "bench_node_process.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <netinet/in.h>
#include <sched.h>
#include <sstream>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace tributary::bench {
namespace {

/// Messages name the benchmark that failed (client_bench, kafka_bench).
const char* self_name() {
  return program_invocation_short_name;
}

bool accepts(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  if (fd >= 0)
    ::close(fd);
  return ok;
}

} // namespace

uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::fprintf(stderr, "%s: no free loopback port: %s\n", self_name(), std::strerror(errno));
    std::exit(1);
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

double process_cpu_seconds(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  // Fields after the ")" of the command name: state is field 3, utime 14, stime 15.
  auto pos = line.rfind(')');
  if (pos == std::string::npos)
    return 0;
  std::istringstream in(line.substr(pos + 2));
  std::string field;
  unsigned long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && in >> field; ++i) {
    if (i == 14)
      utime = std::stoul(field);
    if (i == 15)
      stime = std::stoul(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

server_process::server_process(std::vector<std::string> argv, std::vector<uint16_t> ready_ports) {
  std::vector<char*> args;
  for (auto& a : argv)
    args.push_back(a.data());
  args.push_back(nullptr);
  std::fflush(nullptr); // else the child's freopen writes our buffered output a second time
  pid_ = ::fork();
  if (pid_ == 0) {
    if (auto* devnull = std::freopen("/dev/null", "w", stdout); devnull == nullptr)
      std::_Exit(127);
    // The server may use every core, whatever the benchmark pinned itself to.
    cpu_set_t all;
    CPU_ZERO(&all);
    for (long c = 0; c < ::sysconf(_SC_NPROCESSORS_CONF) && c < CPU_SETSIZE; ++c)
      CPU_SET(static_cast<int>(c), &all);
    ::sched_setaffinity(0, sizeof all, &all);
    ::execv(args[0], args.data());
    std::_Exit(127);
  }
  if (pid_ < 0) {
    std::fprintf(stderr, "%s: fork for %s: %s\n", self_name(), args[0], std::strerror(errno));
    std::exit(1);
  }
  size_t up = 0;
  for (int i = 0; i < 1000; ++i) { // 10 s
    while (up < ready_ports.size() && accepts(ready_ports[up]))
      ++up;
    if (up == ready_ports.size())
      return;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      std::fprintf(stderr, "%s: %s exited early (status %d)\n", self_name(), args[0], status);
      std::exit(1);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::fprintf(stderr, "%s: %s did not accept on port %u within 10 s\n", self_name(), args[0],
               ready_ports[up]);
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  std::exit(1);
}

server_process::~server_process() {
  if (pid_ <= 0)
    return;
  ::kill(pid_, SIGTERM);
  for (int i = 0; i < 1000; ++i) { // 10 s, then SIGKILL
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_)
      return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
}

node_process::node_process(const std::string& binary, const std::string& data_dir,
                           const std::vector<std::string>& extra_args)
    : port_(free_port()), kafka_port_(other_free_port(port_)),
      // The Kafka listener gets its own free port so a node on 9092 does not collide.
      process_(argv(binary, data_dir, port_, kafka_port_, extra_args), {port_, kafka_port_}) {}

std::vector<std::string> node_process::argv(const std::string& binary, const std::string& data_dir,
                                            uint16_t port, uint16_t kafka_port,
                                            const std::vector<std::string>& extra_args) {
  std::vector<std::string> args = {
      binary, "--data.dir=" + data_dir, "--native.listener=127.0.0.1:" + std::to_string(port),
      "--listeners=PLAINTEXT://127.0.0.1:" + std::to_string(kafka_port)};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  return args;
}

uint16_t node_process::other_free_port(uint16_t taken) {
  for (int i = 0; i < 100; ++i)
    if (auto p = free_port(); p != taken)
      return p;
  std::fprintf(stderr, "%s: the kernel keeps handing out port %u\n", self_name(), taken);
  std::exit(1);
}

} // namespace tributary::bench
