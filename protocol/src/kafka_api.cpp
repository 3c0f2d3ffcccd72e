// Kafka API names and the request/response headers (see kafka_api.hpp).
#include "tributary/protocol/kafka_api.hpp"

#include <iterator>

namespace tributary::protocol::kafka {
namespace {

// Indexed by api key; Kafka numbers its APIs densely from 0.
constexpr std::string_view k_api_names[] = {"Produce",
                                            "Fetch",
                                            "ListOffsets",
                                            "Metadata",
                                            "LeaderAndIsr",
                                            "StopReplica",
                                            "UpdateMetadata",
                                            "ControlledShutdown",
                                            "OffsetCommit",
                                            "OffsetFetch",
                                            "FindCoordinator",
                                            "JoinGroup",
                                            "Heartbeat",
                                            "LeaveGroup",
                                            "SyncGroup",
                                            "DescribeGroups",
                                            "ListGroups",
                                            "SaslHandshake",
                                            "ApiVersions",
                                            "CreateTopics",
                                            "DeleteTopics",
                                            "DeleteRecords",
                                            "InitProducerId",
                                            "OffsetForLeaderEpoch",
                                            "AddPartitionsToTxn",
                                            "AddOffsetsToTxn",
                                            "EndTxn",
                                            "WriteTxnMarkers",
                                            "TxnOffsetCommit",
                                            "DescribeAcls",
                                            "CreateAcls",
                                            "DeleteAcls",
                                            "DescribeConfigs",
                                            "AlterConfigs",
                                            "AlterReplicaLogDirs",
                                            "DescribeLogDirs",
                                            "SaslAuthenticate",
                                            "CreatePartitions",
                                            "CreateDelegationToken",
                                            "RenewDelegationToken",
                                            "ExpireDelegationToken",
                                            "DescribeDelegationToken",
                                            "DeleteGroups",
                                            "ElectLeaders",
                                            "IncrementalAlterConfigs",
                                            "AlterPartitionReassignments",
                                            "ListPartitionReassignments",
                                            "OffsetDelete",
                                            "DescribeClientQuotas",
                                            "AlterClientQuotas",
                                            "DescribeUserScramCredentials",
                                            "AlterUserScramCredentials",
                                            "Vote",
                                            "BeginQuorumEpoch",
                                            "EndQuorumEpoch",
                                            "DescribeQuorum",
                                            "AlterPartition",
                                            "UpdateFeatures",
                                            "Envelope",
                                            "FetchSnapshot",
                                            "DescribeCluster",
                                            "DescribeProducers",
                                            "BrokerRegistration",
                                            "BrokerHeartbeat",
                                            "UnregisterBroker",
                                            "DescribeTransactions",
                                            "ListTransactions",
                                            "AllocateProducerIds",
                                            "ConsumerGroupHeartbeat",
                                            "ConsumerGroupDescribe",
                                            "ControllerRegistration",
                                            "GetTelemetrySubscriptions",
                                            "PushTelemetry",
                                            "AssignReplicasToDirs",
                                            "ListClientMetricsResources",
                                            "DescribeTopicPartitions",
                                            "ShareGroupHeartbeat",
                                            "ShareGroupDescribe",
                                            "ShareFetch",
                                            "ShareAcknowledge",
                                            "AddRaftVoter",
                                            "RemoveRaftVoter",
                                            "UpdateRaftVoter",
                                            "InitializeShareGroupState",
                                            "ReadShareGroupState",
                                            "WriteShareGroupState",
                                            "DeleteShareGroupState",
                                            "ReadShareGroupStateSummary"};

} // namespace

std::string_view api_key_name(api_key key) noexcept {
  const auto i = static_cast<int16_t>(key);
  if (i < 0 || static_cast<size_t>(i) >= std::size(k_api_names))
    return "Unknown";
  return k_api_names[i];
}

result<void> decode_request_header(wire_reader& r, request_header* out) {
  *out = request_header{};
  out->request_api_key = static_cast<api_key>(r.read_int16("RequestHeader.RequestApiKey"));
  out->request_api_version = r.read_int16("RequestHeader.RequestApiVersion");
  out->correlation_id = r.read_int32("RequestHeader.CorrelationId");
  if (!r.ok())
    return r.status();
  out->header_version = request_header_version(out->request_api_key, out->request_api_version);
  if (out->header_version >= 1)
    out->client_id = r.read_nullable_string("RequestHeader.ClientId", false, true);
  if (out->header_version >= 2)
    r.skip_tagged_fields("RequestHeader");
  return r.status();
}

void encode_request_header(wire_writer& w, const request_header& h) {
  const int16_t header_version = request_header_version(h.request_api_key, h.request_api_version);
  w.write_int16(static_cast<int16_t>(h.request_api_key));
  w.write_int16(h.request_api_version);
  w.write_int32(h.correlation_id);
  if (header_version >= 1)
    w.write_nullable_string("RequestHeader.ClientId", h.client_id, false, true);
  if (header_version >= 2)
    w.write_unsigned_varint(0); // no tagged fields
}

void encode_response_header(wire_writer& w, api_key key, int16_t version, int32_t correlation_id) {
  w.write_int32(correlation_id);
  if (response_header_version(key, version) >= 1)
    w.write_unsigned_varint(0); // no tagged fields
}

result<void> decode_response_header(wire_reader& r, api_key key, int16_t version,
                                    response_header* out) {
  out->correlation_id = r.read_int32("ResponseHeader.CorrelationId");
  if (response_header_version(key, version) >= 1)
    r.skip_tagged_fields("ResponseHeader");
  return r.status();
}

} // namespace tributary::protocol::kafka
