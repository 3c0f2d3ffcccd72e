// Produce, Fetch, ListOffsets, DeleteRecords and partition status on the broker: resolve each
// topic partition to its actor and hand the work over. Produce is delegated (the partition
// answers the client directly), Fetch goes through a per-request fetch_session, the others
// fan out and are answered in request order. Unknown partitions are answered in place with
// UNKNOWN_TOPIC_OR_PARTITION and a message naming the topic and partition.
#include "broker_state.hpp"

#include "fetch_session.hpp"
#include "jobs.hpp"

#include <memory>
#include <utility>

namespace tributary::actors {

using protocol::kafka_error;

namespace {

/// Asks `asks[k].first` with `asks[k].second` and stores the reply in slot asks[k].index;
/// on_error builds the slot when the partition does not answer. done(slots) at the end.
template <class Reply, class Msg>
struct fan_out_item {
  size_t index;
  partition_actor actor;
  Msg msg;
};

template <class Reply, class Msg, class OnError, class Done>
void fan_out(broker_self self, std::vector<Reply> slots, std::vector<fan_out_item<Reply, Msg>> asks,
             OnError on_error, Done done) {
  struct pending {
    std::vector<Reply> slots;
    size_t outstanding = 0;
  };
  auto p = std::make_shared<pending>();
  p->slots = std::move(slots);
  p->outstanding = asks.size();
  if (asks.empty()) {
    done(std::move(p->slots));
    return;
  }
  for (auto& a : asks) {
    auto index = a.index;
    self->request(a.actor, k_job_timeout, std::move(a.msg))
        .then(
            [=](Reply& r) mutable {
              p->slots[index] = std::move(r);
              if (--p->outstanding == 0)
                done(std::move(p->slots));
            },
            [=](caf::error& err) mutable {
              on_error(p->slots[index], err);
              if (--p->outstanding == 0)
                done(std::move(p->slots));
            });
  }
}

template <class Slot>
void fill_unknown(Slot& slot, const std::string& why) {
  slot.error = code(kafka_error::unknown_topic_or_partition);
  slot.error_message = why;
}

template <class Slot>
void fill_unreachable(Slot& slot, const caf::error& err) {
  slot.error = code(err == caf::sec::request_timeout ? kafka_error::request_timed_out
                                                     : kafka_error::not_leader_or_follower);
  slot.error_message = "partition " + slot.topic + "-" + std::to_string(slot.partition) +
                       " did not answer: " + caf::to_string(err);
}

} // namespace

caf::result<produce_response> handle_produce(broker_self self, produce_request& req) {
  auto& counters = self->state.meta;
  std::string why;
  auto* p = find_partition(self, req.topic, req.partition, &why);
  if (p == nullptr) {
    ++counters.counters.errors;
    produce_response r;
    r.topic = req.topic;
    r.partition = req.partition;
    fill_unknown(r, why);
    return r;
  }
  counters.count_in(1, 0, req.records.size());
  return self->delegate(*p, std::move(req));
}

caf::result<fetch_response> handle_fetch(broker_self self, fetch_request& req) {
  // File ranges are for this process only (a remote reply would have to read them anyway).
  const auto& sender = self->current_sender();
  if (req.wants_file_ranges && (!sender || sender->node() != self->node()))
    req.wants_file_ranges = false;
  std::vector<fetch_target> targets(req.partitions.size());
  bool any = false;
  for (size_t i = 0; i < req.partitions.size(); ++i) {
    std::string why;
    auto& fp = req.partitions[i];
    if (auto* p = find_partition(self, fp.topic, fp.partition, &why)) {
      targets[i].actor = *p;
      any = true;
    } else {
      targets[i].error = code(kafka_error::unknown_topic_or_partition);
      targets[i].error_message = std::move(why);
    }
  }
  if (!any && !req.partitions.empty()) {
    fetch_response r;
    for (size_t i = 0; i < req.partitions.size(); ++i) {
      fetch_partition_data d;
      d.topic = req.partitions[i].topic;
      d.partition = req.partitions[i].partition;
      d.error = targets[i].error;
      d.error_message = std::move(targets[i].error_message);
      r.partitions.push_back(std::move(d));
    }
    return r;
  }
  auto session = spawn_fetch_session(self->system(), std::move(targets));
  self->link_to(session); // a broker that stops takes its long-polling sessions along
  return self->delegate(session, std::move(req));
}

caf::result<list_offsets_response> handle_list_offsets(broker_self self,
                                                       list_offsets_request& req) {
  std::vector<list_offsets_result> slots(req.partitions.size());
  std::vector<fan_out_item<list_offsets_result, partition_list_offset>> asks;
  for (size_t i = 0; i < req.partitions.size(); ++i) {
    auto& q = req.partitions[i];
    slots[i].topic = q.topic;
    slots[i].partition = q.partition;
    slots[i].timestamp = q.timestamp;
    std::string why;
    if (auto* p = find_partition(self, q.topic, q.partition, &why))
      asks.push_back({i, *p, partition_list_offset{q.timestamp, req.isolation_level}});
    else
      fill_unknown(slots[i], why);
  }
  if (asks.empty())
    return list_offsets_response{std::move(slots)};
  auto rp = self->make_response_promise<list_offsets_response>();
  // The partition fills offset / timestamp / epoch; topic and partition come from the request.
  auto names = slots;
  fan_out(
      self, std::move(slots), std::move(asks),
      [](list_offsets_result& slot, const caf::error& err) { fill_unreachable(slot, err); },
      [rp, names](std::vector<list_offsets_result> r) mutable {
        for (size_t i = 0; i < r.size(); ++i) {
          r[i].topic = names[i].topic;
          r[i].partition = names[i].partition;
        }
        rp.deliver(list_offsets_response{std::move(r)});
      });
  return rp;
}

caf::result<delete_records_response> handle_delete_records(broker_self self,
                                                           delete_records_request& req) {
  std::vector<delete_records_result> slots(req.partitions.size());
  std::vector<fan_out_item<delete_records_result, partition_delete_records>> asks;
  for (size_t i = 0; i < req.partitions.size(); ++i) {
    auto& q = req.partitions[i];
    slots[i].topic = q.topic;
    slots[i].partition = q.partition;
    std::string why;
    if (auto* p = find_partition(self, q.topic, q.partition, &why))
      asks.push_back({i, *p, partition_delete_records{q.offset}});
    else
      fill_unknown(slots[i], why);
  }
  if (asks.empty())
    return delete_records_response{std::move(slots)};
  auto rp = self->make_response_promise<delete_records_response>();
  auto names = slots;
  fan_out(
      self, std::move(slots), std::move(asks),
      [](delete_records_result& slot, const caf::error& err) { fill_unreachable(slot, err); },
      [rp, names](std::vector<delete_records_result> r) mutable {
        for (size_t i = 0; i < r.size(); ++i) {
          r[i].topic = names[i].topic;
          r[i].partition = names[i].partition;
        }
        rp.deliver(delete_records_response{std::move(r)});
      });
  return rp;
}

caf::result<partition_status_list> handle_partition_status(broker_self self,
                                                           partition_status_query& req) {
  auto& topics = self->state.topics;
  std::vector<std::string> names = req.topics;
  if (names.empty())
    for (auto& [name, t] : topics)
      names.push_back(name);
  std::vector<partition_status> slots;
  std::vector<fan_out_item<partition_status, partition_status_request>> asks;
  for (auto& name : names) {
    auto t = topics.find(name);
    if (t == topics.end()) {
      partition_status s;
      s.topic = name;
      s.partition = -1;
      s.error = code(kafka_error::unknown_topic_or_partition);
      slots.push_back(std::move(s));
      continue;
    }
    for (size_t p = 0; p < t->second.partitions.size(); ++p) {
      partition_status s;
      s.topic = name;
      s.partition = static_cast<int32_t>(p);
      asks.push_back({slots.size(), t->second.partitions[p], partition_status_request{}});
      slots.push_back(std::move(s));
    }
  }
  if (asks.empty())
    return partition_status_list{std::move(slots)};
  auto rp = self->make_response_promise<partition_status_list>();
  auto names_of = slots;
  fan_out(
      self, std::move(slots), std::move(asks),
      [](partition_status& slot, const caf::error& err) {
        slot.error = code(err == caf::sec::request_timeout ? kafka_error::request_timed_out
                                                           : kafka_error::not_leader_or_follower);
      },
      [rp, names_of](std::vector<partition_status> r) mutable {
        for (size_t i = 0; i < r.size(); ++i) {
          r[i].topic = names_of[i].topic;
          r[i].partition = names_of[i].partition;
        }
        rp.deliver(partition_status_list{std::move(r)});
      });
  return rp;
}

} // namespace tributary::actors
