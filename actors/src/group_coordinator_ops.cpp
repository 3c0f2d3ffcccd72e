// The group coordinator's handlers that go through the metadata store: OffsetCommit,
// OffsetFetch, OffsetDelete, DeleteGroups and close. Each answers after the store did.
#include "group_coordinator_state.hpp"
#include "group_log.hpp"
#include "group_offsets.hpp"
#include "jobs.hpp"

#include "tributary/storage/metadata/metadata_store.hpp"

namespace tributary::actors::groups {

using protocol::kafka_error;
namespace md = storage::metadata;

caf::result<offset_commit_response> handle_offset_commit(coordinator_ptr self,
                                                         offset_commit_request& req) {
  auto& st = self->state;
  ++st.meta.counters.messages;
  offset_commit_response out;
  check_result check;
  if (!st.loaded) {
    check = {code(kafka_error::coordinator_load_in_progress), not_loaded_message(self)};
  } else {
    effects fx;
    check = st.group->check_commit(req, fx);
    apply(self, fx);
  }
  // Nothing is stored when the group refuses the commit (stale generation, unknown member).
  std::vector<offset_commit_partition> to_store;
  std::vector<size_t> index; // position of each to_store entry in the response
  auto max_bytes = static_cast<size_t>(std::max(st.spec.settings.offset_metadata_max_bytes, 0));
  for (auto& p : req.partitions) {
    partition_error e{p.topic, p.partition, check.error, check.message};
    if (!check.error && p.metadata.size() > max_bytes) {
      e.error = code(kafka_error::offset_metadata_too_large);
      e.error_message = "the metadata of topic '" + p.topic + "' partition " +
                        std::to_string(p.partition) + " has " + std::to_string(p.metadata.size()) +
                        " bytes; offset.metadata.max.bytes allows " + std::to_string(max_bytes);
    }
    if (!check.error && !e.error) {
      index.push_back(out.partitions.size());
      to_store.push_back(std::move(p));
    }
    out.partitions.push_back(std::move(e));
  }
  if (check.error)
    ++st.meta.counters.errors;
  if (to_store.empty())
    return out;
  auto rp = self->make_response_promise<offset_commit_response>();
  auto now = wall_clock_ms();
  on_store(
      self, st.deps.metadata,
      [id = st.spec.group_id, to_store, now, retention = req.retention_ms](
          md::metadata_store& s) -> result<std::vector<partition_error>> {
        return commit_offsets_job(s, id, to_store, now, retention);
      },
      [self, rp, out, index](result<std::vector<partition_error>> r) mutable {
        bool any = false;
        for (size_t k = 0; k < index.size(); ++k) {
          auto& slot = out.partitions[index[k]];
          if (!r) {
            slot.error = store_error_code(r.error());
            slot.error_message = "offsets of group '" + self->state.spec.group_id +
                                 "' were not committed: " + r.error().message();
          } else {
            slot = (*r)[k];
            any = any || slot.error == 0;
          }
          if (slot.error)
            ++self->state.meta.counters.errors;
        }
        if (any)
          self->state.group->on_offsets_committed();
        rp.deliver(std::move(out));
      });
  return rp;
}

caf::result<offset_fetch_response> handle_offset_fetch(coordinator_ptr self,
                                                       offset_fetch_request& req) {
  auto& st = self->state;
  ++st.meta.counters.messages;
  if (!st.loaded) {
    ++st.meta.counters.errors;
    return offset_fetch_response{code(kafka_error::coordinator_load_in_progress), {}};
  }
  auto rp = self->make_response_promise<offset_fetch_response>();
  on_store(
      self, st.deps.metadata,
      [id = st.spec.group_id, all = req.all_partitions,
       which = to_store_partitions(req.partitions)](
          md::metadata_store& s) -> result<std::vector<md::offset_commit>> {
        return all ? s.fetch_offsets(id) : s.fetch_offsets(id, which);
      },
      [self, rp, req](result<std::vector<md::offset_commit>> r) mutable {
        if (r) {
          rp.deliver(fetch_response(req, *r));
          return;
        }
        ++self->state.meta.counters.errors;
        offset_fetch_response out;
        out.error = store_error_code(r.error());
        for (const auto& tp : req.partitions) {
          offset_fetch_partition p;
          p.topic = tp.topic;
          p.partition = tp.partition;
          p.error = out.error;
          out.partitions.push_back(std::move(p));
        }
        rp.deliver(std::move(out));
      });
  return rp;
}

caf::result<offset_delete_response> handle_offset_delete(coordinator_ptr self,
                                                         offset_delete_request& req) {
  auto& st = self->state;
  ++st.meta.counters.messages;
  if (!st.loaded) {
    ++st.meta.counters.errors;
    return offset_delete_response{code(kafka_error::coordinator_load_in_progress), {}};
  }
  auto plan = st.group->plan_offset_delete(req.partitions);
  if (plan.error) {
    ++st.meta.counters.errors;
    return offset_delete_response{plan.error, {}};
  }
  // Results in request order: refused partitions carry their error, the others NONE.
  offset_delete_response out;
  for (const auto& tp : req.partitions) {
    partition_error e{tp.topic, tp.partition, 0, ""};
    for (const auto& refused : plan.refused)
      if (refused.topic == tp.topic && refused.partition == tp.partition)
        e = refused;
    out.partitions.push_back(std::move(e));
  }
  if (plan.eligible.empty())
    return out;
  auto rp = self->make_response_promise<offset_delete_response>();
  on_store(
      self, st.deps.metadata,
      [id = st.spec.group_id,
       which = to_store_partitions(plan.eligible)](md::metadata_store& s) -> result<int64_t> {
        auto r = s.delete_offsets(id, which);
        // A group only in memory (never stored) has no offsets to delete.
        if (!r && r.error() == md::errc::unknown_group)
          return int64_t{0};
        return r;
      },
      [self, rp, out](result<int64_t> r) mutable {
        if (!r) {
          ++self->state.meta.counters.errors;
          for (auto& e : out.partitions)
            if (!e.error) {
              e.error = store_error_code(r.error());
              e.error_message = r.error().message();
            }
        }
        rp.deliver(std::move(out));
      });
  return rp;
}

caf::result<group_result> handle_delete_group(coordinator_ptr self) {
  auto& st = self->state;
  ++st.meta.counters.messages;
  const auto& id = st.spec.group_id;
  if (!st.loaded) {
    ++st.meta.counters.errors;
    return group_result{id, code(kafka_error::coordinator_load_in_progress),
                        not_loaded_message(self)};
  }
  if (auto check = st.group->begin_delete(); check.error) {
    ++st.meta.counters.errors;
    return group_result{id, check.error, check.message};
  }
  auto rp = self->make_response_promise<group_result>();
  auto why = std::make_shared<std::string>();
  on_store(
      self, st.deps.metadata,
      [id, why](md::metadata_store& s) -> result<void> {
        auto r = s.delete_group(id);
        if (!r && r.error() == md::errc::unknown_group)
          return {}; // known only in memory: nothing stored to delete
        if (!r)
          *why = s.last_error();
        return r;
      },
      [self, rp, why](result<void> r) mutable {
        auto& st = self->state;
        if (!r) {
          st.group->abort_delete();
          ++st.meta.counters.errors;
          rp.deliver(group_result{st.spec.group_id, store_error_code(r.error()),
                                  why->empty() ? r.error().message() : *why});
          return;
        }
        group_log()->info("group '{}' deleted with its offsets", st.spec.group_id);
        rp.deliver(group_result{st.spec.group_id, 0, ""});
        self->quit(); // Dead: the broker spawns a fresh coordinator on the next request
      });
  return rp;
}

caf::result<close_response> handle_close(coordinator_ptr self) {
  auto& st = self->state;
  ++st.meta.counters.messages;
  // A group that never loaded must not overwrite what is stored; a new group that never
  // had members or offsets has nothing to store.
  if (!st.loaded || !st.group->exists() || st.group->state() == group_state::dead) {
    self->quit();
    return close_response{};
  }
  auto record = st.group->snapshot();
  effects fx;
  st.group->close(fx); // parked requests: NOT_COORDINATOR, the clients find us again
  apply(self, fx);
  auto rp = self->make_response_promise<close_response>();
  auto why = std::make_shared<std::string>();
  on_store(
      self, st.deps.metadata,
      [record, why](md::metadata_store& s) -> result<void> {
        auto r = s.save_group(record);
        if (!r)
          *why = s.last_error();
        return r;
      },
      [self, rp, why](result<void> r) mutable {
        close_response out;
        if (!r) {
          out.error = store_error_code(r.error());
          out.error_message = why->empty() ? r.error().message() : *why;
          group_log()->warn("group '{}': storing the group at close failed: {}",
                            self->state.spec.group_id, out.error_message);
        }
        rp.deliver(std::move(out));
        self->quit();
      });
  return rp;
}

} // namespace tributary::actors::groups
