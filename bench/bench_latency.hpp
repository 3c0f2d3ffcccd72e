#pragma once
// latency_recorder: a fixed-size array of nanosecond samples filled from any one thread at a
// time (or several: the slot index is atomic), sorted once for percentiles. No allocation
// while recording, so measuring does not disturb what is measured.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace tributary::bench {

class latency_recorder {
public:
  explicit latency_recorder(size_t capacity) : samples_(capacity) {}

  template <class Duration>
  void add(Duration d) {
    auto i = next_.fetch_add(1, std::memory_order_relaxed);
    if (i < samples_.size())
      samples_[i] = std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
  }

  size_t count() const { return std::min<size_t>(next_.load(), samples_.size()); }

  /// "1.23 ms" for percentile p (0..100); "n/a" without samples. Sorts on first use.
  std::string percentile(double p) {
    auto n = count();
    if (n == 0)
      return "n/a";
    if (sorted_ != n) {
      std::sort(samples_.begin(), samples_.begin() + static_cast<std::ptrdiff_t>(n));
      sorted_ = n;
    }
    auto idx = static_cast<size_t>(p / 100.0 * static_cast<double>(n - 1) + 0.5);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f ms", static_cast<double>(samples_[idx]) / 1e6);
    return buf;
  }

private:
  std::vector<int64_t> samples_;
  std::atomic<size_t> next_{0};
  size_t sorted_ = 0;
};

} // namespace tributary::bench
