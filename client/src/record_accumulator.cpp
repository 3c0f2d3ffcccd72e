#include "record_accumulator.hpp"

#include <spdlog/spdlog.h>

#include <optional>
#include <thread>

namespace tributary::client::detail {

using protocol::kafka_error;

namespace {

// Upper bound of one record's encoded size: the varint fields at their widest.
constexpr size_t record_overhead = 1 + 10 + 5 + 5 + 5 + 5 + 5;
constexpr size_t header_overhead = 5 + 5;
constexpr size_t max_pooled_builders = 64;

size_t estimate_size(const producer_record& r) {
  size_t n = record_overhead;
  n += r.key ? r.key->size() : 0;
  n += r.value ? r.value->size() : 0;
  for (auto& h : r.headers)
    n += header_overhead + h.key.size() + (h.value ? h.value->size() : 0);
  return n;
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

error closed_error(const std::string& topic) {
  return make_error(kafka_error::unknown_server_error,
                    "producer is closed: record for topic '" + topic + "' refused");
}

void fail(delivery_callback& cb, error e) {
  if (cb)
    cb(outcome<record_metadata>(std::move(e)));
}

} // namespace

record_accumulator::record_accumulator(producer_config config, accumulator_hooks hooks)
    : config_(std::move(config)), hooks_(std::move(hooks)) {
  batch_options_.codec = config_.compression;
  batch_options_.compression.level = config_.compression_level;
}

record_accumulator::~record_accumulator() = default;

void record_accumulator::append(const producer_record& record, delivery_callback callback) {
  auto size = estimate_size(record);
  if (size > static_cast<size_t>(config_.max_request_size) ||
      size > static_cast<size_t>(config_.buffer_memory)) {
    fail(callback,
         make_error(kafka_error::message_too_large,
                    "record of " + std::to_string(size) + " bytes for topic '" + record.topic +
                        "' exceeds max.request.size=" + std::to_string(config_.max_request_size) +
                        " or buffer.memory=" + std::to_string(config_.buffer_memory)));
    return;
  }
  auto deadline = clock::now() + std::chrono::milliseconds(config_.max_block_ms);
  std::unique_lock<std::mutex> lock{mutex_};
  if (closed_) {
    lock.unlock();
    fail(callback, closed_error(record.topic));
    return;
  }
  auto topic = topic_for(lock, record.topic, deadline);
  if (!topic) {
    lock.unlock();
    fail(callback, topic.err());
    return;
  }
  if (closed_) { // closed (and maybe aborted) while we asked for metadata without the lock
    lock.unlock();
    fail(callback, closed_error(record.topic));
    return;
  }
  if (!reserve(lock, size, deadline)) {
    bool was_closed = closed_;
    lock.unlock();
    if (was_closed) {
      fail(callback, closed_error(record.topic));
      return;
    }
    fail(callback,
         make_error(kafka_error::request_timed_out,
                    "buffer.memory=" + std::to_string(config_.buffer_memory) +
                        " stayed full for max.block.ms=" + std::to_string(config_.max_block_ms) +
                        " ms: record for topic '" + record.topic + "' refused"));
    return;
  }
  auto& t = **topic;
  auto partition = choose_partition(t, record);
  if (!partition) {
    used_memory_ -= size;
    lock.unlock();
    memory_cv_.notify_one();
    fail(callback, partition.err());
    return;
  }
  auto p = *partition;
  auto now = clock::now();
  bool wake = false;
  auto needs_new_batch = [&](const batch_ptr& b) {
    return !b || (b->builder.record_count() > 0 &&
                  b->builder.uncompressed_size() + size > static_cast<size_t>(config_.batch_size));
  };
  bool sticky = !record.partition && !record.key && !config_.partitioner;
  if (sticky && needs_new_batch(t.open[p])) {
    // KIP-480: the sticky partition's batch is full or gone: the next batch goes elsewhere.
    if (t.open[p])
      wake |= close_batch(t, p);
    p = partitioner_.on_new_batch(record.topic, p, t.partitions);
  }
  bool arm = false;
  if (needs_new_batch(t.open[p])) {
    if (t.open[p])
      wake |= close_batch(t, p);
    t.open[p] = open_batch(record.topic, p, now);
    if (!linger_armed_ && config_.linger_ms > 0) {
      linger_armed_ = true;
      arm = true;
    }
  }
  auto& batch = *t.open[p];
  auto ts = record.timestamp >= 0 ? record.timestamp : now_ms();
  header_scratch_.clear();
  for (auto& h : record.headers) {
    protocol::record_header rh;
    rh.key = h.key;
    if (h.value)
      rh.value = protocol::as_bytes(*h.value);
    header_scratch_.push_back(rh);
  }
  protocol::record_input in;
  in.timestamp_ms = ts;
  if (record.key)
    in.key = protocol::as_bytes(*record.key);
  if (record.value)
    in.value = protocol::as_bytes(*record.value);
  in.headers =
      protocol::span<const protocol::record_header>(header_scratch_.data(), header_scratch_.size());
  batch.builder.append(in);
  batch.records.push_back(pending_record{
      std::move(callback), ts, record.key ? static_cast<int32_t>(record.key->size()) : -1,
      record.value ? static_cast<int32_t>(record.value->size()) : -1});
  batch.reserved += size;
  auto linger_deadline = batch.created + std::chrono::milliseconds(config_.linger_ms);
  if (batch.builder.uncompressed_size() >= static_cast<size_t>(config_.batch_size))
    wake |= close_batch(t, p);
  else if (config_.linger_ms == 0)
    wake = true;
  bool do_wake = wake && !wake_pending_;
  if (do_wake)
    wake_pending_ = true;
  lock.unlock();
  if (do_wake)
    hooks_.wake();
  if (arm)
    hooks_.arm_linger(linger_deadline);
}

outcome<record_accumulator::topic_state*>
record_accumulator::topic_for(std::unique_lock<std::mutex>& lock, const std::string& topic,
                              clock::time_point deadline) {
  auto version = hooks_.metadata_version();
  auto i = topics_.find(topic);
  // Partitions added elsewhere show up after metadata.max.age.ms (the cache refreshes then).
  if (i != topics_.end() && i->second.version == version && i->second.partitions > 0 &&
      clock::now() - i->second.checked < std::chrono::milliseconds(config_.metadata_max_age_ms))
    return &i->second;
  // Ask outside the lock: the lookup may block on the node for up to max.block.ms.
  lock.unlock();
  auto start = clock::now();
  outcome<int32_t> n = make_error(kafka_error::unknown_topic_or_partition);
  std::optional<error> answer; // the node's last real answer, kept over a later timeout
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
    n = hooks_.partitions(topic, std::max(left, std::chrono::milliseconds(1)));
    if (!n && n.err().code != kafka_error::request_timed_out)
      answer = n.err();
    if (n || !n.err().is_retriable() || clock::now() >= deadline)
      break;
    auto pause =
        std::min(std::chrono::milliseconds(config_.retry_backoff_ms),
                 std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()));
    if (pause.count() > 0)
      std::this_thread::sleep_for(pause);
  }
  lock.lock();
  if (!n) {
    if (!n.err().is_retriable())
      return n.err();
    // The last lookup may have run out of time with only a millisecond left: the error
    // users need is what the node said before ("unknown topic"), not that timeout.
    if (answer)
      n = *answer;
    auto waited =
        std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - start).count();
    return make_error(n.err().code, "topic '" + topic + "' not present in metadata after " +
                                        std::to_string(waited) + " ms (max.block.ms=" +
                                        std::to_string(config_.max_block_ms) +
                                        "): " + n.err().to_string());
  }
  auto& t = topics_[topic];
  t.version = version;
  t.checked = clock::now();
  t.partitions = *n;
  if (t.open.size() < static_cast<size_t>(*n))
    t.open.resize(static_cast<size_t>(*n));
  return &t;
}

