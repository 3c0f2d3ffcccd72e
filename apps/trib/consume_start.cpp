// Starting positions and the end of the log for `trib consume` (see consume_start.hpp).

#include "consume_start.hpp"

namespace tributary::trib {

client::outcome<void> consume_start::check_topics(std::vector<client::topic_partition>* all) {
  for (const auto& topic : options_.topics) {
    auto count = partition_count(conn_, topic);
    if (!count)
      return count.err();
    for (auto p : options_.partitions)
      if (p >= *count)
        return client::make_error(protocol::kafka_error::unknown_topic_or_partition,
                                  "topic '" + topic + "' has " + std::to_string(*count) +
                                      " partitions; partition " + std::to_string(p) +
                                      " does not exist");
    if (options_.partitions.empty())
      for (int32_t p = 0; p < *count; ++p)
        all->push_back({topic, p});
    else
      for (auto p : options_.partitions)
        all->push_back({topic, p});
  }
  return {};
}

client::outcome<void> consume_start::open(const client::consumer_config& config) {
  std::vector<client::topic_partition> partitions;
  if (auto checked = check_topics(&partitions); !checked)
    return checked;
  auto made = client::consumer::create(conn_, config);
  if (!made)
    return made.err();
  consumer_.emplace(std::move(*made));
  if (options_.group.empty()) {
    if (auto assigned = consumer_->assign(partitions); !assigned)
      return assigned;
    return position(partitions);
  }
  // In a group the partitions arrive inside poll(); the listener positions each one the
  // first time it is assigned (later rebalances keep the group's committed progress).
  auto listener = client::make_rebalance_listener(
      [this](const std::vector<client::topic_partition>& tps) { on_assigned(tps); }, {});
  return consumer_->subscribe(options_.topics, listener);
}

client::outcome<void>
consume_start::position(const std::vector<client::topic_partition>& partitions) {
  std::vector<client::topic_partition> fresh;
  for (const auto& tp : partitions)
    if (positioned_.insert(tp).second)
      fresh.push_back(tp);
  if (fresh.empty())
    return {};
  if (options_.exit_at_end) {
    auto ends = end_offsets(conn_, fresh);
    if (!ends)
      return ends.err();
    ends_.insert(ends->begin(), ends->end());
  }
  bool in_group = !options_.group.empty();
  if (options_.offset >= 0) {
    for (const auto& tp : fresh)
      if (auto moved = consumer_->seek(tp, options_.offset); !moved)
        return moved;
  } else if (options_.timestamp >= 0) {
    auto offsets = offsets_for_time(conn_, fresh, options_.timestamp);
    if (!offsets)
      return offsets.err();
    for (const auto& [tp, offset] : *offsets)
      if (auto moved = consumer_->seek(tp, offset); !moved)
        return moved;
  } else if (!in_group && options_.from_beginning) {
    return consumer_->seek_to_beginning(fresh);
  } else if (!in_group) {
    return consumer_->seek_to_end(fresh);
  }
  return {};
}

void consume_start::on_assigned(const std::vector<client::topic_partition>& partitions) {
  if (auto done = position(partitions); !done && !error_)
    error_ = done.err();
}

bool consume_start::at_end() {
  auto assigned = consumer_->assignment();
  if (assigned.empty())
    return false;
  for (const auto& tp : assigned) {
    auto end = ends_.find(tp);
    if (end == ends_.end())
      return false;
    auto pos = consumer_->position(tp);
    if (!pos || *pos < end->second)
      return false;
  }
  return true;
}

std::optional<client::error> consume_start::take_error() {
  auto e = std::move(error_);
  error_.reset();
  return e;
}

} // namespace tributary::trib
