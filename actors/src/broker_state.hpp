#pragma once
// The broker actor's state and the handler functions the broker's behavior (broker.cpp) calls,
// one .cpp per area: partition actors (broker_partitions.cpp), topics (broker_topics.cpp,
// broker_topic_changes.cpp), configs (broker_configs.cpp), produce / fetch
// / offsets routing (broker_routing.cpp), groups and producer ids (broker_groups.cpp).
// Private to actors/. Everything here runs on the broker actor only; no handler throws.

#include "actor_meta.hpp"

#include "tributary/actors/broker.hpp"
#include "tributary/actors/group_actor.hpp"
#include "tributary/actors/partition_actor.hpp"
#include "tributary/config/topic_config.hpp"
#include "tributary/protocol/kafka_error.hpp"
#include "tributary/storage/metadata/topic.hpp"

#include "caf/all.hpp"

#include <spdlog/spdlog.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

namespace tributary::actors {

/// One live topic: its stored record, effective config and one actor per partition.
struct topic_entry {
  storage::metadata::topic_record record;
  config::topic_config config;
  std::vector<partition_actor> partitions;                 // index = partition id
  std::vector<storage::metadata::partition_record> states; // leader, epoch, replicas, ISR
  uint64_t config_version = 0;                             // bumped on every AlterConfigs
};

/// A topic whose creation or deletion is in flight (store write, folders): requests that
/// need it wait here instead of racing the creation.
struct pending_topic {
  std::vector<std::function<void(bool created)>> waiters;
};

struct broker_state {
  broker_spec spec;
  broker_deps deps;
  actor_meta meta;
  bool is_loaded = false;
  bool is_shutting_down = false;
  std::map<std::string, topic_entry> topics;
  std::map<std::string, pending_topic> changing; // being created or deleted
  std::map<std::string, group_actor> groups;
  uint64_t timer_seq = 0;
  static constexpr const char* name = "broker";
};

using broker_self = broker_actor::stateful_pointer<broker_state>;

/// Timer kinds of the broker's timer_tick.
enum broker_timer : int32_t { timer_offsets_expiry = 1 };

std::shared_ptr<spdlog::logger> broker_log();
int16_t code(protocol::kafka_error e);
/// A store / log / config error_code as the closest Kafka code.
protocol::kafka_error to_kafka(std::error_code ec);
/// broker_node of this node (advertised host, ports).
const broker_node& self_node(broker_self self);
int32_t self_node_id(broker_self self);
/// topics[name].partitions[p] or nullptr; `why` says which of the two is missing.
const partition_actor* find_partition(broker_self self, const std::string& topic, int32_t p,
                                      std::string* why);
/// Spawns the partition actors of `entry` (partitions [from, count)).
void spawn_partitions(broker_self self, topic_entry& entry, int32_t from);
/// Loads every stored topic and spawns its partitions; the broker waits for it (await).
void load_topics(broker_self self);
/// Down message of a partition (restarted unless shutting down) or a group coordinator.
void on_down(broker_self self, const caf::down_msg& dm);

// -- topics (broker_topics.cpp) --------------------------------------------------------------
caf::result<metadata_response> handle_metadata(broker_self self, metadata_request& req);
caf::result<create_topics_response> handle_create_topics(broker_self self,
                                                         create_topics_request& req);
caf::result<delete_topics_response> handle_delete_topics(broker_self self,
                                                         delete_topics_request& req);
caf::result<create_partitions_response> handle_create_partitions(broker_self self,
                                                                 create_partitions_request& req);
/// A CreateTopics / DeleteTopics / CreatePartitions result carrying an error.
topic_result topic_error(const std::string& name, protocol::kafka_error e, std::string message);
/// Ends the in-flight state of a topic being created or deleted and runs its waiters.
void wake_topic(broker_self self, const std::string& name, bool exists);
/// A disk job removing `<data_dir>/<topic>-<p>` for p in [from, to): folders left by an
/// earlier topic of the same name must not become the new topic's data.
std::function<int()> stale_folder_job(std::string data_dir, std::string topic, int32_t from,
                                      int32_t to);
/// Creates topics with the broker defaults (auto-create); calls done(name, result) per topic.
void auto_create_topics(broker_self self, const std::vector<std::string>& names,
                        std::function<void(std::vector<topic_result>)> done);

// -- configs (broker_configs.cpp) ------------------------------------------------------------
caf::result<describe_configs_response> handle_describe_configs(broker_self self,
                                                               describe_configs_request& req);
caf::result<alter_configs_response> handle_alter_configs(broker_self self,
                                                         alter_configs_request& req);

// -- produce / fetch / offsets (broker_routing.cpp) ------------------------------------------
caf::result<produce_response> handle_produce(broker_self self, produce_request& req);
caf::result<fetch_response> handle_fetch(broker_self self, fetch_request& req);
caf::result<list_offsets_response> handle_list_offsets(broker_self self, list_offsets_request& req);
caf::result<delete_records_response> handle_delete_records(broker_self self,
                                                           delete_records_request& req);
caf::result<partition_status_list> handle_partition_status(broker_self self,
                                                           partition_status_query& req);

// -- groups and producer ids (broker_groups.cpp) ---------------------------------------------
caf::result<find_coordinator_response> handle_find_coordinator(broker_self self,
                                                               find_coordinator_request& req);
/// The group's coordinator, spawned (and monitored) on first use.
group_actor group_for(broker_self self, const std::string& group_id);
/// Routes a request to the coordinator of req.group_id (INVALID_GROUP_ID for an empty id).
caf::result<join_group_response> handle_group(broker_self self, join_group_request& req);
caf::result<sync_group_response> handle_group(broker_self self, sync_group_request& req);
caf::result<heartbeat_response> handle_group(broker_self self, heartbeat_request& req);
caf::result<leave_group_response> handle_group(broker_self self, leave_group_request& req);
caf::result<offset_commit_response> handle_group(broker_self self, offset_commit_request& req);
caf::result<offset_fetch_response> handle_group(broker_self self, offset_fetch_request& req);
caf::result<offset_delete_response> handle_group(broker_self self, offset_delete_request& req);
caf::result<describe_groups_response> handle_describe_groups(broker_self self,
                                                             describe_groups_request& req);
caf::result<list_groups_response> handle_list_groups(broker_self self, list_groups_request& req);
caf::result<delete_groups_response> handle_delete_groups(broker_self self,
                                                         delete_groups_request& req);
caf::result<init_producer_id_response> handle_init_producer_id(broker_self self,
                                                               init_producer_id_request& req);
void expire_offsets(broker_self self);
void schedule_offsets_expiry(broker_self self);

} // namespace tributary::actors
