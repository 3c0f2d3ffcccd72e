// metadata_store: committed consumer offsets (OffsetCommit, OffsetFetch, OffsetDelete) and
// their expiry.
#include "metadata_context.hpp"
#include "tributary/storage/metadata/metadata_store.hpp"

#include <algorithm>
#include <tuple>

namespace tributary::storage::metadata {

using detail::call_context;
using detail::sqlite_db;

namespace {

std::string quoted(std::string_view group_id) {
  return "group '" + std::string(group_id) + "'";
}

#define TRIB_SELECT_OFFSETS                                                                        \
  "SELECT topic, partition_index, committed_offset, leader_epoch, metadata, commit_ms, "           \
  "expire_ms FROM offsets "

offset_commit offset_from_row(const detail::statement& st) {
  offset_commit c;
  c.topic = st.text(0);
  c.partition = partition_id{static_cast<int32_t>(st.int64(1))};
  c.committed = offset{st.int64(2)};
  if (auto e = st.optional_int64(3))
    c.leader_epoch = epoch{static_cast<int32_t>(*e)};
  c.metadata = st.text(4);
  c.commit_ms = st.int64(5);
  c.expire_ms = st.optional_int64(6);
  return c;
}

// Kafka creates an Empty group with no protocol when a standalone consumer commits.
result<void> ensure_group(sqlite_db& db, std::string_view group_id, int64_t now) {
  auto st = db.prepare("INSERT INTO consumer_groups (group_id, state, protocol_type, "
                       "generation, state_ms) VALUES (?, 'Empty', '', 0, ?) "
                       "ON CONFLICT (group_id) DO NOTHING");
  if (!st)
    return unexpected(st.error());
  return st->bind(1, group_id).bind(2, now).run();
}

// The foreign key to partitions refused the row: say which of topic / partition is missing.
unexpected explain_missing(const call_context& ctx, std::string_view group_id,
                           const offset_commit& c) {
  auto st = ctx.db.prepare("SELECT partition_count FROM topics WHERE name = ?");
  bool topic_exists = st && st->bind(1, c.topic).step().value_or(false);
  auto tail = "; " + quoted(group_id) + " committed nothing of this batch";
  if (!topic_exists)
    return ctx.fail(errc::unknown_topic, "topic '" + c.topic + "' does not exist" + tail);
  return ctx.fail(errc::unknown_partition,
                  "topic '" + c.topic + "' has " + std::to_string(st->int64(0)) +
                      " partitions; partition " + std::to_string(c.partition.value) +
                      " does not exist" + tail);
}

result<void> upsert_offset(const call_context& ctx, std::string_view group_id,
                           const offset_commit& c) {
  auto st = ctx.db.prepare(
      "INSERT INTO offsets (group_id, topic, partition_index, committed_offset, leader_epoch, "
      "metadata, commit_ms, expire_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (group_id, "
      "topic, partition_index) DO UPDATE SET committed_offset = excluded.committed_offset, "
      "leader_epoch = excluded.leader_epoch, metadata = excluded.metadata, commit_ms = "
      "excluded.commit_ms, expire_ms = excluded.expire_ms");
  if (!st)
    return unexpected(st.error());
  std::optional<int64_t> leader_epoch;
  if (c.leader_epoch)
    leader_epoch = c.leader_epoch->value;
  st->bind(1, group_id).bind(2, c.topic).bind(3, int64_t{c.partition.value});
  st->bind(4, c.committed.value).bind(5, leader_epoch).bind(6, c.metadata);
  auto r = st->bind(7, c.commit_ms).bind(8, c.expire_ms).run();
  if (!r && r.error() == errc::constraint_violation)
    return explain_missing(ctx, group_id, c);
  return r;
}

} // namespace

result<void> metadata_store::commit_offsets(std::string_view group_id,
                                            const std::vector<offset_commit>& commits) {
  TRIB_TRY(begin_call());
  call_context ctx{*db_, last_error_, now_ms()};
  if (group_id.empty())
    return ctx.fail(errc::invalid_argument, "a group id must not be empty");
  // One transaction for the whole batch: one WAL append (and fsync under FULL), and a
  // failure at any entry leaves every partition's previous offset in place.
  return finish(db_->write([&]() -> result<void> {
    TRIB_TRY(ensure_group(*db_, group_id, ctx.now_ms));
    for (const auto& c : commits)
      TRIB_TRY(upsert_offset(ctx, group_id, c));
    return {};
  }),
                "commit offsets of " + quoted(group_id));
}

result<std::vector<offset_commit>> metadata_store::fetch_offsets(std::string_view group_id) {
  TRIB_TRY(begin_call());
  return finish(db_->read([&]() -> result<std::vector<offset_commit>> {
    auto st =
        db_->prepare(TRIB_SELECT_OFFSETS "WHERE group_id = ? ORDER BY topic, partition_index");
    if (!st)
      return unexpected(st.error());
    st->bind(1, group_id);
    std::vector<offset_commit> out;
    TRIB_TRY(st->each_row([&](auto& row) { out.push_back(offset_from_row(row)); }));
    return out;
  }),
                "fetch offsets of " + quoted(group_id));
}

result<std::vector<offset_commit>>
metadata_store::fetch_offsets(std::string_view group_id,
                              const std::vector<topic_partition>& which) {
  TRIB_TRY(begin_call());
  return finish(db_->read([&]() -> result<std::vector<offset_commit>> {
    std::vector<offset_commit> out;
    for (const auto& tp : which) {
      auto st = db_->prepare(TRIB_SELECT_OFFSETS "WHERE group_id = ? AND topic = ? "
                                                 "AND partition_index = ?");
      if (!st)
        return unexpected(st.error());
      st->bind(1, group_id).bind(2, tp.topic).bind(3, int64_t{tp.partition.value});
      TRIB_TRY(st->each_row([&](auto& row) { out.push_back(offset_from_row(row)); }));
    }
    return out;
  }),
                "fetch offsets of " + quoted(group_id));
}

result<int64_t> metadata_store::delete_offsets(std::string_view group_id,
                                               const std::vector<topic_partition>& which) {
  TRIB_TRY(begin_call());
  call_context ctx{*db_, last_error_, now_ms()};
  return finish(db_->write([&]() -> result<int64_t> {
    auto exists = db_->prepare("SELECT 1 FROM consumer_groups WHERE group_id = ?");
    if (!exists)
      return unexpected(exists.error());
    auto found = exists->bind(1, group_id).step();
    if (!found)
      return unexpected(found.error());
    if (!*found)
      return ctx.fail(errc::unknown_group, quoted(group_id) + " does not exist");
    int64_t deleted = 0;
    for (const auto& tp : which) {
      auto st = db_->prepare("DELETE FROM offsets WHERE group_id = ? AND "
                             "topic = ? AND partition_index = ?");
      if (!st)
        return unexpected(st.error());
      TRIB_TRY(st->bind(1, group_id).bind(2, tp.topic).bind(3, int64_t{tp.partition.value}).run());
      deleted += st->changes();
    }
    return deleted;
  }),
                "delete offsets of " + quoted(group_id));
}

result<std::vector<expired_offset>> metadata_store::expire_offsets(int64_t now_ms,
                                                                   int64_t retention_ms) {
  TRIB_TRY(begin_call());
  return finish(db_->write([&]() -> result<std::vector<expired_offset>> {
    // Only groups without members (Empty) lose offsets, as in Kafka: an active group's
    // offsets stay while it consumes. The retention clock (KIP-211): for a group with a
    // protocol type (a consumer group) it starts when the group became Empty (state_ms), so
    // the group keeps its offsets for the whole period after its last member left, however
    // old its commits; for a standalone group (no protocol type) it starts at each commit.
    // An explicit expire_ms (OffsetCommit v1) wins over both.
    auto st = db_->prepare(
        "DELETE FROM offsets WHERE group_id IN (SELECT group_id FROM consumer_groups WHERE "
        "state = 'Empty') AND CASE WHEN expire_ms IS NOT NULL THEN expire_ms <= ?1 "
        "ELSE (SELECT CASE WHEN g.protocol_type <> '' THEN g.state_ms "
        "ELSE offsets.commit_ms END FROM consumer_groups AS g "
        "WHERE g.group_id = offsets.group_id) <= ?1 - ?2 END "
        "RETURNING group_id, topic, partition_index, committed_offset");
    if (!st)
      return unexpected(st.error());
    st->bind(1, now_ms).bind(2, retention_ms);
    std::vector<expired_offset> out;
    TRIB_TRY(st->each_row([&](auto& row) {
      out.push_back({row.text(0), row.text(1), partition_id{static_cast<int32_t>(row.int64(2))},
                     offset{row.int64(3)}});
    }));
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      return std::tie(a.group_id, a.topic, a.partition.value) <
             std::tie(b.group_id, b.topic, b.partition.value);
    });
    return out;
  }),
                "expire offsets");
}

} // namespace tributary::storage::metadata
