// The group coordinator actor: one per consumer group. It loads the stored group before its
// first request (await), then feeds JoinGroup / SyncGroup / Heartbeat / LeaveGroup and its
// timers to the group_machine and carries out the effects. Offsets, deletion and close live
// in group_coordinator_ops.cpp.
#include "tributary/actors/group_coordinator.hpp"

#include "group_coordinator_state.hpp"
#include "group_log.hpp"
#include "group_offsets.hpp"
#include "jobs.hpp"

#include "tributary/storage/metadata/metadata_store.hpp"

#include <algorithm>
#include <exception>

namespace tributary::actors {
namespace groups {

using protocol::kafka_error;

namespace {

void save(coordinator_ptr self, save_request s) {
  auto why = std::make_shared<std::string>();
  auto shared = std::make_shared<const save_request>(std::move(s));
  on_store(
      self, self->state.deps.metadata,
      [record = shared->record, why](storage::metadata::metadata_store& store) -> result<void> {
        auto r = store.save_group(record);
        if (!r)
          *why = store.last_error();
        return r;
      },
      [self, shared, why](result<void> r) {
        int16_t error = r ? 0 : store_error_code(r.error());
        std::string message;
        if (!r) {
          message = why->empty() ? r.error().message() : *why;
          group_log()->warn("group '{}': storing the group failed: {}", shared->record.group_id,
                            message);
        }
        effects fx;
        self->state.group->on_saved(*shared, error, message, fx);
        apply(self, fx);
      });
}

// The result of the load job, written on the metadata actor's thread and read after its
// job_done arrived (the message hop orders the two).
struct load_slot {
  bool done = false;
  bool found = false;
  storage::metadata::group_record record;
  std::string error;
};

void load(coordinator_ptr self);

void load_failed(coordinator_ptr self, std::string why) {
  auto& st = self->state;
  st.load_error = std::move(why);
  group_log()->error("group '{}': cannot load the stored group ({}); retrying in {} ms",
                     st.spec.group_id, st.load_error, st.load_backoff_ms);
  self->delayed_send(self, std::chrono::milliseconds(st.load_backoff_ms),
                     timer_tick{static_cast<int32_t>(timer_kind::load), 0, ""});
  st.load_backoff_ms = std::min<int64_t>(st.load_backoff_ms * 2, 30000);
}

void on_loaded(coordinator_ptr self, load_slot& slot) {
  auto& st = self->state;
  if (!slot.done || !slot.error.empty()) {
    load_failed(self, slot.done ? slot.error : "the load job failed");
    return;
  }
  effects fx;
  if (slot.found)
    st.group->load(slot.record, fx);
  st.loaded = true;
  st.load_error.clear();
  if (slot.found)
    group_log()->info("group '{}': loaded at generation {} ({}, {} members)", st.spec.group_id,
                      st.group->generation(), to_string(st.group->state()), st.group->size());
  apply(self, fx);
}

void load(coordinator_ptr self) {
  auto& st = self->state;
  if (!st.deps.metadata) { // tests without a store: always a new group
    st.loaded = true;
    return;
  }
  auto slot = std::make_shared<load_slot>();
  auto id = st.spec.group_id;
  // await, not then: no request may see the group before its stored state is in place.
  self->request(st.deps.metadata, k_job_timeout,
                store_job{[slot, id](storage::metadata::metadata_store& store) {
                  auto r = store.load_group(id);
                  if (r) {
                    slot->found = true;
                    slot->record = std::move(*r);
                  } else if (r.error() != storage::metadata::errc::unknown_group) {
                    slot->error =
                        store.last_error().empty() ? r.error().message() : store.last_error();
                  }
                  slot->done = true;
                }})
      .await([self, slot](job_done) { on_loaded(self, *slot); },
             [self](caf::error& e) {
               load_failed(self,
                           "the metadata actor did not answer (" + self->system().render(e) + ")");
             });
}

template <class Response>
Response count(coordinator_ptr self, Response r) {
  if (r.error)
    ++self->state.meta.counters.errors;
  return r;
}

group_actor::behavior_type coordinator(coordinator_ptr self, group_spec spec, group_deps deps) {
  auto& st = self->state;
  st.group = std::make_unique<group_machine>(spec.group_id, spec.settings);
  st.meta.kind = "group";
  st.meta.name = "group " + spec.group_id;
  st.meta.parent = spec.parent;
  st.meta.node_id = spec.settings.node_id;
  st.spec = std::move(spec);
  st.deps = std::move(deps);
  register_with(st.deps.inspector, self, st.meta);
  self->set_exception_handler([self](std::exception_ptr& ep) -> caf::error {
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      group_log()->error("group '{}': coordinator failed: {}", self->state.spec.group_id, e.what());
    } catch (...) {
      group_log()->error("group '{}': coordinator failed", self->state.spec.group_id);
    }
    return caf::exit_reason::unhandled_exception;
  });
  load(self);
  return {
      [=](join_group_request& req) -> caf::result<join_group_response> {
        auto& st = self->state;
        ++st.meta.counters.messages;
        if (!st.loaded)
          return count(self, join_group_response{code(kafka_error::coordinator_load_in_progress),
                                                 not_loaded_message(self)});
        auto waiter = st.next_waiter++;
        effects fx;
        auto now = st.group->join(req, waiter, fx);
        if (now) {
          apply(self, fx);
          return count(self, std::move(*now));
        }
        auto rp = self->make_response_promise<join_group_response>();
        st.joins.emplace(waiter, rp);
        apply(self, fx);
        return rp;
      },
      [=](sync_group_request& req) -> caf::result<sync_group_response> {
        auto& st = self->state;
        ++st.meta.counters.messages;
        // Kafka answers REBALANCE_IN_PROGRESS while loading: the member rejoins.
        if (!st.loaded)
          return count(self, sync_group_response{code(kafka_error::rebalance_in_progress),
                                                 not_loaded_message(self)});
        auto waiter = st.next_waiter++;
        effects fx;
        auto now = st.group->sync(req, waiter, fx);
        if (now) {
          apply(self, fx);
          return count(self, std::move(*now));
        }
        auto rp = self->make_response_promise<sync_group_response>();
        st.syncs.emplace(waiter, rp);
        apply(self, fx);
        return rp;
      },
      [=](heartbeat_request& req) -> heartbeat_response {
        auto& st = self->state;
        ++st.meta.counters.messages;
        if (!st.loaded)
          return count(self, heartbeat_response{code(kafka_error::coordinator_load_in_progress)});
        effects fx;
        auto r = st.group->heartbeat(req, fx);
        apply(self, fx);
        return count(self, r);
      },
      [=](leave_group_request& req) -> leave_group_response {
        auto& st = self->state;
        ++st.meta.counters.messages;
        if (!st.loaded)
          return count(self,
                       leave_group_response{code(kafka_error::coordinator_load_in_progress), {}});
        effects fx;
        auto r = st.group->leave(req, fx);
        apply(self, fx);
        return count(self, std::move(r));
      },
      [=](offset_commit_request& req) { return handle_offset_commit(self, req); },
      [=](offset_fetch_request& req) { return handle_offset_fetch(self, req); },
      [=](offset_delete_request& req) { return handle_offset_delete(self, req); },
      [=](describe_group) -> described_group {
        auto& st = self->state;
        ++st.meta.counters.messages;
        if (!st.loaded) {
          described_group d;
          d.group_id = st.spec.group_id;
          d.error = code(kafka_error::coordinator_load_in_progress);
          return count(self, d);
        }
        return st.group->describe();
      },
      [=](delete_group) { return handle_delete_group(self); },
      [=](close_request) { return handle_close(self); },
      [=](stats_request) -> actor_info {
        auto& st = self->state;
        auto details = st.group->details();
        if (!st.loaded)
          details.push_back({"load_error", st.load_error});
        return make_actor_info(self, st.meta, std::move(details));
      },
      [=](timer_tick& tick) {
        auto& st = self->state;
        if (tick.kind == static_cast<int32_t>(timer_kind::load)) {
          if (!st.loaded)
            load(self);
          return;
        }
        if (!st.loaded)
          return;
        effects fx;
        st.group->on_timer(tick, fx);
        apply(self, fx);
      },
  };
}

} // namespace

void apply(coordinator_ptr self, effects& fx) {
  auto& st = self->state;
  for (auto& j : fx.joins) {
    auto it = st.joins.find(j.waiter);
    if (it == st.joins.end())
      continue; // answered already (e.g. a join that came back at once)
    if (j.response.error)
      ++st.meta.counters.errors;
    it->second.deliver(std::move(j.response));
    st.joins.erase(it);
  }
  for (auto& s : fx.syncs) {
    auto it = st.syncs.find(s.waiter);
    if (it == st.syncs.end())
      continue;
    if (s.response.error)
      ++st.meta.counters.errors;
    it->second.deliver(std::move(s.response));
    st.syncs.erase(it);
  }
  for (auto& t : fx.timers)
    self->delayed_send(self, std::chrono::milliseconds(std::max<int64_t>(t.delay_ms, 0)),
                       timer_tick{static_cast<int32_t>(t.kind), t.seq, t.key});
  for (auto& s : fx.saves)
    save(self, std::move(s));
}

std::string not_loaded_message(coordinator_ptr self) {
  return "group '" + self->state.spec.group_id +
         "' is still loading its stored state: " + self->state.load_error;
}

} // namespace groups

group_actor spawn_group_coordinator(caf::actor_system& sys, group_spec spec, group_deps deps) {
  return sys.spawn(groups::coordinator, std::move(spec), std::move(deps));
}

} // namespace tributary::actors
