#pragma once
// Showing client-side components (streams apps and their tasks, ...) in the node's inspector,
// next to the node's own actors: `trib cluster actors`, admin::describe_actors and the live
// console list them with their counters while the returned registration lives.
//
//   auto reg = register_inspectable(conn, [&] { return inspected{"streams_task", "task 0_1",
//                                                                "streams word-count", ...}; });
//
// Works on every connection. For a remote node the registration travels through its broker
// and the node's inspector reaches the component back through CAF's middleman; it drops the
// component when this process stops or loses the connection.

#include "tributary/client/connection.hpp"
#include "tributary/client/error.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace tributary::client {

/// What the inspector shows of one component.
struct inspected {
  std::string kind;   // "streams_app", "streams_task", ...
  std::string name;   // "task 0_1"
  std::string parent; // the parent's name ("streams word-count"), "" for none
  uint64_t records_in = 0;
  uint64_t records_out = 0;
  uint64_t errors = 0;
  std::vector<std::pair<std::string, std::string>> details; // "lag", "store word-counts", ...
};

/// A registration; destroying it removes the component from the inspector.
class inspection_registration {
public:
  inspection_registration() = default;
  explicit inspection_registration(std::shared_ptr<void> proxy) : proxy_(std::move(proxy)) {}
  bool active() const { return proxy_ != nullptr; }

private:
  std::shared_ptr<void> proxy_; // stops the proxy actor when the last copy goes
};

/// Registers a component whose figures `sample` returns. `sample` runs on a CAF thread when
/// someone inspects: it must be thread-safe and quick (copy counters under a lock).
outcome<inspection_registration> register_inspectable(const connection& conn,
                                                      std::function<inspected()> sample);

} // namespace tributary::client