outcome<int32_t> record_accumulator::choose_partition(topic_state& t,
                                                      const producer_record& record) {
  int32_t p;
  if (record.partition)
    p = *record.partition;
  else if (config_.partitioner)
    p = config_.partitioner(record, t.partitions);
  else if (record.key)
    p = partitioner::keyed(*record.key, t.partitions);
  else
    p = partitioner_.sticky(record.topic, t.partitions);
  if (p < 0 || p >= t.partitions)
    return make_error(kafka_error::unknown_topic_or_partition,
                      "topic '" + record.topic + "' has " + std::to_string(t.partitions) +
                          " partitions; partition " + std::to_string(p) + " does not exist");
  return p;
}

bool record_accumulator::reserve(std::unique_lock<std::mutex>& lock, size_t bytes,
                                 clock::time_point deadline) {
  auto limit = static_cast<size_t>(config_.buffer_memory);
  if (used_memory_ + bytes <= limit) {
    used_memory_ += bytes;
    return true;
  }
  // Exhausted: make every open batch ready (as Kafka does while someone waits for memory),
  // so lingering batches do not hold the memory we wait for.
  ++memory_waiters_;
  bool do_wake = !wake_pending_;
  wake_pending_ = true;
  if (do_wake) {
    lock.unlock();
    hooks_.wake();
    lock.lock();
  }
  bool ok = memory_cv_.wait_until(lock, deadline,
                                  [&] { return closed_ || used_memory_ + bytes <= limit; });
  --memory_waiters_;
  if (!ok || closed_)
    return false;
  used_memory_ += bytes;
  return true;
}

