// io_loop: responses from the sinks -- validated, put back in request order, written with
// sendmsg (gathered byte chunks, MSG_NOSIGNAL) and sendfile (file ranges), resumed on EPOLLOUT.

#include "tcp_io_loop.hpp"
#include "tcp_log.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>

namespace tributary::kafka::detail {
namespace {

constexpr size_t k_flush_budget = 4 * 1024 * 1024; // per call, so one fast reader cannot starve
constexpr int k_max_iov = 64;

uint64_t piece_size(const out_frame& f, size_t piece) {
  if (piece == 0)
    return f.header.size();
  const auto& ch = f.chunks[piece - 1];
  if (auto* bytes = std::get_if<std::vector<char>>(&ch))
    return bytes->size();
  return static_cast<uint64_t>(std::get<file_range>(ch).length);
}

/// Empty when the chunks can be sent; else why not (the connection is closed then).
std::string check_chunks(const std::vector<chunk>& chunks, uint64_t& total) {
  total = 0;
  for (const auto& ch : chunks) {
    if (auto* bytes = std::get_if<std::vector<char>>(&ch)) {
      total += bytes->size();
      continue;
    }
    const auto& r = std::get<file_range>(ch);
    if (!r.file || r.file->fd() < 0 || r.offset < 0 || r.length < 0)
      return "a file range without a file or with a negative offset or length";
    struct stat st {};
    if (::fstat(r.file->fd(), &st) != 0)
      return "cannot stat a file range's file: " + std::system_category().message(errno);
    if (r.offset > st.st_size || r.length > st.st_size - r.offset)
      return "file range " + std::to_string(r.offset) + "+" + std::to_string(r.length) +
             " ends beyond the end of the file (" + std::to_string(st.st_size) + " bytes)";
    total += static_cast<uint64_t>(r.length);
  }
  if (total > static_cast<uint64_t>(INT32_MAX))
    return "response of " + std::to_string(total) + " bytes does not fit a Kafka frame";
  return {};
}

} // namespace

void io_loop::handle_posts() {
  box_->take(posts_);
  touched_.clear();
  for (auto& p : posts_) {
    auto it = conns_.find(p.connection);
    if (it == conns_.end())
      continue; // closed already: late responses are dropped
    auto& c = *it->second;
    if (!apply(c, p))
      continue;
    if (!c.is_touched) {
      c.is_touched = true;
      touched_.push_back(c.id);
    }
  }
  posts_.clear(); // drops what was not taken over (file handles included)
  for (auto id : touched_) {
    auto it = conns_.find(id);
    if (it == conns_.end())
      continue;
    auto& c = *it->second;
    c.is_touched = false;
    if (flush(c))
      settle(c);
  }
}

bool io_loop::apply(connection& c, post& p) {
  if (p.kind == post_kind::close) {
    net_log()->info("kafka listener: connection {} from {} closed by its handler", c.id, c.peer);
    close(c, close_cause::by_actor);
    return false;
  }
  if (p.seq < c.next_write_seq || p.seq >= c.next_seq) {
    net_log()->debug("kafka listener: connection {}: ignored a response to unknown request {}",
                     c.id, p.seq);
    return true;
  }
  auto& slot = c.slots[p.seq - c.next_write_seq];
  if (slot.is_answered) {
    net_log()->debug("kafka listener: connection {}: ignored a second response to request {}", c.id,
                     p.seq);
    return true;
  }
  if (p.kind == post_kind::send) {
    uint64_t total = 0;
    if (auto why = check_chunks(p.chunks, total); !why.empty()) {
      net_log()->warn("kafka listener: closing connection {} from {}: {} (request {})", c.id,
                      c.peer, why, p.seq);
      close(c, close_cause::bad_response);
      return false;
    }
    slot.chunks = std::move(p.chunks);
    slot.response_bytes = total + 4;
  } else {
    slot.is_skipped = true;
  }
  slot.is_answered = true;
  --c.unanswered;
  c.inflight_bytes += static_cast<int64_t>(slot.response_bytes) - slot.request_bytes;
  promote(c);
  return true;
}

void io_loop::promote(connection& c) {
  while (!c.slots.empty() && c.slots.front().is_answered) {
    auto& s = c.slots.front();
    if (!s.is_skipped) {
      out_frame f;
      auto size = static_cast<uint32_t>(s.response_bytes - 4);
      f.header = {static_cast<char>(size >> 24), static_cast<char>(size >> 16),
                  static_cast<char>(size >> 8), static_cast<char>(size)};
      f.chunks = std::move(s.chunks);
      f.bytes = s.response_bytes;
      c.out.push_back(std::move(f));
    }
    c.slots.pop_front();
    ++c.next_write_seq;
  }
}

bool io_loop::flush(connection& c) {
  uint64_t before = stats_.bytes_out.load(std::memory_order_relaxed);
  for (;;) {
    settle_front(c);
    if (c.out.empty())
      return true;
    if (stats_.bytes_out.load(std::memory_order_relaxed) - before >= k_flush_budget)
      return true; // EPOLLOUT stays on (settle) and brings us back after the others
    auto& f = c.out.front();
    io_step step;
    if (f.piece > 0 && std::holds_alternative<file_range>(f.chunks[f.piece - 1]))
      step = send_file_piece(c, f, std::get<file_range>(f.chunks[f.piece - 1]));
    else
      step = send_byte_pieces(c);
    if (step == io_step::blocked)
      return true;
    if (step == io_step::closed)
      return false;
  }
}

io_loop::io_step io_loop::send_byte_pieces(connection& c) {
  iovec iov[k_max_iov];
  int count = 0;
  for (auto& f : c.out) {
    size_t piece = f.piece;
    uint64_t done = f.piece_done;
    for (; piece <= f.chunks.size() && count < k_max_iov; ++piece, done = 0) {
      if (piece == 0) {
        iov[count++] = {f.header.data() + done, f.header.size() - done};
        continue;
      }
      auto* bytes = std::get_if<std::vector<char>>(&f.chunks[piece - 1]);
      if (!bytes)
        break; // a file range: sendfile takes over there
      if (bytes->size() > done)
        iov[count++] = {bytes->data() + done, bytes->size() - done};
    }
    if (count == k_max_iov || piece <= f.chunks.size())
      break;
  }
  msghdr msg{};
  msg.msg_iov = iov;
  msg.msg_iovlen = static_cast<size_t>(count);
  ssize_t n = ::sendmsg(c.fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
  if (n < 0) {
    if (errno == EINTR)
      return io_step::progress;
    if (errno == EAGAIN || errno == EWOULDBLOCK)
      return io_step::blocked;
    close(c, close_cause::peer);
    return io_step::closed;
  }
  if (n == 0)
    return io_step::blocked;
  advance(c, static_cast<uint64_t>(n));
  return io_step::progress;
}

io_loop::io_step io_loop::send_file_piece(connection& c, out_frame& f, const file_range& r) {
  off_t offset = static_cast<off_t>(r.offset + static_cast<int64_t>(f.piece_done));
  size_t want = static_cast<size_t>(
      std::min<uint64_t>(static_cast<uint64_t>(r.length) - f.piece_done, 1u << 30));
  ssize_t n = ::sendfile(c.fd, r.file->fd(), &offset, want);
  if (n < 0) {
    if (errno == EINTR)
      return io_step::progress;
    if (errno == EAGAIN || errno == EWOULDBLOCK)
      return io_step::blocked;
    bool is_peer = errno == EPIPE || errno == ECONNRESET;
    if (!is_peer)
      net_log()->warn("kafka listener: closing connection {} from {}: sendfile failed: {}", c.id,
                      c.peer, std::system_category().message(errno));
    close(c, is_peer ? close_cause::peer : close_cause::bad_response);
    return io_step::closed;
  }
  if (n == 0) {
    // The file shrank after the response was queued; the size prefix is already out.
    net_log()->warn("kafka listener: closing connection {} from {}: file ended {} bytes early",
                    c.id, c.peer, static_cast<uint64_t>(r.length) - f.piece_done);
    close(c, close_cause::bad_response);
    return io_step::closed;
  }
  advance(c, static_cast<uint64_t>(n));
  return io_step::progress;
}

void io_loop::advance(connection& c, uint64_t n) {
  stats_.bytes_out += n;
  c.last_progress = now_;
  while (n > 0 && !c.out.empty()) {
    auto& f = c.out.front();
    uint64_t take = std::min(n, piece_size(f, f.piece) - f.piece_done);
    f.piece_done += take;
    n -= take;
    settle_front(c);
  }
}

void io_loop::settle_front(connection& c) {
  while (!c.out.empty()) {
    auto& f = c.out.front();
    while (f.piece <= f.chunks.size() && f.piece_done >= piece_size(f, f.piece)) {
      ++f.piece;
      f.piece_done = 0;
    }
    if (f.piece <= f.chunks.size())
      return;
    c.inflight_bytes -= static_cast<int64_t>(f.bytes);
    ++stats_.frames_out;
    c.out.pop_front();
  }
}

} // namespace tributary::kafka::detail
