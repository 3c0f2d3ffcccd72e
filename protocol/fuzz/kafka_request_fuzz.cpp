// libFuzzer target: one Kafka request frame (without its size prefix), as a tributary node
// receives it. Decodes the header and the body at the header's version with the generated
// codec, checks that whatever decodes re-encodes and decodes to the same value, and runs
// the RecordBatch validation a Produce request's records get. Build and run: scripts/fuzz.sh.
#include "tributary/protocol/batch_header.hpp"
#include "tributary/protocol/kafka/messages.hpp"
#include "tributary/protocol/kafka_api.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

namespace {

namespace pk = tributary::protocol::kafka;

/// Decodes a T; if that works, encode(decode(x)) must decode to the same value.
template <class T>
const T* decode_round_trip(pk::wire_reader& r, int16_t version, T& out) {
  if (version < T::min_version || version > T::max_version)
    return nullptr;
  out.decode(r, version);
  if (!r.ok())
    return nullptr;
  std::vector<char> bytes;
  pk::wire_writer w(bytes);
  out.encode(w, version);
  if (!w.ok())
    return nullptr; // e.g. a string over 32767 bytes decoded from a compact string
  pk::wire_reader again(bytes.data(), bytes.size());
  T copy;
  copy.decode(again, version);
  if (!again.ok() || !(copy == out) || again.remaining() != 0)
    std::abort(); // the codec disagrees with itself: a real bug
  return &out;
}

void validate_records(const std::vector<char>& records) {
  auto* p = reinterpret_cast<const std::byte*>(records.data());
  size_t left = records.size();
  for (int i = 0; i < 64 && left > 0; ++i) { // bounded: a frame holds few batches
    auto h = tributary::protocol::validate_batch_records(p, left, size_t{1} << 20);
    if (!h)
      return;
    size_t size = static_cast<size_t>(h->batch_length) + 12;
    if (size > left)
      std::abort(); // validate_batch_records accepted a batch longer than its input
    p += size;
    left -= size;
  }
}

template <class T>
void decode_only(pk::wire_reader& r, int16_t v) {
  T m;
  decode_round_trip(r, v, m);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  pk::wire_reader r(reinterpret_cast<const char*>(data), size);
  pk::request_header h;
  if (!pk::decode_request_header(r, &h))
    return 0;
  const int16_t v = h.request_api_version;
  switch (h.request_api_key) {
  case pk::api_key::produce: {
    pk::produce_request m;
    if (decode_round_trip(r, v, m))
      for (const auto& t : m.topic_data)
        for (const auto& p : t.partition_data)
          if (p.records)
            validate_records(*p.records);
    break;
  }
  case pk::api_key::fetch:
    decode_only<pk::fetch_request>(r, v);
    break;
  case pk::api_key::list_offsets:
    decode_only<pk::list_offsets_request>(r, v);
    break;
  case pk::api_key::metadata:
    decode_only<pk::metadata_request>(r, v);
    break;
  case pk::api_key::offset_commit:
    decode_only<pk::offset_commit_request>(r, v);
    break;
  case pk::api_key::offset_fetch:
    decode_only<pk::offset_fetch_request>(r, v);
    break;
  case pk::api_key::find_coordinator:
    decode_only<pk::find_coordinator_request>(r, v);
    break;
  case pk::api_key::join_group:
    decode_only<pk::join_group_request>(r, v);
    break;
  case pk::api_key::heartbeat:
    decode_only<pk::heartbeat_request>(r, v);
    break;
  case pk::api_key::leave_group:
    decode_only<pk::leave_group_request>(r, v);
    break;
  case pk::api_key::sync_group:
    decode_only<pk::sync_group_request>(r, v);
    break;
  case pk::api_key::describe_groups:
    decode_only<pk::describe_groups_request>(r, v);
    break;
  case pk::api_key::list_groups:
    decode_only<pk::list_groups_request>(r, v);
    break;
  case pk::api_key::sasl_handshake:
    decode_only<pk::sasl_handshake_request>(r, v);
    break;
  case pk::api_key::api_versions:
    decode_only<pk::api_versions_request>(r, v);
    break;
  case pk::api_key::create_topics:
    decode_only<pk::create_topics_request>(r, v);
    break;
  case pk::api_key::delete_topics:
    decode_only<pk::delete_topics_request>(r, v);
    break;
  case pk::api_key::delete_records:
    decode_only<pk::delete_records_request>(r, v);
    break;
  case pk::api_key::init_producer_id:
    decode_only<pk::init_producer_id_request>(r, v);
    break;
  case pk::api_key::describe_configs:
    decode_only<pk::describe_configs_request>(r, v);
    break;
  case pk::api_key::alter_configs:
    decode_only<pk::alter_configs_request>(r, v);
    break;
  case pk::api_key::create_partitions:
    decode_only<pk::create_partitions_request>(r, v);
    break;
  case pk::api_key::delete_groups:
    decode_only<pk::delete_groups_request>(r, v);
    break;
  case pk::api_key::incremental_alter_configs:
    decode_only<pk::incremental_alter_configs_request>(r, v);
    break;
  case pk::api_key::offset_delete:
    decode_only<pk::offset_delete_request>(r, v);
    break;
  case pk::api_key::describe_cluster:
    decode_only<pk::describe_cluster_request>(r, v);
    break;
  case pk::api_key::describe_producers:
    decode_only<pk::describe_producers_request>(r, v);
    break;
  default:
    break;
  }
  return 0;
}
