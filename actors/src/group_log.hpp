#pragma once
// The logger of the group coordinator's files: the node's "tributary" logger, or spdlog's
// default one in tests that set up none. Private to actors/.

#include <spdlog/spdlog.h>

#include <memory>

namespace tributary::actors::groups {

inline std::shared_ptr<spdlog::logger> group_log() {
  auto log = spdlog::get("tributary");
  return log ? log : spdlog::default_logger();
}

} // namespace tributary::actors::groups
