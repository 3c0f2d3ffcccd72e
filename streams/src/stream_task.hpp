#pragma once
// stream_task: one sub-topology on one input partition -- its operator instances, its
// stores and its positions. The runtime wraps each in a CAF actor (task_actor.cpp); this
// class is plain C++ used from that actor only, so the test driver and the actor share the
// processing code path.
//
// Commit protocol (at-least-once): flush() lets operators emit what they buffer, flushes
// every store (writes to SQLite, the written entries go to the changelog) and returns the
// offsets to commit; the app commits them only after the record collector confirmed that
// all output and changelog records were acknowledged.

#include "record_collector.hpp"
#include "tributary/client/consumer_records.hpp"
#include "tributary/streams/processor.hpp"
#include "tributary/streams/state/kv_store.hpp"
#include "tributary/streams/state/window_store.hpp"
#include "tributary/streams/streams_config.hpp"
#include "tributary/streams/topology.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tributary::streams {

/// What every task of an app instance shares.
struct task_env {
  std::string application_id;
  const topology* topo = nullptr;
  const streams_config* config = nullptr;
  record_collector* collector = nullptr;
  std::function<int32_t(const std::string&)> partition_count;
};

/// Counters of one task (read by the app for metrics and the inspector).
struct task_metrics {
  int64_t records_in = 0;
  int64_t records_out = 0;
  int64_t dropped = 0;
  int64_t skipped_errors = 0;
  int64_t punctuations = 0;
  int64_t committed_offsets = 0;
  std::map<std::string, int64_t> store_entries;
};

/// A store's changelog position: where restoring it starts.
struct restore_point {
  std::string store;
  client::topic_partition changelog;
  int64_t from_offset = 0;
};

class stream_task final : public processor_context {
public:
  static client::outcome<std::unique_ptr<stream_task>> create(task_id id, const subtopology& st,
                                                              const task_env& env);
  ~stream_task() override;

  /// Processes records of this task's source partitions in order. Fails only when an error
  /// handler says fail (the app then stops); records already processed stay processed.
  client::outcome<void> process(const std::vector<client::record_range>& ranges);

  /// Commit preparation (see above): the next offset per source partition.
  client::outcome<std::map<client::topic_partition, int64_t>> flush();

  /// Runs wall-clock punctuators that are due.
  void punctuate_wall_clock();

  /// Where each logged store restores from (its checkpoint, else the changelog's start).
  std::vector<restore_point> restore_points() const;
  /// Applies changelog records to a store while restoring.
  client::outcome<void> restore(const std::string& store, const std::vector<state::change>& batch,
                                int64_t next_offset);

  /// Flushes nothing; closes operators and stores (local files stay for the next owner).
  void close();

  task_metrics metrics() const;
  /// A store's entries as bytes (interactive queries and the test driver).
  std::vector<state::key_value> store_entries(const std::string& store) const;
  std::optional<std::string> store_get(const std::string& store, const std::string& key) const;

  // -- processor_context ----------------------------------------------------------------------
  const task_id& task() const override { return id_; }
  const std::string& application_id() const override { return env_.application_id; }
  const record_meta& meta() const override { return meta_; }
  int64_t stream_time() const override { return stream_time_; }
  int64_t wall_clock_ms() const override;
  state::kv_store* kv_store(const std::string& name) override;
  state::window_store* window_store(const std::string& name) override;
  void send(client::producer_record record) override;
  int32_t partition_count(const std::string& topic) override;
  std::string internal_topic(const std::string& base) const override;
  void schedule(int64_t interval_ms, punctuation_type type,
                std::function<void(int64_t)> fn) override;
  void record_dropped(const std::string& node, const char* reason) override;

private:
  struct punctuator {
    int64_t interval_ms;
    punctuation_type type;
    std::function<void(int64_t)> fn;
    int64_t next_due = -1;
  };
  struct store_slot {
    const store_def* def = nullptr;
    std::unique_ptr<state::kv_store> kv;
    std::unique_ptr<state::window_store> window;
    client::topic_partition changelog;
  };

  stream_task(task_id id, task_env env);
  client::outcome<void> open_stores(const subtopology& st);
  client::outcome<void> wire(const subtopology& st);
  client::outcome<void> handle_error(const client::consumer_record& r, error_action action,
                                     const std::string& what, const std::string& why);
  client::outcome<void> flush_store(store_slot& s);
  client::outcome<void> process_one(const client::consumer_record& r);
  void punctuate_stream_time();

  task_id id_;
  task_env env_;
  std::vector<std::unique_ptr<node_instance>> nodes_;
  std::map<std::string, raw_source*> sources_; // by full topic name
  std::map<std::string, store_slot> stores_;
  std::map<client::topic_partition, int64_t> next_offsets_;
  std::vector<punctuator> punctuators_;
  record_meta meta_;
  int64_t stream_time_ = -1;
  task_metrics metrics_;
};

} // namespace tributary::streams
