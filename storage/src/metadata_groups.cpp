// metadata_store: consumer groups and their members.
#include "metadata_context.hpp"
#include "tributary/storage/metadata/metadata_store.hpp"

#include <unordered_map>

namespace tributary::storage::metadata {

using detail::call_context;
using detail::sqlite_db;

namespace {

constexpr std::pair<group_state, std::string_view> k_state_names[] = {
    {group_state::empty, "Empty"},
    {group_state::preparing_rebalance, "PreparingRebalance"},
    {group_state::completing_rebalance, "CompletingRebalance"},
    {group_state::stable, "Stable"},
    {group_state::dead, "Dead"},
};

std::string quoted(std::string_view group_id) {
  return "group '" + std::string(group_id) + "'";
}

#define TRIB_SELECT_GROUPS                                                                         \
  "SELECT group_id, state, protocol_type, protocol_name, generation, leader_member, "              \
  "state_ms FROM consumer_groups "
#define TRIB_SELECT_MEMBERS                                                                        \
  "SELECT group_id, member_id, group_instance_id, client_id, client_host, "                        \
  "session_timeout_ms, rebalance_timeout_ms, subscription, assignment FROM group_members "

group_record group_from_row(const detail::statement& st) {
  group_record g;
  g.group_id = st.text(0);
  g.state = group_state_from_string(st.text(1)).value_or(group_state::dead);
  g.protocol_type = st.text(2);
  g.protocol_name = st.optional_text(3);
  g.generation = generation_id{static_cast<int32_t>(st.int64(4))};
  g.leader_member = st.optional_text(5);
  g.state_ms = st.int64(6);
  return g;
}

group_member member_from_row(const detail::statement& st) {
  return {st.text(1),
          st.optional_text(2),
          st.text(3),
          st.text(4),
          static_cast<int32_t>(st.int64(5)),
          static_cast<int32_t>(st.int64(6)),
          st.bytes(7),
          st.bytes(8)};
}

result<void> upsert_group_row(sqlite_db& db, const group_record& g) {
  auto st = db.prepare(
      "INSERT INTO consumer_groups (group_id, state, protocol_type, protocol_name, generation, "
      "leader_member, state_ms) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (group_id) DO UPDATE "
      "SET state = excluded.state, protocol_type = excluded.protocol_type, protocol_name = "
      "excluded.protocol_name, generation = excluded.generation, leader_member = "
      "excluded.leader_member, state_ms = excluded.state_ms");
  if (!st)
    return unexpected(st.error());
  st->bind(1, g.group_id).bind(2, to_string(g.state)).bind(3, g.protocol_type);
  st->bind(4, g.protocol_name).bind(5, int64_t{g.generation.value});
  return st->bind(6, g.leader_member).bind(7, g.state_ms).run();
}

result<void> upsert_member(sqlite_db& db, std::string_view group_id, const group_member& m) {
  auto st = db.prepare(
      "INSERT INTO group_members (group_id, member_id, group_instance_id, client_id, "
      "client_host, session_timeout_ms, rebalance_timeout_ms, subscription, assignment) VALUES "
      "(?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (group_id, member_id) DO UPDATE SET "
      "group_instance_id = excluded.group_instance_id, client_id = excluded.client_id, "
      "client_host = excluded.client_host, session_timeout_ms = excluded.session_timeout_ms, "
      "rebalance_timeout_ms = excluded.rebalance_timeout_ms, subscription = "
      "excluded.subscription, assignment = excluded.assignment");
  if (!st)
    return unexpected(st.error());
  st->bind(1, group_id).bind(2, m.member_id).bind(3, m.group_instance_id);
  st->bind(4, m.client_id).bind(5, m.client_host).bind(6, int64_t{m.session_timeout_ms});
  st->bind(7, int64_t{m.rebalance_timeout_ms}).bind(8, m.subscription);
  return st->bind(9, m.assignment).run();
}

result<bool> group_exists(sqlite_db& db, std::string_view group_id) {
  auto st = db.prepare("SELECT 1 FROM consumer_groups WHERE group_id = ?");
  if (!st)
    return unexpected(st.error());
  st->bind(1, group_id);
  return st->step();
}

result<void> require_group(const call_context& ctx, std::string_view group_id) {
  auto exists = group_exists(ctx.db, group_id);
  if (!exists)
    return unexpected(exists.error());
  if (!*exists)
    return ctx.fail(errc::unknown_group, quoted(group_id) + " does not exist");
  return {};
}

// Groups (all, or the one named) with their members, in group id order.
result<std::vector<group_record>> read_groups(sqlite_db& db, std::optional<std::string_view> only) {
  auto gs = only ? db.prepare(TRIB_SELECT_GROUPS "WHERE group_id = ?")
                 : db.prepare(TRIB_SELECT_GROUPS "ORDER BY group_id");
  if (!gs)
    return unexpected(gs.error());
  if (only)
    gs->bind(1, *only);
  std::vector<group_record> out;
  std::unordered_map<std::string, size_t> index;
  TRIB_TRY(gs->each_row([&](auto& row) {
    index.emplace(row.text(0), out.size());
    out.push_back(group_from_row(row));
  }));
  auto ms = only ? db.prepare(TRIB_SELECT_MEMBERS "WHERE group_id = ? ORDER BY member_id")
                 : db.prepare(TRIB_SELECT_MEMBERS "ORDER BY group_id, member_id");
  if (!ms)
    return unexpected(ms.error());
  if (only)
    ms->bind(1, *only);
  TRIB_TRY(ms->each_row([&](auto& row) {
    if (auto it = index.find(row.text(0)); it != index.end())
      out[it->second].members.push_back(member_from_row(row));
  }));
  return out;
}

} // namespace

std::string_view to_string(group_state s) noexcept {
  for (const auto& [state, name] : k_state_names)
    if (state == s)
      return name;
  return "Dead";
}

std::optional<group_state> group_state_from_string(std::string_view s) noexcept {
  for (const auto& [state, name] : k_state_names)
    if (name == s)
      return state;
  return std::nullopt;
}

result<void> metadata_store::save_group(const group_record& g) {
  TRIB_TRY(begin_call());
  call_context ctx{*db_, last_error_, now_ms()};
  if (g.group_id.empty())
    return ctx.fail(errc::invalid_argument, "a group id must not be empty");
  return finish(db_->write([&]() -> result<void> {
    TRIB_TRY(upsert_group_row(*db_, g));
    // Replace the member list: drop everyone, insert the current members.
    auto del = db_->prepare("DELETE FROM group_members WHERE group_id = ?");
    if (!del)
      return unexpected(del.error());
    TRIB_TRY(del->bind(1, g.group_id).run());
    for (const auto& m : g.members) {
      if (m.member_id.empty())
        return ctx.fail(errc::invalid_argument,
                        quoted(g.group_id) + ": a member id must not be empty");
      TRIB_TRY(upsert_member(*db_, g.group_id, m));
    }
    return {};
  }),
                "save " + quoted(g.group_id));
}

result<group_record> metadata_store::load_group(std::string_view group_id) {
  TRIB_TRY(begin_call());
  call_context ctx{*db_, last_error_, now_ms()};
  return finish(db_->read([&]() -> result<group_record> {
    auto groups = read_groups(*db_, group_id);
    if (!groups)
      return unexpected(groups.error());
    if (groups->empty())
      return ctx.fail(errc::unknown_group, quoted(group_id) + " does not exist");
    return std::move(groups->front());
  }),
                "load " + quoted(group_id));
}

result<std::vector<group_record>> metadata_store::load_groups() {
  TRIB_TRY(begin_call());
  return finish(db_->read([&] { return read_groups(*db_, std::nullopt); }), "load groups");
}

result<std::vector<group_overview>> metadata_store::list_groups() {
  TRIB_TRY(begin_call());
  return finish(db_->read([&]() -> result<std::vector<group_overview>> {
    auto st = db_->prepare("SELECT group_id, state, protocol_type FROM "
                           "consumer_groups ORDER BY group_id");
    if (!st)
      return unexpected(st.error());
    std::vector<group_overview> out;
    TRIB_TRY(st->each_row([&](auto& row) {
      out.push_back({row.text(0), group_state_from_string(row.text(1)).value_or(group_state::dead),
                     row.text(2)});
    }));
    return out;
  }),
                "list groups");
}

result<void> metadata_store::delete_group(std::string_view group_id) {
  TRIB_TRY(begin_call());
  call_context ctx{*db_, last_error_, now_ms()};
  return finish(db_->write([&]() -> result<void> {
    // ON DELETE CASCADE removes the members and the committed offsets.
    auto st = db_->prepare("DELETE FROM consumer_groups WHERE group_id = ?");
    if (!st)
      return unexpected(st.error());
    TRIB_TRY(st->bind(1, group_id).run());
    if (st->changes() == 0)
      return ctx.fail(errc::unknown_group, quoted(group_id) + " does not exist");
    return {};
  }),
                "delete " + quoted(group_id));
}

result<void> metadata_store::save_member(std::string_view group_id, const group_member& m) {
  TRIB_TRY(begin_call());
  call_context ctx{*db_, last_error_, now_ms()};
  if (m.member_id.empty())
    return ctx.fail(errc::invalid_argument, quoted(group_id) + ": a member id must not be empty");
  return finish(db_->write([&]() -> result<void> {
    TRIB_TRY(require_group(ctx, group_id));
    return upsert_member(*db_, group_id, m);
  }),
                "save member of " + quoted(group_id));
}

result<void> metadata_store::remove_member(std::string_view group_id, std::string_view member_id) {
  TRIB_TRY(begin_call());
  call_context ctx{*db_, last_error_, now_ms()};
  return finish(db_->write([&]() -> result<void> {
    TRIB_TRY(require_group(ctx, group_id));
    auto st = db_->prepare("DELETE FROM group_members WHERE group_id = ? AND "
                           "member_id = ?");
    if (!st)
      return unexpected(st.error());
    TRIB_TRY(st->bind(1, group_id).bind(2, member_id).run());
    if (st->changes() == 0)
      return ctx.fail(errc::unknown_member,
                      quoted(group_id) + " has no member '" + std::string(member_id) + "'");
    return {};
  }),
                "remove member of " + quoted(group_id));
}

} // namespace tributary::storage::metadata
