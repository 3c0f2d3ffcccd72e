#pragma once
// Producer ids as the metadata store persists them: the allocation counter (monotonic across
// restarts) and the transactional.id -> (producer id, epoch) map. Plain value types.

#include "tributary/common/strong_id.hpp"

#include <cstdint>
#include <string>

namespace tributary::storage::metadata {

/// Producer ids [first, first + count) handed out by one allocate_producer_ids call.
struct producer_id_block {
  producer_id first{0};
  int32_t count = 0;
};

/// The producer registered for one transactional.id (InitProducerId with a transactional id).
struct transactional_producer {
  std::string transactional_id;
  producer_id id{-1};
  producer_epoch epoch{0};
  int32_t transaction_timeout_ms = 60000; // transaction.timeout.ms
  int64_t updated_ms = 0;                 // set by the store on every write

  friend bool operator==(const transactional_producer& a, const transactional_producer& b) {
    return a.transactional_id == b.transactional_id && a.id == b.id && a.epoch == b.epoch &&
           a.transaction_timeout_ms == b.transaction_timeout_ms;
  }
};

} // namespace tributary::storage::metadata
