#include "bench_node_process.hpp"

#include <arpa/inet.h>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <netinet/in.h>
#include <sstream>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace tributary::bench {
namespace {

uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::perror("client_bench: free port");
    std::exit(1);
  }
  ::close(fd);
  return ntohs(addr.sin_port);
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

node_process::node_process(const std::string& binary, const std::string& data_dir) {
  port_ = free_port();
  auto data = "--data.dir=" + data_dir;
  auto native = "--native.listener=127.0.0.1:" + std::to_string(port_);
  // The Kafka listener gets its own free port so a node on 9092 does not collide.
  auto kafka = "--listeners=PLAINTEXT://127.0.0.1:" + std::to_string(free_port());
  pid_ = ::fork();
  if (pid_ == 0) {
    if (auto* devnull = std::freopen("/dev/null", "w", stdout); devnull == nullptr)
      std::_Exit(127);
    ::execl(binary.c_str(), binary.c_str(), data.c_str(), native.c_str(), kafka.c_str(),
            static_cast<char*>(nullptr));
    std::_Exit(127);
  }
  for (int i = 0; i < 1000; ++i) { // 10 s
    if (accepts(port_))
      return;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      std::fprintf(stderr, "client_bench: %s exited early (status %d)\n", binary.c_str(), status);
      std::exit(1);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::fprintf(stderr, "client_bench: %s did not accept on port %u within 10 s\n", binary.c_str(),
               port_);
  std::exit(1);
}

node_process::~node_process() {
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

double node_process::cpu_seconds() const {
  std::ifstream stat("/proc/" + std::to_string(pid_) + "/stat");
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

} // namespace tributary::bench
