#pragma once
// consumer_records: what one consumer::poll() returns -- the records in one vector (records
// of a partition are contiguous and in offset order), with per-partition views into it.
// A value owned by the caller; iterating, counting and per-partition views copy nothing;
// take() moves the records out. When a batch is destroyed its vector goes back to the
// consumer that made it (if that consumer still exists), whose next poll() decodes into the
// same strings: a steady poll loop allocates nothing per record. Destroying a batch on any
// thread is fine (the hand-back is thread-safe).

#include "tributary/client/record.hpp"

#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

namespace tributary::client {

/// A view of contiguous records (valid while the consumer_records it came from lives).
class record_range {
public:
  record_range() = default;
  record_range(const consumer_record* first, const consumer_record* last)
      : first_(first), last_(last) {}
  const consumer_record* begin() const { return first_; }
  const consumer_record* end() const { return last_; }
  size_t size() const { return static_cast<size_t>(last_ - first_); }
  bool empty() const { return first_ == last_; }
  const consumer_record& operator[](size_t i) const { return first_[i]; }
  const consumer_record& front() const { return *first_; }
  const consumer_record& back() const { return *(last_ - 1); }

private:
  const consumer_record* first_ = nullptr;
  const consumer_record* last_ = nullptr;
};

/// Where finished record vectors go to be reused (the consumer's pool). Thread-safe.
class record_recycler {
public:
  virtual ~record_recycler() = default;
  virtual void recycle(std::vector<consumer_record>&& records) noexcept = 0;
};

class consumer_records {
public:
  using const_iterator = std::vector<consumer_record>::const_iterator;

  /// Where one partition's records sit in the vector: [first, last).
  struct partition_span {
    topic_partition tp;
    size_t first = 0;
    size_t last = 0;
  };

  consumer_records() = default;
  /// Built by the consumer: the first `count` elements of `records` are the batch (the rest
  /// are spare elements kept for reuse); `spans` cover them, one per partition.
  consumer_records(std::vector<consumer_record> records, size_t count,
                   std::vector<partition_span> spans, std::weak_ptr<record_recycler> recycler = {})
      : records_(std::move(records)), count_(count), spans_(std::move(spans)),
        recycler_(std::move(recycler)) {}
  consumer_records(const consumer_records& other)
      : records_(other.begin(), other.end()), count_(other.count_), spans_(other.spans_) {}
  consumer_records(consumer_records&& other) noexcept
      : records_(std::move(other.records_)), count_(std::exchange(other.count_, 0)),
        spans_(std::move(other.spans_)), recycler_(std::move(other.recycler_)) {}
  consumer_records& operator=(consumer_records other) noexcept {
    swap(other);
    return *this;
  }
  ~consumer_records() {
    if (auto r = recycler_.lock())
      r->recycle(std::move(records_));
  }
  void swap(consumer_records& other) noexcept {
    records_.swap(other.records_);
    std::swap(count_, other.count_);
    spans_.swap(other.spans_);
    recycler_.swap(other.recycler_);
  }

  size_t count() const { return count_; }
  bool empty() const { return count_ == 0; }
  const_iterator begin() const { return records_.begin(); }
  const_iterator end() const { return records_.begin() + static_cast<std::ptrdiff_t>(count_); }
  const consumer_record& operator[](size_t i) const { return records_[i]; }

  /// The partitions with records in this batch, in the order their records appear.
  std::vector<topic_partition> partitions() const {
    std::vector<topic_partition> out;
    for (auto& s : spans_)
      out.push_back(s.tp);
    return out;
  }
  /// One partition's records (empty when it has none here).
  record_range records(const topic_partition& tp) const {
    for (auto& s : spans_)
      if (s.tp == tp)
        return record_range(records_.data() + s.first, records_.data() + s.last);
    return {};
  }
  const std::vector<partition_span>& spans() const { return spans_; }

  /// Moves the records out; the batch is empty afterwards (and nothing goes back to the
  /// consumer's pool).
  std::vector<consumer_record> take() {
    records_.resize(count_);
    auto out = std::move(records_);
    records_.clear();
    count_ = 0;
    spans_.clear();
    recycler_.reset();
    return out;
  }

private:
  std::vector<consumer_record> records_;
  size_t count_ = 0;
  std::vector<partition_span> spans_;
  std::weak_ptr<record_recycler> recycler_;
};

} // namespace tributary::client
