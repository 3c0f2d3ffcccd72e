#include "tributary/actors/workers.hpp"

#include "actor_meta.hpp"

#include "tributary/storage/metadata/metadata_store.hpp"

#include "caf/all.hpp"

#include <spdlog/spdlog.h>

#include <exception>
#include <memory>
#include <utility>

namespace tributary::actors {
namespace {

std::shared_ptr<spdlog::logger> logger() {
  auto log = spdlog::get("tributary");
  return log ? log : spdlog::default_logger();
}

// A job that throws must not kill the worker (every later job would then time out): the
// requester sees no result in its slot and treats it as a failure.
template <class Fn>
void run_guarded(const char* who, Fn&& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    logger()->error("{}: job failed with an exception: {}", who, e.what());
  } catch (...) {
    logger()->error("{}: job failed with an unknown exception", who);
  }
}

struct metadata_state {
  std::unique_ptr<storage::metadata::metadata_store> store;
  actor_meta meta;
};

metadata_actor::behavior_type metadata_impl(metadata_actor::stateful_pointer<metadata_state> self,
                                            storage::metadata::metadata_store* raw,
                                            inspector_actor inspector, int32_t node_id) {
  self->state.store.reset(raw);
  self->state.meta.kind = "metadata";
  self->state.meta.name = "metadata " + self->state.store->path();
  self->state.meta.parent = "node " + std::to_string(node_id);
  self->state.meta.node_id = node_id;
  register_with(inspector, self, self->state.meta);
  return {
      [=](store_job& job) -> job_done {
        ++self->state.meta.counters.messages;
        if (job.run)
          run_guarded("metadata", [&] { job.run(*self->state.store); });
        return {};
      },
      [=](close_request) -> close_response {
        self->state.store->close();
        self->quit();
        return {};
      },
      [=](stats_request) -> actor_info {
        return make_actor_info(
            self, self->state.meta,
            {{"schema_version", std::to_string(self->state.store->schema_version())}});
      },
  };
}

struct disk_state {
  actor_meta meta;
};

disk_actor::behavior_type disk_impl(disk_actor::stateful_pointer<disk_state> self, std::string name,
                                    inspector_actor inspector, int32_t node_id) {
  self->state.meta.kind = "disk_worker";
  self->state.meta.name = std::move(name);
  self->state.meta.parent = "node " + std::to_string(node_id);
  self->state.meta.node_id = node_id;
  register_with(inspector, self, self->state.meta);
  return {
      [=](disk_job& job) -> job_done {
        ++self->state.meta.counters.messages;
        if (job.run)
          run_guarded(self->state.meta.name.c_str(), [&] { job.run(); });
        return {};
      },
      [=](stats_request) -> actor_info { return make_actor_info(self, self->state.meta); },
  };
}

} // namespace

metadata_actor spawn_metadata_actor(caf::actor_system& sys, storage::metadata::metadata_store store,
                                    inspector_actor inspector, int32_t node_id, bool detached) {
  // The store moves into the actor through a raw pointer: spawn arguments must be copyable.
  auto* raw = new storage::metadata::metadata_store(std::move(store));
  if (detached)
    return sys.spawn<caf::detached>(metadata_impl, raw, std::move(inspector), node_id);
  return sys.spawn(metadata_impl, raw, std::move(inspector), node_id);
}

disk_actor spawn_disk_worker(caf::actor_system& sys, std::string name, inspector_actor inspector,
                             int32_t node_id, bool detached) {
  if (detached)
    return sys.spawn<caf::detached>(disk_impl, std::move(name), std::move(inspector), node_id);
  return sys.spawn(disk_impl, std::move(name), std::move(inspector), node_id);
}

} // namespace tributary::actors
