#pragma once
// The node's log: one spdlog logger named "tributary" (what actors look up with
// spdlog::get("tributary")), also made the default logger, writing to stdout either as
// human-readable lines (coloured only on a terminal) or as one JSON object per line.

#include "tributary/config/broker_config.hpp"

#include <string>

namespace tributary::apps {

/// Creates and registers the "tributary" logger for `format` at `level` (a log.level value:
/// trace|debug|info|warn|error|off). Called once by main before the node starts; the
/// logger is thread-safe (mutex-protected sink). Never fails: an unknown level means info.
void setup_logging(config::log_line_format format, const std::string& level);

/// Flushes and drops every logger (after the node has stopped).
void shutdown_logging();

/// Appends `text` to `out` as the inside of a JSON string (quotes, backslashes and control
/// characters escaped; other bytes copied as they are). Shared with tests through the header.
void append_json_escaped(std::string& out, const char* text, size_t size);

} // namespace tributary::apps
