#pragma once
// Kafka API keys, the request and response headers, and the version tables generated from
// the schemas (protocol/schemas/kafka). The messages themselves are generated into
// tributary/protocol/kafka/messages.hpp (one header per API, e.g. kafka/produce.hpp).
// Pure functions and plain structs: thread-safe, no I/O; decoding fails through wire_reader.

#include "tributary/common/result.hpp"
#include "tributary/protocol/kafka_wire.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tributary::protocol::kafka {

/// Kafka's API keys with Kafka's numbers (ApiKeys.java); every key Kafka defines, including
/// the ones Tributary does not serve (see supported_versions()).
enum class api_key : int16_t {
  produce = 0,
  fetch = 1,
  list_offsets = 2,
  metadata = 3,
  leader_and_isr = 4,
  stop_replica = 5,
  update_metadata = 6,
  controlled_shutdown = 7,
  offset_commit = 8,
  offset_fetch = 9,
  find_coordinator = 10,
  join_group = 11,
  heartbeat = 12,
  leave_group = 13,
  sync_group = 14,
  describe_groups = 15,
  list_groups = 16,
  sasl_handshake = 17,
  api_versions = 18,
  create_topics = 19,
  delete_topics = 20,
  delete_records = 21,
  init_producer_id = 22,
  offset_for_leader_epoch = 23,
  add_partitions_to_txn = 24,
  add_offsets_to_txn = 25,
  end_txn = 26,
  write_txn_markers = 27,
  txn_offset_commit = 28,
  describe_acls = 29,
  create_acls = 30,
  delete_acls = 31,
  describe_configs = 32,
  alter_configs = 33,
  alter_replica_log_dirs = 34,
  describe_log_dirs = 35,
  sasl_authenticate = 36,
  create_partitions = 37,
  create_delegation_token = 38,
  renew_delegation_token = 39,
  expire_delegation_token = 40,
  describe_delegation_token = 41,
  delete_groups = 42,
  elect_leaders = 43,
  incremental_alter_configs = 44,
  alter_partition_reassignments = 45,
  list_partition_reassignments = 46,
  offset_delete = 47,
  describe_client_quotas = 48,
  alter_client_quotas = 49,
  describe_user_scram_credentials = 50,
  alter_user_scram_credentials = 51,
  vote = 52,
  begin_quorum_epoch = 53,
  end_quorum_epoch = 54,
  describe_quorum = 55,
  alter_partition = 56,
  update_features = 57,
  envelope = 58,
  fetch_snapshot = 59,
  describe_cluster = 60,
  describe_producers = 61,
  broker_registration = 62,
  broker_heartbeat = 63,
  unregister_broker = 64,
  describe_transactions = 65,
  list_transactions = 66,
  allocate_producer_ids = 67,
  consumer_group_heartbeat = 68,
  consumer_group_describe = 69,
  controller_registration = 70,
  get_telemetry_subscriptions = 71,
  push_telemetry = 72,
  assign_replicas_to_dirs = 73,
  list_client_metrics_resources = 74,
  describe_topic_partitions = 75,
  share_group_heartbeat = 76,
  share_group_describe = 77,
  share_fetch = 78,
  share_acknowledge = 79,
  add_raft_voter = 80,
  remove_raft_voter = 81,
  update_raft_voter = 82,
  initialize_share_group_state = 83,
  read_share_group_state = 84,
  write_share_group_state = 85,
  delete_share_group_state = 86,
  read_share_group_state_summary = 87,
};

/// Kafka's name of the API ("Produce", "ApiVersions"); "Unknown" for other numbers.
std::string_view api_key_name(api_key key) noexcept;

/// Inclusive version range; empty (min = max = -1) for APIs the codec does not generate.
struct version_range {
  int16_t min = -1;
  int16_t max = -1;
  bool empty() const noexcept { return min < 0; }
  bool contains(int16_t version) const noexcept {
    return !empty() && version >= min && version <= max;
  }
};

// ---- generated from the schemas (api_table.cpp in the build tree) ----
/// The validVersions of the API's request schema; empty if the codec lacks the API.
version_range supported_versions(api_key key) noexcept;
/// First flexible version of the API (-1: none, or not generated).
int16_t flexible_versions_from(api_key key) noexcept;
/// Request header version (0, 1 or 2) for a request of `key` at `version`: 2 for flexible
/// versions, 0 only for ControlledShutdown v0, 1 otherwise (also for keys not generated).
int16_t request_header_version(api_key key, int16_t version) noexcept;
/// Response header version: 1 for flexible versions, but always 0 for ApiVersions (KIP-511:
/// a client must be able to read the response even when the broker rejects the version).
int16_t response_header_version(api_key key, int16_t version) noexcept;
/// Every API the codec generates, in api key order (what an ApiVersions response lists).
span<const api_key> generated_api_keys() noexcept;

/// Kafka's RequestHeader v0-2. ClientId is a classic (non-compact) nullable string even in
/// v2 so that any broker can read the header of any ApiVersions request.
struct request_header {
  api_key request_api_key = api_key::produce;
  int16_t request_api_version = 0;
  int32_t correlation_id = 0;
  std::optional<std::string> client_id; // absent in header v0, may be null
  int16_t header_version = 1;           // filled by decode_request_header
  friend bool operator==(const request_header& a, const request_header& b) {
    return a.request_api_key == b.request_api_key &&
           a.request_api_version == b.request_api_version && a.correlation_id == b.correlation_id &&
           a.client_id == b.client_id;
  }
};

/// Decodes a request header; the header version follows from the api key and version.
/// A key the codec does not generate is read as header v1 without error (the caller answers
/// it by supported_versions()). Fails like wire_reader, which holds the detail.
result<void> decode_request_header(wire_reader& r, request_header* out);
/// Encodes `h` with the header version request_header_version() gives (h.header_version is
/// ignored), so the request body can follow directly.
void encode_request_header(wire_writer& w, const request_header& h);

/// Kafka's ResponseHeader v0-1 (v1 adds an empty tagged-field section).
struct response_header {
  int32_t correlation_id = 0;
};

/// Writes the response header of a response to `key` at `version`.
void encode_response_header(wire_writer& w, api_key key, int16_t version, int32_t correlation_id);
/// Reads the response header of a response to `key` at `version`.
result<void> decode_response_header(wire_reader& r, api_key key, int16_t version,
                                    response_header* out);

} // namespace tributary::protocol::kafka
