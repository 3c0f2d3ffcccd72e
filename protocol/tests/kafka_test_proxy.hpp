#pragma once
// Test-only: a loopback TCP proxy between a Kafka client and a broker that decodes every
// request and response passing through with the generated codec, checks that re-encoding
// gives the same bytes, and rewrites broker addresses in Metadata and FindCoordinator
// responses (with our encoder) so that the client keeps talking through the proxy.
// Owned by the test thread; one I/O thread of its own (poll, 50 ms ticks) joined by the
// destructor; seen() is thread-safe. Problems are recorded in `observed::error`.

#include "kafka_test_fill.hpp"
#include "kafka_test_socket.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace tributary::protocol::kafka::test {

class capture_proxy {
public:
  struct observed {
    api_key key = api_key::produce;
    int16_t version = 0;
    bool is_response = false;
    std::string error;      // empty: decoded, nothing left over, re-encoded byte for byte
    std::vector<char> body; // the message body as received (header stripped)
    // An ApiVersions UNSUPPORTED_VERSION reply whose body is not Kafka's (v0) form: only its
    // error code was checked (librdkafka 2.0.2's mock answers v3 that way).
    bool is_unsupported_version_reply = false;
  };

  explicit capture_proxy(uint16_t upstream_port) : upstream_port_(upstream_port) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(listen_fd_, 16) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      return;
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { run(); });
  }

  ~capture_proxy() {
    stopping_ = true;
    if (thread_.joinable())
      thread_.join();
    for (auto& c : conns_)
      close_conn(*c);
    if (listen_fd_ >= 0)
      ::close(listen_fd_);
  }

  capture_proxy(const capture_proxy&) = delete;
  capture_proxy& operator=(const capture_proxy&) = delete;

  uint16_t port() const { return port_; }

  std::vector<observed> seen() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return seen_;
  }

