#pragma once
// connection: everything the I/O thread knows about one accepted socket -- the frame being
// read, the requests handed to the actor and not yet answered (in seq order), and the
// responses waiting to be written. Owned and touched only by the I/O thread.

#include "tributary/kafka/response_sink.hpp"

#include "caf/actor.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace tributary::kafka::detail {

using io_clock = std::chrono::steady_clock;

/// A request handed to the actor; it leaves the front of `slots` once answered.
struct response_slot {
  uint32_t request_bytes = 0; // counted in inflight_bytes until answered
  bool is_answered = false;
  bool is_skipped = false;
  std::vector<chunk> chunks;   // the response, once answered
  uint64_t response_bytes = 0; // with the 4-byte size prefix
};

/// A response on its way out: piece 0 is the size prefix, piece i > 0 is chunks[i - 1].
struct out_frame {
  std::array<char, 4> header{};
  std::vector<chunk> chunks;
  uint64_t bytes = 0;      // with the prefix; counted in inflight_bytes until written
  size_t piece = 0;        // next piece to write
  uint64_t piece_done = 0; // bytes of that piece already written
};

struct connection {
  uint64_t id = 0;
  int fd = -1;
  std::string peer;
  caf::actor actor;
  std::shared_ptr<response_sink> sink;

  // Reading: the size prefix, then the frame body.
  std::array<char, 4> header{};
  uint32_t header_have = 0;
  bool is_in_body = false;
  uint32_t frame_size = 0;
  std::vector<char> frame;
  uint64_t next_seq = 0; // seq of the next complete frame
  bool has_eof = false;  // the peer shut down its side; answer what was asked, then close

  // Requests seq next_write_seq .. next_seq - 1, answered or not, in order.
  std::deque<response_slot> slots;
  uint64_t next_write_seq = 0;
  uint64_t unanswered = 0;

  // Responses in write order; the front one may be partly written.
  std::deque<out_frame> out;

  int64_t inflight_bytes = 0; // unanswered request bytes + unwritten response bytes
  uint32_t events = 0;        // current epoll interest
  bool is_touched = false;    // has new output in the current batch of posts
  io_clock::time_point last_progress;

  size_t inflight_requests() const noexcept { return slots.size() + out.size(); }
  bool is_drained() const noexcept { return slots.empty() && out.empty(); }
};

} // namespace tributary::kafka::detail
