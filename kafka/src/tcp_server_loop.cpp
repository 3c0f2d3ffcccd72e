// io_loop: the I/O thread's loop -- epoll, accept, connection lifetime, idle sweep, stop.

#include "tcp_atoms.hpp"
#include "tcp_io_loop.hpp"
#include "tcp_log.hpp"

#include "caf/send.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace tributary::kafka::detail {
namespace {

std::string peer_text(const sockaddr_storage& addr) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET6) {
    auto* a = reinterpret_cast<const sockaddr_in6*>(&addr);
    ::inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof(buf));
    return std::string{"["} + buf + "]:" + std::to_string(ntohs(a->sin6_port));
  }
  auto* a = reinterpret_cast<const sockaddr_in*>(&addr);
  ::inet_ntop(AF_INET, &a->sin_addr, buf, sizeof(buf));
  return std::string{buf} + ":" + std::to_string(ntohs(a->sin_port));
}

} // namespace

void io_loop::run() noexcept {
  // A write to a socket the peer reset raises SIGPIPE in the writing thread; sendmsg has
  // MSG_NOSIGNAL but sendfile has no such flag. Blocked here, it stays pending in this thread
  // only and is discarded when the thread ends; the process's handlers are not touched.
  sigset_t pipe_only;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_only, nullptr);
  pthread_setname_np(pthread_self(), "trib-kafka-io"); // visible in top -H, gdb, perf
  now_ = io_clock::now();
  next_sweep_ = now_;
  for (;;) {
    try {
      run_once();
      if (is_stopping_ && (conns_.empty() || now_ >= stop_deadline_))
        break;
    } catch (const std::exception& e) {
      net_log()->error("kafka listener: I/O loop error: {}", e.what());
    } catch (...) {
      net_log()->error("kafka listener: unknown I/O loop error");
    }
  }
  try {
    close_all();
  } catch (...) {
    // close_all only sends messages and closes descriptors; nothing to report but be safe.
  }
  box_->shut();
}

void io_loop::run_once() {
  constexpr int k_max_events = 64;
  epoll_event evs[k_max_events];
  int n = ::epoll_wait(epoll_fd_, evs, k_max_events, wait_timeout_ms());
  now_ = io_clock::now();
  for (int i = 0; i < n; ++i) {
    auto key = evs[i].data.u64;
    auto events = evs[i].events;
    if (key == k_wake_key) {
      handle_posts();
      continue;
    }
    if (key == k_listen_key) {
      accept_all();
      continue;
    }
    auto it = conns_.find(key);
    if (it == conns_.end())
      continue; // closed earlier in this batch
    auto& c = *it->second;
    try {
      if (events & (EPOLLERR | EPOLLHUP)) { // reset, or both directions shut: nothing to save
        close(c, close_cause::peer);
        continue;
      }
      if ((events & EPOLLOUT) && !flush(c))
        continue;
      if ((events & EPOLLIN) && !read(c))
        continue;
      settle(c);
    } catch (const std::exception& e) {
      net_log()->error("kafka listener: closing connection {} from {}: {}", c.id, c.peer, e.what());
      close(c, close_cause::error);
    }
  }
  if (!is_stopping_ && stop_requested_.load())
    begin_stop();
  if (is_accept_paused_ && now_ >= accept_resume_ && listen_fd_ >= 0) {
    is_accept_paused_ = false;
    set_listen_interest(EPOLLIN);
  }
  if (now_ >= next_sweep_)
    sweep();
}

int io_loop::wait_timeout_ms() const {
  auto until = next_sweep_;
  if (is_stopping_)
    until = std::min(until, stop_deadline_);
  if (is_accept_paused_)
    until = std::min(until, accept_resume_);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(until - io_clock::now());
  return static_cast<int>(std::clamp<int64_t>(ms.count() + 1, 0, 1000));
}

void io_loop::set_listen_interest(uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = k_listen_key;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, listen_fd_, &ev);
}

