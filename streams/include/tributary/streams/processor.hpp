#pragma once
// The processing graph inside one task. Each operator of a topology becomes a node_instance
// per task (its own state, its own stores); typed nodes are wired child to parent once, when
// the task starts, and records then flow by plain virtual calls:
//
//   source (bytes -> record<K,V>) -> output<K,V>::forward -> input<K,V>::process -> ...
//
// A processor that changes types derives from input<K1,V1> and output<K2,V2>. Wiring checks
// the types with dynamic_cast once; the DSL makes a mismatch impossible, so a failure there
// is a bug reported as an error by the task, not a crash.

#include "tributary/client/record.hpp"
#include "tributary/streams/record.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace tributary::streams {

namespace state {
class kv_store;
class window_store;
} // namespace state

/// A task: sub-topology `subtopology` on input partition `partition` ("1_3").
struct task_id {
  int32_t subtopology = 0;
  int32_t partition = 0;

  std::string to_string() const {
    return std::to_string(subtopology) + "_" + std::to_string(partition);
  }
  friend bool operator<(const task_id& a, const task_id& b) {
    return a.subtopology != b.subtopology ? a.subtopology < b.subtopology
                                          : a.partition < b.partition;
  }
  friend bool operator==(const task_id& a, const task_id& b) {
    return a.subtopology == b.subtopology && a.partition == b.partition;
  }
};

/// Stream time drives windows (event time); wall-clock time drives wall-clock punctuators.
enum class punctuation_type { stream_time, wall_clock_time };

/// What a node sees of its task. Implemented by the runtime (stream_task); one per task,
/// used from the task's actor only.
class processor_context {
public:
  virtual ~processor_context() = default;

  virtual const task_id& task() const = 0;
  virtual const std::string& application_id() const = 0;
  /// The input record being processed (or the last one, inside a punctuator).
  virtual const record_meta& meta() const = 0;
  /// The largest input timestamp this task has seen (-1 before the first record).
  virtual int64_t stream_time() const = 0;
  /// Milliseconds since the epoch (the test driver's clock under topology_test_driver).
  virtual int64_t wall_clock_ms() const = 0;

  /// The task's stores by name; nullptr when the node did not declare it.
  virtual state::kv_store* kv_store(const std::string& name) = 0;
  virtual state::window_store* window_store(const std::string& name) = 0;

  /// Hands a record to the task's record collector (sinks, repartition topics).
  virtual void send(client::producer_record record) = 0;
  /// Partitions of an output topic (for partitioners); -1 when unknown.
  virtual int32_t partition_count(const std::string& topic) = 0;
  /// An internal topic's full name: "<application.id>-<base>".
  virtual std::string internal_topic(const std::string& base) const = 0;

  /// Calls `fn(time)` every `interval_ms` of stream or wall-clock time.
  virtual void schedule(int64_t interval_ms, punctuation_type type,
                        std::function<void(int64_t)> fn) = 0;

  /// Counts a record an operator dropped on purpose ("late", "null-key", ...).
  virtual void record_dropped(const std::string& node, const char* reason) = 0;
};

/// One operator inside one task.
class node_instance {
public:
  virtual ~node_instance() = default;
  /// Called once, before the first record, in topological order.
  virtual void init(processor_context& ctx) { ctx_ = &ctx; }
  /// Makes `child` receive this node's output. False when the types do not match (or this
  /// node has no output: sinks).
  virtual bool connect(node_instance& child) = 0;
  /// Called when the task closes (after its last flush).
  virtual void close() {}
  /// Called before the task commits: write buffered output (suppression buffers, caches).
  virtual void flush() {}

  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }

protected:
  processor_context& ctx() { return *ctx_; }

private:
  processor_context* ctx_ = nullptr;
  std::string name_;
};

/// A node that receives record<K, V>.
template <class K, class V>
class input : public virtual node_instance {
public:
  virtual void process(const record<K, V>& r) = 0;
};

/// A node that emits record<K, V> to its children.
template <class K, class V>
class output : public virtual node_instance {
public:
  bool connect(node_instance& child) override {
    auto* in = dynamic_cast<input<K, V>*>(&child);
    if (in == nullptr)
      return false;
    children_.push_back(in);
    return true;
  }

protected:
  void forward(const record<K, V>& r) {
    for (auto* c : children_)
      c->process(r);
  }

private:
  std::vector<input<K, V>*> children_;
};

/// A node with no output (sinks, foreach).
class terminal : public virtual node_instance {
public:
  bool connect(node_instance&) override { return false; }
};

/// Where a task feeds raw input records: the source nodes.
class raw_source : public virtual node_instance {
public:
  /// Deserializes and forwards; false (with `why`) when the key or value does not
  /// deserialize, so the task applies its deserialization error handler.
  virtual bool process_raw(const client::consumer_record& r, std::string& why) = 0;
};

} // namespace tributary::streams
