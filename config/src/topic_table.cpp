// Kafka's topic-level settings (TopicConfig) with Kafka's defaults and validators, and the
// broker key (log.*) that supplies each default.

#include "tables.hpp"

#include <limits>

namespace tributary::config::detail {

namespace {

constexpr auto k_long_max = "9223372036854775807";
constexpr int64_t k_hour_ms = 60LL * 60 * 1000;

} // namespace

std::vector<def_builder> topic_rows() {
  using t = setting_type;
  std::vector<def_builder> rows;
  rows.emplace_back("cleanup.policy", t::list, "delete",
                    "delete old segments (delete), keep the last value per key (compact), or both")
      .allowed({"delete", "compact"})
      .broker("log.cleanup.policy");
  rows.emplace_back("compression.type", t::choice, "producer",
                    "codec batches are stored with; producer keeps the producer's codec")
      .allowed({"uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"})
      .broker("compression.type");
  rows.emplace_back("delete.retention.ms", t::int64, "86400000",
                    "how long tombstones stay readable in compacted topics (ms)")
      .at_least(0)
      .broker("log.cleaner.delete.retention.ms");
  rows.emplace_back("file.delete.delay.ms", t::int64, "60000",
                    "wait before deleting a segment file removed from the log (ms)")
      .at_least(0)
      .broker("log.segment.delete.delay.ms");
  rows.emplace_back("flush.messages", t::int64, k_long_max,
                    "fsync after this many messages (default: leave it to the OS)")
      .at_least(0)
      .broker("log.flush.interval.messages");
  rows.emplace_back("flush.ms", t::int64, k_long_max,
                    "fsync when the oldest unflushed message is this old (ms)")
      .at_least(0)
      .broker("log.flush.interval.ms");
  rows.emplace_back("index.interval.bytes", t::int32, "4096",
                    "bytes of log between two offset index entries")
      .at_least(0)
      .broker("log.index.interval.bytes");
  rows.emplace_back("max.compaction.lag.ms", t::int64, k_long_max,
                    "longest time a message stays ineligible for compaction (ms)")
      .at_least(1)
      .broker("log.cleaner.max.compaction.lag.ms");
  rows.emplace_back("max.message.bytes", t::int32, "1048588",
                    "largest record batch the topic accepts (bytes, after compression)")
      .at_least(0)
      .broker("message.max.bytes");
  rows.emplace_back("message.timestamp.difference.max.ms", t::int64, k_long_max,
                    "largest allowed gap between a CreateTime timestamp and the broker clock")
      .at_least(0)
      .broker("log.message.timestamp.difference.max.ms");
  rows.emplace_back("message.timestamp.type", t::choice, "CreateTime",
                    "keep the producer's timestamp (CreateTime) or stamp on append")
      .allowed({"CreateTime", "LogAppendTime"})
      .broker("log.message.timestamp.type");
  rows.emplace_back("min.cleanable.dirty.ratio", t::float64, "0.5",
                    "compact when this share of the log is uncompacted")
      .ratio(0.0, 1.0)
      .broker("log.cleaner.min.cleanable.ratio");
  rows.emplace_back("min.compaction.lag.ms", t::int64, "0",
                    "shortest time a message stays uncompacted (ms)")
      .at_least(0)
      .broker("log.cleaner.min.compaction.lag.ms");
  rows.emplace_back("min.insync.replicas", t::int32, "1",
                    "replicas that must acknowledge an acks=all write")
      .at_least(1)
      .broker("min.insync.replicas");
  rows.emplace_back("preallocate", t::boolean, "false", "preallocate segment files on roll")
      .broker("log.preallocate");
  rows.emplace_back("retention.bytes", t::int64, "-1",
                    "largest size of a partition before old segments are deleted (bytes)")
      .at_least(0)
      .or_unlimited()
      .broker("log.retention.bytes");
  rows.emplace_back("retention.ms", t::int64, "604800000",
                    "how long segments are kept before deletion (ms; 7 days)")
      .at_least(0)
      .or_unlimited()
      .broker("log.retention.ms",
              {{"log.retention.minutes", 60 * 1000}, {"log.retention.hours", k_hour_ms}});
  rows.emplace_back("segment.bytes", t::int32, "1073741824",
                    "roll to a new segment file at this size (bytes; 1 GiB)")
      .at_least(14)
      .broker("log.segment.bytes");
  rows.emplace_back("segment.index.bytes", t::int32, "10485760",
                    "size of each segment's offset index (bytes; 10 MiB)")
      .at_least(4)
      .broker("log.index.size.max.bytes");
  rows.emplace_back("segment.jitter.ms", t::int64, "0",
                    "random jitter subtracted from segment.ms so segments do not roll together")
      .at_least(0)
      .broker("log.roll.jitter.ms", {{"log.roll.jitter.hours", k_hour_ms}});
  rows.emplace_back("segment.ms", t::int64, "604800000",
                    "roll to a new segment after this time even if not full (ms; 7 days)")
      .at_least(1)
      .broker("log.roll.ms", {{"log.roll.hours", k_hour_ms}});
  rows.emplace_back("unclean.leader.election.enable", t::boolean, "false",
                    "allow an out-of-sync replica to become leader (may lose data)")
      .broker("unclean.leader.election.enable");
  for (auto& row : rows)
    row.def_.scope = setting_scope::topic;
  return rows;
}

std::vector<setting_def> topic_defs() {
  std::vector<setting_def> defs;
  for (auto& row : topic_rows())
    defs.push_back(std::move(row.def_));
  return defs;
}

} // namespace tributary::config::detail
