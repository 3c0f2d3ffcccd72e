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
  for (auto id : gone) {
    caf::anon_send_exit(task_slots_[id].actor, caf::exit_reason::user_shutdown);
    std::lock_guard<std::mutex> lock(mu_);
    task_slots_.erase(id);
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
    std::lock_guard<std::mutex> lock(mu_);
    task_slots_[id] = std::move(slot);
  }
  set_state(app_state::running);
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
  std::lock_guard<std::mutex> lock(mu_);
  task_slots_.clear();
  if (state_ == app_state::running)
    state_ = app_state::rebalancing;
}

} // namespace tributary::streams
