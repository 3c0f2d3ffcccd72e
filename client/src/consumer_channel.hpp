#pragma once
// consumer_channel: the one place a consumer's background actors (fetcher, group member) hand
// things to the user's poll thread -- fetched partition data, group events, async commit
// results -- and where they read when the user last polled. Shared by shared_ptr between the
// consumer and its actors (so a late actor message after close() finds a live channel);
// thread-safe (one mutex, one condition variable); never blocks the actors.

#include "tributary/actors/messages/common.hpp"
#include "tributary/client/error.hpp"
#include "tributary/client/record.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace tributary::client {

/// Milliseconds on the steady clock (timers, poll intervals).
inline int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// One partition's answer to a fetch: whole batches from the one holding fetch_offset (or an
/// error). `epoch` is the partition's position epoch when the fetch left: the poll thread drops
/// chunks of an older epoch (the user seeked since).
struct fetched_chunk {
  topic_partition tp;
  uint32_t epoch = 0;
  int64_t fetch_offset = 0;
  int64_t next_offset = 0; // after the last complete batch
  int16_t error = 0;
  std::string error_message;
  int64_t high_watermark = -1;
  int64_t log_start_offset = -1;
  actors::bytes records;
};

/// What the group member actor tells the poll thread.
struct group_event {
  enum class kind : uint8_t {
    assigned, // SyncGroup done: generation, member_id, partitions
    rejoin,   // the group rebalances; the member still owns what it owns
    lost,     // the member's generation is gone (fenced, expired): its partitions are lost
    left,     // LeaveGroup sent (close, unsubscribe, or max.poll.interval.ms exceeded)
    fatal,    // an error no rejoin fixes (FENCED_INSTANCE_ID, INVALID_GROUP_ID, ...)
    topics,   // the subscription's topics changed (a pattern matched new topics)
  };
  kind what = kind::rejoin;
  int32_t generation = -1;
  std::string member_id;
  std::string protocol;
  std::vector<topic_partition> partitions;
  std::vector<std::string> topics;
  std::string reason;
  client::error err;
};

/// The outcome of one asynchronous commit.
struct commit_result {
  uint64_t id = 0;
  std::optional<client::error> err; // nullopt: every partition committed
};

class consumer_channel {
public:
  consumer_channel() : last_poll_ms_(steady_ms()) {}

  void push_chunks(std::vector<fetched_chunk>&& chunks) {
    {
      std::lock_guard<std::mutex> guard{mutex_};
      for (auto& c : chunks)
        chunks_.push_back(std::move(c));
    }
    cv_.notify_all();
  }
  void push_event(group_event&& e) {
    {
      std::lock_guard<std::mutex> guard{mutex_};
      events_.push_back(std::move(e));
    }
    cv_.notify_all();
  }
  void push_commit(commit_result&& r) {
    {
      std::lock_guard<std::mutex> guard{mutex_};
      commits_.push_back(std::move(r));
    }
    cv_.notify_all();
  }
  /// Interrupts a waiting poll (consumer::wakeup, from any thread).
  void wake() {
    {
      std::lock_guard<std::mutex> guard{mutex_};
      woken_ = true;
    }
    cv_.notify_all();
  }

  /// Moves everything pending into the caller's queues; false when there was nothing.
  bool drain(std::deque<fetched_chunk>& chunks, std::deque<group_event>& events,
             std::deque<commit_result>& commits) {
    std::lock_guard<std::mutex> guard{mutex_};
    return take(chunks, events, commits);
  }

  /// Waits until something arrives, wake() is called or `deadline` passes, then drains.
  /// Returns true when woken by wake() (the flag is consumed).
  bool wait_and_drain(std::chrono::steady_clock::time_point deadline,
                      std::deque<fetched_chunk>& chunks, std::deque<group_event>& events,
                      std::deque<commit_result>& commits) {
    std::unique_lock<std::mutex> lock{mutex_};
    cv_.wait_until(lock, deadline, [&] {
      return woken_ || !chunks_.empty() || !events_.empty() || !commits_.empty();
    });
    take(chunks, events, commits);
    bool woken = woken_;
    woken_ = false;
    return woken;
  }

  /// consume_woken: true once after wake() (poll returns early).
  bool consume_woken() {
    std::lock_guard<std::mutex> guard{mutex_};
    bool w = woken_;
    woken_ = false;
    return w;
  }

  // -- poll bookkeeping read by the group member (max.poll.interval.ms) -----------------------
  void poll_started() { in_poll_.store(true, std::memory_order_release); }
  void poll_finished(int64_t now_ms) {
    last_poll_ms_.store(now_ms, std::memory_order_release);
    in_poll_.store(false, std::memory_order_release);
  }
  /// Milliseconds since the user last returned from poll (0 while inside poll).
  int64_t ms_since_poll(int64_t now_ms) const {
    if (in_poll_.load(std::memory_order_acquire))
      return 0;
    return now_ms - last_poll_ms_.load(std::memory_order_acquire);
  }

private:
  bool take(std::deque<fetched_chunk>& chunks, std::deque<group_event>& events,
            std::deque<commit_result>& commits) {
    bool any = !chunks_.empty() || !events_.empty() || !commits_.empty();
    for (auto& c : chunks_)
      chunks.push_back(std::move(c));
    for (auto& e : events_)
      events.push_back(std::move(e));
    for (auto& c : commits_)
      commits.push_back(std::move(c));
    chunks_.clear();
    events_.clear();
    commits_.clear();
    return any;
  }

  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<fetched_chunk> chunks_;
  std::deque<group_event> events_;
  std::deque<commit_result> commits_;
  bool woken_ = false;
  std::atomic<bool> in_poll_{false};
  std::atomic<int64_t> last_poll_ms_;
};

} // namespace tributary::client
