#include "tributary/actors/system_setup.hpp"

#include "tributary/actors/broker_actor.hpp"
#include "tributary/actors/group_actor.hpp"
#include "tributary/actors/partition_actor.hpp"
#include "tributary/actors/worker_actors.hpp"

#include "caf/all.hpp"
#include "caf/io/all.hpp"

namespace tributary::actors {

void add_message_types(caf::actor_system_config& cfg) {
  // Names are part of the remote interface check: every node must register the same list
  // under the same names (a type missing on the receiver arrives as an empty message).
#define TRIB_TYPE(T) cfg.add_message_type<T>("trib." #T)
  TRIB_TYPE(topic_partition_ref);
  TRIB_TYPE(partition_error);
  TRIB_TYPE(config_kv);
  // produce
  TRIB_TYPE(produce_request);
  TRIB_TYPE(produce_response);
  TRIB_TYPE(init_producer_id_request);
  TRIB_TYPE(init_producer_id_response);
  // fetch, list offsets, delete records
  TRIB_TYPE(fetch_partition);
  TRIB_TYPE(fetch_request);
  TRIB_TYPE(fetch_partition_data);
  TRIB_TYPE(fetch_response);
  TRIB_TYPE(partition_fetch);
  TRIB_TYPE(list_offsets_partition);
  TRIB_TYPE(list_offsets_request);
  TRIB_TYPE(list_offsets_result);
  TRIB_TYPE(list_offsets_response);
  TRIB_TYPE(partition_list_offset);
  TRIB_TYPE(delete_records_partition);
  TRIB_TYPE(delete_records_request);
  TRIB_TYPE(delete_records_result);
  TRIB_TYPE(delete_records_response);
  TRIB_TYPE(partition_delete_records);
  // topics and cluster
  TRIB_TYPE(broker_node);
  TRIB_TYPE(metadata_request);
  TRIB_TYPE(partition_metadata);
  TRIB_TYPE(topic_metadata);
  TRIB_TYPE(metadata_response);
  TRIB_TYPE(new_topic_spec);
  TRIB_TYPE(create_topics_request);
  TRIB_TYPE(topic_result);
  TRIB_TYPE(create_topics_response);
  TRIB_TYPE(delete_topics_request);
  TRIB_TYPE(delete_topics_response);
  TRIB_TYPE(partition_count_spec);
  TRIB_TYPE(create_partitions_request);
  TRIB_TYPE(create_partitions_response);
  TRIB_TYPE(config_resource);
  TRIB_TYPE(describe_configs_request);
  TRIB_TYPE(config_synonym_info);
  TRIB_TYPE(config_entry_info);
  TRIB_TYPE(describe_configs_result);
  TRIB_TYPE(describe_configs_response);
  TRIB_TYPE(alter_config_op);
  TRIB_TYPE(alter_config_resource);
  TRIB_TYPE(alter_configs_request);
  TRIB_TYPE(resource_result);
  TRIB_TYPE(alter_configs_response);
  TRIB_TYPE(describe_cluster_request);
  TRIB_TYPE(describe_cluster_response);
  TRIB_TYPE(find_coordinator_request);
  TRIB_TYPE(find_coordinator_response);
  TRIB_TYPE(partition_status_query);
  TRIB_TYPE(partition_status_list);
  // groups
  TRIB_TYPE(group_protocol);
  TRIB_TYPE(join_group_request);
  TRIB_TYPE(join_group_member);
  TRIB_TYPE(join_group_response);
  TRIB_TYPE(sync_group_assignment);
  TRIB_TYPE(sync_group_request);
  TRIB_TYPE(sync_group_response);
  TRIB_TYPE(heartbeat_request);
  TRIB_TYPE(heartbeat_response);
  TRIB_TYPE(leave_group_member);
  TRIB_TYPE(leave_group_request);
  TRIB_TYPE(leave_group_member_result);
  TRIB_TYPE(leave_group_response);
  TRIB_TYPE(offset_commit_partition);
  TRIB_TYPE(offset_commit_request);
  TRIB_TYPE(offset_commit_response);
  TRIB_TYPE(offset_fetch_request);
  TRIB_TYPE(offset_fetch_partition);
  TRIB_TYPE(offset_fetch_response);
  TRIB_TYPE(offset_delete_request);
  TRIB_TYPE(offset_delete_response);
  TRIB_TYPE(describe_groups_request);
  TRIB_TYPE(described_member);
  TRIB_TYPE(described_group);
  TRIB_TYPE(describe_groups_response);
  TRIB_TYPE(list_groups_request);
  TRIB_TYPE(listed_group);
  TRIB_TYPE(list_groups_response);
  TRIB_TYPE(delete_groups_request);
  TRIB_TYPE(group_result);
  TRIB_TYPE(delete_groups_response);
  TRIB_TYPE(describe_group);
  TRIB_TYPE(delete_group);
  // replication
  TRIB_TYPE(replica_fetch_request);
  TRIB_TYPE(epoch_end_offset_request);
  TRIB_TYPE(epoch_end_offset_response);
  TRIB_TYPE(truncate_request);
  TRIB_TYPE(leadership_change);
  TRIB_TYPE(partition_status);
  TRIB_TYPE(partition_status_request);
  // inspection and control
  TRIB_TYPE(actor_counters);
  TRIB_TYPE(actor_info);
  TRIB_TYPE(stats_request);
  TRIB_TYPE(actor_snapshot_request);
  TRIB_TYPE(actor_snapshot);
  TRIB_TYPE(timer_tick);
  TRIB_TYPE(topic_config_update);
  TRIB_TYPE(close_request);
  TRIB_TYPE(close_response);
  TRIB_TYPE(shutdown_request);
  TRIB_TYPE(register_actor);
  TRIB_TYPE(native_listener_bound);
  TRIB_TYPE(job_done);
  // actor handles that travel in messages
  TRIB_TYPE(broker_actor);
  TRIB_TYPE(partition_actor);
  TRIB_TYPE(group_actor);
#undef TRIB_TYPE
}

void configure_actor_system(caf::actor_system_config& cfg, const system_options& opts) {
  add_message_types(cfg);
  cfg.set("scheduler.max-threads", opts.threads);
  cfg.set("scheduler.policy", caf::atom_from_string(opts.policy));
  cfg.set("logger.console", caf::atom("none"));
  // One middleman worker: deserialization of a few large batches, not many small messages.
  cfg.set("middleman.workers", size_t{1});
  if (opts.load_middleman) {
    cfg.set("middleman.heartbeat-interval",
            caf::timespan{std::chrono::milliseconds(opts.heartbeat_interval_ms)});
    cfg.load<caf::io::middleman>();
  }
}

} // namespace tributary::actors
