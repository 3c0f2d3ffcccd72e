#pragma once
// Metadata and topic administration: Metadata, CreateTopics, DeleteTopics, CreatePartitions,
// DescribeConfigs, AlterConfigs / IncrementalAlterConfigs, DescribeCluster, FindCoordinator.

#include "tributary/actors/messages/common.hpp"

namespace tributary::actors {

struct broker_node {
  int32_t node_id = 0;
  std::string host;
  int32_t port = -1;        // Kafka listener, -1 when not listening
  int32_t native_port = -1; // CAF middleman (native client), -1 when not published
  std::string rack;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, broker_node& x) {
  return f(caf::meta::type_name("trib.broker_node"), x.node_id, x.host, x.port, x.native_port,
           x.rack);
}

struct metadata_request {
  bool all_topics = true;          // false: only `topics`
  std::vector<std::string> topics; // unknown ones are auto-created when allowed and enabled
  bool allow_auto_create = true;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, metadata_request& x) {
  return f(caf::meta::type_name("trib.metadata_request"), x.all_topics, x.topics,
           x.allow_auto_create);
}

struct partition_metadata {
  int32_t partition = 0;
  int16_t error = 0;
  int32_t leader = -1;
  int32_t leader_epoch = 0;
  std::vector<int32_t> replicas;
  std::vector<int32_t> isr;
  std::vector<int32_t> offline_replicas;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, partition_metadata& x) {
  return f(caf::meta::type_name("trib.partition_metadata"), x.partition, x.error, x.leader,
           x.leader_epoch, x.replicas, x.isr, x.offline_replicas);
}

struct topic_metadata {
  std::string name;
  int16_t error = 0;
  std::string error_message;
  std::string topic_id; // UUID text, "" for errors
  bool is_internal = false;
  std::vector<partition_metadata> partitions; // by partition id
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, topic_metadata& x) {
  return f(caf::meta::type_name("trib.topic_metadata"), x.name, x.error, x.error_message,
           x.topic_id, x.is_internal, x.partitions);
}

struct metadata_response {
  std::string cluster_id;
  int32_t controller_id = -1;
  std::vector<broker_node> brokers;
  std::vector<topic_metadata> topics;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, metadata_response& x) {
  return f(caf::meta::type_name("trib.metadata_response"), x.cluster_id, x.controller_id, x.brokers,
           x.topics);
}

// -- CreateTopics / DeleteTopics / CreatePartitions -----------------------------------------

struct new_topic_spec {
  std::string name;
  int32_t num_partitions = -1;     // -1: num.partitions
  int16_t replication_factor = -1; // -1: default.replication.factor
  std::vector<config_kv> configs;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, new_topic_spec& x) {
  return f(caf::meta::type_name("trib.new_topic_spec"), x.name, x.num_partitions,
           x.replication_factor, x.configs);
}

struct create_topics_request {
  std::vector<new_topic_spec> topics;
  int32_t timeout_ms = 30000;
  bool validate_only = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, create_topics_request& x) {
  return f(caf::meta::type_name("trib.create_topics_request"), x.topics, x.timeout_ms,
           x.validate_only);
}

/// Per-topic outcome of CreateTopics / DeleteTopics / CreatePartitions.
struct topic_result {
  std::string name;
  int16_t error = 0;
  std::string error_message;
  std::string topic_id;
  int32_t num_partitions = -1;
  int16_t replication_factor = -1;
  std::vector<config_kv> configs; // CreateTopics: the effective non-default configs
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, topic_result& x) {
  return f(caf::meta::type_name("trib.topic_result"), x.name, x.error, x.error_message, x.topic_id,
           x.num_partitions, x.replication_factor, x.configs);
}

struct create_topics_response {
  std::vector<topic_result> topics;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, create_topics_response& x) {
  return f(caf::meta::type_name("trib.create_topics_response"), x.topics);
}

struct delete_topics_request {
  std::vector<std::string> names;
  int32_t timeout_ms = 30000;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, delete_topics_request& x) {
  return f(caf::meta::type_name("trib.delete_topics_request"), x.names, x.timeout_ms);
}

struct delete_topics_response {
  std::vector<topic_result> topics;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, delete_topics_response& x) {
  return f(caf::meta::type_name("trib.delete_topics_response"), x.topics);
}

struct partition_count_spec {
  std::string name;
  int32_t count = 0; // the new total
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, partition_count_spec& x) {
  return f(caf::meta::type_name("trib.partition_count_spec"), x.name, x.count);
}

struct create_partitions_request {
  std::vector<partition_count_spec> topics;
  int32_t timeout_ms = 30000;
  bool validate_only = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, create_partitions_request& x) {
  return f(caf::meta::type_name("trib.create_partitions_request"), x.topics, x.timeout_ms,
           x.validate_only);
}

struct create_partitions_response {
  std::vector<topic_result> topics;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, create_partitions_response& x) {
  return f(caf::meta::type_name("trib.create_partitions_response"), x.topics);
}

// -- DescribeConfigs / AlterConfigs ---------------------------------------------------------

/// Kafka's resource types: 2 topic, 4 broker.
enum : int8_t { resource_topic = 2, resource_broker = 4 };

struct config_resource {
  int8_t type = resource_topic;
  std::string name;              // topic name, or the node id as text for a broker
  std::vector<std::string> keys; // empty: all
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, config_resource& x) {
  return f(caf::meta::type_name("trib.config_resource"), x.type, x.name, x.keys);
}

struct describe_configs_request {
  std::vector<config_resource> resources;
  bool include_synonyms = false;
  bool include_documentation = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, describe_configs_request& x) {
  return f(caf::meta::type_name("trib.describe_configs_request"), x.resources, x.include_synonyms,
           x.include_documentation);
}

struct config_synonym_info {
  std::string name;
  std::string value;
  int8_t source = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, config_synonym_info& x) {
  return f(caf::meta::type_name("trib.config_synonym"), x.name, x.value, x.source);
}

/// One entry of DescribeConfigs v4 (source: Kafka's ConfigSource numbers; config_type:
/// Kafka's ConfigType numbers).
struct config_entry_info {
  std::string name;
  std::string value;
  bool is_null = false;
  bool read_only = false;
  int8_t source = 0;
  bool is_sensitive = false;
  int8_t config_type = 0;
  std::string documentation;
  std::vector<config_synonym_info> synonyms;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, config_entry_info& x) {
  return f(caf::meta::type_name("trib.config_entry"), x.name, x.value, x.is_null, x.read_only,
           x.source, x.is_sensitive, x.config_type, x.documentation, x.synonyms);
}

struct describe_configs_result {
  int16_t error = 0;
  std::string error_message;
  int8_t type = resource_topic;
  std::string name;
  std::vector<config_entry_info> entries;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, describe_configs_result& x) {
  return f(caf::meta::type_name("trib.describe_configs_result"), x.error, x.error_message, x.type,
           x.name, x.entries);
}

struct describe_configs_response {
  std::vector<describe_configs_result> results;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, describe_configs_response& x) {
  return f(caf::meta::type_name("trib.describe_configs_response"), x.results);
}

/// op: 0 set, 1 delete, 2 append, 3 subtract (IncrementalAlterConfigs). A non-incremental
/// AlterConfigs replaces all overrides of the resource with the `set` entries.
struct alter_config_op {
  std::string name;
  int8_t op = 0;
  std::string value;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, alter_config_op& x) {
  return f(caf::meta::type_name("trib.alter_config_op"), x.name, x.op, x.value);
}

struct alter_config_resource {
  int8_t type = resource_topic;
  std::string name;
  std::vector<alter_config_op> ops;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, alter_config_resource& x) {
  return f(caf::meta::type_name("trib.alter_config_resource"), x.type, x.name, x.ops);
}

struct alter_configs_request {
  std::vector<alter_config_resource> resources;
  bool incremental = true;
  bool validate_only = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, alter_configs_request& x) {
  return f(caf::meta::type_name("trib.alter_configs_request"), x.resources, x.incremental,
           x.validate_only);
}

struct resource_result {
  int16_t error = 0;
  std::string error_message;
  int8_t type = resource_topic;
  std::string name;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, resource_result& x) {
  return f(caf::meta::type_name("trib.resource_result"), x.error, x.error_message, x.type, x.name);
}

struct alter_configs_response {
  std::vector<resource_result> results;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, alter_configs_response& x) {
  return f(caf::meta::type_name("trib.alter_configs_response"), x.results);
}

// -- cluster --------------------------------------------------------------------------------

struct describe_cluster_request {
  bool include_actor_count = true;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, describe_cluster_request& x) {
  return f(caf::meta::type_name("trib.describe_cluster_request"), x.include_actor_count);
}

struct describe_cluster_response {
  int16_t error = 0;
  std::string cluster_id;
  int32_t controller_id = -1;
  std::vector<broker_node> brokers;
  std::string version;    // tributary's version
  std::string data_dir;   // of the answering node
  int64_t started_ms = 0; // when the answering node started
  int32_t topic_count = 0;
  int32_t partition_count = 0;
  int32_t group_count = 0;
  int32_t actor_count = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, describe_cluster_response& x) {
  return f(caf::meta::type_name("trib.describe_cluster_response"), x.error, x.cluster_id,
           x.controller_id, x.brokers, x.version, x.data_dir, x.started_ms, x.topic_count,
           x.partition_count, x.group_count, x.actor_count);
}

/// key_type: 0 group, 1 transaction.
struct find_coordinator_request {
  std::string key;
  int8_t key_type = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, find_coordinator_request& x) {
  return f(caf::meta::type_name("trib.find_coordinator_request"), x.key, x.key_type);
}

struct find_coordinator_response {
  int16_t error = 0;
  std::string error_message;
  broker_node coordinator;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, find_coordinator_response& x) {
  return f(caf::meta::type_name("trib.find_coordinator_response"), x.error, x.error_message,
           x.coordinator);
}

} // namespace tributary::actors
