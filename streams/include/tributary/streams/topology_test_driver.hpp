#pragma once
// topology_test_driver: runs a topology on the real runtime -- a streams_app with task
// actors, stores, changelogs and internal topics -- against an in-process node in a temporary
// folder, with a clock the test controls. Tests pipe input, call process() (which returns when
// the app has processed everything, repartition topics included, and committed), then read
// output topics and stores. Slower than Kafka's TopologyTestDriver, but nothing in the
// runtime is bypassed.
//
//   topology_test_driver d(topo);                       // or with driver_options
//   d.create_topic("lines");
//   d.pipe<std::string, std::string>("lines", "k", "a b a", 1000);
//   REQUIRE(d.process());
//   auto counts = d.read_table<std::string, int64_t>("word-counts");

#include "tributary/client/connection.hpp"
#include "tributary/streams/serde.hpp"
#include "tributary/streams/streams_app.hpp"

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tributary::streams {

struct driver_options {
  std::string application_id = "test-app";
  int32_t partitions = 1; // of topics created by create_topic without a count
  int64_t start_time_ms = 1'700'000'000'000;
  streams_config config = {}; // application_id, state_dir and clock are set by the driver
};

class topology_test_driver {
public:
  /// Starts an embedded node; the app starts at the first process() (create input topics
  /// first).
  explicit topology_test_driver(topology topo, driver_options opts = {});
  ~topology_test_driver();

  /// Creates a topic (partitions < 0: options.partitions). Fails the same way admin does.
  client::outcome<void> create_topic(const std::string& name, int32_t partitions = -1);

  /// Sends one record (acknowledged before the call returns).
  client::outcome<void> pipe_raw(client::producer_record r);
  template <class K, class V>
  client::outcome<void> pipe(const std::string& topic, const K& key, const V& value,
                             int64_t timestamp, serdes<K, V> s = {}) {
    client::producer_record r;
    r.topic = topic;
    r.key = s.key.serialize(key);
    r.value = s.value.serialize(value);
    r.timestamp = timestamp;
    return pipe_raw(std::move(r));
  }

  /// Starts the app if needed and waits until it processed every input record (and what
  /// its repartition topics got from that), then commits. Bounded by `timeout`.
  client::outcome<void> process(std::chrono::milliseconds timeout = std::chrono::seconds(60));

  /// Moves the wall clock forward and runs wall-clock punctuators (through process()).
  client::outcome<void> advance_wall_clock(int64_t ms);
  int64_t wall_clock_ms() const { return clock_->load(); }

  /// Records written to `topic` since the last read of it.
  std::vector<client::consumer_record> read_raw(const std::string& topic);
  template <class K, class V>
  std::vector<std::pair<K, V>> read(const std::string& topic, serdes<K, V> s = {}) {
    std::vector<std::pair<K, V>> out;
    for (const auto& r : read_raw(topic)) {
      K k{};
      V v{};
      if (r.key)
        if (auto x = s.key.deserialize(*r.key))
          k = std::move(*x);
      if (r.value)
        if (auto x = s.value.deserialize(*r.value))
          v = std::move(*x);
      out.emplace_back(std::move(k), std::move(v));
    }
    return out;
  }
  /// The latest value per key of what was read from `topic` (all records since the start).
  template <class K, class V>
  std::map<K, V> read_table(const std::string& topic, serdes<K, V> s = {}) {
    for (auto& [k, v] : read<K, V>(topic, s))
      tables_[topic][s.key.serialize(k)] = s.value.serialize(v);
    std::map<K, V> out;
    for (const auto& [kb, vb] : tables_[topic]) {
      auto k = s.key.deserialize(kb);
      auto v = s.value.deserialize(vb);
      if (k && v)
        out[*k] = *v;
    }
    return out;
  }

  /// A key-value store's contents across the app's tasks.
  template <class K, class V>
  std::map<K, V> store(const std::string& name, serdes<K, V> s = {}) {
    std::map<K, V> out;
    if (!app_)
      return out;
    for (const auto& [kb, vb] : app_->query_all(name)) {
      auto k = s.key.deserialize(kb);
      auto v = s.value.deserialize(vb);
      if (k && v)
        out[*k] = *v;
    }
    return out;
  }

  streams_app* app() { return app_.get(); }
  client::connection& conn() { return *conn_; }
  /// Stops the app (as an instance shutting down) and starts a new one on the same state.
  client::outcome<void> restart_app();

private:
  client::outcome<void> ensure_started();

  topology topo_;
  driver_options opts_;
  std::string dir_;
  std::shared_ptr<std::atomic<int64_t>> clock_;
  std::unique_ptr<client::connection> conn_;
  std::unique_ptr<streams_app> app_;
  std::map<std::string, std::map<int32_t, int64_t>> read_positions_;
  std::map<std::string, std::map<std::string, std::string>> tables_;
  struct clients;
  std::unique_ptr<clients> clients_;
};

} // namespace tributary::streams
