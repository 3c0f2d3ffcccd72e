#include "task_actor.hpp"

namespace tributary::streams {

namespace {

struct task_state {
  std::unique_ptr<stream_task> task;
  static inline const char* name = "trib.streams.task";
};

caf::behavior task_behavior(caf::stateful_actor<task_state>* self,
                            std::shared_ptr<std::unique_ptr<stream_task>> handoff) {
  self->state.task = std::move(*handoff);
  // The task closes its operators and stores in its destructor, with the actor's state.
  return {
      [self](const task_job& job) -> bool {
        (*job.run)(*self->state.task);
        return true;
      },
  };
}

} // namespace

caf::actor spawn_task_actor(caf::actor_system& sys, std::unique_ptr<stream_task> task) {
  auto handoff = std::make_shared<std::unique_ptr<stream_task>>(std::move(task));
  return sys.spawn<caf::detached>(task_behavior, handoff);
}

} // namespace tributary::streams
