#pragma once
// Test support for tcp_server: a raw POSIX client with deadlines, and an echo-ish connection
// actor whose answers come back out of order (reversed within a batch, some delayed), so the
// server's reordering is what the client sees. Commands are payload prefixes:
//   "delay..."   answered 20 ms later        "skip..."    no response (acks=0)
//   "close..."   sink->close()               "big:N"      an N-byte response
//   "file:O:L"   "<" + L bytes of ctx.file at offset O + ">" via send_chunks
//   anything else: echoed back

#include "tcp_atoms.hpp"
#include "tributary/kafka/tcp_server.hpp"

#include "caf/all.hpp"

#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <netdb.h>
#include <netinet/in.h>
#include <optional>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace tcp_test {

using namespace std::chrono_literals;
using delay_atom = caf::atom_constant<caf::atom("t_delay")>;
using clock = std::chrono::steady_clock;

/// Blocking client socket; every wait is bounded by a deadline.
class client {
public:
  explicit client(uint16_t port, const char* host = "127.0.0.1") {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    addrinfo* ai = nullptr;
    if (::getaddrinfo(host, std::to_string(port).c_str(), &hints, &ai) != 0)
      return;
    fd_ = ::socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ >= 0 && ::connect(fd_, ai->ai_addr, ai->ai_addrlen) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
    ::freeaddrinfo(ai);
  }
  ~client() {
    if (fd_ >= 0)
      ::close(fd_);
  }
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  bool is_connected() const { return fd_ >= 0; }
  int fd() const { return fd_; }

  bool send_raw(const void* data, size_t n, std::chrono::milliseconds timeout = 10s) {
    auto p = static_cast<const char*>(data);
    auto deadline = clock::now() + timeout;
    while (n > 0) {
      if (!wait(POLLOUT, deadline))
        return false;
      auto k = ::send(fd_, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (k < 0 && (errno == EAGAIN || errno == EINTR))
        continue;
      if (k <= 0)
        return false;
      p += k;
      n -= static_cast<size_t>(k);
    }
    return true;
  }

  static std::string frame(const std::string& payload) {
    uint32_t size = htonl(static_cast<uint32_t>(payload.size()));
    std::string out(reinterpret_cast<const char*>(&size), 4);
    return out + payload;
  }

  bool send_frame(const std::string& payload) {
    auto f = frame(payload);
    return send_raw(f.data(), f.size());
  }

  bool read_exact(char* out, size_t n, std::chrono::milliseconds timeout = 10s) {
    auto deadline = clock::now() + timeout;
    while (n > 0) {
      if (!wait(POLLIN, deadline))
        return false;
      auto k = ::recv(fd_, out, n, MSG_DONTWAIT);
      if (k < 0 && (errno == EAGAIN || errno == EINTR))
        continue;
      if (k <= 0)
        return false;
      out += k;
      n -= static_cast<size_t>(k);
    }
    return true;
  }

  /// The next response frame's payload; nullopt on EOF, error or timeout.
  std::optional<std::string> read_frame(std::chrono::milliseconds timeout = 10s) {
    char hdr[4];
    if (!read_exact(hdr, 4, timeout))
      return std::nullopt;
    uint32_t size;
    std::memcpy(&size, hdr, 4);
    std::string payload(ntohl(size), '\0');
    if (!read_exact(payload.data(), payload.size(), timeout))
      return std::nullopt;
    return payload;
  }

  /// True when the server closed the connection (EOF or reset) before `timeout`; data that
  /// still arrives is read and dropped.
  bool closed_by_peer(std::chrono::milliseconds timeout = 10s) {
    auto deadline = clock::now() + timeout;
    char buf[65536];
    for (;;) {
      if (!wait(POLLIN, deadline))
        return false;
      auto k = ::recv(fd_, buf, sizeof(buf), MSG_DONTWAIT);
      if (k == 0 || (k < 0 && errno != EAGAIN && errno != EINTR))
        return true;
    }
  }

private:
  bool wait(short events, clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
    if (left.count() <= 0)
      return false;
    pollfd p{fd_, events, 0};
    return ::poll(&p, 1, static_cast<int>(left.count())) > 0;
  }

  int fd_ = -1;
};

/// What the test can observe of the connection actors.
struct context {
  std::atomic<int> actors_made{0};
  std::atomic<int> actors_closed{0};
  std::shared_ptr<tributary::kafka::file_handle> file;
  std::mutex mtx;
  std::vector<std::shared_ptr<tributary::kafka::response_sink>> sinks;
};

inline bool starts_with(const std::vector<char>& f, const char* prefix) {
  auto n = std::strlen(prefix);
  return f.size() >= n && std::memcmp(f.data(), prefix, n) == 0;
}

inline void answer(caf::event_based_actor* self,
                   const std::shared_ptr<tributary::kafka::response_sink>& sink,
                   const std::shared_ptr<context>& ctx, uint64_t seq, std::vector<char> f) {
  using namespace tributary::kafka;
  std::string text(f.begin(), f.end());
  if (starts_with(f, "delay")) {
    self->delayed_send(self, 20ms, delay_atom::value, seq, std::move(f));
  } else if (starts_with(f, "skip")) {
    sink->skip(seq);
  } else if (starts_with(f, "close")) {
    sink->close();
  } else if (starts_with(f, "big:")) {
    sink->send(seq, std::vector<char>(std::stoul(text.substr(4)), 'b'));
  } else if (starts_with(f, "file:")) {
    auto colon = text.find(':', 5);
    file_range r{ctx->file, std::stoll(text.substr(5, colon - 5)),
                 std::stoll(text.substr(colon + 1))};
    std::vector<chunk> chunks;
    chunks.emplace_back(std::vector<char>{'<'});
    chunks.emplace_back(r);
    chunks.emplace_back(std::vector<char>{'>'});
    sink->send_chunks(seq, std::move(chunks));
  } else {
    sink->send(seq, std::move(f));
  }
}

inline caf::behavior echo_actor(caf::event_based_actor* self,
                                std::shared_ptr<tributary::kafka::response_sink> sink,
                                std::shared_ptr<context> ctx) {
  using namespace tributary::kafka;
  return {
      [=](frames_atom, uint64_t first, std::vector<std::vector<char>>& frames) {
        for (size_t i = frames.size(); i-- > 0;) // reversed: completions come back out of order
          answer(self, sink, ctx, first + i, std::move(frames[i]));
      },
      [=](delay_atom, uint64_t seq, std::vector<char>& f) { sink->send(seq, std::move(f)); },
      [=](closed_atom, uint64_t) {
        ++ctx->actors_closed;
        self->quit();
      },
  };
}

/// A real actor system (sharing scheduler, 2 threads) and a server on 127.0.0.1:0.
struct fixture {
  caf::actor_system_config cfg;
  caf::actor_system sys;
  std::shared_ptr<context> ctx = std::make_shared<context>();
  std::unique_ptr<tributary::kafka::tcp_server> server;

