#pragma once
// Small helpers shared by the integration tests: bounded waiting, line splitting, JSON lines.

#include "node_process.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace tributary::itest {

/// Re-checks `ready` every 20 ms until it holds or `bound` passes; returns the last answer.
inline bool wait_until(const std::function<bool()>& ready,
                       std::chrono::milliseconds bound = std::chrono::seconds(30)) {
  auto deadline = std::chrono::steady_clock::now() + bound;
  while (!ready()) {
    if (std::chrono::steady_clock::now() >= deadline)
      return ready();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

inline std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos)
      end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

/// Every line of `text` parsed as JSON (JSON Lines).
inline std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> out;
  for (const auto& line : split_lines(text))
    if (!line.empty())
      out.push_back(nlohmann::json::parse(line));
  return out;
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// A human-readable dump of a command's outcome for failure messages.
inline std::string describe(const run_result& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout:\n" + r.out + "--- stderr:\n" +
         r.err;
}

} // namespace tributary::itest
