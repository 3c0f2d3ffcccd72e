#pragma once
// response_sink: how a connection's actor hands responses back to the tcp_server's I/O thread.
// Responses may be posted from any thread and in any order; the I/O thread writes them in
// request order (Kafka requires it), each preceded by its 4-byte big-endian size.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace tributary::kafka {

namespace detail {
class outbox; // the queue + eventfd shared by the sinks and the I/O thread (src/tcp_outbox.hpp)
} // namespace detail

/// An open file descriptor that closes itself, or one borrowed from an owner it keeps alive
/// (a storage log_file). Shared by the file ranges of responses that are still being
/// written, so a log segment can be deleted while a fetch response is sent.
/// Immutable after construction; thread-safe.
class file_handle {
public:
  /// Takes ownership of `fd` (closed in the destructor; -1 is allowed and never read).
  explicit file_handle(int fd) noexcept : fd_(fd) {}
  /// Borrows `fd`, which `owner` keeps open as long as this handle holds it; not closed here.
  file_handle(int fd, std::shared_ptr<const void> owner) noexcept
      : fd_(fd), owner_(std::move(owner)) {}
  ~file_handle();
  file_handle(const file_handle&) = delete;
  file_handle& operator=(const file_handle&) = delete;

  /// Opens `path` read-only. Fails with errno's code; `why` names the file and the reason.
  static std::shared_ptr<file_handle> open(const std::string& path, std::string* why = nullptr);

  int fd() const noexcept { return fd_; }

private:
  int fd_;
  std::shared_ptr<const void> owner_; // set: the fd is borrowed from it
};

/// `length` bytes of `file` starting at `offset`, written with sendfile(). If the file turns
/// out to be shorter, the connection is closed: a frame with a wrong size is never sent.
struct file_range {
  std::shared_ptr<file_handle> file;
  int64_t offset = 0;
  int64_t length = 0;
};

/// One piece of a response: bytes (written with writev) or a file range (sendfile).
using chunk = std::variant<std::vector<char>, file_range>;

/// The way back from one connection's actor to its socket. Created by the tcp_server (one per
/// connection) and shared with the actor through the connection_factory.
/// Thread-safe: every call may come from any thread, in any order. Calls never block on the
/// network and never fail: after the connection closed (peer, limit, close(), server stop)
/// they are ignored, also after the tcp_server itself is gone.
/// Each request sequence number must be answered exactly once, by send/send_chunks/skip;
/// a duplicate or a number the connection never handed out is ignored.
class response_sink {
public:
  response_sink(std::shared_ptr<detail::outbox> box, uint64_t connection_id) noexcept;
  ~response_sink();
  response_sink(const response_sink&) = delete;
  response_sink& operator=(const response_sink&) = delete;

  /// The response to request `seq`: a whole frame WITHOUT the size prefix (the sink adds it).
  void send(uint64_t seq, std::vector<char> bytes);

  /// The response to request `seq` as pieces written back to back (total size < 2 GiB).
  void send_chunks(uint64_t seq, std::vector<chunk> chunks);

  /// Request `seq` gets no response (Produce with acks=0); later responses are not held up.
  void skip(uint64_t seq);

  /// Closes the connection at once (after a protocol error); unwritten responses are dropped.
  void close();

  uint64_t connection_id() const noexcept { return id_; }

  /// True once the I/O thread closed the connection. A hint: it may turn true right after.
  bool is_closed() const noexcept { return closed_.load(std::memory_order_acquire); }

  /// Called by the I/O thread when the connection closes.
  void mark_closed() noexcept { closed_.store(true, std::memory_order_release); }

private:
  std::shared_ptr<detail::outbox> box_;
  uint64_t id_;
  std::atomic<bool> closed_{false};
};

} // namespace tributary::kafka