  static caf::actor_system_config& init(caf::actor_system_config& c) {
    c.set("scheduler.policy", caf::atom("sharing"));
    c.set("scheduler.max-threads", 2);
    c.set("logger.console", caf::atom("none"));
    return c;
  }
  fixture() : sys(init(cfg)) {}
  ~fixture() {
    if (server)
      server->stop(0ms);
  }

  tributary::kafka::connection_factory factory() {
    auto c = ctx;
    auto* s = &sys;
    return [c, s](const tributary::kafka::connection_info&,
                  std::shared_ptr<tributary::kafka::response_sink> sink) {
      ++c->actors_made;
      {
        std::lock_guard<std::mutex> guard{c->mtx};
        c->sinks.push_back(sink);
      }
      return s->spawn(echo_actor, std::move(sink), c);
    };
  }

  /// Starts the server; empty on failure (the test REQUIREs it).
  bool start(tributary::kafka::server_limits limits = {}, std::string host = "127.0.0.1") {
    tributary::config::listener at;
    at.host = std::move(host);
    std::string why;
    auto r = tributary::kafka::tcp_server::start(at, limits, factory(), &why);
    if (!r)
      return false;
    server = std::move(*r);
    return true;
  }

  uint16_t port() const { return server->port(); }

  /// Waits (bounded) until `pred(stats)` holds.
  template <class Pred>
  bool wait_stats(Pred pred, std::chrono::milliseconds timeout = 10s) {
    auto deadline = clock::now() + timeout;
    while (clock::now() < deadline) {
      if (pred(server->stats()))
        return true;
      std::this_thread::sleep_for(2ms);
    }
    return pred(server->stats());
  }
};

} // namespace tcp_test
