#pragma once
// The group coordinator actor's state and the functions its handlers share. The actor owns a
// group_machine (the rules) and the response promises of parked JoinGroup / SyncGroup
// requests; it carries out the machine's effects: replies, timers, saves through the
// metadata actor. Private to actors/ (group_coordinator.cpp, group_coordinator_ops.cpp).

#include "actor_meta.hpp"
#include "group_machine.hpp"

#include "tributary/actors/group_actor.hpp"
#include "tributary/actors/group_coordinator.hpp"

#include "caf/all.hpp"

#include <memory>
#include <string>
#include <unordered_map>

namespace tributary::actors::groups {

struct coordinator_state {
  std::unique_ptr<group_machine> group;
  group_spec spec;
  group_deps deps;
  actor_meta meta;
  uint64_t next_waiter = 1;
  std::unordered_map<uint64_t, caf::typed_response_promise<join_group_response>> joins;
  std::unordered_map<uint64_t, caf::typed_response_promise<sync_group_response>> syncs;
  // The stored group must be read before any request is answered: until then (a failed load
  // is retried with backoff) requests get COORDINATOR_LOAD_IN_PROGRESS.
  bool loaded = false;
  std::string load_error;
  int64_t load_backoff_ms = 500;
  static constexpr const char* name = "group_coordinator";
};

using coordinator_ptr = group_actor::stateful_pointer<coordinator_state>;

/// Carries out `fx`: answers parked requests, arms timers, starts saves.
void apply(coordinator_ptr self, effects& fx);

/// "group 'x' is still loading: <why>" for requests that arrive after a failed load.
std::string not_loaded_message(coordinator_ptr self);

// group_coordinator_ops.cpp: handlers that go through the metadata store.
caf::result<offset_commit_response> handle_offset_commit(coordinator_ptr self,
                                                         offset_commit_request& req);
caf::result<offset_fetch_response> handle_offset_fetch(coordinator_ptr self,
                                                       offset_fetch_request& req);
caf::result<offset_delete_response> handle_offset_delete(coordinator_ptr self,
                                                         offset_delete_request& req);
caf::result<group_result> handle_delete_group(coordinator_ptr self);
caf::result<close_response> handle_close(coordinator_ptr self);

} // namespace tributary::actors::groups
