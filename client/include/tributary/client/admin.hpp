#pragma once
// admin: Kafka's AdminClient over a connection -- topics (create, delete, list, describe with
// partition state, add partitions, configs describe / incremental alter), consumer groups
// (list, describe with decoded assignments, delete, committed offsets: list, alter, delete,
// reset to earliest/latest/timestamp/offset), records (list offsets, delete records) and the
// cluster (nodes, actor snapshot).
// Every call blocks the calling thread until the node answers or the request timeout passes
// (REQUEST_TIMED_OUT); the outer outcome fails only when the request as a whole failed,
// per-item results carry their own error. Thread-safe: calls from several threads run
// independently. Do not call from inside an actor.

#include "tributary/client/admin_types.hpp"
#include "tributary/client/connection.hpp"

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace tributary::client {

struct admin_options {
  std::chrono::milliseconds request_timeout{30000}; // request.timeout.ms / default.api.timeout.ms
  std::string client_id = "tributary-admin";
};

class admin {
public:
  static outcome<admin> create(connection conn, admin_options options = {});
  /// bootstrap.servers (required), request.timeout.ms, default.api.timeout.ms, client.id.
  static outcome<admin> create(const std::map<std::string, std::string>& config);

  // -- topics
  outcome<std::vector<topic_result>> create_topics(const std::vector<new_topic>& topics,
                                                   bool validate_only = false);
  outcome<std::vector<topic_result>> delete_topics(const std::vector<std::string>& names);
  /// Sorted topic names; internal topics (__consumer_offsets, ...) only when asked.
  outcome<std::vector<std::string>> list_topics(bool include_internal = false);
  /// Every topic when `names` is empty. Unknown topics come back with
  /// UNKNOWN_TOPIC_OR_PARTITION in their own result.
  outcome<std::vector<topic_description>>
  describe_topics(const std::vector<std::string>& names = {});
  /// New total partition count per topic.
  outcome<std::vector<topic_result>>
  create_partitions(const std::map<std::string, int32_t>& new_totals, bool validate_only = false);
  outcome<std::vector<config_description>>
  describe_configs(const std::vector<config_resource>& resources, bool include_synonyms = false,
                   bool include_documentation = false);
  /// IncrementalAlterConfigs.
  outcome<std::vector<resource_result>>
  alter_configs(const std::map<config_resource, std::vector<config_op>>& changes,
                bool validate_only = false);

  // -- groups
  outcome<std::vector<group_listing>> list_groups(const std::vector<std::string>& states = {});
  outcome<std::vector<group_description>> describe_groups(const std::vector<std::string>& groups);
  outcome<std::vector<group_result>> delete_groups(const std::vector<std::string>& groups);
  /// Committed offsets of `group` (all of them when `partitions` is empty).
  outcome<std::map<topic_partition, offset_and_metadata>>
  list_consumer_group_offsets(const std::string& group,
                              const std::vector<topic_partition>& partitions = {});
  /// Commits `offsets` for `group` as an admin (generation -1): only while the group has no
  /// active members; otherwise UNKNOWN_MEMBER_ID saying the group must be empty.
  outcome<std::vector<partition_result>>
  alter_consumer_group_offsets(const std::string& group,
                               const std::map<topic_partition, offset_and_metadata>& offsets);
  outcome<std::vector<partition_result>>
  delete_consumer_group_offsets(const std::string& group,
                                const std::vector<topic_partition>& partitions);
  /// kafka-consumer-groups --reset-offsets: looks the target up per partition (every
  /// partition of `topics`) and commits it. Returns the offsets committed.
  outcome<std::map<topic_partition, int64_t>>
  reset_consumer_group_offsets(const std::string& group, const std::vector<std::string>& topics,
                               offset_spec target);

  // -- records
  outcome<std::vector<listed_offset>>
  list_offsets(const std::map<topic_partition, offset_spec>& specs, bool read_committed = false);
  /// Deletes records below the given offset per partition (-1: up to the high watermark).
  outcome<std::vector<deleted_records>>
  delete_records(const std::map<topic_partition, int64_t>& before);

  // -- cluster
  outcome<cluster_description> describe_cluster();
  outcome<actor_snapshot> describe_actors(const std::string& kind_filter = {});

  const connection& conn() const noexcept { return conn_; }

private:
  admin(connection conn, admin_options options)
      : conn_(std::move(conn)), options_(std::move(options)) {}

  connection conn_;
  admin_options options_;
};

} // namespace tributary::client
