// metadata_store: topics, their config overrides and their partitions' leadership state.
#include "metadata_context.hpp"
#include "tributary/config/topic_name.hpp"
#include "tributary/storage/metadata/metadata_store.hpp"

#include <unordered_map>

namespace tributary::storage::metadata {

using detail::call_context;
using detail::sqlite_db;

namespace {

std::string quoted(std::string_view name) {
  return "topic '" + std::string(name) + "'";
}

result<bool> topic_exists(sqlite_db& db, std::string_view name) {
  auto st = db.prepare("SELECT 1 FROM topics WHERE name = ?");
  if (!st)
    return unexpected(st.error());
  st->bind(1, name);
  return st->step();
}

result<void> require_topic(const call_context& ctx, std::string_view name) {
  auto exists = topic_exists(ctx.db, name);
  if (!exists)
    return unexpected(exists.error());
  if (!*exists)
    return ctx.fail(errc::unknown_topic, quoted(name) + " does not exist");
  return {};
}

result<topic_configs> read_configs(sqlite_db& db, std::string_view name) {
  auto st = db.prepare("SELECT config_name, config_value FROM topic_configs WHERE topic = ?");
  if (!st)
    return unexpected(st.error());
  st->bind(1, name);
  topic_configs out;
  TRIB_TRY(st->each_row([&](auto& row) { out.emplace(row.text(0), row.text(1)); }));
  return out;
}

topic_record topic_from_row(const detail::statement& st) {
  return {
      st.text(0), st.text(1), static_cast<int32_t>(st.int64(2)), static_cast<int16_t>(st.int64(3)),
      {},         st.int64(4)};
}

result<topic_record> read_topic(const call_context& ctx, std::string_view name) {
  auto st = ctx.db.prepare("SELECT name, topic_id, partition_count, replication_factor, "
                           "created_ms FROM topics WHERE name = ?");
  if (!st)
    return unexpected(st.error());
  st->bind(1, name);
  auto row = st->step();
  if (!row)
    return unexpected(row.error());
  if (!*row)
    return ctx.fail(errc::unknown_topic, quoted(name) + " does not exist");
  auto topic = topic_from_row(*st);
  auto configs = read_configs(ctx.db, name);
  if (!configs)
    return unexpected(configs.error());
  topic.configs = std::move(*configs);
  return topic;
}

result<void> set_config(sqlite_db& db, std::string_view topic, const std::string& key,
                        const std::string& value) {
  auto st = db.prepare("INSERT INTO topic_configs (topic, config_name, config_value) "
                       "VALUES (?, ?, ?) ON CONFLICT (topic, config_name) DO UPDATE SET "
                       "config_value = excluded.config_value");
  if (!st)
    return unexpected(st.error());
  return st->bind(1, topic).bind(2, key).bind(3, value).run();
}

// Partitions [first, first + count): replicas from `assignment` (or none yet).
result<void> insert_partitions(sqlite_db& db, std::string_view topic, int32_t first, int32_t count,
                               const std::vector<replica_list>& assignment) {
  for (int32_t i = 0; i < count; ++i) {
    auto replicas = assignment.empty() ? replica_list{} : assignment[static_cast<size_t>(i)];
    auto st = db.prepare("INSERT INTO partitions (topic, partition_index, leader, "
                         "leader_epoch, replicas, isr) VALUES (?, ?, ?, 0, ?, ?)");
    if (!st)
      return unexpected(st.error());
    auto nodes = detail::encode_nodes(replicas);
    int64_t leader = replicas.empty() ? -1 : replicas.front().value;
    TRIB_TRY(st->bind(1, topic)
                 .bind(2, int64_t{first + i})
                 .bind(3, leader)
                 .bind(4, nodes)
                 .bind(5, nodes)
                 .run());
  }
  return {};
}

result<void> validate_assignment(const call_context& ctx, std::string_view topic,
                                 int32_t partitions, int16_t replication_factor,
                                 const std::vector<replica_list>& assignment) {
  if (assignment.empty())
    return {};
  if (assignment.size() != static_cast<size_t>(partitions))
    return ctx.fail(errc::invalid_argument, quoted(topic) + ": the replica assignment has " +
                                                std::to_string(assignment.size()) +
                                                " entries for " + std::to_string(partitions) +
                                                " partitions");
  for (const auto& replicas : assignment)
    if (replicas.size() != static_cast<size_t>(replication_factor))
      return ctx.fail(errc::invalid_replication_factor,
                      quoted(topic) + ": a partition has " + std::to_string(replicas.size()) +
                          " replicas, the replication factor is " +
                          std::to_string(replication_factor));
  return {};
}

result<void> validate_new_topic(const call_context& ctx, const new_topic& t) {
  if (std::string why; !config::validate_topic_name(t.name, &why))
    return ctx.fail(errc::invalid_topic_name, why);
  if (t.partition_count <= 0)
    return ctx.fail(errc::invalid_partitions, quoted(t.name) + ": partition count " +
                                                  std::to_string(t.partition_count) +
                                                  " must be at least 1");
  if (t.replication_factor <= 0)
    return ctx.fail(errc::invalid_replication_factor, quoted(t.name) + ": replication factor " +
                                                          std::to_string(t.replication_factor) +
                                                          " must be at least 1");
  return validate_assignment(ctx, t.name, t.partition_count, t.replication_factor,
                             t.replica_assignment);
}

// Kafka refuses a name equal to an existing one once '.' is read as '_' ("a.b", "a_b"):
// both would have the same metric names.
result<void> refuse_collision(const call_context& ctx, std::string_view name) {
  if (!config::has_collision_chars(name))
    return {};
  auto st = ctx.db.prepare("SELECT name FROM topics WHERE length(name) = ?");
  if (!st)
    return unexpected(st.error());
  std::string existing;
  TRIB_TRY(st->bind(1, static_cast<int64_t>(name.size())).each_row([&](auto& row) {
    if (existing.empty() && config::topic_names_collide(name, row.text(0)))
      existing = row.text(0);
  }));
  if (existing.empty())
    return {};
  return ctx.fail(errc::invalid_topic_name, quoted(name) + " collides with existing " +
                                                quoted(existing) +
                                                ": '.' and '_' give the same metric names; "
                                                "pick a name that differs in another way");
}

partition_record partition_from_row(const detail::statement& st) {
  return {st.text(0),
          partition_id{static_cast<int32_t>(st.int64(1))},
          node_id{static_cast<int32_t>(st.int64(2))},
          epoch{static_cast<int32_t>(st.int64(3))},
          detail::decode_nodes(st.text(4)),
          detail::decode_nodes(st.text(5))};
}

#define TRIB_SELECT_PARTITIONS                                                                     \
  "SELECT topic, partition_index, leader, leader_epoch, replicas, isr FROM partitions "

} // namespace

result<topic_record> metadata_store::create_topic(const new_topic& t) {
  TRIB_TRY(begin_call());
  call_context ctx{*db_, last_error_, now_ms()};
  TRIB_TRY(validate_new_topic(ctx, t));
  return finish(db_->write([&]() -> result<topic_record> {
    auto exists = topic_exists(*db_, t.name);
    if (!exists)
      return unexpected(exists.error());
    if (*exists)
      return ctx.fail(errc::topic_already_exists, quoted(t.name) + " already exists");
    TRIB_TRY(refuse_collision(ctx, t.name));
    topic_record rec{
        t.name,    detail::random_uuid(), t.partition_count, t.replication_factor, t.configs,
        ctx.now_ms};
    auto st = db_->prepare("INSERT INTO topics (name, topic_id, partition_count, "
                           "replication_factor, created_ms) VALUES (?,?,?,?,?)");
    if (!st)
      return unexpected(st.error());
    TRIB_TRY(st->bind(1, rec.name)
                 .bind(2, rec.topic_id)
                 .bind(3, int64_t{rec.partition_count})
                 .bind(4, int64_t{rec.replication_factor})
                 .bind(5, rec.created_ms)
                 .run());
    for (const auto& [key, value] : t.configs)
      TRIB_TRY(set_config(*db_, t.name, key, value));
    TRIB_TRY(insert_partitions(*db_, t.name, 0, t.partition_count, t.replica_assignment));
    return rec;
  }),
                "create " + quoted(t.name));
}

result<topic_record> metadata_store::get_topic(std::string_view name) {
  TRIB_TRY(begin_call());
  call_context ctx{*db_, last_error_, now_ms()};
  return finish(db_->read([&] { return read_topic(ctx, name); }), "read " + quoted(name));
}

result<std::vector<topic_record>> metadata_store::list_topics() {
  TRIB_TRY(begin_call());
  return finish(db_->read([&]() -> result<std::vector<topic_record>> {
    auto st = db_->prepare("SELECT name, topic_id, partition_count, "
                           "replication_factor, created_ms FROM topics "
                           "ORDER BY name");
    if (!st)
      return unexpected(st.error());
    std::vector<topic_record> out;
    std::unordered_map<std::string, size_t> index;
    TRIB_TRY(st->each_row([&](auto& row) {
      index.emplace(row.text(0), out.size());
      out.push_back(topic_from_row(row));
    }));
    auto cf = db_->prepare("SELECT topic, config_name, config_value "
                           "FROM topic_configs");
    if (!cf)
      return unexpected(cf.error());
    TRIB_TRY(cf->each_row([&](auto& row) {
      if (auto it = index.find(row.text(0)); it != index.end())
        out[it->second].configs.emplace(row.text(1), row.text(2));
    }));
    return out;
  }),
                "list topics");
}

result<void> metadata_store::delete_topic(std::string_view name) {
  TRIB_TRY(begin_call());
  call_context ctx{*db_, last_error_, now_ms()};
  return finish(db_->write([&]() -> result<void> {
    // ON DELETE CASCADE removes configs, partitions and committed offsets.
    auto st = db_->prepare("DELETE FROM topics WHERE name = ?");
    if (!st)
      return unexpected(st.error());
    TRIB_TRY(st->bind(1, name).run());
    if (st->changes() == 0)
      return ctx.fail(errc::unknown_topic, quoted(name) + " does not exist");
    return {};
  }),
                "delete " + quoted(name));
}

result<topic_configs>
metadata_store::update_topic_configs(std::string_view name,
                                     const std::vector<config_change>& changes) {
  TRIB_TRY(begin_call());
  call_context ctx{*db_, last_error_, now_ms()};
  return finish(db_->write([&]() -> result<topic_configs> {
    TRIB_TRY(require_topic(ctx, name));
    for (const auto& change : changes) {
      if (change.key.empty())
        return ctx.fail(errc::invalid_argument,
                        quoted(name) + ": a config change has an empty name");
      if (change.value) {
        TRIB_TRY(set_config(*db_, name, change.key, *change.value));
        continue;
      }
      auto st = db_->prepare("DELETE FROM topic_configs WHERE topic = ? AND "
                             "config_name = ?");
      if (!st)
        return unexpected(st.error());
      TRIB_TRY(st->bind(1, name).bind(2, change.key).run());
    }
    return read_configs(*db_, name);
  }),
                "update configs of " + quoted(name));
}

result<void> metadata_store::add_partitions(std::string_view name, int32_t new_count,
                                            const std::vector<replica_list>& new_assignment) {
  TRIB_TRY(begin_call());
  call_context ctx{*db_, last_error_, now_ms()};
  return finish(db_->write([&]() -> result<void> {
    auto topic = read_topic(ctx, name);
    if (!topic)
      return unexpected(topic.error());
    if (new_count <= topic->partition_count)
      return ctx.fail(errc::invalid_partitions, quoted(name) + " has " +
                                                    std::to_string(topic->partition_count) +
                                                    " partitions; the new count " +
                                                    std::to_string(new_count) + " must be larger");
    int32_t added = new_count - topic->partition_count;
    TRIB_TRY(validate_assignment(ctx, name, added, topic->replication_factor, new_assignment));
    TRIB_TRY(insert_partitions(*db_, name, topic->partition_count, added, new_assignment));
    auto st = db_->prepare("UPDATE topics SET partition_count = ? WHERE name = ?");
    if (!st)
      return unexpected(st.error());
    return st->bind(1, int64_t{new_count}).bind(2, name).run();
  }),
                "add partitions to " + quoted(name));
}

result<partition_record> metadata_store::get_partition(std::string_view topic,
                                                       partition_id partition) {
  TRIB_TRY(begin_call());
  call_context ctx{*db_, last_error_, now_ms()};
  return finish(db_->read([&]() -> result<partition_record> {
    TRIB_TRY(require_topic(ctx, topic));
    auto st = db_->prepare(TRIB_SELECT_PARTITIONS "WHERE topic = ? AND partition_index = ?");
    if (!st)
      return unexpected(st.error());
    st->bind(1, topic).bind(2, int64_t{partition.value});
    auto row = st->step();
    if (!row)
      return unexpected(row.error());
    if (!*row)
      return ctx.fail(errc::unknown_partition,
                      quoted(topic) + " has no partition " + std::to_string(partition.value));
    return partition_from_row(*st);
  }),
                "read partition of " + quoted(topic));
}

result<std::vector<partition_record>> metadata_store::list_partitions(std::string_view topic) {
  TRIB_TRY(begin_call());
  call_context ctx{*db_, last_error_, now_ms()};
  return finish(db_->read([&]() -> result<std::vector<partition_record>> {
    TRIB_TRY(require_topic(ctx, topic));
    auto st = db_->prepare(TRIB_SELECT_PARTITIONS "WHERE topic = ? ORDER BY partition_index");
    if (!st)
      return unexpected(st.error());
    st->bind(1, topic);
    std::vector<partition_record> out;
    TRIB_TRY(st->each_row([&](auto& row) { out.push_back(partition_from_row(row)); }));
    return out;
  }),
                "list partitions of " + quoted(topic));
}

result<void> metadata_store::update_partition(const partition_record& p) {
  TRIB_TRY(begin_call());
  call_context ctx{*db_, last_error_, now_ms()};
  auto what = quoted(p.topic) + " partition " + std::to_string(p.partition.value);
  return finish(db_->write([&]() -> result<void> {
    TRIB_TRY(require_topic(ctx, p.topic));
    auto cur = db_->prepare("SELECT leader_epoch FROM partitions WHERE topic = ? "
                            "AND partition_index = ?");
    if (!cur)
      return unexpected(cur.error());
    cur->bind(1, p.topic).bind(2, int64_t{p.partition.value});
    auto row = cur->step();
    if (!row)
      return unexpected(row.error());
    if (!*row)
      return ctx.fail(errc::unknown_partition, what + " does not exist");
    if (p.leader_epoch.value < cur->int64(0))
      return ctx.fail(errc::fenced_leader_epoch,
                      what + ": leader epoch " + std::to_string(p.leader_epoch.value) +
                          " is older than the stored " + std::to_string(cur->int64(0)));
    auto st = db_->prepare("UPDATE partitions SET leader = ?, leader_epoch = ?, "
                           "replicas = ?, isr = ? WHERE topic = ? AND "
                           "partition_index = ?");
    if (!st)
      return unexpected(st.error());
    st->bind(1, int64_t{p.leader.value}).bind(2, int64_t{p.leader_epoch.value});
    st->bind(3, detail::encode_nodes(p.replicas));
    st->bind(4, detail::encode_nodes(p.isr));
    return st->bind(5, p.topic).bind(6, int64_t{p.partition.value}).run();
  }),
                "update " + what);
}

} // namespace tributary::storage::metadata
