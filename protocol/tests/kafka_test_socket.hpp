#pragma once
// Test-only: blocking loopback TCP with deadlines, and Kafka request/response framing with
// the generated codec (4-byte size prefix, header, body). Every wait is bounded by a
// deadline; failures come back as false / an error string, never as a hang.

#include "tributary/protocol/kafka_api.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <netinet/in.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace tributary::protocol::kafka::test {

using test_clock = std::chrono::steady_clock;

/// "host:port" -> port (the host part is always a loopback address in these tests).
inline uint16_t port_of(const std::string& host_port) {
  auto colon = host_port.rfind(':');
  return static_cast<uint16_t>(std::stoi(host_port.substr(colon + 1)));
}

/// Connects to 127.0.0.1:port; -1 on failure.
inline int connect_loopback(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

inline bool send_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

/// Reads exactly `size` bytes before `deadline`.
inline bool recv_exact(int fd, char* out, size_t size, test_clock::time_point deadline) {
  while (size > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - test_clock::now());
    if (left.count() <= 0)
      return false;
    pollfd p{fd, POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR)
      continue;
    if (ready <= 0)
      return false;
    ssize_t n = ::recv(fd, out, size, 0);
    if (n <= 0)
      return false;
    out += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

/// One size-prefixed frame (without its prefix).
inline bool recv_frame(int fd, std::vector<char>& frame, test_clock::time_point deadline) {
  unsigned char size_be[4];
  if (!recv_exact(fd, reinterpret_cast<char*>(size_be), 4, deadline))
    return false;
  const uint32_t size = (uint32_t{size_be[0]} << 24) | (uint32_t{size_be[1]} << 16) |
                        (uint32_t{size_be[2]} << 8) | uint32_t{size_be[3]};
  if (size > (64u << 20))
    return false;
  frame.resize(size);
  return recv_exact(fd, frame.data(), size, deadline);
}

/// Writes the 4-byte big-endian size of what follows `at` into out[at..at+4).
inline void patch_size(std::vector<char>& out, size_t at) {
  const auto size = static_cast<uint32_t>(out.size() - at - 4);
  for (int i = 0; i < 4; ++i)
    out[at + static_cast<size_t>(i)] = static_cast<char>((size >> (8 * (3 - i))) & 0xff);
}

/// Sends `req` at `version` and decodes the matching response into `resp`; "" on success,
/// else what went wrong.
template <class Req, class Resp>
std::string exchange(int fd, const Req& req, int16_t version, int32_t correlation_id, Resp* resp,
                     std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  std::vector<char> out(4);
  wire_writer w(out);
  request_header h;
  h.request_api_key = Req::key;
  h.request_api_version = version;
  h.correlation_id = correlation_id;
  h.client_id = "tributary-codec-test";
  encode_request_header(w, h);
  req.encode(w, version);
  if (!w.ok())
    return "encode: " + w.error_message();
  patch_size(out, 0);
  if (!send_all(fd, out.data(), out.size()))
    return "send failed";
  std::vector<char> frame;
  if (!recv_frame(fd, frame, test_clock::now() + timeout))
    return "no response frame within the timeout";
  wire_reader r(frame.data(), frame.size());
  response_header rh;
  if (!decode_response_header(r, Req::key, version, &rh))
    return "response header: " + r.error_message();
  if (rh.correlation_id != correlation_id)
    return "correlation id " + std::to_string(rh.correlation_id) +
           " != " + std::to_string(correlation_id);
  resp->decode(r, version);
  if (!r.ok())
    return "decode: " + r.error_message();
  if (r.remaining() != 0)
    return std::to_string(r.remaining()) + " bytes left after the response";
  return {};
}

} // namespace tributary::protocol::kafka::test
