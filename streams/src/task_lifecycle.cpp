// Tasks come and go with rebalances (called inside consumer.poll() on the poll thread):
// after an assignment the task set is recomputed from the whole assignment (a task is a
// sub-topology and a partition number); revoked tasks are committed first, lost ones are
// closed without committing (another instance may own them already).
#include "app_runtime.hpp"

#include <spdlog/spdlog.h>

namespace tributary::streams {

using client::make_error;
using protocol::kafka_error;

void streams_app::impl::on_assigned() {
  std::map<task_id, std::vector<client::topic_partition>> wanted;
  for (const auto& tp : consumer_->assignment()) {
    auto st = topic_to_subtopology_.find(tp.topic);
    if (st != topic_to_subtopology_.end())
      wanted[task_id{st->second, tp.partition}].push_back(tp);
  }
  std::vector<task_id> gone;
  for (const auto& [id, slot] : task_slots_)
    if (wanted.count(id) == 0)
      gone.push_back(id);
  if (!gone.empty()) {
    caf::scoped_actor self{conn_.system()};
    for (auto id : gone) {
      auto actor = task_slots_[id].actor;
      self->send_exit(actor, caf::exit_reason::user_shutdown);
      self->wait_for(actor); // its stores are closed before the task can come back
      std::lock_guard<std::mutex> lock(mu_);
      task_slots_.erase(id);
    }
  }
  for (auto& [id, inputs] : wanted) {
    if (task_slots_.count(id) != 0)
      continue;
    const auto& st = topo_.subtopologies()[static_cast<size_t>(id.subtopology)];
    auto task = stream_task::create(id, st, env_);
    if (!task) {
      spdlog::error("streams app {}: cannot create task {}: {}", config_.application_id,
                    id.to_string(), task.err().to_string());
      set_state(app_state::failed, task.err().to_string());
      stop_ = true;
      return;
    }
    auto points = (*task)->restore_points();
    task_slot slot;
    slot.inputs = inputs;
    slot.actor = spawn_task_actor(conn_.system(), std::move(*task));
    begin_restore(id, slot, points);
    register_task_inspection(id, slot);
    std::lock_guard<std::mutex> lock(mu_);
    task_slots_[id] = std::move(slot);
  }
  // Positions start where the group's commits (or auto.offset.reset) put them, so a
  // partition that gets no new records still reports how far it was processed.
  for (const auto& [id, inputs] : wanted)
    for (const auto& tp : inputs)
      if (auto pos = consumer_->position(tp)) {
        std::lock_guard<std::mutex> lock(mu_);
        positions_.emplace(tp, *pos);
      }
  set_state(app_state::running);
  update_app_cell();
}

void streams_app::impl::register_task_inspection(task_id id, task_slot& slot) {
  // Tasks show up in the node's inspector under their app (local or remote node).
  auto cell = slot.cell;
  auto app = "streams " + config_.application_id;
  auto name = "task " + id.to_string();
  auto reg = client::register_inspectable(conn_, [cell, app, name] {
    client::inspected out;
    out.kind = "streams_task";
    out.name = name;
    out.parent = app;
    std::lock_guard<std::mutex> lock(cell->mu);
    const auto& m = cell->metrics;
    out.records_in = static_cast<uint64_t>(m.records_in);
    out.records_out = static_cast<uint64_t>(m.records_out);
    out.errors = static_cast<uint64_t>(m.skipped_errors);
    out.details = {{"state", cell->state},
                   {"lag", std::to_string(cell->lag)},
                   {"dropped", std::to_string(m.dropped)},
                   {"punctuations", std::to_string(m.punctuations)}};
    for (const auto& [store, n] : m.store_entries)
      out.details.emplace_back("store " + store, std::to_string(n));
    return out;
  });
  if (reg)
    slot.inspection = std::move(*reg);
  std::lock_guard<std::mutex> lock(cell->mu);
  cell->state = slot.restoring ? "restoring" : "running";
}

void streams_app::impl::update_app_cell() {
  std::lock_guard<std::mutex> lock(app_cell_->mu);
  app_cell_->tasks = task_slots_.size();
}

void streams_app::impl::close_tasks(bool commit_first) {
  if (task_slots_.empty())
    return;
  if (commit_first) {
    if (auto c = commit(); !c)
      spdlog::warn("streams app {}: commit before giving up tasks failed: {}",
                   config_.application_id, c.err().to_string());
  }
  caf::scoped_actor self{conn_.system()};
  for (auto& [id, slot] : task_slots_) {
    self->send_exit(slot.actor, caf::exit_reason::user_shutdown);
    self->wait_for(slot.actor); // its stores are closed before another owner opens them
  }
  std::vector<client::topic_partition> changelogs = restore_consumer_->assignment();
  if (!changelogs.empty())
    (void)restore_consumer_->assign({});
  {
    std::lock_guard<std::mutex> lock(mu_);
    task_slots_.clear();
    positions_.clear();
  }
  update_app_cell();
  std::lock_guard<std::mutex> lock(mu_);
  if (state_ == app_state::running)
    state_ = app_state::rebalancing;
}

} // namespace tributary::streams
