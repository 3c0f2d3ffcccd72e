#pragma once
// node_record: one broker of the cluster as the metadata store persists it. A value type.

#include "tributary/common/strong_id.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace tributary::storage::metadata {

/// A registered node: where clients (kafka_port) and peers (internal_port) reach it.
struct node_record {
  node_id id;
  std::string host;
  uint16_t kafka_port = 0;
  uint16_t internal_port = 0;
  std::optional<std::string> rack; // broker.rack; nullopt when unset
  int64_t registered_ms = 0;       // set by the store on upsert

  friend bool operator==(const node_record& a, const node_record& b) {
    return a.id == b.id && a.host == b.host && a.kafka_port == b.kafka_port &&
           a.internal_port == b.internal_port && a.rack == b.rack;
  }
};

} // namespace tributary::storage::metadata
