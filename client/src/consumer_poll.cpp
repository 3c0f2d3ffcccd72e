// consumer::poll and the decoding of fetched batches into consumer_records.
#include "consumer_impl.hpp"

#include "tributary/protocol/batch_header.hpp"

#include "caf/all.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace tributary::client {

using protocol::kafka_error;

namespace {

error corrupt(const topic_partition& tp, int64_t offset, std::error_code why) {
  return error{kafka_error::corrupt_message, "the fetched record batch of " + tp.to_string() +
                                                 " near offset " + std::to_string(offset) +
                                                 " is corrupt: " + why.message()};
}

std::string bytes_to_string(const protocol::byte_span& b) {
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

void assign_bytes(std::optional<std::string>& out, const std::optional<protocol::byte_span>& b) {
  if (!b) {
    out.reset();
    return;
  }
  auto* p = reinterpret_cast<const char*>(b->data());
  if (out)
    out->assign(p, b->size()); // reuses the recycled string's buffer
  else
    out.emplace(p, b->size());
}

/// Overwrites every field of `out` (it may be a recycled record of an earlier poll).
void fill(consumer_record& out, const topic_partition& tp, const protocol::batch_header& h,
          const protocol::record& r) {
  out.topic = tp.topic;
  out.partition = tp.partition;
  out.offset = protocol::record_offset(h, r);
  out.timestamp = protocol::record_timestamp(h, r);
  out.timestamp_type = h.ts_type() == protocol::timestamp_type::log_append_time
                           ? timestamp_type::log_append_time
                           : timestamp_type::create_time;
  assign_bytes(out.key, r.key);
  assign_bytes(out.value, r.value);
  out.headers.clear();
  if (!r.headers.empty()) {
    out.headers.reserve(static_cast<size_t>(r.headers.size()));
    for (auto& hd : r.headers)
      out.headers.push_back(
          header{std::string(hd.key),
                 hd.value ? std::optional<std::string>(bytes_to_string(*hd.value)) : std::nullopt});
  }
  out.leader_epoch = h.partition_leader_epoch;
}

/// Decodes records of `f` at or after the partition's position into `out` until `max`.
/// Returns true once `f` is used up (a trailing partial batch counts as used up: the next
/// fetch starts at it).
outcome<bool> drain(buffered_fetch& f, partition_state& st, std::vector<consumer_record>& out,
                    size_t& n, size_t max, const consumer_config& config) {
  auto& bytes = f.chunk.records;
  auto* data = reinterpret_cast<const std::byte*>(bytes.data());
  const size_t max_inflated =
      std::max<size_t>(size_t{64} << 20, size_t{16} * config.max_partition_fetch_bytes);
  protocol::record rec;
  f.started = true;
  while (n < max) {
    if (!f.reader) {
      if (bytes.size() - f.pos < protocol::batch_header_size)
        return true;
      auto header = protocol::parse_batch_header(data + f.pos, bytes.size() - f.pos);
      if (!header)
        return corrupt(f.chunk.tp, st.position, header.error());
      if (header->batch_length < 0 || header->total_size() > bytes.size() - f.pos)
        return true;
      auto total = header->total_size();
      if (config.check_crcs)
        if (auto valid = protocol::validate_batch(data + f.pos, total); !valid)
          return corrupt(f.chunk.tp, header->base_offset, valid.error());
      auto last = header->last_offset();
      if (last < st.position || header->is_control() || header->records_count == 0) {
        // Below the position, a transaction marker, or emptied by compaction: skip it.
        st.position = std::max(st.position, last + 1);
        f.pos += total;
        continue;
      }
      auto reader = protocol::record_reader::open_validated(
          *header, protocol::byte_span(data + f.pos, total), f.scratch, max_inflated);
      if (!reader)
        return corrupt(f.chunk.tp, header->base_offset, reader.error());
      f.reader.emplace(std::move(*reader));
      f.batch_end = f.pos + total;
    }
    auto more = f.reader->next(rec);
    if (!more)
      return corrupt(f.chunk.tp, st.position, more.error());
    auto& h = f.reader->header();
    if (!*more) {
      st.position = std::max(st.position, h.last_offset() + 1);
      f.pos = f.batch_end;
      f.reader.reset();
      continue;
    }
    auto offset = protocol::record_offset(h, rec);
    if (offset < st.position)
      continue;
    if (n == out.size())
      out.emplace_back();
    fill(out[n++], f.chunk.tp, h, rec);
    st.position = offset + 1;
    st.leader_epoch = h.partition_leader_epoch;
  }
  return !f.reader && bytes.size() - f.pos < protocol::batch_header_size;
}

/// A chunk carrying an error: OFFSET_OUT_OF_RANGE resets the position (auto.offset.reset),
/// anything else goes to the user.
outcome<void> fetch_error(consumer::impl& d, const fetched_chunk& c, partition_state& st) {
  auto e = protocol::to_kafka_error(c.error);
  if (e == kafka_error::offset_out_of_range) {
    if (d.config.auto_offset_reset == offset_reset::none)
      return error{e, "fetch offset " + std::to_string(c.fetch_offset) + " of " + c.tp.to_string() +
                          " is out of range and auto.offset.reset is none; seek() to a valid "
                          "offset"};
    consumer_logger()->info("fetch offset {} of {} is out of range; resetting it per "
                            "auto.offset.reset",
                            c.fetch_offset, c.tp.to_string());
    st.position = -1;
    st.source = position_source::reset_policy;
    ++st.epoch;
    d.plan_dirty = true;
    d.position_retry_ms = 0;
    return {};
  }
  std::string text =
      "fetching " + c.tp.to_string() + " at offset " + std::to_string(c.fetch_offset) + " failed";
  if (!c.error_message.empty())
    text += ": " + c.error_message;
  return error{e, text};
}

/// Records of one partition must be contiguous; a partition appearing twice in one batch
/// (two chunks with another partition's in between) is regrouped.
void regroup(std::vector<consumer_record>& records, size_t n,
             std::vector<consumer_records::partition_span>& spans) {
  std::map<topic_partition, size_t> first_seen;
  bool split = false;
  for (auto& s : spans)
    if (!first_seen.emplace(s.tp, first_seen.size()).second)
      split = true;
  if (!split)
    return;
  std::vector<consumer_record> sorted;
  sorted.reserve(n);
  std::vector<consumer_records::partition_span> merged;
  std::vector<std::pair<size_t, topic_partition>> order;
  for (auto& [tp, i] : first_seen)
    order.emplace_back(i, tp);
  std::sort(order.begin(), order.end(), [](auto& a, auto& b) { return a.first < b.first; });
  for (auto& [i, tp] : order) {
    consumer_records::partition_span out{tp, sorted.size(), sorted.size()};
    for (auto& s : spans)
      if (s.tp == tp)
        for (size_t k = s.first; k < s.last; ++k)
          sorted.push_back(std::move(records[k]));
    out.last = sorted.size();
    merged.push_back(std::move(out));
  }
  records = std::move(sorted);
  spans = std::move(merged);
}

} // namespace

void consumer::impl::pump() {
  std::deque<fetched_chunk> chunks;
  channel->drain(chunks, events, commit_results);
  for (auto& c : chunks)
    ready.push_back(buffered_fetch{std::move(c)});
}

bool consumer::impl::wait(std::chrono::steady_clock::time_point until) {
  std::deque<fetched_chunk> chunks;
  bool woken = channel->wait_and_drain(until, chunks, events, commit_results);
  for (auto& c : chunks)
    ready.push_back(buffered_fetch{std::move(c)});
  return woken;
}

void consumer::impl::send_plan() {
  if (!plan_dirty || !fetcher)
    return;
  plan_dirty = false;
  fetch_plan plan;
  for (auto& [tp, st] : assigned)
    plan.partitions.push_back(
        fetch_position{tp, st.position, st.epoch, st.position >= 0 && !st.paused});
  caf::anon_send(fetcher, std::move(plan));
}

void consumer::impl::send_acks() {
  if (acks.empty() || !fetcher)
    return;
  caf::anon_send(fetcher, fetch_done{std::move(acks)});
  acks.clear();
}

void consumer::impl::drop_data(const topic_partition& tp) {
  if (current && current->chunk.tp == tp) {
    acks.emplace_back(tp, current->chunk.epoch);
    current.reset();
  }
  for (auto it = ready.begin(); it != ready.end();) {
    if (it->chunk.tp == tp) {
      acks.emplace_back(tp, it->chunk.epoch);
      it = ready.erase(it);
    } else {
      ++it;
    }
  }
  if (auto st = assigned.find(tp); st != assigned.end())
    st->second.parked.clear();
}

outcome<consumer_records> consumer::impl::collect() {
  std::vector<consumer_record> out;
  size_t n = 0;
  std::vector<consumer_records::partition_span> spans;
  auto max = static_cast<size_t>(config.max_poll_records);
  while (n < max) {
    if (!current) {
      if (ready.empty())
        break;
      auto f = std::move(ready.front());
      ready.pop_front();
      auto it = assigned.find(f.chunk.tp);
      if (it == assigned.end())
        continue; // no longer ours; the fetcher forgot it already
      auto& st = it->second;
      if (f.chunk.epoch != st.epoch || (!f.started && f.chunk.fetch_offset != st.position)) {
        acks.emplace_back(f.chunk.tp, f.chunk.epoch); // stale: the position moved since
        continue;
      }
      if (f.chunk.error != 0) {
        acks.emplace_back(f.chunk.tp, f.chunk.epoch);
        if (auto ok = fetch_error(*this, f.chunk, st); !ok)
          return ok.err();
        continue;
      }
      if (f.chunk.high_watermark >= 0)
        st.high_watermark = f.chunk.high_watermark;
      current.emplace(std::move(f));
    }
    auto& tp = current->chunk.tp;
    auto& st = assigned.at(tp);
    if (st.paused) {
      st.parked.push_back(std::move(*current));
      current.reset();
      continue;
    }
    if (out.capacity() == 0) {
      out = pool->take(); // an earlier batch's records, strings and all
      out.reserve(max);
    }
    auto before = n;
    auto done = drain(*current, st, out, n, max, config);
    if (!done) {
      acks.emplace_back(tp, current->chunk.epoch);
      current.reset();
      return done.err();
    }
    if (n > before) {
      if (!spans.empty() && spans.back().tp == tp)
        spans.back().last = n;
      else
        spans.push_back(consumer_records::partition_span{tp, before, n});
    }
    if (*done) {
      acks.emplace_back(tp, current->chunk.epoch);
      current.reset();
    }
  }
  if (n == 0 && out.capacity() > 0) {
    pool->recycle(std::move(out)); // nothing decoded: keep the strings for the next poll
    out = {};
  }
  regroup(out, n, spans);
  auto count = std::min(n, out.size());
  return consumer_records(std::move(out), count, std::move(spans),
                          std::weak_ptr<record_recycler>(pool));
}

outcome<consumer_records> consumer::poll(std::chrono::milliseconds timeout) {
  auto& d = *impl_;
  if (d.closed)
    return error{kafka_error::invalid_request, "the consumer is closed"};
  if (d.mode == consumer_mode::none)
    return error{kafka_error::invalid_request,
                 "poll(): the consumer is neither subscribed to topics nor assigned partitions"};
  struct poll_scope {
    consumer_channel& ch;
    explicit poll_scope(consumer_channel& c) : ch(c) { ch.poll_started(); }
    ~poll_scope() { ch.poll_finished(steady_ms()); }
  } scope{*d.channel};
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool woken = d.channel->consume_woken();
  while (true) {
    d.pump();
    d.complete_commits();
    d.process_events();
    if (d.fatal)
      return *d.fatal;
    if (auto ok = d.maybe_join(); !ok)
      return ok.err();
    if (auto ok = d.update_positions(d.request_timeout()); !ok)
      return ok.err();
    d.send_plan();
    d.maybe_auto_commit();
    auto records = d.collect();
    d.send_acks();
    d.send_plan(); // an OFFSET_OUT_OF_RANGE reset may have moved a position
    if (!records)
      return records.err();
    if (!records->empty() || woken)
      return records;
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline)
      return records;
    auto until = deadline;
    if (d.auto_commit()) {
      auto next =
          std::chrono::steady_clock::time_point(std::chrono::milliseconds(d.next_auto_commit_ms));
      until = std::min(until, std::max(next, now));
    }
    if (d.position_retry_ms > 0)
      until = std::min(until, std::chrono::steady_clock::time_point(
                                  std::chrono::milliseconds(d.position_retry_ms)));
    woken = d.wait(until);
  }
}

} // namespace tributary::client
