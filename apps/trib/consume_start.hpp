#pragma once
// Where `trib consume` starts and when it has reached the end: creates the consumer, assigns
// partitions (no group) or subscribes (group), moves to the requested start (beginning, end,
// offset, timestamp) -- in a group when a partition is first assigned -- and remembers each
// partition's log end for --exit-at-end. Used by consume_command.cpp on main's thread.

#include "offset_lookup.hpp"

#include "tributary/client/consumer.hpp"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace tributary::trib {

/// `trib consume`'s options, filled by CLI11.
struct consume_options {
  std::vector<std::string> topics;
  std::string group;
  std::vector<int32_t> partitions;
  bool from_beginning = false;
  bool from_end = false;
  int64_t offset = -1;
  int64_t timestamp = -1;
  uint64_t count = 0;
  bool exit_at_end = false;
  int64_t idle_timeout_ms = 0;
  std::string format;
  bool no_commit = false;
  std::vector<std::string> settings; // -X name=value
};

class consume_start {
public:
  consume_start(client::connection conn, const consume_options& options)
      : conn_(std::move(conn)), options_(options) {}

  /// Checks the topics (and partitions) exist, creates the consumer and positions it.
  client::outcome<void> open(const client::consumer_config& config);

  client::consumer& consumer() { return *consumer_; }

  /// True once every assigned partition's position reached the end recorded when it was
  /// assigned (false while nothing is assigned yet).
  bool at_end();

  /// An error from positioning newly assigned partitions (inside poll), taken once.
  std::optional<client::error> take_error();

private:
  client::outcome<void> check_topics(std::vector<client::topic_partition>* all);
  client::outcome<void> position(const std::vector<client::topic_partition>& partitions);
  void on_assigned(const std::vector<client::topic_partition>& partitions);

  client::connection conn_;
  const consume_options& options_;
  std::optional<client::consumer> consumer_;
  offset_table ends_;
  std::set<client::topic_partition> positioned_;
  std::optional<client::error> error_;
};

} // namespace tributary::trib
