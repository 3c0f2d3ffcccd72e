#pragma once
// io_loop: the tcp_server's I/O thread -- one epoll set with the listening socket, the
// outbox's eventfd and every connection. Split over tcp_server_loop.cpp (thread, accept, close,
// idle sweep, stop), tcp_server_read.cpp (framing) and tcp_server_write.cpp (ordering, writes).

#include "tcp_connection.hpp"
#include "tcp_outbox.hpp"

#include "tributary/kafka/tcp_server.hpp"

#include <atomic>
#include <memory>
#include <thread>
#include <unordered_map>
#include <vector>

namespace tributary::kafka::detail {

/// Counters behind server_stats; written by the I/O thread, read by any thread.
struct atomic_stats {
  std::atomic<uint64_t> connections_open{0}, connections_accepted{0}, connections_refused{0},
      closed_bad_frame{0}, closed_idle{0}, closed_by_actor{0}, closed_bad_response{0},
      reads_paused{0}, bytes_in{0}, bytes_out{0}, frames_in{0}, frames_out{0};
};

/// Owned by tcp_server. Everything but start_thread/stop/stats runs on the I/O thread.
class io_loop {
public:
  /// Takes ownership of `listen_fd`. Fails (with `why`) when epoll or eventfd cannot be made.
  static std::unique_ptr<io_loop> create(int listen_fd, server_limits limits,
                                         connection_factory factory, std::string* why);
  ~io_loop();

  void start_thread();
  void stop(std::chrono::milliseconds drain); // owner thread; joins
  server_stats stats() const;

private:
  io_loop(int listen_fd, int epoll_fd, server_limits limits, connection_factory factory,
          std::shared_ptr<outbox> box);

  enum class close_cause { peer, bad_frame, idle, by_actor, bad_response, stopping, error };

  // tcp_server_loop.cpp
  void run() noexcept;
  void run_once();
  void accept_all();
  void refuse(int fd, const std::string& peer, const char* reason);
  void begin_stop();
  void sweep();
  int wait_timeout_ms() const;
  void close(connection& c, close_cause cause);
  void close_all();
  bool settle(connection& c);
  void set_listen_interest(uint32_t events);

  // tcp_server_read.cpp
  bool read(connection& c);
  bool parse(connection& c, const char* data, size_t n, std::vector<std::vector<char>>& batch);
  void finish_frame(connection& c, std::vector<std::vector<char>>& batch);
  bool may_read(const connection& c) const;

  // tcp_server_write.cpp
  void handle_posts();
  bool apply(connection& c, post& p);
  void promote(connection& c);
  bool flush(connection& c);
  enum class io_step { progress, blocked, closed };
  io_step send_file_piece(connection& c, out_frame& f, const file_range& r);
  io_step send_byte_pieces(connection& c);
  void advance(connection& c, uint64_t n);
  void settle_front(connection& c);

  int listen_fd_;
  int epoll_fd_;
  server_limits limits_;
  connection_factory factory_;
  std::shared_ptr<outbox> box_;
  std::thread thread_;
  atomic_stats stats_;

  std::atomic<bool> stop_requested_{false};
  std::atomic<int64_t> drain_ms_{0};
  bool is_stopping_ = false;
  io_clock::time_point stop_deadline_;
  io_clock::time_point now_;
  io_clock::time_point next_sweep_;
  io_clock::time_point accept_resume_; // accept paused after EMFILE and the like
  bool is_accept_paused_ = false;
  io_clock::time_point last_refusal_log_;
  uint64_t refusals_unlogged_ = 0;

  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, std::unique_ptr<connection>> conns_;
  std::vector<post> posts_;         // reused by handle_posts
  std::vector<uint64_t> touched_;   // connections with new output in this batch
  std::unique_ptr<char[]> scratch_; // read buffer for small frames
};

/// epoll keys that are not connection ids (which count up from 1).
constexpr uint64_t k_wake_key = ~uint64_t{0};
constexpr uint64_t k_listen_key = ~uint64_t{0} - 1;
constexpr size_t k_scratch_size = 64 * 1024;

} // namespace tributary::kafka::detail
