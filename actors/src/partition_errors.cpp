#include "partition_errors.hpp"

#include "tributary/actors/errc.hpp"
#include "tributary/protocol/errc.hpp"
#include "tributary/storage/errc.hpp"

#include <spdlog/spdlog.h>

namespace tributary::actors {

using protocol::kafka_error;

kafka_error kafka_code_for(std::error_code ec) noexcept {
  if (ec.category() == storage::storage_category()) {
    switch (static_cast<storage::errc>(ec.value())) {
    case storage::errc::ok:
      return kafka_error::none;
    case storage::errc::record_too_large:
      return kafka_error::message_too_large;
    case storage::errc::batch_too_large:
      return kafka_error::record_list_too_large;
    case storage::errc::corrupt_message:
    case storage::errc::invalid_request:
      return kafka_error::corrupt_message;
    case storage::errc::invalid_record:
      return kafka_error::invalid_record;
    case storage::errc::offset_out_of_range:
      return kafka_error::offset_out_of_range;
    case storage::errc::no_space:
    case storage::errc::io_error:
    case storage::errc::log_failed:
    case storage::errc::corrupt_log:
    case storage::errc::log_closed:
      return kafka_error::kafka_storage_error;
    case storage::errc::offset_out_of_order:
    case storage::errc::stale_segments:
    case storage::errc::flush_in_progress:
      return kafka_error::unknown_server_error;
    }
    return kafka_error::unknown_server_error;
  }
  if (ec.category() == actors_category()) // the disk worker is gone or timed out
    return kafka_error::kafka_storage_error;
  if (ec.category() == protocol::protocol_category()) // a batch that does not parse
    return kafka_error::corrupt_message;
  return kafka_error::unknown_server_error;
}

std::string describe_failure(const std::string& tp, const std::string& what, std::error_code ec,
                             const std::string& detail) {
  std::string out = what + " on " + tp + " failed: " + ec.message();
  if (!detail.empty())
    out += " (" + detail + ")";
  return out;
}

kafka_failure storage_failure(const std::string& tp, const std::string& what, std::error_code ec,
                              const std::string& detail) {
  return {protocol::code_of(kafka_code_for(ec)), describe_failure(tp, what, ec, detail)};
}

std::shared_ptr<spdlog::logger> actor_logger() {
  if (auto l = spdlog::get("tributary"))
    return l;
  return spdlog::default_logger();
}

} // namespace tributary::actors
