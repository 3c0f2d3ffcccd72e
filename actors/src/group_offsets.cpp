#include "group_offsets.hpp"

#include "tributary/actors/errc.hpp"
#include "tributary/protocol/kafka_error.hpp"
#include "tributary/storage/metadata/metadata_store.hpp"

#include <map>
#include <tuple>

namespace tributary::actors::groups {

using protocol::code_of;
using protocol::kafka_error;
namespace md = storage::metadata;

int16_t store_error_code(std::error_code ec) {
  if (ec == errc::worker_unavailable || ec == errc::worker_timeout || ec == md::errc::busy ||
      ec == md::errc::store_closed)
    return code_of(kafka_error::coordinator_not_available);
  if (ec == md::errc::unknown_topic || ec == md::errc::unknown_partition)
    return code_of(kafka_error::unknown_topic_or_partition);
  return code_of(kafka_error::unknown_server_error);
}

namespace {

md::offset_commit to_commit(const offset_commit_partition& p, int64_t now_ms,
                            int64_t retention_ms) {
  md::offset_commit c;
  c.topic = p.topic;
  c.partition = partition_id{p.partition};
  c.committed = offset{p.offset};
  if (p.leader_epoch >= 0)
    c.leader_epoch = epoch{p.leader_epoch};
  c.metadata = p.metadata;
  c.commit_ms = now_ms;
  // OffsetCommit v2-v4 retention_time_ms; -1 leaves expiry to offsets.retention.minutes.
  if (retention_ms >= 0)
    c.expire_ms = now_ms + retention_ms;
  return c;
}

bool is_unknown_partition(std::error_code ec) {
  return ec == md::errc::unknown_topic || ec == md::errc::unknown_partition;
}

} // namespace

std::vector<partition_error> commit_offsets_job(md::metadata_store& store,
                                                const std::string& group_id,
                                                const std::vector<offset_commit_partition>& parts,
                                                int64_t now_ms, int64_t retention_ms) {
  std::vector<partition_error> out;
  for (const auto& p : parts)
    out.push_back({p.topic, p.partition, 0, ""});
  std::vector<size_t> batch(parts.size());
  for (size_t i = 0; i < parts.size(); ++i)
    batch[i] = i;
  // At most two rounds: all partitions, then (only if some do not exist) the known ones.
  for (int round = 0; round < 2 && !batch.empty(); ++round) {
    std::vector<md::offset_commit> commits;
    for (auto i : batch)
      commits.push_back(to_commit(parts[i], now_ms, retention_ms));
    auto r = store.commit_offsets(group_id, commits);
    if (r)
      return out;
    if (round == 0 && is_unknown_partition(r.error())) {
      std::vector<size_t> known;
      for (auto i : batch) {
        auto found = store.get_partition(parts[i].topic, partition_id{parts[i].partition});
        if (found) {
          known.push_back(i);
        } else {
          out[i].error = code_of(kafka_error::unknown_topic_or_partition);
          out[i].error_message =
              store.last_error() + "; the offset of group '" + group_id + "' was not committed";
        }
      }
      batch = std::move(known);
      continue;
    }
    auto why = store.last_error().empty() ? r.error().message() : store.last_error();
    for (auto i : batch) {
      out[i].error = store_error_code(r.error());
      out[i].error_message = why;
    }
    return out;
  }
  return out;
}

offset_fetch_response fetch_response(const offset_fetch_request& req,
                                     const std::vector<md::offset_commit>& stored) {
  offset_fetch_response out;
  auto convert = [](const md::offset_commit& c) {
    offset_fetch_partition p;
    p.topic = c.topic;
    p.partition = c.partition.value;
    p.offset = c.committed.value;
    p.leader_epoch = c.leader_epoch ? c.leader_epoch->value : -1;
    p.metadata = c.metadata;
    return p;
  };
  if (req.all_partitions) {
    for (const auto& c : stored)
      out.partitions.push_back(convert(c));
    return out;
  }
  std::map<std::tuple<std::string, int32_t>, const md::offset_commit*> by_key;
  for (const auto& c : stored)
    by_key[{c.topic, c.partition.value}] = &c;
  for (const auto& tp : req.partitions) {
    auto it = by_key.find({tp.topic, tp.partition});
    if (it != by_key.end()) {
      out.partitions.push_back(convert(*it->second));
    } else {
      offset_fetch_partition p;
      p.topic = tp.topic;
      p.partition = tp.partition;
      out.partitions.push_back(std::move(p));
    }
  }
  return out;
}

std::vector<md::topic_partition>
to_store_partitions(const std::vector<topic_partition_ref>& parts) {
  std::vector<md::topic_partition> out;
  for (const auto& p : parts)
    out.push_back({p.topic, partition_id{p.partition}});
  return out;
}

} // namespace tributary::actors::groups
