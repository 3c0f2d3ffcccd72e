#pragma once
// Reading and trimming the log file ranges a zero-copy fetch answers with (see
// messages/fetch.hpp). Private to actors/. Any thread: log_file's pread is thread-safe.

#include "tributary/actors/messages/common.hpp"
#include "tributary/storage/log_file.hpp"

#include <cstddef>
#include <string>
#include <system_error>
#include <vector>

namespace tributary::actors {

/// Appends the bytes of `ranges` to `out`. On failure (an I/O error or a file shorter than a
/// range) `out` holds what came before plus part of the ranges, and `why` names file and
/// position.
std::error_code read_ranges(const std::vector<storage::file_range>& ranges, bytes& out,
                            std::string* why);

/// Keeps whole RecordBatch v2 of `ranges` up to `budget` bytes, like trim_to_batches: whole
/// ranges while they fit, then the batches of the range that does not fit, found by reading
/// their headers (27 bytes each). Returns the bytes kept.
size_t trim_ranges_to_batches(std::vector<storage::file_range>& ranges, size_t budget);

} // namespace tributary::actors
