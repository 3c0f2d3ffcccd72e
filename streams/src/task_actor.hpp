#pragma once
// task_actor: the CAF actor that owns one stream_task. The app's poll thread hands it work
// as jobs -- a batch of its records, a flush before a commit, a restore batch, a query -- one
// message per batch, never per record; the actor runs them one at a time, so the task needs
// no locks, and tasks of an instance run in parallel. Tasks run detached (a thread each):
// their work blocks -- SQLite calls, and producer.send() waiting for a new topic's metadata or
// for buffer memory -- and a blocked scheduler worker would stall the very actors (producer
// sender, heartbeats) that unblock it; with 2 workers that was a deadlock.

#include "stream_task.hpp"

#include <caf/all.hpp>

#include <functional>
#include <memory>

namespace tributary::streams {

/// Work for a task; runs in the task's actor. Local only (never crosses nodes).
struct task_job {
  std::shared_ptr<std::function<void(stream_task&)>> run;
};

caf::actor spawn_task_actor(caf::actor_system& sys, std::unique_ptr<stream_task> task);

} // namespace tributary::streams

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tributary::streams::task_job)
