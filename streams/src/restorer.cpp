// Restoring stores from their changelogs. A new task whose stores are behind their changelog
// gets its input partitions paused and its changelog partitions added to the restore consumer
// (from the store's checkpoint); every loop iteration feeds it the next restore batch, while
// the other tasks keep processing. When every changelog of the task is read to the end
// offset seen at the start, its inputs are resumed.
#include "app_runtime.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace tributary::streams {

using client::make_error;
using protocol::kafka_error;

void streams_app::impl::begin_restore(task_id id, task_slot& slot,
                                      const std::vector<restore_point>& points) {
  if (points.empty())
    return;
  std::map<client::topic_partition, client::offset_spec> specs;
  for (const auto& p : points)
    specs[p.changelog] = client::offset_spec::to_latest();
  auto admin = client::admin::create(conn_);
  if (!admin)
    return;
  auto ends = admin->list_offsets(specs);
  if (!ends) {
    spdlog::warn("streams task {}: changelog end offsets unknown ({}); restoring from the start",
                 id.to_string(), ends.err().to_string());
    return;
  }
  auto assigned = restore_consumer_->assignment();
  for (const auto& p : points) {
    int64_t end = 0;
    for (const auto& e : *ends)
      if (e.tp == p.changelog && e.ok())
        end = e.offset;
    if (end <= p.from_offset)
      continue;
    slot.restoring = true;
    slot.restore_ends[p.changelog] = end;
    slot.restore_stores[p.changelog] = p.store;
    assigned.push_back(p.changelog);
  }
  if (!slot.restoring)
    return;
  spdlog::info("streams task {}: restoring {} store(s) from their changelogs", id.to_string(),
               slot.restore_ends.size());
  (void)restore_consumer_->assign(assigned);
  for (const auto& p : points)
    if (slot.restore_ends.count(p.changelog) != 0)
      (void)restore_consumer_->seek(p.changelog, p.from_offset);
  (void)consumer_->pause(slot.inputs);
}

client::outcome<void> streams_app::impl::restore_step() {
  std::map<client::topic_partition, task_id> owner;
  for (const auto& [id, slot] : task_slots_)
    if (slot.restoring)
      for (const auto& [tp, end] : slot.restore_ends)
        owner[tp] = id;
  if (owner.empty())
    return {};
  auto batch = restore_consumer_->poll(std::chrono::milliseconds(10));
  if (!batch)
    return batch.err().is_retriable() ? client::outcome<void>{} : batch.err();
  std::map<task_id, std::vector<std::pair<client::topic_partition, std::vector<state::change>>>>
      work;
  std::map<client::topic_partition, int64_t> next;
  for (const auto& span : batch->spans()) {
    auto it = owner.find(span.tp);
    if (it == owner.end())
      continue;
    std::vector<state::change> changes;
    for (const auto& r : batch->records(span.tp)) {
      if (!r.key)
        continue;
      changes.push_back(state::change{*r.key, r.value});
      next[span.tp] = r.offset + 1;
    }
    work[it->second].emplace_back(span.tp, std::move(changes));
  }
  std::vector<task_id> ids;
  std::map<task_id, client::outcome<void>> results;
  for (const auto& [id, w] : work) {
    ids.push_back(id);
    results.emplace(id, client::outcome<void>{});
  }
  auto r = run_on_tasks(ids, [&](task_id id, stream_task& t) {
    for (const auto& [tp, changes] : work.at(id)) {
      const auto& store = task_slots_.at(id).restore_stores.at(tp);
      auto res = t.restore(store, changes, next.count(tp) ? next.at(tp) : 0);
      if (!res) {
        results.at(id) = res;
        return;
      }
    }
  });
  if (!r)
    return r;
  for (auto& [id, res] : results)
    if (!res)
      return res;
  // Finished tasks: resume their inputs and drop their changelogs from the restore consumer.
  auto assigned = restore_consumer_->assignment();
  bool changed = false;
  for (auto& [id, slot] : task_slots_) {
    if (!slot.restoring)
      continue;
    bool done = true;
    for (const auto& [tp, end] : slot.restore_ends) {
      auto pos = restore_consumer_->position(tp);
      if (!pos || *pos < end)
        done = false;
    }
    if (!done)
      continue;
    for (const auto& [tp, end] : slot.restore_ends)
      assigned.erase(std::remove(assigned.begin(), assigned.end(), tp), assigned.end());
    changed = true;
    {
      std::lock_guard<std::mutex> lock(mu_);
      slot.restoring = false;
      slot.restore_ends.clear();
    }
    (void)consumer_->resume(slot.inputs);
    spdlog::info("streams task {}: restored", id.to_string());
  }
  if (changed)
    (void)restore_consumer_->assign(assigned);
  return {};
}

} // namespace tributary::streams
