// tcp_server: binding the listening socket, and the owner's side of the I/O thread.

#include "tcp_io_loop.hpp"
#include "tcp_log.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace tributary::kafka {
namespace {

std::string endpoint_text(const std::string& host, uint16_t port) {
  if (host.find(':') != std::string::npos)
    return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

/// One socket bound and listening on the first address of `host` that works.
result<int> listen_on(const std::string& host, uint16_t port, std::string* why) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  auto service = std::to_string(port);
  if (int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
    if (why)
      *why = "cannot listen on " + endpoint_text(host, port) + ": " + ::gai_strerror(rc);
    return unexpected(std::make_error_code(std::errc::address_not_available));
  }
  int err = EADDRNOTAVAIL;
  int fd = -1;
  for (auto* ai = found; ai != nullptr && fd < 0; ai = ai->ai_next) {
    fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      err = errno;
      continue;
    }
    int one = 1;
    // Restarting a node must not wait for TIME_WAIT sockets of its previous run.
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || ::listen(fd, SOMAXCONN) != 0) {
      err = errno;
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(found);
  if (fd < 0) {
    if (why)
      *why = "cannot listen on " + endpoint_text(host, port) + ": " +
             std::system_category().message(err);
    return unexpected(std::error_code(err, std::system_category()));
  }
  return fd;
}

uint16_t bound_port(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    return 0;
  if (addr.ss_family == AF_INET6)
    return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
}

bool limits_ok(const server_limits& l, std::string* why) {
  const char* bad = nullptr;
  if (l.socket_request_max_bytes <= 0)
    bad = "socket.request.max.bytes";
  else if (l.max_connections <= 0)
    bad = "max.connections";
  else if (l.connections_max_idle_ms <= 0)
    bad = "connections.max.idle.ms";
  else if (l.max_inflight_bytes_per_connection <= 0)
    bad = "max_inflight_bytes_per_connection";
  else if (l.max_inflight_requests_per_connection <= 0)
    bad = "max_inflight_requests_per_connection";
  if (bad && why)
    *why = std::string{"listener limit "} + bad + " must be positive";
  return bad == nullptr;
}

} // namespace

result<std::unique_ptr<tcp_server>> tcp_server::start(const config::listener& bind_to,
                                                      server_limits limits,
                                                      connection_factory factory,
                                                      std::string* why) {
  if (!limits_ok(limits, why))
    return unexpected(std::make_error_code(std::errc::invalid_argument));
  if (!factory) {
    if (why)
      *why = "tcp_server needs a connection factory";
    return unexpected(std::make_error_code(std::errc::invalid_argument));
  }
  // An empty host means every interface, as in Kafka's "PLAINTEXT://:9092".
  auto host = bind_to.host.empty() ? std::string{"0.0.0.0"} : bind_to.host;
  auto fd = listen_on(host, bind_to.port, why);
  if (!fd)
    return unexpected(fd.error());
  auto port = bound_port(*fd);
  auto loop = detail::io_loop::create(*fd, limits, std::move(factory), why);
  if (!loop)
    return unexpected(std::make_error_code(std::errc::too_many_files_open));
  loop->start_thread();
  detail::net_log()->info("kafka listener on {}", endpoint_text(host, port));
  return std::unique_ptr<tcp_server>(new tcp_server(std::move(loop), port));
}

tcp_server::tcp_server(std::unique_ptr<detail::io_loop> loop, uint16_t port)
    : loop_(std::move(loop)), port_(port) {}

tcp_server::~tcp_server() {
  stop(std::chrono::milliseconds{0});
}

void tcp_server::stop(std::chrono::milliseconds drain) {
  loop_->stop(drain);
}

server_stats tcp_server::stats() const {
  return loop_->stats();
}

namespace detail {

std::unique_ptr<io_loop> io_loop::create(int listen_fd, server_limits limits,
                                         connection_factory factory, std::string* why) {
  auto box = std::make_shared<outbox>();
  int ep = ::epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0 || box->fd() < 0) {
    if (why)
      *why = "cannot start the kafka listener: " + std::system_category().message(errno);
    if (ep >= 0)
      ::close(ep);
    ::close(listen_fd);
    return nullptr;
  }
  return std::unique_ptr<io_loop>(
      new io_loop(listen_fd, ep, limits, std::move(factory), std::move(box)));
}

io_loop::io_loop(int listen_fd, int epoll_fd, server_limits limits, connection_factory factory,
                 std::shared_ptr<outbox> box)
    : listen_fd_(listen_fd), epoll_fd_(epoll_fd), limits_(limits), factory_(std::move(factory)),
      box_(std::move(box)), scratch_(new char[k_scratch_size]) {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = k_wake_key;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, box_->fd(), &ev);
  ev.data.u64 = k_listen_key;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev);
}

io_loop::~io_loop() {
  stop(std::chrono::milliseconds{0});
  if (listen_fd_ >= 0)
    ::close(listen_fd_);
  ::close(epoll_fd_);
}

void io_loop::start_thread() {
  thread_ = std::thread([this] { run(); });
}

void io_loop::stop(std::chrono::milliseconds drain) {
  if (!thread_.joinable())
    return;
  drain_ms_.store(drain.count() < 0 ? 0 : drain.count());
  stop_requested_.store(true);
  box_->wake();
  thread_.join();
}

server_stats io_loop::stats() const {
  server_stats s;
  s.connections_open = stats_.connections_open.load();
  s.connections_accepted = stats_.connections_accepted.load();
  s.connections_refused = stats_.connections_refused.load();
  s.closed_bad_frame = stats_.closed_bad_frame.load();
  s.closed_idle = stats_.closed_idle.load();
  s.closed_by_actor = stats_.closed_by_actor.load();
  s.closed_bad_response = stats_.closed_bad_response.load();
  s.reads_paused = stats_.reads_paused.load();
  s.bytes_in = stats_.bytes_in.load();
  s.bytes_out = stats_.bytes_out.load();
  s.frames_in = stats_.frames_in.load();
  s.frames_out = stats_.frames_out.load();
  return s;
}

} // namespace detail
} // namespace tributary::kafka
