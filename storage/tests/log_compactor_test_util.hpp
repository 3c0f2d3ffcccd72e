#pragma once
// Test helpers for the compaction tests: keyed batches, reading a whole log back as
// records, a model of what a compacted log must hold, and one-call compaction passes.

#include "log_test_util.hpp"

#include "tributary/protocol/batch_builder.hpp"
#include "tributary/protocol/record_reader.hpp"
#include "tributary/storage/log_compactor.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tributary::storage::test {

/// One record to produce: nullopt key = null key, nullopt value = tombstone.
struct keyed_record {
  std::optional<std::string> key;
  std::optional<std::string> value;
  int64_t ts = 0;
};

/// One record as read back from the log.
struct read_record {
  int64_t off = 0;
  std::optional<std::string> key;
  std::optional<std::string> value;
  int64_t ts = 0;
};

inline std::optional<protocol::byte_span> view(const std::optional<std::string>& s) {
  if (!s)
    return std::nullopt;
  return protocol::as_bytes(*s);
}

inline std::optional<std::string> text(const std::optional<protocol::byte_span>& b) {
  if (!b)
    return std::nullopt;
  return std::string(protocol::as_string_view(*b));
}

/// One batch holding `recs`, appended to `out`.
inline void add_keyed_batch(std::vector<std::byte>& out, const std::vector<keyed_record>& recs,
                            protocol::batch_options o = {}) {
  protocol::batch_builder b(o);
  for (const auto& r : recs) {
    protocol::record_input in;
    in.timestamp_ms = r.ts;
    in.key = view(r.key);
    in.value = view(r.value);
    b.append(in);
  }
  REQUIRE(b.build(out));
}

/// The whole readable log: every batch header and every record, decoded with CRC checks.
struct log_contents {
  std::vector<protocol::batch_header> batches;
  std::vector<read_record> records;
};

inline log_contents read_all(const partition_log& log) {
  log_contents c;
  offset start = log.log_start_offset();
  std::vector<std::byte> buf;
  std::vector<std::byte> scratch;
  while (start < log.log_end_offset()) {
    auto r = log.read_copy(start, 1 << 20, log.log_end_offset(), buf);
    REQUIRE(r);
    if (buf.empty())
      break;
    for (size_t pos = 0; pos < buf.size();) {
      auto reader =
          protocol::record_reader::open(protocol::byte_span(buf).subspan(pos), scratch, 64 << 20);
      REQUIRE(reader);
      c.batches.push_back(reader->header());
      protocol::record rec;
      for (;;) {
        auto more = reader->next(rec);
        REQUIRE(more);
        if (!*more)
          break;
        c.records.push_back({protocol::record_offset(reader->header(), rec), text(rec.key),
                             text(rec.value), protocol::record_timestamp(reader->header(), rec)});
      }
      pos += reader->header().total_size();
      start = offset{reader->header().last_offset() + 1};
    }
  }
  return c;
}

inline bool operator==(const read_record& a, const read_record& b) {
  return a.off == b.off && a.key == b.key && a.value == b.value && a.ts == b.ts;
}

/// Everything appended, by offset, and what compaction must keep of it.
struct log_model {
  std::map<int64_t, keyed_record> all;   // by offset
  std::map<std::string, int64_t> latest; // key -> offset of its latest record
  void add(int64_t off, const keyed_record& r) {
    all[off] = r;
    if (r.key)
      latest[*r.key] = off;
  }
};

/// Appends `recs` as one batch and records the offsets in `model`.
inline void append_keyed(partition_log& log, log_model& model,
                         const std::vector<keyed_record>& recs, protocol::batch_options o = {}) {
  // The leader path refuses keyless records on compacted logs (as Kafka does); they reach
  // one through replication or from before a policy change, so append those as a follower.
  bool has_null_key = false;
  for (const auto& rec : recs)
    has_null_key = has_null_key || !rec.key;
  if (has_null_key)
    o.base_offset = log.log_end_offset().value;
  std::vector<std::byte> buf;
  add_keyed_batch(buf, recs, o);
  auto r = has_null_key ? log.append_with_offsets(buf.data(), buf.size())
                        : log.append(buf.data(), buf.size(), epoch{1});
  REQUIRE(r);
  for (size_t i = 0; i < recs.size(); ++i)
    model.add(r->base_offset.value + static_cast<int64_t>(i), recs[i]);
}

/// Checks the invariants of a compacted log against the model, for records below
/// `cleaned_end`: offsets ascend, every record is unchanged, every key's latest record is
/// there (unless `tombstones_gone` and it is a tombstone), no record of a key is older than
/// another record of that key in the cleaned range, every null-key record survives.
inline void check_compacted(const log_contents& c, const log_model& m, int64_t cleaned_end,
                            bool tombstones_gone = false) {
  std::map<std::string, int64_t> latest_below; // latest offset of each key in the cleaned range
  for (const auto& [off, r] : m.all)
    if (r.key && off < cleaned_end)
      latest_below[*r.key] = off;
  int64_t prev = -1;
  std::map<std::string, int> seen;
  size_t null_keys = 0;
  for (const auto& r : c.records) {
    REQUIRE(r.off > prev);
    prev = r.off;
    auto it = m.all.find(r.off);
    REQUIRE(it != m.all.end());
    CHECK(it->second.key == r.key);
    CHECK(it->second.value == r.value);
    CHECK(it->second.ts == r.ts);
    if (!r.key) {
      ++null_keys;
      continue;
    }
    if (r.off < cleaned_end) {
      CHECK(latest_below.at(*r.key) == r.off); // nothing older than the latest survives
      CHECK(++seen[*r.key] == 1);
      if (tombstones_gone)
        CHECK(r.value.has_value());
    }
  }
  size_t model_null_keys = 0;
  for (const auto& [off, r] : m.all)
    model_null_keys += r.key ? 0 : 1;
  CHECK(null_keys == model_null_keys);
  for (const auto& [key, off] : m.latest) {
    const auto& rec = m.all.at(off);
    if (tombstones_gone && !rec.value && off < cleaned_end)
      continue;
    bool found = false;
    for (const auto& r : c.records)
      found = found || r.off == off;
    CHECK(found);
  }
}

/// Settings of a small compacted log: 4 KiB segments, 10 s delete.retention.ms.
inline log_options compact_options() {
  log_options o;
  o.segment_bytes = 4096;
  o.cleanup_compact = true;
  o.cleanup_delete = false;
  o.retention_ms = log_options::k_unlimited;
  o.delete_retention_ms = 10'000;
  o.file_delete_delay_ms = 0;
  return o;
}

/// A compactor that cleans whenever anything is dirty.
inline compaction_options eager_compaction() {
  compaction_options c;
  c.min_cleanable_dirty_ratio = 0;
  return c;
}

/// Files in `dir` whose name ends with `tail`.
inline int count_files(const std::string& dir, const std::string& tail) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    n += name.size() >= tail.size() &&
         name.compare(name.size() - tail.size(), tail.size(), tail) == 0;
  }
  return n;
}

/// plan + run + apply on this thread; nullopt when plan had nothing to do.
inline std::optional<compaction_summary> compact_once(log_compactor& c, partition_log& log,
                                                      int64_t now) {
  auto task = c.plan(log, now);
  REQUIRE(task);
  if (!*task)
    return std::nullopt;
  REQUIRE((*task)->run());
  auto s = c.apply(log, std::move(**task));
  REQUIRE(s);
  return *s;
}

} // namespace tributary::storage::test
