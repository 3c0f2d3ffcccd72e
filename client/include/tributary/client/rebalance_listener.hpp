#pragma once
// rebalance_listener: what a subscribed consumer tells the user when its partitions change
// (Kafka's ConsumerRebalanceListener). Callbacks run in the user's thread, inside poll() (and
// inside unsubscribe() / close()), never on a background thread, so they may call the
// consumer: commit_sync() in on_partitions_revoked, seek() in on_partitions_assigned.
//   revoked:  the consumer gives these up in an orderly rebalance (commit progress now); with
//             the eager protocol that is everything, with cooperative-sticky only what moves;
//   assigned: these are new to the consumer (called after every rebalance, possibly empty);
//   lost:     the consumer's group generation is gone (session expired, fenced, poll timeout):
//             another member may already own these, so commits for them fail. Defaults to
//             on_partitions_revoked, as in Kafka.
// A listener is shared (shared_ptr) by the consumer; exceptions must not escape callbacks
// (the consumer catches and logs them, then continues).

#include "tributary/client/record.hpp"

#include <functional>
#include <memory>
#include <utility>
#include <vector>

namespace tributary::client {

class rebalance_listener {
public:
  virtual ~rebalance_listener() = default;
  virtual void on_partitions_revoked(const std::vector<topic_partition>& partitions) = 0;
  virtual void on_partitions_assigned(const std::vector<topic_partition>& partitions) = 0;
  virtual void on_partitions_lost(const std::vector<topic_partition>& partitions) {
    on_partitions_revoked(partitions);
  }
};

using partitions_callback = std::function<void(const std::vector<topic_partition>&)>;

/// A listener from lambdas; an empty `on_lost` falls back to `on_revoked`.
inline std::shared_ptr<rebalance_listener>
make_rebalance_listener(partitions_callback on_assigned, partitions_callback on_revoked,
                        partitions_callback on_lost = {}) {
  struct lambdas final : rebalance_listener {
    partitions_callback assigned, revoked, lost;
    void on_partitions_revoked(const std::vector<topic_partition>& p) override {
      if (revoked)
        revoked(p);
    }
    void on_partitions_assigned(const std::vector<topic_partition>& p) override {
      if (assigned)
        assigned(p);
    }
    void on_partitions_lost(const std::vector<topic_partition>& p) override {
      if (lost)
        lost(p);
      else
        on_partitions_revoked(p);
    }
  };
  auto out = std::make_shared<lambdas>();
  out->assigned = std::move(on_assigned);
  out->revoked = std::move(on_revoked);
  out->lost = std::move(on_lost);
  return out;
}

} // namespace tributary::client
