#pragma once
// The logger of the network edge: the node's "tributary" logger, or spdlog's default one
// (tests, tools) when the node did not create it.

#include <spdlog/spdlog.h>

#include <memory>

namespace tributary::kafka::detail {

inline std::shared_ptr<spdlog::logger> net_log() {
  auto log = spdlog::get("tributary");
  return log ? log : spdlog::default_logger();
}

} // namespace tributary::kafka::detail
