// storage::errc category and the small shared helpers (clock, io_failure).
#include "tributary/storage/errc.hpp"

#include "log_io.hpp"
#include "tributary/storage/log_options.hpp"

#include <chrono>
#include <spdlog/spdlog.h>

namespace tributary::storage {
namespace {

class category final : public std::error_category {
public:
  const char* name() const noexcept override { return "tributary.storage"; }
  std::string message(int v) const override {
    switch (static_cast<errc>(v)) {
    case errc::ok:
      return "ok";
    case errc::corrupt_message:
      return "a record batch is corrupt (bad length, magic or CRC); the producer must resend";
    case errc::record_too_large:
      return "a record batch is larger than max.message.bytes; raise it or send smaller batches";
    case errc::batch_too_large:
      return "the append is larger than segment.bytes; raise segment.bytes or split it";
    case errc::invalid_request:
      return "the append buffer is empty or has bytes after its last batch";
    case errc::offset_out_of_order:
      return "batch offsets do not ascend from the log end offset";
    case errc::offset_out_of_range:
      return "offset is outside [log start offset, log end offset]";
    case errc::no_space:
      return "no space left on the log's disk; the write was rolled back";
    case errc::io_error:
      return "an I/O call on a log file failed";
    case errc::corrupt_log:
      return "the log folder holds state recovery cannot repair";
    case errc::stale_segments:
      return "the segments to replace changed meanwhile; retry";
    case errc::flush_in_progress:
      return "a flush ticket of this log is outstanding; complete_flush it first";
    case errc::log_closed:
      return "the log is closed";
    case errc::invalid_record:
      return "compacted topics only accept records with a key; set a key on every record";
    case errc::log_failed:
      return "an fsync of this log failed; the log is offline until the node restarts and "
             "recovers it";
    }
    return "unknown storage error";
  }
};

} // namespace

const std::error_category& storage_category() noexcept {
  static const category c;
  return c;
}

std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), storage_category()};
}

int64_t system_now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

namespace detail {
std::error_code io_failure(const char* what, const std::string& path, int err) {
  spdlog::error("storage: {} failed on '{}': {}", what, path, std::strerror(err));
  return make_error_code(errno_to_errc(err));
}
} // namespace detail

} // namespace tributary::storage
