// producer_state_table: the sequence and epoch checks of idempotent produce (Kafka's
// ProducerAppendInfo.checkProducerEpoch / checkSequence and ProducerStateEntry's duplicate
// lookup), recording of appended batches and expiry. Snapshot text: producer_state_snapshot.cpp;
// rebuild from the log: producer_state_load.cpp.
#include "tributary/storage/producer_state.hpp"

#include <limits>
#include <utility>

namespace tributary::storage {

using protocol::kafka_error;

namespace {

constexpr int32_t k_max_sequence = std::numeric_limits<int32_t>::max();

int32_t next_sequence(int32_t last) {
  return last == k_max_sequence ? 0 : last + 1; // -1 (nothing yet) expects 0
}

producer_check refuse(kafka_error code, std::string message) {
  producer_check c;
  c.verdict = producer_verdict::refuse;
  c.error = code;
  c.message = std::move(message);
  return c;
}

std::string producer_name(int64_t pid, int16_t epoch) {
  return "producer " + std::to_string(pid) + " (epoch " + std::to_string(epoch) + ")";
}

} // namespace

int32_t last_sequence_of(const protocol::batch_header& h) {
  if (h.base_sequence < 0)
    return -1;
  int64_t last = static_cast<int64_t>(h.base_sequence) + h.last_offset_delta;
  if (last > k_max_sequence) // Kafka wraps the sequence past INT32_MAX to 0
    last -= static_cast<int64_t>(k_max_sequence) + 1;
  return static_cast<int32_t>(last);
}

producer_state_table::producer_state_table(std::string tp, int64_t expiration_ms)
    : tp_(std::move(tp)), expiration_ms_(expiration_ms) {}

producer_check producer_state_table::judge(int64_t pid, const producer_entry* e,
                                           const protocol::batch_header& h) const {
  if (pid < 0 || h.is_control())
    return {};
  if (h.base_sequence < 0)
    return refuse(kafka_error::invalid_record,
                  "batch of " + producer_name(pid, h.producer_epoch) + " on " + tp_ +
                      " has base sequence " + std::to_string(h.base_sequence) +
                      "; a batch with a producer id needs a sequence number >= 0");
  if (!e) // unknown (new, expired, or its batches deleted): any sequence, as Kafka 2.5+
    return {};
  if (h.producer_epoch == e->epoch) {
    int32_t last = last_sequence_of(h);
    for (const auto& b : e->batches)
      if (b.first_sequence == h.base_sequence && b.last_sequence == last) {
        producer_check c;
        c.verdict = producer_verdict::duplicate;
        c.duplicate = b;
        return c;
      }
  }
  if (h.producer_epoch < e->epoch)
    return refuse(kafka_error::invalid_producer_epoch,
                  producer_name(pid, h.producer_epoch) + " on " + tp_ +
                      ": the epoch is older than the current epoch " + std::to_string(e->epoch) +
                      " of this producer id; a newer producer instance fenced this one");
  if (h.producer_epoch != e->epoch) {
    if (h.base_sequence != 0)
      return refuse(kafka_error::out_of_order_sequence_number,
                    producer_name(pid, h.producer_epoch) + " on " + tp_ +
                        " starts a new epoch (current epoch " + std::to_string(e->epoch) +
                        ") at sequence " + std::to_string(h.base_sequence) +
                        "; expected sequence 0");
    return {};
  }
  int32_t last = e->batches.empty() ? -1 : e->batches.back().last_sequence;
  if (h.base_sequence != next_sequence(last))
    return refuse(kafka_error::out_of_order_sequence_number,
                  "out of order sequence number from " + producer_name(pid, h.producer_epoch) +
                      " on " + tp_ + ": expected sequence " + std::to_string(next_sequence(last)) +
                      ", received " + std::to_string(h.base_sequence) +
                      " (last appended sequence " + std::to_string(last) + ")");
  return {};
}

producer_check producer_state_table::check(const protocol::batch_header& h) const {
  const producer_entry* e = h.producer_id >= 0 ? find(producer_id{h.producer_id}) : nullptr;
  return judge(h.producer_id, e, h);
}

std::vector<producer_check>
producer_state_table::check_all(const std::vector<protocol::batch_header>& hs) const {
  std::vector<producer_check> out;
  out.reserve(hs.size());
  std::unordered_map<int64_t, producer_entry> pending; // entries as if earlier batches went in
  for (const auto& h : hs) {
    int64_t pid = h.producer_id;
    const producer_entry* e = nullptr;
    if (pid >= 0) {
      auto it = pending.find(pid);
      e = it != pending.end() ? &it->second : find(producer_id{pid});
    }
    out.push_back(judge(pid, e, h));
    if (out.back().verdict == producer_verdict::append && pid >= 0 && !h.is_control()) {
      auto& next = pending.try_emplace(pid, e ? *e : producer_entry{}).first->second;
      add_batch(next, h, -1); // offsets unknown before the append; only sequences matter here
    }
  }
  return out;
}

void producer_state_table::add_batch(producer_entry& e, const protocol::batch_header& h,
                                     int64_t base_offset) {
  if (e.epoch != h.producer_epoch) { // a new epoch restarts the sequence
    e.batches.clear();
    e.epoch = h.producer_epoch;
  }
  producer_batch b;
  b.first_sequence = h.base_sequence;
  b.last_sequence = last_sequence_of(h);
  b.first_offset = base_offset;
  b.last_offset = base_offset < 0 ? -1 : base_offset + h.last_offset_delta;
  b.timestamp = h.max_timestamp;
  if (e.batches.size() == k_batches_to_retain)
    e.batches.erase(e.batches.begin());
  e.batches.push_back(b);
  e.last_timestamp = h.max_timestamp;
}

void producer_state_table::record(const protocol::batch_header& h, int64_t base_offset) {
  end_offset_ = base_offset + h.last_offset_delta + 1;
  end_epoch_ = h.partition_leader_epoch;
  if (h.producer_id < 0 || h.is_control())
    return;
  add_batch(producers_[h.producer_id], h, base_offset);
}

size_t producer_state_table::remove_expired(int64_t now_ms) {
  size_t n = 0;
  for (auto it = producers_.begin(); it != producers_.end();) {
    if (now_ms - it->second.last_timestamp >= expiration_ms_) {
      it = producers_.erase(it);
      ++n;
    } else {
      ++it;
    }
  }
  return n;
}

void producer_state_table::reset_at(int64_t end_offset) {
  producers_.clear();
  end_offset_ = end_offset;
  end_epoch_ = -1;
}

const producer_entry* producer_state_table::find(producer_id id) const {
  auto it = producers_.find(id.value);
  return it == producers_.end() ? nullptr : &it->second;
}

} // namespace tributary::storage
