#pragma once
// Committed offsets of one group in the metadata store: the jobs the coordinator runs on the
// metadata actor (commit, fetch, delete) and how store failures read as Kafka errors. The
// group-level checks (generation, member, state) are group_machine's; these functions only
// deal with partitions and SQLite. Private to actors/.

#include "tributary/actors/messages/groups.hpp"
#include "tributary/storage/metadata/offsets.hpp"

#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

namespace tributary::storage::metadata {
class metadata_store;
} // namespace tributary::storage::metadata

namespace tributary::actors::groups {

/// Kafka's code for a failed store call: COORDINATOR_NOT_AVAILABLE (retriable) when the
/// metadata actor is gone, slow or the database busy; UNKNOWN_SERVER_ERROR otherwise.
int16_t store_error_code(std::error_code ec);

/// Runs on the metadata actor's thread. Commits `parts` in ONE transaction; partitions whose
/// topic or partition does not exist are left out with UNKNOWN_TOPIC_OR_PARTITION (Kafka
/// filters them the same way) and the rest is committed. One result per part, in order.
std::vector<partition_error> commit_offsets_job(storage::metadata::metadata_store& store,
                                                const std::string& group_id,
                                                const std::vector<offset_commit_partition>& parts,
                                                int64_t now_ms, int64_t retention_ms);

/// The OffsetFetch answer from what the store holds: every stored offset for `all`, else one
/// entry per requested partition in request order, offset -1 where nothing is committed.
offset_fetch_response fetch_response(const offset_fetch_request& req,
                                     const std::vector<storage::metadata::offset_commit>& stored);

/// The same partitions as store keys.
std::vector<storage::metadata::topic_partition>
to_store_partitions(const std::vector<topic_partition_ref>& parts);

} // namespace tributary::actors::groups
