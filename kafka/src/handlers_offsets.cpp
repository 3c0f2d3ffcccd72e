// Committed offsets: OffsetCommit, OffsetFetch (one group before v8, several from v8) and
// OffsetDelete. The coordinator checks generations and stores offsets in SQLite.
#include "handlers.hpp"
#include "respond.hpp"

#include "tributary/protocol/kafka/offset_commit.hpp"
#include "tributary/protocol/kafka/offset_delete.hpp"
#include "tributary/protocol/kafka/offset_fetch.hpp"

#include <map>

namespace tributary::kafka {

namespace pk = protocol::kafka;
namespace ta = tributary::actors;

namespace {

/// Regroups per-partition results by topic, keeping the order topics first appear in.
template <class Topic, class Partition, class Item, class Fill>
std::vector<Topic> by_topic(const std::vector<Item>& items, Fill fill) {
  std::vector<Topic> out;
  std::map<std::string, size_t> index;
  for (const auto& it : items) {
    auto [pos, inserted] = index.emplace(it.topic, out.size());
    if (inserted) {
      out.emplace_back();
      out.back().name = it.topic;
    }
    Partition p;
    fill(p, it);
    out[pos->second].partitions.push_back(std::move(p));
  }
  return out;
}

using fetch_resp = pk::offset_fetch_response;

/// One group's OffsetFetch, answered through `done(error, partitions)`.
template <class Done>
void fetch_group_offsets(connection_self self, std::string group, bool all,
                         std::vector<ta::topic_partition_ref> parts, bool require_stable,
                         Done done) {
  ta::offset_fetch_request ask;
  ask.group_id = std::move(group);
  ask.all_partitions = all;
  ask.partitions = std::move(parts);
  ask.require_stable = require_stable;
  auto asked = ask.partitions;
  ask_broker<ta::offset_fetch_response>(
      self, default_wait_ms(self), std::move(ask),
      [done](ta::offset_fetch_response& in) mutable { done(in.error, in.partitions); },
      [done, asked](int16_t code, const std::string&) mutable {
        std::vector<ta::offset_fetch_partition> parts;
        for (const auto& p : asked) {
          ta::offset_fetch_partition f;
          f.topic = p.topic;
          f.partition = p.partition;
          f.error = code;
          parts.push_back(std::move(f));
        }
        done(code, parts);
      });
}

template <class Partition>
void fill_fetched(Partition& out, const ta::offset_fetch_partition& in) {
  out.partition_index = in.partition;
  out.committed_offset = in.offset;
  out.committed_leader_epoch = in.leader_epoch;
  out.metadata = in.metadata;
  out.error_code = in.error;
}

} // namespace

void handle_offset_commit(connection_self self, const request_context& rc, pk::wire_reader& r) {
  pk::offset_commit_request req;
  if (!decode_request(self, rc, r, req))
    return;
  ta::offset_commit_request ask;
  ask.group_id = req.group_id;
  ask.generation_id = req.generation_id_or_member_epoch;
  ask.member_id = req.member_id;
  ask.group_instance_id = req.group_instance_id.value_or("");
  ask.retention_ms = req.retention_time_ms;
  for (const auto& t : req.topics)
    for (const auto& p : t.partitions) {
      ta::offset_commit_partition c;
      c.topic = t.name;
      c.partition = p.partition_index;
      c.offset = p.committed_offset;
      c.leader_epoch = p.committed_leader_epoch;
      c.metadata = p.committed_metadata.value_or("");
      ask.partitions.push_back(std::move(c));
    }
  auto asked = ask.partitions;
  using resp = pk::offset_commit_response;
  auto answer = [self, rc](const std::vector<ta::partition_error>& results) {
    resp out;
    out.topics =
        by_topic<resp::offset_commit_response_topic, resp::offset_commit_response_partition>(
            results, [](resp::offset_commit_response_partition& p, const ta::partition_error& e) {
              p.partition_index = e.partition;
              p.error_code = e.error;
            });
    respond(self, rc, out);
  };
  ask_broker<ta::offset_commit_response>(
      self, default_wait_ms(self), std::move(ask),
      [answer](ta::offset_commit_response& in) { answer(in.partitions); },
      [answer, asked](int16_t code, const std::string& why) {
        std::vector<ta::partition_error> results;
        for (const auto& c : asked)
          results.push_back(ta::partition_error{c.topic, c.partition, code, why});
        answer(results);
      });
}

void handle_offset_fetch(connection_self self, const request_context& rc, pk::wire_reader& r) {
  pk::offset_fetch_request req;
  if (!decode_request(self, rc, r, req))
    return;
  if (rc.version() < 8) {
    // v0/v1: an empty list is "nothing"; v2+: null is every committed partition.
    bool all = !req.topics.has_value();
    std::vector<ta::topic_partition_ref> parts;
    if (req.topics)
      for (const auto& t : *req.topics)
        for (auto p : t.partition_indexes)
          parts.push_back({t.name, p});
    fetch_group_offsets(
        self, req.group_id, all, std::move(parts), req.require_stable,
        [self, rc](int16_t error, const std::vector<ta::offset_fetch_partition>& parts) {
          fetch_resp out;
          out.error_code = error;
          out.topics = by_topic<fetch_resp::offset_fetch_response_topic,
                                fetch_resp::offset_fetch_response_partition>(
              parts, &fill_fetched<fetch_resp::offset_fetch_response_partition>);
          respond(self, rc, out);
        });
    return;
  }
  auto out = std::make_shared<fetch_resp>();
  out->groups.resize(req.groups.size());
  if (req.groups.empty())
    return respond(self, rc, *out);
  auto pending = std::make_shared<size_t>(req.groups.size());
  for (size_t i = 0; i < req.groups.size(); ++i) {
    const auto& g = req.groups[i];
    out->groups[i].group_id = g.group_id;
    std::vector<ta::topic_partition_ref> parts;
    if (g.topics)
      for (const auto& t : *g.topics)
        for (auto p : t.partition_indexes)
          parts.push_back({t.name, p});
    fetch_group_offsets(
        self, g.group_id, !g.topics.has_value(), std::move(parts), req.require_stable,
        [self, rc, out, pending, i](int16_t error,
                                    const std::vector<ta::offset_fetch_partition>& parts) {
          out->groups[i].error_code = error;
          out->groups[i].topics = by_topic<fetch_resp::offset_fetch_response_topics,
                                           fetch_resp::offset_fetch_response_partitions>(
              parts, &fill_fetched<fetch_resp::offset_fetch_response_partitions>);
          if (--*pending == 0)
            respond(self, rc, *out);
        });
  }
}

void handle_offset_delete(connection_self self, const request_context& rc, pk::wire_reader& r) {
  pk::offset_delete_request req;
  if (!decode_request(self, rc, r, req))
    return;
  ta::offset_delete_request ask;
  ask.group_id = req.group_id;
  for (const auto& t : req.topics)
    for (const auto& p : t.partitions)
      ask.partitions.push_back({t.name, p.partition_index});
  auto asked = ask.partitions;
  using resp = pk::offset_delete_response;
  auto answer = [self, rc](int16_t error, const std::vector<ta::partition_error>& results) {
    resp out;
    out.error_code = error;
    out.topics =
        by_topic<resp::offset_delete_response_topic, resp::offset_delete_response_partition>(
            results, [](resp::offset_delete_response_partition& p, const ta::partition_error& e) {
              p.partition_index = e.partition;
              p.error_code = e.error;
            });
    respond(self, rc, out);
  };
  ask_broker<ta::offset_delete_response>(
      self, default_wait_ms(self), std::move(ask),
      [answer](ta::offset_delete_response& in) { answer(in.error, in.partitions); },
      [answer](int16_t code, const std::string&) { answer(code, {}); });
}

} // namespace tributary::kafka
