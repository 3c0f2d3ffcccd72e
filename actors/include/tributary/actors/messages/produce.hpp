#pragma once
// Produce: one partition's batches in, offsets out (Kafka's ProduceRequest per partition).
// Record data travels as raw RecordBatch v2 bytes in std::vector<char>, which CAF copies and
// serializes by memcpy (std::vector<std::byte> would cost a virtual call per byte remotely).

#include "tributary/actors/messages/common.hpp"

namespace tributary::actors {

/// One or more concatenated RecordBatch v2 of one partition, appended all or nothing.
struct produce_request {
  std::string topic;
  int32_t partition = 0;
  int16_t acks = 1; // 0: nobody waits; 1: after the leader's append; -1: after ISR + flush policy
  int32_t timeout_ms = 30000;
  std::string transactional_id; // empty: none (transactions are not supported yet)
  bytes records;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, produce_request& x) {
  return f(caf::meta::type_name("trib.produce_request"), x.topic, x.partition, x.acks, x.timeout_ms,
           x.transactional_id, x.records);
}

struct produce_response {
  std::string topic;
  int32_t partition = 0;
  int16_t error = 0; // protocol::kafka_error
  std::string error_message;
  int64_t base_offset = -1;
  int64_t log_append_time = -1; // -1 unless message.timestamp.type=LogAppendTime
  int64_t log_start_offset = -1;
  int64_t record_count = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, produce_response& x) {
  return f(caf::meta::type_name("trib.produce_response"), x.topic, x.partition, x.error,
           x.error_message, x.base_offset, x.log_append_time, x.log_start_offset, x.record_count);
}

/// InitProducerId: a producer id for idempotent (or, later, transactional) producers.
struct init_producer_id_request {
  std::string transactional_id; // empty: idempotent only
  int32_t transaction_timeout_ms = 60000;
  int64_t producer_id = -1; // KIP-360 epoch bump of an existing id
  int16_t producer_epoch = -1;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, init_producer_id_request& x) {
  return f(caf::meta::type_name("trib.init_producer_id_request"), x.transactional_id,
           x.transaction_timeout_ms, x.producer_id, x.producer_epoch);
}

struct init_producer_id_response {
  int16_t error = 0;
  std::string error_message;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, init_producer_id_response& x) {
  return f(caf::meta::type_name("trib.init_producer_id_response"), x.error, x.error_message,
           x.producer_id, x.producer_epoch);
}

} // namespace tributary::actors