private:
  struct conn {
    int client = -1, server = -1;
    std::vector<char> from_client, from_server;
    std::map<int32_t, std::pair<api_key, int16_t>> inflight; // correlation id -> request
  };

  static bool is_response_type(std::string_view name) {
    return name.size() > 8 && name.substr(name.size() - 8) == "Response";
  }

  // Decodes `body` as the message type for (key, is_response), re-encodes, compares.
  template <class OnDecoded>
  static std::string check(api_key key, bool is_response, int16_t version,
                           const std::vector<char>& body, OnDecoded&& on_decoded) {
    std::string error = "no generated message for this api key";
    for_each_message([&](auto* tag) {
      using M = std::remove_pointer_t<decltype(tag)>;
      if (M::key != key || is_response_type(M::kafka_name) != is_response)
        return;
      M m;
      wire_reader r(body.data(), body.size());
      m.decode(r, version);
      if (!r.ok()) {
        error = "decode: " + r.error_message();
        return;
      }
      if (r.remaining() != 0) {
        error = std::to_string(r.remaining()) + " bytes left over";
        return;
      }
      auto again = encode_message(m, version);
      if (!again || *again != body) {
        error = "re-encoding differs from the received bytes";
        return;
      }
      error.clear();
      on_decoded(m);
    });
    return error;
  }

  void record(observed o) {
    std::lock_guard<std::mutex> lock(mutex_);
    seen_.push_back(std::move(o));
  }

  // A request frame: note its correlation id, check the body, forward it unchanged.
  void on_request(conn& c, const std::vector<char>& frame) {
    wire_reader r(frame.data(), frame.size());
    request_header h;
    observed o;
    if (!decode_request_header(r, &h)) {
      o.error = "request header: " + r.error_message();
    } else {
      c.inflight[h.correlation_id] = {h.request_api_key, h.request_api_version};
      o.key = h.request_api_key;
      o.version = h.request_api_version;
      o.body.assign(frame.begin() + static_cast<std::ptrdiff_t>(r.position()), frame.end());
      o.error = check(o.key, false, o.version, o.body, [](const auto&) {});
    }
    record(std::move(o));
  }

  // A response frame: check it, and point broker addresses at the proxy.
  std::vector<char> on_response(conn& c, const std::vector<char>& frame) {
    wire_reader r(frame.data(), frame.size());
    observed o;
    o.is_response = true;
    const int32_t correlation = r.read_int32("ResponseHeader.CorrelationId");
    auto it = c.inflight.find(correlation);
    if (!r.ok() || it == c.inflight.end()) {
      o.error = "response to an unknown correlation id";
      record(std::move(o));
      return frame;
    }
    o.key = it->second.first;
    o.version = it->second.second;
    c.inflight.erase(it);
    if (response_header_version(o.key, o.version) >= 1)
      r.skip_tagged_fields("ResponseHeader");
    o.body.assign(frame.begin() + static_cast<std::ptrdiff_t>(r.position()), frame.end());
    std::vector<char> rewritten;
    o.error = check(o.key, true, o.version, o.body,
                    [&](const auto& m) { rewritten = rewrite(m, o.version, correlation); });
    // KIP-511: a broker answers an ApiVersions version it lacks with a v0 body and
    // UNSUPPORTED_VERSION (35).
    if (!o.error.empty() && o.key == api_key::api_versions) {
      wire_reader error_code(o.body.data(), o.body.size());
      if (check(o.key, true, 0, o.body, [](const auto&) {}).empty()) {
        o.error.clear();
        o.version = 0;
      } else if (error_code.read_int16("ApiVersionsResponse.ErrorCode") == 35) {
        o.error.clear();
        o.is_unsupported_version_reply = true;
      }
    }
    record(std::move(o));
    return rewritten.empty() ? frame : rewritten;
  }

  template <class M>
  std::vector<char> rewrite(const M& m, int16_t version, int32_t correlation) {
    if constexpr (std::is_same_v<M, metadata_response> ||
                  std::is_same_v<M, find_coordinator_response>) {
      M copy = m;
      if constexpr (std::is_same_v<M, metadata_response>) {
        for (auto& b : copy.brokers)
          b.host = "127.0.0.1", b.port = port_;
      } else {
        copy.host = "127.0.0.1", copy.port = port_;
        for (auto& co : copy.coordinators)
          co.host = "127.0.0.1", co.port = port_;
      }
      std::vector<char> out;
      wire_writer w(out);
      encode_response_header(w, M::key, version, correlation);
      copy.encode(w, version);
      return out;
    } else {
      return {};
    }
  }

  static void close_conn(conn& c) {
    if (c.client >= 0)
      ::close(c.client);
    if (c.server >= 0)
      ::close(c.server);
    c.client = c.server = -1;
  }

  // Reads what `from` has, handles every complete frame, forwards it to `to`.
  bool pump(conn& c, bool from_client) {
    const int from = from_client ? c.client : c.server;
    const int to = from_client ? c.server : c.client;
    auto& buf = from_client ? c.from_client : c.from_server;
    char tmp[65536];
    ssize_t n = ::recv(from, tmp, sizeof tmp, 0);
    if (n <= 0)
      return false;
    buf.insert(buf.end(), tmp, tmp + n);
    while (buf.size() >= 4) {
      const auto* p = reinterpret_cast<const unsigned char*>(buf.data());
      const size_t size = (size_t{p[0]} << 24) | (size_t{p[1]} << 16) | (size_t{p[2]} << 8) | p[3];
      if (buf.size() < 4 + size)
        break;
      std::vector<char> frame(buf.begin() + 4, buf.begin() + 4 + static_cast<std::ptrdiff_t>(size));
      buf.erase(buf.begin(), buf.begin() + 4 + static_cast<std::ptrdiff_t>(size));
      if (from_client)
        on_request(c, frame);
      else
        frame = on_response(c, frame);
      std::vector<char> out(4);
      out.insert(out.end(), frame.begin(), frame.end());
      patch_size(out, 0);
      if (!send_all(to, out.data(), out.size()))
        return false;
    }
    return true;
  }

  void run() {
    while (!stopping_) {
      std::vector<pollfd> fds{{listen_fd_, POLLIN, 0}};
      for (auto& c : conns_)
        fds.push_back({c->client, POLLIN, 0}), fds.push_back({c->server, POLLIN, 0});
      if (::poll(fds.data(), fds.size(), 50) <= 0)
        continue;
      for (size_t i = 0; i < conns_.size(); ++i) {
        auto& c = *conns_[i];
        bool ok = true;
        if (fds[1 + 2 * i].revents)
          ok = pump(c, true);
        if (ok && fds[2 + 2 * i].revents)
          ok = pump(c, false);
        if (!ok)
          close_conn(c);
      }
      conns_.erase(
          std::remove_if(conns_.begin(), conns_.end(), [](const auto& c) { return c->client < 0; }),
          conns_.end());
      if (fds[0].revents & POLLIN) {
        auto c = std::make_unique<conn>();
        c->client = ::accept(listen_fd_, nullptr, nullptr);
        c->server = connect_loopback(upstream_port_);
        if (c->client >= 0 && c->server >= 0)
          conns_.push_back(std::move(c));
        else
          close_conn(*c);
      }
    }
  }

  uint16_t upstream_port_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::vector<std::unique_ptr<conn>> conns_; // I/O thread only (destructor after join)
  mutable std::mutex mutex_;
  std::vector<observed> seen_;
};

} // namespace tributary::protocol::kafka::test
