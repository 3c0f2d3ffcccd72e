#pragma once
// outbox: the queue from response_sinks (any thread) to the I/O thread, with an eventfd the
// I/O thread waits on in epoll. Wake-ups are coalesced: only a post into an empty queue writes
// the eventfd, so a burst of responses costs one write and one wake-up.

#include "tributary/kafka/response_sink.hpp"

#include <cstdint>
#include <mutex>
#include <vector>

namespace tributary::kafka::detail {

enum class post_kind : uint8_t { send, skip, close };

/// One call on a response_sink, in flight to the I/O thread.
struct post {
  uint64_t connection = 0;
  uint64_t seq = 0;
  post_kind kind = post_kind::send;
  std::vector<chunk> chunks;
};

/// Shared by the tcp_server's I/O thread and every response_sink; lives as long as the last
/// of them (so a sink outliving the server writes to a valid, ignored eventfd). Thread-safe.
class outbox {
public:
  outbox() noexcept; // fd() < 0 when eventfd() failed; start() checks it
  ~outbox();
  outbox(const outbox&) = delete;
  outbox& operator=(const outbox&) = delete;

  int fd() const noexcept { return fd_; }

  /// Any thread. Dropped once shut() was called.
  void push(post p);

  /// I/O thread: clears the eventfd, then moves every queued post into `into` (emptied first).
  void take(std::vector<post>& into);

  /// Any thread: makes the I/O thread's epoll_wait return (stop requests).
  void wake() noexcept;

  /// I/O thread, on exit: later posts are dropped instead of queued forever.
  void shut();

private:
  std::mutex mtx_;
  std::vector<post> posts_;
  bool is_shut_ = false;
  int fd_;
};

} // namespace tributary::kafka::detail