void io_loop::accept_all() {
  for (int i = 0; i < 64; ++i) { // bounded: connections get their turn between bursts
    sockaddr_storage addr{};
    socklen_t len = sizeof(addr);
    int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len,
                       SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        return;
      if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO)
        continue;
      // EMFILE, ENFILE, ENOBUFS, ENOMEM: the pending connection stays queued and the socket
      // stays readable, so stop listening for a moment instead of spinning on it.
      net_log()->warn("kafka listener: cannot accept ({}); pausing accept for 100 ms",
                      std::system_category().message(errno));
      is_accept_paused_ = true;
      accept_resume_ = now_ + std::chrono::milliseconds{100};
      set_listen_interest(0);
      return;
    }
    ++stats_.connections_accepted;
    auto peer = peer_text(addr);
    if (conns_.size() >= static_cast<size_t>(limits_.max_connections)) {
      refuse(fd, peer, "max.connections reached");
      continue;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    auto c = std::make_unique<connection>();
    c->id = next_id_++;
    c->fd = fd;
    c->peer = std::move(peer);
    c->sink = std::make_shared<response_sink>(box_, c->id);
    try {
      c->actor = factory_(connection_info{c->id, c->peer}, c->sink);
    } catch (const std::exception& e) {
      net_log()->error("kafka listener: connection factory failed: {}", e.what());
    }
    if (!c->actor) {
      c->sink->mark_closed();
      refuse(fd, c->peer, "no connection actor");
      continue;
    }
    c->last_progress = now_;
    c->events = EPOLLIN;
    epoll_event ev{};
    ev.events = c->events;
    ev.data.u64 = c->id;
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
      c->sink->mark_closed();
      caf::anon_send(c->actor, closed_atom::value, c->id);
      refuse(fd, c->peer, "epoll_ctl failed");
      continue;
    }
    conns_.emplace(c->id, std::move(c));
    ++stats_.connections_open;
  }
}

void io_loop::refuse(int fd, const std::string& peer, const char* reason) {
  ::close(fd);
  ++stats_.connections_refused;
  // A flood of refused connections must not flood the log: one line per second at most.
  if (now_ - last_refusal_log_ < std::chrono::seconds{1}) {
    ++refusals_unlogged_;
    return;
  }
  if (refusals_unlogged_ > 0)
    net_log()->warn("kafka listener: refused connection from {}: {} (and {} more not logged)", peer,
                    reason, refusals_unlogged_);
  else
    net_log()->warn("kafka listener: refused connection from {}: {}", peer, reason);
  refusals_unlogged_ = 0;
  last_refusal_log_ = now_;
}

void io_loop::close(connection& c, close_cause cause) {
  switch (cause) {
  case close_cause::bad_frame:
    ++stats_.closed_bad_frame;
    break;
  case close_cause::idle:
    ++stats_.closed_idle;
    break;
  case close_cause::by_actor:
    ++stats_.closed_by_actor;
    break;
  case close_cause::bad_response:
    ++stats_.closed_bad_response;
    break;
  default:
    break;
  }
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c.fd, nullptr);
  ::close(c.fd);
  c.sink->mark_closed();
  caf::anon_send(c.actor, closed_atom::value, c.id);
  --stats_.connections_open;
  conns_.erase(c.id); // destroys c
}

void io_loop::close_all() {
  while (!conns_.empty())
    close(*conns_.begin()->second, close_cause::stopping);
}

bool io_loop::settle(connection& c) {
  // A peer that shut down its side (or a stopping server) gets its answers, then the close.
  if ((c.has_eof || is_stopping_) && c.is_drained()) {
    close(c, close_cause::peer);
    return false;
  }
  bool could_read = (c.events & EPOLLIN) != 0;
  bool can_read = may_read(c);
  uint32_t want = (can_read ? EPOLLIN : 0u) | (c.out.empty() ? 0u : EPOLLOUT);
  if (could_read && !can_read && !c.has_eof && !is_stopping_)
    ++stats_.reads_paused;
  if (want != c.events) {
    epoll_event ev{};
    ev.events = want;
    ev.data.u64 = c.id;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &ev);
    c.events = want;
  }
  return true;
}

void io_loop::begin_stop() {
  is_stopping_ = true;
  stop_deadline_ = now_ + std::chrono::milliseconds{drain_ms_.load()};
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
  ::close(listen_fd_);
  listen_fd_ = -1;
  is_accept_paused_ = false;
  // Stop reading everywhere; connections with nothing in flight close now.
  std::vector<uint64_t> ids;
  ids.reserve(conns_.size());
  for (auto& kv : conns_)
    ids.push_back(kv.first);
  for (auto id : ids)
    if (auto it = conns_.find(id); it != conns_.end())
      settle(*it->second);
}

void io_loop::sweep() {
  auto idle = std::chrono::milliseconds{limits_.connections_max_idle_ms};
  next_sweep_ = now_ + std::clamp<std::chrono::milliseconds>(idle / 4, std::chrono::milliseconds{5},
                                                             std::chrono::milliseconds{1000});
  // Idle: nothing waits for the actor and the socket made no progress (no request bytes in,
  // no response bytes out) for connections.max.idle.ms -- quiet clients, clients stuck in the
  // middle of a frame, and clients that stopped reading their responses.
  std::vector<connection*> expired;
  for (auto& kv : conns_) {
    auto& c = *kv.second;
    if (c.unanswered == 0 && now_ - c.last_progress >= idle)
      expired.push_back(&c);
  }
  for (auto* c : expired) {
    net_log()->info("kafka listener: closing idle connection {} from {}", c->id, c->peer);
    close(*c, close_cause::idle);
  }
}

} // namespace tributary::kafka::detail
