#pragma once
// record_collector: the one producer a streams_app instance writes through (sinks,
// repartition topics, changelogs, the dead-letter topic), shared by its tasks. It remembers
// the first failed delivery -- under at-least-once the app must not commit offsets past
// output that was lost -- and the last acknowledged offset of every changelog partition, which
// stores persist as their restore checkpoint. Thread-safe (tasks send from their actors;
// delivery callbacks run on the producer's sender).

#include "tributary/client/producer.hpp"

#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace tributary::streams {

class record_collector {
public:
  explicit record_collector(client::producer p) : producer_(std::move(p)) {}

  void send(client::producer_record r);
  /// A changelog record: its acknowledged offset is remembered per partition.
  void send_changelog(client::producer_record r);

  /// Waits for every record sent so far; fails with the first delivery error since the last
  /// successful flush (which is then cleared: the caller decides whether to go on).
  client::outcome<void> flush();

  /// The next offset after the last acknowledged changelog record of `tp` (nullopt: none yet).
  std::optional<int64_t> changelog_end(const client::topic_partition& tp) const;

  client::producer& producer() { return producer_; }

private:
  void failed(const client::error& e);

  client::producer producer_;
  mutable std::mutex mu_;
  std::optional<client::error> first_error_;
  std::map<client::topic_partition, int64_t> changelog_ends_;
};

} // namespace tributary::streams
