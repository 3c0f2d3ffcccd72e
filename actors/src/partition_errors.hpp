#pragma once
// How the partition and replica actors turn storage errors into what Kafka clients see: a
// protocol::kafka_error code plus a sentence naming the topic-partition, what failed and the
// log's own detail (sizes, file names). Pure functions; thread-safe.

#include "tributary/protocol/kafka_error.hpp"

#include <memory>
#include <string>
#include <system_error>

namespace spdlog {
class logger;
} // namespace spdlog

namespace tributary::actors {

/// A Kafka error code and its message, as they go into a response.
struct kafka_failure {
  int16_t code = 0;
  std::string message;
  explicit operator bool() const { return code != 0; }
};

inline kafka_failure make_failure(protocol::kafka_error e, std::string message) {
  return {protocol::code_of(e), std::move(message)};
}

/// storage::errc (and the actors' worker errors) to Kafka: record_too_large ->
/// MESSAGE_TOO_LARGE, batch_too_large -> RECORD_LIST_TOO_LARGE, corrupt_message /
/// invalid_request -> CORRUPT_MESSAGE, invalid_record -> INVALID_RECORD, offset_out_of_range
/// -> OFFSET_OUT_OF_RANGE, disk and log-state failures -> KAFKA_STORAGE_ERROR, anything
/// else -> UNKNOWN_SERVER_ERROR.
protocol::kafka_error kafka_code_for(std::error_code ec) noexcept;

/// "<what> on <tp> failed: <ec.message()> (<detail>)", detail omitted when empty.
std::string describe_failure(const std::string& tp, const std::string& what, std::error_code ec,
                             const std::string& detail);

/// kafka_code_for + describe_failure.
kafka_failure storage_failure(const std::string& tp, const std::string& what, std::error_code ec,
                              const std::string& detail);

/// "topic-partition", the way Kafka names a partition in messages.
inline std::string tp_name(const std::string& topic, int32_t partition) {
  return topic + "-" + std::to_string(partition);
}

/// The node's logger ("tributary"), or spdlog's default one when the node did not make it.
std::shared_ptr<spdlog::logger> actor_logger();

} // namespace tributary::actors