batch_ptr record_accumulator::open_batch(const std::string& topic, int32_t partition,
                                         clock::time_point now) {
  auto b = std::make_unique<producer_batch>();
  if (!builder_pool_.empty()) {
    b->builder = std::move(builder_pool_.back());
    builder_pool_.pop_back();
    b->builder.reset(batch_options_);
  } else {
    b->builder.reset(batch_options_);
  }
  b->topic = topic;
  b->partition = partition;
  b->seq = next_seq_++;
  b->created = now;
  b->deadline = now + std::chrono::milliseconds(config_.delivery_timeout_ms);
  b->reserved = protocol::batch_header_size;
  used_memory_ += protocol::batch_header_size;
  incomplete_.insert(b->seq);
  return b;
}

bool record_accumulator::close_batch(topic_state& t, int32_t partition) {
  ready_.push_back(std::move(t.open[static_cast<size_t>(partition)]));
  return true;
}

std::vector<batch_ptr> record_accumulator::drain(clock::time_point now,
                                                 std::optional<clock::time_point>& next_linger,
                                                 bool from_timer) {
  std::lock_guard<std::mutex> guard{mutex_};
  wake_pending_ = false;
  next_linger.reset();
  bool everything = flushing_ > 0 || closed_ || memory_waiters_ > 0;
  if (from_timer || everything || config_.linger_ms == 0) {
    auto linger = std::chrono::milliseconds(config_.linger_ms);
    for (auto& [name, t] : topics_) {
      for (auto& slot : t.open) {
        if (!slot)
          continue;
        auto due = slot->created + linger;
        if (everything || due <= now)
          ready_.push_back(std::move(slot));
        else if (!next_linger || due < *next_linger)
          next_linger = due;
      }
    }
    if (from_timer)
      linger_armed_ = next_linger.has_value();
  }
  std::vector<batch_ptr> out;
  out.reserve(ready_.size());
  for (auto& b : ready_)
    out.push_back(std::move(b));
  ready_.clear();
  return out;
}

void record_accumulator::complete(batch_ptr batch, int64_t base_offset, int64_t log_append_time,
                                  const error* err) {
  if (err != nullptr) {
    outcome<record_metadata> failed{*err};
    for (auto& r : batch->records)
      if (r.callback)
        invoke(r.callback, failed);
  } else {
    record_metadata md;
    md.topic = batch->topic;
    md.partition = batch->partition;
    outcome<record_metadata> ok{std::move(md)};
    auto& m = ok.value();
    int64_t i = 0;
    for (auto& r : batch->records) {
      if (r.callback) {
        m.offset = base_offset < 0 ? -1 : base_offset + i;
        m.timestamp = log_append_time >= 0 ? log_append_time : r.timestamp;
        m.serialized_key_size = r.key_size;
        m.serialized_value_size = r.value_size;
        invoke(r.callback, ok);
      }
      ++i;
    }
  }
  {
    std::lock_guard<std::mutex> guard{mutex_};
    used_memory_ -= batch->reserved;
    incomplete_.erase(batch->seq);
    if (builder_pool_.size() < max_pooled_builders)
      builder_pool_.push_back(std::move(batch->builder));
  }
  memory_cv_.notify_all();
  done_cv_.notify_all();
}

void record_accumulator::invoke(delivery_callback& cb, const outcome<record_metadata>& r) {
  // A throwing user callback must not take the sender actor down with it.
  try {
    cb(r);
  } catch (const std::exception& e) {
    spdlog::default_logger()->error("producer delivery callback threw: {}", e.what());
  } catch (...) {
    spdlog::default_logger()->error("producer delivery callback threw a non-exception");
  }
}

bool record_accumulator::flush(clock::time_point deadline) {
  std::unique_lock<std::mutex> lock{mutex_};
  ++flushing_;
  auto cutoff = next_seq_;
  bool do_wake = !wake_pending_;
  wake_pending_ = true;
  if (do_wake) {
    lock.unlock();
    hooks_.wake();
    lock.lock();
  }
  auto done = [&] { return incomplete_.empty() || *incomplete_.begin() >= cutoff; };
  bool ok = true;
  if (deadline == clock::time_point::max())
    done_cv_.wait(lock, done);
  else
    ok = done_cv_.wait_until(lock, deadline, done);
  --flushing_;
  return ok;
}

void record_accumulator::close() {
  {
    std::lock_guard<std::mutex> guard{mutex_};
    closed_ = true;
    wake_pending_ = true;
  }
  memory_cv_.notify_all();
  hooks_.wake();
}

void record_accumulator::abort(const error& err) {
  std::vector<batch_ptr> dropped;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    closed_ = true;
    for (auto& [name, t] : topics_)
      for (auto& slot : t.open)
        if (slot)
          dropped.push_back(std::move(slot));
    for (auto& b : ready_)
      dropped.push_back(std::move(b));
    ready_.clear();
  }
  for (auto& b : dropped)
    complete(std::move(b), -1, -1, &err);
}

size_t record_accumulator::buffered_bytes() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return used_memory_;
}

size_t record_accumulator::incomplete_batches() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return incomplete_.size();
}

} // namespace tributary::client::detail
