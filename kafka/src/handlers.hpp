#pragma once
// The API handlers of the Kafka listener, one function per API, and the table of the APIs
// and versions this node serves (what ApiVersions advertises). A handler decodes the body
// (the header is read already), asks the broker and answers exactly once through respond()
// -- or, for Produce with acks=0, through the sink's skip().

#include "connection_actor.hpp"

#include "tributary/protocol/kafka_wire.hpp"

namespace tributary::kafka {

using api_handler = void (*)(connection_self, const request_context&,
                             protocol::kafka::wire_reader&);

struct served_api {
  protocol::kafka::api_key key;
  protocol::kafka::version_range versions; // what we advertise and accept
  api_handler handler;
};

/// Every API we serve, in api key order; nullptr for keys we do not serve.
const served_api* find_served_api(protocol::kafka::api_key key) noexcept;
protocol::span<const served_api> served_apis() noexcept;

// handlers_core.cpp
void handle_api_versions(connection_self, const request_context&, protocol::kafka::wire_reader&);
void handle_sasl_handshake(connection_self, const request_context&, protocol::kafka::wire_reader&);
/// ApiVersions at a version we do not serve: Kafka answers v0 with UNSUPPORTED_VERSION and
/// the list, so the client can pick a version it shares with us.
void answer_unsupported_api_versions(connection_self, const request_context&);
// handlers_metadata.cpp
void handle_metadata(connection_self, const request_context&, protocol::kafka::wire_reader&);
// handlers_produce.cpp
void handle_produce(connection_self, const request_context&, protocol::kafka::wire_reader&);
// handlers_fetch.cpp
void handle_fetch(connection_self, const request_context&, protocol::kafka::wire_reader&);
void handle_list_offsets(connection_self, const request_context&, protocol::kafka::wire_reader&);
// handlers_groups.cpp
void handle_find_coordinator(connection_self, const request_context&,
                             protocol::kafka::wire_reader&);
void handle_join_group(connection_self, const request_context&, protocol::kafka::wire_reader&);
void handle_sync_group(connection_self, const request_context&, protocol::kafka::wire_reader&);
void handle_heartbeat(connection_self, const request_context&, protocol::kafka::wire_reader&);
void handle_leave_group(connection_self, const request_context&, protocol::kafka::wire_reader&);
void handle_describe_groups(connection_self, const request_context&, protocol::kafka::wire_reader&);
void handle_list_groups(connection_self, const request_context&, protocol::kafka::wire_reader&);
void handle_delete_groups(connection_self, const request_context&, protocol::kafka::wire_reader&);
// handlers_offsets.cpp
void handle_offset_commit(connection_self, const request_context&, protocol::kafka::wire_reader&);
void handle_offset_fetch(connection_self, const request_context&, protocol::kafka::wire_reader&);
void handle_offset_delete(connection_self, const request_context&, protocol::kafka::wire_reader&);
// handlers_topics.cpp
void handle_create_topics(connection_self, const request_context&, protocol::kafka::wire_reader&);
void handle_delete_topics(connection_self, const request_context&, protocol::kafka::wire_reader&);
void handle_create_partitions(connection_self, const request_context&,
                              protocol::kafka::wire_reader&);
void handle_delete_records(connection_self, const request_context&, protocol::kafka::wire_reader&);
// handlers_configs.cpp
void handle_describe_configs(connection_self, const request_context&,
                             protocol::kafka::wire_reader&);
void handle_alter_configs(connection_self, const request_context&, protocol::kafka::wire_reader&);
void handle_incremental_alter_configs(connection_self, const request_context&,
                                      protocol::kafka::wire_reader&);
// handlers_cluster.cpp
void handle_init_producer_id(connection_self, const request_context&,
                             protocol::kafka::wire_reader&);
void handle_describe_cluster(connection_self, const request_context&,
                             protocol::kafka::wire_reader&);
void handle_describe_producers(connection_self, const request_context&,
                               protocol::kafka::wire_reader&);

} // namespace tributary::kafka
