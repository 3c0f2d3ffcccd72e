#pragma once
// consumer::impl -- everything a consumer keeps in the user's thread: what it reads
// (subscription or manual assignment), per-partition positions, fetched data waiting to be
// decoded, its view of the group, and pending commits. Only the poll thread touches it; the
// background actors reach it through the consumer_channel. Split over consumer.cpp (API),
// consumer_poll.cpp (poll, decoding), consumer_rebalance.cpp (group events, listener) and
// offset_commit.cpp (positions and commits).

#include "consumer_channel.hpp"
#include "fetcher.hpp"
#include "group_member.hpp"

#include "tributary/client/assignor.hpp"
#include "tributary/client/consumer.hpp"
#include "tributary/protocol/record_reader.hpp"

#include "caf/actor.hpp"

#include <deque>
#include <map>
#include <mutex>
#include <optional>

namespace spdlog {
class logger;
} // namespace spdlog

namespace tributary::client {

/// A fetched chunk being decoded: where the next batch starts and, mid-batch, its reader.
struct buffered_fetch {
  fetched_chunk chunk;
  size_t pos = 0;       // byte offset of the next batch
  size_t batch_end = 0; // end of the batch `reader` walks
  std::optional<protocol::record_reader> reader;
  std::vector<std::byte> scratch; // decompressed records of the current batch
  bool started = false;           // records were taken from it already
};

/// How a partition without a position gets one.
enum class position_source : uint8_t { none, committed, earliest, latest, reset_policy };

struct partition_state {
  int64_t position = -1; // the next offset poll() returns; -1: unknown
  position_source source = position_source::committed;
  uint32_t epoch = 0; // bumps whenever the position moves other than by consumption
  bool paused = false;
  int32_t leader_epoch = -1;
  int64_t high_watermark = -1;
  std::deque<buffered_fetch> parked; // fetched while paused, kept for resume()
};

enum class consumer_mode : uint8_t { none, subscribed, assigned };

/// Record vectors handed back by destroyed consumer_records (from any thread), reused by the
/// next poll so decoding assigns into existing strings instead of allocating.
class record_pool final : public record_recycler {
public:
  void recycle(std::vector<consumer_record>&& records) noexcept override {
    if (records.capacity() == 0)
      return;
    std::vector<consumer_record> dropped; // freed outside the lock
    std::lock_guard<std::mutex> guard{mutex_};
    if (free_.size() < 2)
      free_.push_back(std::move(records));
    else
      dropped = std::move(records);
  }
  std::vector<consumer_record> take() {
    std::lock_guard<std::mutex> guard{mutex_};
    if (free_.empty())
      return {};
    auto out = std::move(free_.back());
    free_.pop_back();
    return out;
  }

private:
  std::mutex mutex_;
  std::vector<std::vector<consumer_record>> free_;
};

struct consumer::impl {
  connection conn;
  consumer_config config;
  std::shared_ptr<consumer_channel> channel = std::make_shared<consumer_channel>();
  std::shared_ptr<record_pool> pool = std::make_shared<record_pool>();
  caf::actor fetcher;
  caf::actor member; // only with a group.id
  std::vector<std::shared_ptr<assignor>> assignors;
  rebalance_protocol protocol = rebalance_protocol::eager;
  bool closed = false;

  // what to read
  consumer_mode mode = consumer_mode::none;
  std::vector<std::string> topics; // subscribed topics (a pattern's matches), sorted
  std::string pattern;
  std::shared_ptr<rebalance_listener> listener;

  // the group as the poll thread last saw it
  std::string member_id;
  int32_t generation = -1;
  bool join_requested = false;
  bool join_in_flight = false;
  std::optional<error> fatal;

  // partitions and data
  std::map<topic_partition, partition_state> assigned;
  bool plan_dirty = true;
  std::deque<buffered_fetch> ready; // fetched, not yet decoded (in arrival order)
  std::optional<buffered_fetch> current;
  std::vector<std::pair<topic_partition, uint32_t>> acks;
  std::deque<group_event> events;
  std::deque<commit_result> commit_results;
  int64_t position_retry_ms = 0; // after a retriable failure resolving positions

  // commits
  uint64_t next_commit_id = 1;
  std::map<uint64_t, std::pair<offset_map, commit_callback>> pending_commits;
  int64_t next_auto_commit_ms = 0;
  offset_map last_auto_commit;

  bool auto_commit() const { return config.enable_auto_commit && !config.group_id.empty(); }
  bool in_group() const { return generation >= 0 && !member_id.empty(); }
  std::chrono::milliseconds request_timeout() const {
    return std::chrono::milliseconds(config.request_timeout_ms);
  }
  std::chrono::milliseconds api_timeout() const {
    return std::chrono::milliseconds(config.default_api_timeout_ms);
  }

  // consumer_poll.cpp
  void pump();
  bool wait(std::chrono::steady_clock::time_point until);
  outcome<consumer_records> collect();
  void send_plan();
  void send_acks();
  void drop_data(const topic_partition& tp);

  // consumer_rebalance.cpp
  void process_events();
  outcome<void> maybe_join();
  void add_partitions(const std::vector<topic_partition>& tps);
  void remove_partitions(const std::vector<topic_partition>& tps);
  void revoke(const std::vector<topic_partition>& tps, bool lost);
  void notify_assigned(const std::vector<topic_partition>& tps);
  void leave_group(const std::string& reason, std::chrono::steady_clock::time_point deadline);

  // offset_commit.cpp
  outcome<void> update_positions(std::chrono::milliseconds timeout);
  void set_position(const topic_partition& tp, int64_t offset);
  offset_map positions(const std::vector<topic_partition>& tps) const;
  offset_map all_positions() const;
  outcome<void> commit_sync(const offset_map& offsets, std::chrono::milliseconds timeout);
  void commit_async(const offset_map& offsets, commit_callback done);
  void complete_commits();
  void maybe_auto_commit();
  outcome<offset_map> fetch_committed(const std::vector<topic_partition>& tps,
                                      std::chrono::milliseconds timeout);
};

/// Logger of the client module (spdlog's "tributary", else the default).
std::shared_ptr<spdlog::logger> consumer_logger();

} // namespace tributary::client
