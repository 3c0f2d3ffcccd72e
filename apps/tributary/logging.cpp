// JSON and text log formats for the node (see logging.hpp).

#include "logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>

namespace tributary::apps {

namespace {

/// One JSON object per line: {"ts":"2024-05-01T12:00:00.123Z","level":"info",
/// "logger":"tributary","thread":1234,"msg":"..."}. spdlog's pattern flags cannot escape
/// the message, so this formatter writes the whole line itself.
class json_formatter final : public spdlog::formatter {
public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    std::string line;
    line.reserve(msg.payload.size() + 96);
    line += "{\"ts\":\"";
    line += utc_timestamp(msg.time);
    line += "\",\"level\":\"";
    auto level = spdlog::level::to_string_view(msg.level);
    line.append(level.data(), level.size());
    line += "\",\"logger\":\"";
    append_json_escaped(line, msg.logger_name.data(), msg.logger_name.size());
    line += "\",\"thread\":";
    line += std::to_string(msg.thread_id);
    line += ",\"msg\":\"";
    append_json_escaped(line, msg.payload.data(), msg.payload.size());
    line += "\"}\n";
    dest.append(line.data(), line.data() + line.size());
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<json_formatter>();
  }

private:
  static std::string utc_timestamp(spdlog::log_clock::time_point when) {
    auto since_epoch = when.time_since_epoch();
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
    auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds);
    std::time_t t = static_cast<std::time_t>(seconds.count());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(millis.count()));
    return buf;
  }
};

spdlog::level::level_enum parse_level(const std::string& level) {
  if (level == "trace")
    return spdlog::level::trace;
  if (level == "debug")
    return spdlog::level::debug;
  if (level == "warn")
    return spdlog::level::warn;
  if (level == "error")
    return spdlog::level::err;
  if (level == "off")
    return spdlog::level::off;
  return spdlog::level::info;
}

} // namespace

void append_json_escaped(std::string& out, const char* text, size_t size) {
  static const char* hex = "0123456789abcdef";
  for (size_t i = 0; i < size; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      if (c < 0x20) {
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 0xf];
      } else {
        out += static_cast<char>(c);
      }
    }
  }
}

void setup_logging(config::log_line_format format, const std::string& level) {
  // stdout_color_sink colours only when stdout is a terminal (and TERM allows it).
  auto sink = std::make_shared<spdlog::sinks::stdout_color_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>("tributary", sink);
  if (format == config::log_line_format::json)
    logger->set_formatter(std::make_unique<json_formatter>());
  else
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
  logger->set_level(parse_level(level));
  // Lines reach a pipe (systemd, docker, a test harness) without waiting for a full buffer.
  logger->flush_on(spdlog::level::trace);
  spdlog::drop("tributary");
  spdlog::register_logger(logger);
  spdlog::set_default_logger(logger);
}

void shutdown_logging() {
  if (auto logger = spdlog::get("tributary"))
    logger->flush();
  spdlog::shutdown();
}

} // namespace tributary::apps
