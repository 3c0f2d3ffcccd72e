// io_loop: reading a connection and splitting Kafka frames (4-byte big-endian size prefix).
// Small frames are parsed out of one scratch buffer (one recv for many pipelined requests);
// the body of a large frame is received straight into the frame's own buffer.

#include "tcp_atoms.hpp"
#include "tcp_io_loop.hpp"
#include "tcp_log.hpp"

#include "caf/send.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/socket.h>

namespace tributary::kafka::detail {
namespace {

constexpr size_t k_read_budget = 1024 * 1024; // per readiness event, for fairness
constexpr size_t k_grow_step = 1024 * 1024;   // a large frame grows by at most this per recv

int32_t big_endian_i32(const std::array<char, 4>& b) {
  auto u = (uint32_t{static_cast<uint8_t>(b[0])} << 24) |
           (uint32_t{static_cast<uint8_t>(b[1])} << 16) |
           (uint32_t{static_cast<uint8_t>(b[2])} << 8) | uint32_t{static_cast<uint8_t>(b[3])};
  return static_cast<int32_t>(u);
}

} // namespace

bool io_loop::may_read(const connection& c) const {
  return !c.has_eof && !is_stopping_ &&
         c.inflight_bytes < limits_.max_inflight_bytes_per_connection &&
         c.inflight_requests() < static_cast<size_t>(limits_.max_inflight_requests_per_connection);
}

bool io_loop::read(connection& c) {
  std::vector<std::vector<char>> batch;
  uint64_t first_seq = c.next_seq;
  size_t budget = k_read_budget;
  bool is_alive = true;
  while (budget > 0 && may_read(c)) {
    ssize_t n = 0;
    bool is_direct = c.is_in_body && c.frame_size - c.frame.size() >= k_scratch_size;
    if (is_direct) {
      // The frame's buffer grows with what arrives, not with what the prefix promised:
      // a client announcing 100 MiB and sending nothing costs nothing.
      size_t old = c.frame.size();
      size_t room = std::min<size_t>(c.frame_size - old, k_grow_step);
      c.frame.resize(old + room);
      n = ::recv(c.fd, c.frame.data() + old, room, 0);
      c.frame.resize(old + static_cast<size_t>(std::max<ssize_t>(n, 0)));
    } else {
      n = ::recv(c.fd, scratch_.get(), k_scratch_size, 0);
    }
    if (n == 0) {
      c.has_eof = true; // half-closed: pending requests still get their responses
      break;
    }
    if (n < 0) {
      if (errno == EINTR)
        continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        close(c, close_cause::peer); // reset or another socket error
        return false;
      }
      break;
    }
    stats_.bytes_in += static_cast<uint64_t>(n);
    budget -= std::min(budget, static_cast<size_t>(n));
    c.last_progress = now_;
    if (is_direct) {
      if (c.frame.size() == c.frame_size)
        finish_frame(c, batch);
    } else if (!parse(c, scratch_.get(), static_cast<size_t>(n), batch)) {
      is_alive = false;
      break;
    }
  }
  if (!is_alive)
    return false; // closed for a bad size prefix; the frames before it die with it
  if (!batch.empty())
    caf::anon_send(c.actor, frames_atom::value, first_seq, std::move(batch));
  return true;
}

bool io_loop::parse(connection& c, const char* data, size_t n,
                    std::vector<std::vector<char>>& batch) {
  while (n > 0) {
    if (!c.is_in_body) {
      size_t take = std::min<size_t>(4 - c.header_have, n);
      std::memcpy(c.header.data() + c.header_have, data, take);
      c.header_have += static_cast<uint32_t>(take);
      data += take;
      n -= take;
      if (c.header_have < 4)
        return true;
      c.header_have = 0;
      int32_t size = big_endian_i32(c.header);
      if (size < 0 || size > limits_.socket_request_max_bytes) {
        net_log()->warn("kafka listener: closing connection {} from {}: request size {} is "
                        "outside 0..{} (socket.request.max.bytes)",
                        c.id, c.peer, size, limits_.socket_request_max_bytes);
        close(c, close_cause::bad_frame);
        return false;
      }
      c.is_in_body = true;
      c.frame_size = static_cast<uint32_t>(size);
      c.frame.reserve(std::min<size_t>(c.frame_size, k_grow_step));
      if (c.frame_size == 0)
        finish_frame(c, batch);
      continue;
    }
    size_t take = std::min<size_t>(c.frame_size - c.frame.size(), n);
    c.frame.insert(c.frame.end(), data, data + take);
    data += take;
    n -= take;
    if (c.frame.size() == c.frame_size)
      finish_frame(c, batch);
  }
  return true;
}

void io_loop::finish_frame(connection& c, std::vector<std::vector<char>>& batch) {
  response_slot slot;
  slot.request_bytes = c.frame_size;
  c.slots.push_back(std::move(slot));
  c.inflight_bytes += c.frame_size;
  ++c.unanswered;
  ++c.next_seq;
  ++stats_.frames_in;
  batch.push_back(std::move(c.frame));
  c.frame = std::vector<char>{};
  c.is_in_body = false;
  c.frame_size = 0;
}

} // namespace tributary::kafka::detail
