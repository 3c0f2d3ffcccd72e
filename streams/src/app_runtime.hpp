#pragma once
// streams_app::impl: the instance's poll thread and what it owns -- the group consumer, the
// record collector (producer), the restore consumer and one task actor per assigned task.
// Only the poll thread touches consumers and the task map's structure; other threads
// (commit_now, queries, metrics) read snapshots under `mu_` or ask the poll thread.

#include "record_collector.hpp"
#include "task_actor.hpp"
#include "tributary/client/admin.hpp"
#include "tributary/client/consumer.hpp"
#include "tributary/client/inspection.hpp"
#include "tributary/streams/streams_app.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

namespace tributary::streams {

/// Figures the inspector's proxies read (on a CAF thread, possibly after the task is gone:
/// hence shared, with its own lock).
struct inspected_cell {
  std::mutex mu;
  task_metrics metrics;
  int64_t lag = 0;
  std::string state;
  size_t tasks = 0;
};

struct task_slot {
  caf::actor actor;
  std::vector<client::topic_partition> inputs;
  bool restoring = false;
  std::map<client::topic_partition, int64_t> restore_ends; // changelog -> end offset
  std::map<client::topic_partition, std::string> restore_stores;
  task_metrics last_metrics;
  int64_t lag = 0; // records of its inputs not processed yet, as of the last commit
  std::shared_ptr<inspected_cell> cell = std::make_shared<inspected_cell>();
  client::inspection_registration inspection;
};

class streams_app::impl {
public:
  impl(topology topo, client::connection conn, streams_config config);
  ~impl();

  client::outcome<void> start();
  void close(std::chrono::milliseconds timeout);
  client::outcome<void> commit_now(std::chrono::milliseconds timeout);
  std::vector<task_info> tasks() const;
  std::map<client::topic_partition, int64_t> positions() const;
  /// Runs `fn` on every local task that has `store` (in the caller's thread, waiting).
  void for_each_task_with(const std::string& store,
                          const std::function<void(stream_task&)>& fn) const;

  topology topo_;
  client::connection conn_;
  streams_config config_;
  mutable std::mutex mu_;
  app_state state_ = app_state::created;
  std::string failure_;

private:
  // -- setup (internal_topics.cpp) ------------------------------------------------------------
  client::outcome<void> prepare_topics(client::admin& admin);
  int32_t partitions_of(const subtopology& st, std::map<std::string, int32_t>& known,
                        int depth = 0) const;

  // -- the loop (app_runtime.cpp) -------------------------------------------------------------
  void run();
  client::outcome<void> poll_once();
  client::outcome<void> commit();
  void on_assigned();
  void close_tasks(bool commit_first);
  client::outcome<void> run_on_tasks(const std::vector<task_id>& ids,
                                     const std::function<void(task_id, stream_task&)>& fn);
  void set_state(app_state s, std::string why = {});
  void register_task_inspection(task_id id, task_slot& slot);
  void update_app_cell();
  void update_lag();

  // -- restoring (restorer.cpp) ---------------------------------------------------------------
  void begin_restore(task_id id, task_slot& slot, const std::vector<restore_point>& points);
  client::outcome<void> restore_step();

  std::map<std::string, int32_t> topic_to_subtopology_;
  std::map<std::string, int32_t> partition_counts_; // full topic name -> partitions
  std::unique_ptr<record_collector> collector_;
  std::optional<client::consumer> consumer_;
  std::optional<client::consumer> restore_consumer_;
  std::optional<client::admin> admin_;      // end offsets for the lag figures
  std::map<task_id, task_slot> task_slots_; // structure: poll thread; read under mu_
  std::map<client::topic_partition, int64_t> positions_;
  task_env env_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> rebalance_pending_{false};
  int64_t last_commit_ms_ = 0;
  int64_t last_punctuate_ms_ = 0;
  // commit_now: a request counter the poll thread answers
  std::condition_variable commit_cv_;
  uint64_t commit_requested_ = 0;
  uint64_t commit_done_ = 0;
  std::optional<client::error> commit_error_;
  std::shared_ptr<inspected_cell> app_cell_ = std::make_shared<inspected_cell>();
  client::inspection_registration app_inspection_;
};

} // namespace tributary::streams
