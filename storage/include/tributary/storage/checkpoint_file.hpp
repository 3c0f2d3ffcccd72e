#pragma once
// checkpoint_file: a Kafka-style text checkpoint in a log folder holding one offset
// ("0\n1\n<key> <offset>\n": version, entry count, entry), e.g. the recovery point and the
// log start offset. Written atomically: temp file + fsync + rename + fsync of the folder.

#include "tributary/common/result.hpp"
#include "tributary/common/strong_id.hpp"

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

namespace tributary::storage {

/// Shared (shared_ptr) by the partition log and its flush tickets: write() is thread-safe
/// and ignores a write whose `generation` is older than one already written, so a late
/// flush ticket never overwrites a newer value (e.g. after a truncation). Fails with
/// errc::io_error naming the file.
class checkpoint_file {
public:
  checkpoint_file(std::string dir, std::string name);

  /// Reads the offset; nullopt when the file is missing; errc::corrupt_log when malformed.
  result<std::optional<offset>> read() const;
  result<void> write(offset value, uint64_t generation);

  const std::string& path() const { return path_; }

private:
  std::string dir_;
  std::string name_;
  std::string path_;
  std::mutex mutex_;
  uint64_t written_generation_ = 0;
};

/// Writes `text` to dir/name atomically (temp + fsync + rename + dir fsync).
result<void> write_file_atomically(const std::string& dir, const std::string& name,
                                   const std::string& text);
/// fsync of a directory (makes creations/renames/unlinks in it durable).
result<void> sync_dir(const std::string& dir);

} // namespace tributary::storage
