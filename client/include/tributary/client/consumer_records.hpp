#pragma once
// consumer_records: what one consumer::poll() returns -- the records in one vector (records
// of a partition are contiguous and in offset order), with per-partition views into it.
// A plain value owned by the caller; iterating, counting and per-partition views copy
// nothing; take() moves the records out.

#include "tributary/client/record.hpp"

#include <cstddef>
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

class consumer_records {
public:
  /// Where one partition's records sit in the vector: [first, last).
  struct partition_span {
    topic_partition tp;
    size_t first = 0;
    size_t last = 0;
  };

  consumer_records() = default;
  /// Built by the consumer: `spans` cover `records` without overlap, one per partition.
  consumer_records(std::vector<consumer_record> records, std::vector<partition_span> spans)
      : records_(std::move(records)), spans_(std::move(spans)) {}

  size_t count() const { return records_.size(); }
  bool empty() const { return records_.empty(); }
  std::vector<consumer_record>::const_iterator begin() const { return records_.begin(); }
  std::vector<consumer_record>::const_iterator end() const { return records_.end(); }
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

  /// Moves the records out; the batch is empty afterwards.
  std::vector<consumer_record> take() {
    auto out = std::move(records_);
    records_.clear();
    spans_.clear();
    return out;
  }

private:
  std::vector<consumer_record> records_;
  std::vector<partition_span> spans_;
};

} // namespace tributary::client
