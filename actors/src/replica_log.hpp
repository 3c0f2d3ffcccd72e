#pragma once
// The local log of one replica as its actor owns it (the leader's partition actor and the
// follower replica actor share this): the storage::partition_log, its leader epoch cache,
// and the disk-worker choreography around them -- open on the worker, group-commit flushes
// (prepare on the actor, fsync on the worker, complete on the actor), epoch checkpoint
// writes. Without a disk worker (deterministic tests on CAF's testing scheduler, where
// detached actors do not fit) the same work runs inline on the actor's thread.

#include "jobs.hpp"
#include "leader_epoch_cache.hpp"
#include "partition_errors.hpp"

#include "tributary/actors/worker_actors.hpp"
#include "tributary/storage/log_options.hpp"
#include "tributary/storage/partition_log.hpp"

#include "caf/all.hpp"

#include <spdlog/spdlog.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace tributary::actors {

/// What opening a replica's log produced: the log and its epoch cache, or why it failed.
/// Made on the disk worker, moved to the owning actor.
struct opened_log {
  std::unique_ptr<storage::partition_log> log;
  leader_epoch_cache epochs;
  std::string error; // non-empty: open failed (the log is null)
};

/// Opens (creating) the log in `dir` and loads its epoch cache, fitted to the log (entries
/// past the log end dropped, missing tail epochs rebuilt, then checkpointed). Blocking.
opened_log open_local_log(const std::string& dir, const storage::log_options& opts);

/// Closes the log (flush, checkpoints, clean marker) and, with delete_data, removes `dir`.
/// Returns "" or what failed. Blocking: runs on the disk worker.
std::string close_local_log(const std::shared_ptr<storage::partition_log>& log, bool delete_data,
                            const std::string& dir, const std::string& tp);

/// Owned by one actor's state (partition_state::store, replica_state::store); not
/// thread-safe. `log` is null until opened, after a failed open and once closing.
struct log_owner {
  std::string dir;
  std::string tp; // "topic-partition" for messages
  disk_actor disk;
  std::unique_ptr<storage::partition_log> log;
  leader_epoch_cache epochs;
  bool is_flushing = false;
  bool flush_again = false;
  std::vector<std::function<void()>> when_idle; // waiting for the flush in flight

  /// Runs `f` now if no flush is in flight, else once it completed (truncation refuses to
  /// run while a flush ticket is out).
  void after_flush(std::function<void()> f) {
    if (!is_flushing)
      f();
    else
      when_idle.push_back(std::move(f));
  }
  void run_when_idle() {
    auto fs = std::move(when_idle);
    when_idle.clear();
    for (auto& f : fs)
      f();
  }
};

/// fn() on the disk worker then cont(result) on `self`; inline when there is no worker.
/// `fallback` goes to cont when the worker is gone or times out.
template <class Self, class Fn, class Cont, class R = std::invoke_result_t<Fn&>>
void run_disk(Self* self, const disk_actor& disk, Fn fn, Cont cont, R fallback) {
  if (!disk) {
    cont(fn());
    return;
  }
  on_disk(self, disk, std::move(fn), std::move(cont), std::move(fallback));
}

/// Writes the epoch cache's checkpoint on the disk worker (jobs run in order, so a later
/// write never loses to an earlier one).
template <class Self>
void persist_epochs(Self* self) {
  auto& st = self->state.store;
  run_disk(
      self, st.disk,
      [dir = st.dir, text = st.epochs.to_text()]() -> std::string {
        auto r = leader_epoch_cache::write(dir, text);
        return r ? std::string{} : r.error().message();
      },
      [tp = st.tp](const std::string& err) {
        if (!err.empty())
          actor_logger()->warn("{}: cannot write {}: {}", tp, leader_epoch_cache::k_file_name, err);
      },
      std::string{"the disk worker is gone"});
}

/// Group commit: prepare_flush on the actor, execute on the disk worker, complete_flush back
/// on the actor, then done(self, error) (error empty on success). A flush asked for while one
/// is in flight runs right after it and covers every append up to then.
template <class Self, class Done>
void start_flush(Self* self, Done done) {
  auto& st = self->state.store;
  if (!st.log || st.log->is_failed())
    return;
  if (st.is_flushing) {
    st.flush_again = true;
    return;
  }
  auto ticket = st.log->prepare_flush();
  if (!ticket) {
    done(self, describe_failure(st.tp, "flush", ticket.error(), st.log->last_error()));
    return;
  }
  st.is_flushing = true;
  auto shared = std::make_shared<storage::flush_ticket>(std::move(*ticket));
  run_disk(
      self, st.disk,
      [shared, tp = st.tp]() -> std::string {
        auto r = shared->execute();
        return r ? std::string{} : describe_failure(tp, "fsync", r.error(), "");
      },
      [self, shared, done](const std::string& err) {
        auto& st = self->state.store;
        st.is_flushing = false;
        std::string why = err;
        if (st.log) {
          st.log->complete_flush(*shared);
          if (why.empty() && !shared->is_executed())
            why = st.tp + ": the flush did not run";
        }
        done(self, why);
        st.run_when_idle();
        if (st.flush_again) {
          st.flush_again = false;
          start_flush(self, done);
        }
      },
      std::string{"flush on " + st.tp + " failed: the disk worker is gone or timed out"});
}

} // namespace tributary::actors
