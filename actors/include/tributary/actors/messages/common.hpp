#pragma once
// What every message header needs: the byte payload type, small shared records and CAF's
// type_name. Message headers stay light (no caf/all.hpp): they are included everywhere.
// Error fields are int16_t holding protocol::kafka_error values (0 = none), with an optional
// human-readable error_message, exactly as Kafka's responses carry them.

#include "caf/meta/type_name.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace tributary::actors {

/// Raw bytes (RecordBatch v2, consumer-protocol blobs). vector<char>: memcpy serialization.
using bytes = std::vector<char>;

/// A topic partition named in a request.
struct topic_partition_ref {
  std::string topic;
  int32_t partition = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, topic_partition_ref& x) {
  return f(caf::meta::type_name("trib.topic_partition"), x.topic, x.partition);
}

/// The outcome for one partition when there is nothing else to report.
struct partition_error {
  std::string topic;
  int32_t partition = 0;
  int16_t error = 0;
  std::string error_message;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, partition_error& x) {
  return f(caf::meta::type_name("trib.partition_error"), x.topic, x.partition, x.error,
           x.error_message);
}

/// A config key and value (vectors of these instead of maps: CAF 0.17 serializes them
/// without surprises and they keep the client's order).
struct config_kv {
  std::string name;
  std::string value;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, config_kv& x) {
  return f(caf::meta::type_name("trib.config_kv"), x.name, x.value);
}

} // namespace tributary::actors
