#include "leader_epoch_cache.hpp"

#include "tributary/protocol/batch_header.hpp"
#include "tributary/storage/checkpoint_file.hpp"
#include "tributary/storage/errc.hpp"
#include "tributary/storage/partition_log.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <limits>
#include <sstream>

namespace tributary::actors {
namespace {

// The header of the batch holding `at` (base offset, epoch), read from the file range.
std::optional<protocol::batch_header> header_at(const storage::partition_log& log, int64_t at) {
  auto r = log.read(offset{at}, 1, log.log_end_offset());
  if (!r || r->ranges.empty())
    return std::nullopt;
  const auto& range = r->ranges.front();
  std::array<std::byte, protocol::batch_header_size> buf{};
  auto n = range.file->pread_all(buf.data(), buf.size(), range.position);
  if (!n || *n != buf.size())
    return std::nullopt;
  auto h = protocol::parse_batch_header(buf.data(), buf.size());
  if (!h)
    return std::nullopt;
  return *h;
}

} // namespace

std::optional<leader_epoch_cache> leader_epoch_cache::parse(std::string_view text) {
  std::istringstream in{std::string(text)};
  int version = -1;
  long long count = -1;
  if (!(in >> version >> count) || version != 0 || count < 0)
    return std::nullopt;
  leader_epoch_cache c;
  for (long long i = 0; i < count; ++i) {
    long long epoch = -1, start = -1;
    if (!(in >> epoch >> start) || epoch < 0 || epoch > std::numeric_limits<int32_t>::max() ||
        start < 0)
      return std::nullopt;
    entry e{static_cast<int32_t>(epoch), start};
    if (!c.entries_.empty() &&
        (e.epoch <= c.entries_.back().epoch || e.start_offset < c.entries_.back().start_offset))
      return std::nullopt;
    c.entries_.push_back(e);
  }
  std::string rest;
  if (in >> rest)
    return std::nullopt; // more entries than the count says
  return c;
}

leader_epoch_cache leader_epoch_cache::load(const std::string& dir, std::string* why) {
  std::ifstream in(dir + "/" + k_file_name);
  if (!in)
    return {};
  std::stringstream text;
  text << in.rdbuf();
  if (auto c = parse(text.str()))
    return *c;
  if (why)
    *why = dir + "/" + k_file_name + " is malformed; rebuilding it from the log's batches";
  return {};
}

result<void> leader_epoch_cache::write(const std::string& dir, const std::string& text) {
  return storage::write_file_atomically(dir, k_file_name, text);
}

std::string leader_epoch_cache::to_text() const {
  std::string out = "0\n" + std::to_string(entries_.size()) + "\n";
  for (const auto& e : entries_)
    out += std::to_string(e.epoch) + " " + std::to_string(e.start_offset) + "\n";
  return out;
}

bool leader_epoch_cache::assign(int32_t epoch, int64_t start_offset) {
  if (epoch < 0 || (!entries_.empty() && epoch <= entries_.back().epoch))
    return false;
  // A newer epoch starting below an older entry means that entry's offsets were truncated
  // away (Kafka drops the conflicting entries the same way).
  while (!entries_.empty() && entries_.back().start_offset >= start_offset)
    entries_.pop_back();
  entries_.push_back({epoch, start_offset});
  return true;
}

bool leader_epoch_cache::note_batches(const std::byte* data, size_t size) {
  bool changed = false;
  size_t pos = 0;
  while (size - pos >= protocol::batch_header_size) {
    auto h = protocol::parse_batch_header(data + pos, size - pos);
    if (!h || h->batch_length <= 0 || h->total_size() > size - pos)
      break;
    changed = assign(h->partition_leader_epoch, h->base_offset) || changed;
    pos += h->total_size();
  }
  return changed;
}

bool leader_epoch_cache::truncate_from_end(int64_t end) {
  auto before = entries_.size();
  while (!entries_.empty() && entries_.back().start_offset >= end)
    entries_.pop_back();
  return entries_.size() != before;
}

bool leader_epoch_cache::truncate_from_start(int64_t start) {
  // The last entry starting at or below `start` survives, moved up to `start`.
  auto first_above = std::upper_bound(entries_.begin(), entries_.end(), start,
                                      [](int64_t s, const entry& e) { return s < e.start_offset; });
  if (first_above == entries_.begin())
    return false;
  auto keep = std::prev(first_above);
  bool changed = keep != entries_.begin() || keep->start_offset != start;
  keep->start_offset = start;
  entries_.erase(entries_.begin(), keep);
  return changed;
}

bool leader_epoch_cache::rebuild_tail(const storage::partition_log& log) {
  int64_t end = log.log_end_offset().value;
  bool changed = false;
  // One epoch per round; a log holds few epochs, the bound only guards against a bug.
  for (int round = 0; round < 100000; ++round) {
    int64_t lo = entries_.empty() ? log.log_start_offset().value : entries_.back().start_offset;
    if (lo >= end)
      break;
    auto last = header_at(log, end - 1);
    if (!last || last->partition_leader_epoch <= latest_epoch())
      break;
    // First batch in [lo, end) written by an epoch newer than the latest entry: epochs
    // only grow along the log, so "newer" is monotonic and a binary search finds it.
    int64_t hi = end - 1;
    while (lo < hi) {
      int64_t mid = lo + (hi - lo) / 2;
      auto h = header_at(log, mid);
      if (!h)
        return changed;
      if (h->partition_leader_epoch > latest_epoch())
        hi = std::min(mid, h->base_offset);
      else
        lo = std::max(mid, h->last_offset()) + 1;
    }
    auto found = header_at(log, lo);
    if (!found || !assign(found->partition_leader_epoch, found->base_offset))
      break;
    changed = true;
  }
  return changed;
}

std::pair<int32_t, int64_t> leader_epoch_cache::end_offset_for(int32_t epoch,
                                                               int64_t log_end_offset) const {
  if (epoch == k_undefined_epoch || entries_.empty())
    return {k_undefined_epoch, k_undefined_offset};
  if (epoch == entries_.back().epoch)
    return {epoch, log_end_offset};
  auto higher = std::upper_bound(entries_.begin(), entries_.end(), epoch,
                                 [](int32_t x, const entry& e) { return x < e.epoch; });
  if (higher == entries_.end()) // asked about an epoch newer than any this log has seen
    return {k_undefined_epoch, k_undefined_offset};
  if (higher == entries_.begin()) // older than the first epoch: it ends where ours start
    return {epoch, higher->start_offset};
  return {std::prev(higher)->epoch, higher->start_offset};
}

int32_t leader_epoch_cache::epoch_for_offset(int64_t offset) const {
  auto first_above = std::upper_bound(entries_.begin(), entries_.end(), offset,
                                      [](int64_t o, const entry& e) { return o < e.start_offset; });
  if (first_above == entries_.begin())
    return k_undefined_epoch;
  return std::prev(first_above)->epoch;
}

int64_t leader_epoch_cache::end_of_epoch(int32_t epoch, int64_t log_end_offset) const {
  auto higher = std::upper_bound(entries_.begin(), entries_.end(), epoch,
                                 [](int32_t x, const entry& e) { return x < e.epoch; });
  return higher == entries_.end() ? log_end_offset : higher->start_offset;
}

} // namespace tributary::actors
