// The read path of the partition actor: long-poll fetches (answered at once when min_bytes
// are readable, else parked until an append or the high watermark brings them, or until
// max_wait_ms), reads copied out of the log's file ranges (or handed over as the ranges
// themselves, for the Kafka listener's sendfile), and ListOffsets.
#include "file_ranges.hpp"
#include "partition_state.hpp"

#include "tributary/protocol/batch_header.hpp"
#include "tributary/protocol/record_reader.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <limits>

namespace tributary::actors {

using protocol::kafka_error;

namespace {

// Consumers read below the high watermark (read_committed: below the LSO, which is the HW
// while there are no transactions); followers read everything the leader has.
int64_t read_bound(const partition_state& st, const partition_fetch& f) {
  return f.replica_id >= 0 ? st.log_end() : st.high_watermark;
}

bool is_out_of_range(const partition_state& st, int64_t fetch_offset) {
  return fetch_offset < st.log_start() || fetch_offset > st.log_end();
}

bool is_ready(partition_self self, const partition_fetch& f) {
  auto& st = self->state;
  if (st.unavailable() || st.check_epoch(f.current_leader_epoch) ||
      is_out_of_range(st, f.fetch_offset))
    return true; // the answer is an error: give it now
  int64_t bound = read_bound(st, f);
  if (f.fetch_offset >= bound)
    return false;
  if (f.min_bytes <= 1)
    return true; // the batch holding fetch_offset lies wholly below the bound
  // Like Kafka's DelayedFetch, count at most max_bytes of this partition towards min_bytes.
  auto want = static_cast<size_t>(std::max(f.max_bytes, 1));
  auto r = st.store.log->read(offset{f.fetch_offset}, want, offset{bound});
  return !r || r->size_bytes() >= static_cast<size_t>(f.min_bytes);
}

// Batches and records in a payload of whole v2 batches (for the inspector's counters).
std::pair<uint64_t, uint64_t> count_batches(const bytes& data) {
  uint64_t batches = 0, records = 0;
  size_t pos = 0;
  auto* p = reinterpret_cast<const std::byte*>(data.data());
  while (data.size() - pos >= protocol::batch_header_size) {
    auto h = protocol::parse_batch_header(p + pos, data.size() - pos);
    if (!h || h->batch_length <= 0 || h->total_size() > data.size() - pos)
      break;
    ++batches;
    records += static_cast<uint64_t>(std::max(h->records_count, 0));
    pos += h->total_size();
  }
  return {batches, records};
}

fetch_partition_data failed(partition_state& st, fetch_partition_data d, const kafka_failure& f) {
  ++st.meta.counters.errors;
  d.error = f.code;
  d.error_message = f.message;
  return d;
}

// The record timestamp of `at` (ListOffsets reports the found record's own timestamp).
std::optional<int64_t> timestamp_of(const storage::partition_log& log, int64_t at) {
  auto r = log.read(offset{at}, 1, log.log_end_offset());
  if (!r || r->ranges.empty())
    return std::nullopt;
  const auto& range = r->ranges.front();
  std::vector<std::byte> batch(range.length);
  auto n = range.file->pread_all(batch.data(), batch.size(), range.position);
  if (!n || *n != batch.size())
    return std::nullopt;
  std::vector<std::byte> scratch;
  auto reader = protocol::record_reader::open(protocol::byte_span(batch.data(), batch.size()),
                                              scratch, size_t{64} << 20);
  if (!reader)
    return std::nullopt;
  protocol::record rec;
  while (true) {
    auto more = reader->next(rec);
    if (!more || !*more)
      return std::nullopt;
    if (protocol::record_offset(reader->header(), rec) == at)
      return protocol::record_timestamp(reader->header(), rec);
  }
}

} // namespace

fetch_partition_data read_for(partition_self self, const partition_fetch& f) {
  auto& st = self->state;
  fetch_partition_data d;
  d.topic = st.spec.topic;
  d.partition = st.spec.partition;
  d.leader_epoch = st.leader_epoch;
  if (auto u = st.unavailable())
    return failed(st, d, u);
  if (auto e = st.check_epoch(f.current_leader_epoch))
    return failed(st, d, e);
  d.high_watermark = st.high_watermark;
  d.last_stable_offset = st.high_watermark;
  d.log_start_offset = st.log_start();
  if (is_out_of_range(st, f.fetch_offset))
    return failed(st, d,
                  make_failure(kafka_error::offset_out_of_range,
                               "fetch offset " + std::to_string(f.fetch_offset) + " of " + st.tp() +
                                   " is outside [" + std::to_string(st.log_start()) + ", " +
                                   std::to_string(st.log_end()) + "]"));
  int64_t bound = read_bound(st, f);
  if (f.fetch_offset >= bound)
    return d;
  auto& log = *st.store.log;
  auto r = log.read(offset{f.fetch_offset}, static_cast<size_t>(std::max(f.max_bytes, 1)),
                    offset{bound});
  if (!r)
    return failed(st, d, storage_failure(st.tp(), "fetch", r.error(), log.last_error()));
  if (f.wants_file_ranges && f.replica_id < 0) {
    // Zero copy: below the high watermark nothing is truncated, so the ranges still hold these
    // batches when the listener sends them. Counted without reading: offsets, not batches.
    uint64_t records = 0;
    for (const auto& range : r->ranges)
      records += static_cast<uint64_t>(range.last_offset.value - range.first_offset.value + 1);
    st.meta.count_out(0, records, r->size_bytes());
    d.file_ranges = std::move(r->ranges);
    return d;
  }
  std::string why;
  if (auto ec = read_ranges(r->ranges, d.records, &why)) {
    d.records.clear();
    return failed(st, d, storage_failure(st.tp(), "fetch", ec, why));
  }
  auto [batches, records] = count_batches(d.records);
  st.meta.count_out(batches, records, d.records.size());
  return d;
}

caf::result<fetch_partition_data> handle_fetch(partition_self self, const partition_fetch& f) {
  auto& st = self->state;
  if (f.replica_id >= 0 && !st.unavailable()) {
    if (st.followers.count(f.replica_id) == 0) {
      fetch_partition_data d;
      d.topic = st.spec.topic;
      d.partition = st.spec.partition;
      d.leader_epoch = st.leader_epoch;
      return failed(st, d,
                    make_failure(kafka_error::not_leader_or_follower,
                                 "replica " + std::to_string(f.replica_id) +
                                     " is not a follower of " + st.tp() + " on leader " +
                                     std::to_string(st.spec.node_id)));
    }
    if (!st.check_epoch(f.current_leader_epoch))
      note_follower_fetch(self, f.replica_id, f.fetch_offset);
  }
  if (f.max_wait_ms <= 0 || is_ready(self, f))
    return read_for(self, f);
  auto id = st.next_id++;
  auto rp = self->make_response_promise<fetch_partition_data>();
  st.fetches.park(id, parked_fetch{f, rp});
  self->delayed_send(self, std::chrono::milliseconds(f.max_wait_ms),
                     timer_tick{k_fetch_expiry, id, {}});
  return rp;
}

void wake_fetches(partition_self self) {
  auto& st = self->state;
  if (st.fetches.empty())
    return;
  auto ready = st.fetches.take_ready(
      st.log_end(), [self](const partition_fetch& f) { return is_ready(self, f); });
  for (auto& p : ready)
    p.rp.deliver(read_for(self, p.request));
}

void expire_fetch(partition_self self, uint64_t id) {
  if (auto p = self->state.fetches.take(id))
    p->rp.deliver(read_for(self, p->request));
}

void answer_all_fetches(partition_self self, const kafka_failure& why) {
  auto& st = self->state;
  for (auto& p : st.fetches.take_all()) {
    fetch_partition_data d;
    d.topic = st.spec.topic;
    d.partition = st.spec.partition;
    d.leader_epoch = st.leader_epoch;
    p.rp.deliver(failed(st, std::move(d), why));
  }
}

list_offsets_result handle_list_offset(partition_self self, const partition_list_offset& req) {
  auto& st = self->state;
  list_offsets_result r;
  r.topic = st.spec.topic;
  r.partition = st.spec.partition;
  auto fail = [&](const kafka_failure& f) {
    ++st.meta.counters.errors;
    r.error = f.code;
    r.error_message = f.message;
    return r;
  };
  if (auto u = st.unavailable())
    return fail(u);
  auto& log = *st.store.log;
  int64_t hw = st.high_watermark; // also the LSO (read_committed) without transactions
  if (req.timestamp == storage::partition_log::k_earliest_timestamp) {
    r.offset = st.log_start();
  } else if (req.timestamp == storage::partition_log::k_latest_timestamp) {
    r.offset = hw;
  } else if (req.timestamp == -3 || req.timestamp >= 0) { // -3: the max timestamp (KIP-734)
    int64_t ts = req.timestamp;
    if (ts == -3) {
      ts = -1;
      for (const auto& s : log.segments())
        ts = std::max(ts, s.max_timestamp);
    }
    if (ts >= 0) {
      auto found = log.offset_for_timestamp(ts);
      if (!found)
        return fail(storage_failure(st.tp(), "ListOffsets", found.error(), log.last_error()));
      if (*found && (*found)->value < hw) {
        r.offset = (*found)->value;
        r.timestamp = timestamp_of(log, r.offset).value_or(ts);
      }
    }
  } else {
    return fail(make_failure(kafka_error::invalid_request,
                             "ListOffsets on " + st.tp() + ": timestamp " +
                                 std::to_string(req.timestamp) +
                                 " is not a time, -1 (latest), -2 (earliest) or -3 (max)"));
  }
  if (r.offset >= 0)
    r.leader_epoch = st.store.epochs.epoch_for_offset(r.offset == hw && hw > 0 ? hw - 1 : r.offset);
  return r;
}

} // namespace tributary::actors
