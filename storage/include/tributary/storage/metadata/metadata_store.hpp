#pragma once
// metadata_store: the node's SQLite database (`<data_dir>/metadata.db`) of cluster id, nodes,
// topics, partitions, consumer groups, committed offsets and producer ids. Record data never
// goes here; the partition log owns that.

#include "tributary/common/result.hpp"
#include "tributary/storage/metadata/cluster.hpp"
#include "tributary/storage/metadata/errc.hpp"
#include "tributary/storage/metadata/group.hpp"
#include "tributary/storage/metadata/offsets.hpp"
#include "tributary/storage/metadata/producer.hpp"
#include "tributary/storage/metadata/store_options.hpp"
#include "tributary/storage/metadata/topic.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::storage::metadata {

namespace detail {
class sqlite_db;
} // namespace detail

/// One open metadata database. Owned by one thread at a time (the node puts it behind a
/// detached actor): not thread-safe, no shared or static state, movable, not copyable.
/// Opens in WAL mode with foreign keys on; every write is one transaction (BEGIN IMMEDIATE),
/// retried with backoff on SQLITE_BUSY. Fails with result<T> errors (metadata::errc) and
/// keeps a readable explanation of the latest failure in last_error(); never throws.
class metadata_store {
public:
  /// The schema this build writes; opening a file with a higher user_version fails.
  static constexpr int k_latest_schema_version = 2;

  /// Opens (or creates) the database at `path` and migrates it to the latest schema. On
  /// failure `diagnostic`, when given, says what is wrong with which file and what to do.
  static result<metadata_store> open(const std::string& path, const store_options& options = {},
                                     std::string* diagnostic = nullptr);

  metadata_store(metadata_store&&) noexcept;
  metadata_store& operator=(metadata_store&&) noexcept;
  metadata_store(const metadata_store&) = delete;
  metadata_store& operator=(const metadata_store&) = delete;
  ~metadata_store();

  /// Closes the database; later calls fail with errc::store_closed.
  void close() noexcept;
  bool is_open() const noexcept { return db_ != nullptr; }
  const std::string& path() const noexcept { return path_; }
  int schema_version() const noexcept { return schema_version_; }
  /// What went wrong in the latest failed call, naming the file, topic, group, ...
  const std::string& last_error() const noexcept { return last_error_; }
  /// PRAGMA integrity_check; errc::not_a_database with the findings in last_error().
  result<void> check_integrity();

  // -- cluster ------------------------------------------------------------------------------
  /// The cluster id, a random UUID generated when the database was created.
  const std::string& cluster_id() const noexcept { return cluster_id_; }
  /// Registers a node or replaces its host, ports and rack.
  result<void> upsert_node(const node_record& node);
  result<std::vector<node_record>> list_nodes();
  result<void> remove_node(node_id id);

  // -- topics and partitions ----------------------------------------------------------------
  /// Creates the topic, its config overrides and partition_count partitions (leader = first
  /// replica, ISR = replicas, leader epoch 0) in one transaction.
  result<topic_record> create_topic(const new_topic& topic);
  result<topic_record> get_topic(std::string_view name);
  result<std::vector<topic_record>> list_topics();
  /// Deletes the topic with its configs, partitions and every group's offsets for it.
  result<void> delete_topic(std::string_view name);
  /// Applies all changes in one transaction (set or remove overrides); returns the result.
  result<topic_configs> update_topic_configs(std::string_view name,
                                             const std::vector<config_change>& changes);
  /// Grows the topic to new_count partitions; new_assignment holds the added partitions'
  /// replicas (empty, or new_count - old count entries).
  result<void> add_partitions(std::string_view name, int32_t new_count,
                              const std::vector<replica_list>& new_assignment);
  result<partition_record> get_partition(std::string_view topic, partition_id partition);
  result<std::vector<partition_record>> list_partitions(std::string_view topic);
  /// Stores leader, leader epoch, replicas and ISR; refuses an epoch older than the stored
  /// one (errc::fenced_leader_epoch), so a stale controller cannot roll leadership back.
  result<void> update_partition(const partition_record& partition);

  // -- consumer groups ----------------------------------------------------------------------
  /// Stores the group and replaces its member list with group.members (one transaction).
  result<void> save_group(const group_record& group);
  result<group_record> load_group(std::string_view group_id);
  /// Every group with its members, for the coordinator's start-up.
  result<std::vector<group_record>> load_groups();
  result<std::vector<group_overview>> list_groups();
  /// Deletes the group, its members and its committed offsets.
  result<void> delete_group(std::string_view group_id);
  /// Adds or replaces one member of an existing group.
  result<void> save_member(std::string_view group_id, const group_member& member);
  result<void> remove_member(std::string_view group_id, std::string_view member_id);

  // -- committed offsets --------------------------------------------------------------------
  /// Commits every entry in ONE transaction: all or nothing. Creates the group (state Empty,
  /// protocol type "") when it does not exist, as Kafka does for standalone consumers. A
  /// partition that does not exist fails the whole batch with errc::unknown_partition.
  result<void> commit_offsets(std::string_view group_id, const std::vector<offset_commit>& commits);
  /// Every committed offset of the group, ordered by topic and partition (empty if none).
  result<std::vector<offset_commit>> fetch_offsets(std::string_view group_id);
  /// The committed offsets of the listed partitions; partitions without one are left out.
  result<std::vector<offset_commit>> fetch_offsets(std::string_view group_id,
                                                   const std::vector<topic_partition>& which);
  /// OffsetDelete: removes the listed partitions' offsets; returns how many existed.
  result<int64_t> delete_offsets(std::string_view group_id,
                                 const std::vector<topic_partition>& which);
  /// Removes offsets of groups in state Empty whose expire_ms <= now_ms, or, without an
  /// explicit expiry, whose clock + retention_ms <= now_ms: the clock is the group's state_ms
  /// (when it became Empty) for a group with a protocol type, the offset's commit_ms for a
  /// standalone group (Kafka, KIP-211). Returns what was removed.
  result<std::vector<expired_offset>> expire_offsets(int64_t now_ms, int64_t retention_ms);

  // -- producer ids -------------------------------------------------------------------------
  /// Hands out `count` fresh producer ids; never reused, also across restarts.
  result<producer_id_block> allocate_producer_ids(int32_t count);
  result<transactional_producer> get_transactional_producer(std::string_view transactional_id);
  result<void> put_transactional_producer(const transactional_producer& producer);
  result<void> delete_transactional_producer(std::string_view transactional_id);
  /// InitProducerId in one transaction: registers a new producer id with epoch 0, or bumps
  /// the epoch of the existing one (a fresh id at epoch 0 once the epoch is exhausted).
  result<transactional_producer> init_transactional_producer(std::string_view transactional_id,
                                                             int32_t transaction_timeout_ms);

private:
  metadata_store(std::unique_ptr<detail::sqlite_db> db, std::string path, store_options opts);

  /// Fails with errc::store_closed when closed; clears last_error_ for the call.
  result<void> begin_call();
  /// Completes a call: a failure the helpers did not explain gets `context`, the file and
  /// SQLite's message in last_error_ (and in the log when it is a database-level error).
  template <class T>
  result<T> finish(result<T> r, std::string_view context) {
    if (!r)
      explain(r.error(), context);
    return r;
  }
  void explain(std::error_code code, std::string_view context);
  int64_t now_ms() const;

  std::unique_ptr<detail::sqlite_db> db_;
  std::string path_;
  store_options options_;
  std::string cluster_id_;
  int schema_version_ = 0;
  std::string last_error_;
};

} // namespace tributary::storage::metadata
