// register_inspectable on both transports: a client component shows up in the node's actor
// snapshot with the figures its sample function returns, and leaves with its registration.

#include "connection_test_support.hpp"

#include "tributary/client/admin.hpp"
#include "tributary/client/inspection.hpp"

#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>

using namespace tributary::client;
using client_test::test_node;

namespace {

using tributary::actors::actor_info;

/// The snapshot's entry for the component named `name`, once the inspector knows it and the
/// component answered. Registration is asynchronous: ask a bounded number of times.
std::optional<actor_info> find_component(admin& a, const std::string& name) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto snap = a.describe_actors("test_component");
    REQUIRE(snap);
    auto i = std::find_if(snap->actors.begin(), snap->actors.end(),
                          [&](const actor_info& x) { return x.name == name; });
    if (i != snap->actors.end() && i->counters.records_in > 0)
      return *i;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return std::nullopt;
}

/// True once the inspector no longer lists any test component.
bool forgotten(admin& a) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto snap = a.describe_actors("test_component");
    REQUIRE(snap);
    if (snap->actors.empty())
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

} // namespace

TEST_CASE("client components appear in the node's inspector on both transports", "[inspection]") {
  auto transport = GENERATE(std::string("embedded"), std::string("remote"));
  SECTION(transport) {
    test_node n;
    auto observer_conn = n.connect("embedded");
    auto observer = admin::create(observer_conn);
    REQUIRE(observer);
    std::atomic<uint64_t> seen{0};
    {
      auto conn = n.connect(transport);
      auto reg = register_inspectable(conn, [&seen] {
        inspected out;
        out.kind = "test_component";
        out.name = "worker 7";
        out.parent = "app demo";
        out.records_in = ++seen; // grows with every sample: proves a live answer
        out.records_out = 3;
        out.details = {{"state", "running"}};
        return out;
      });
      REQUIRE(reg);
      CHECK(reg->active());
      auto found = find_component(*observer, "worker 7");
      REQUIRE(found);
      CHECK(found->parent == "app demo");
      CHECK(found->node_id == n.node->config().node_id.value);
      CHECK(found->counters.records_out == 3);
      auto state = std::find_if(found->details.begin(), found->details.end(),
                                [](auto& kv) { return kv.name == "state"; });
      REQUIRE(state != found->details.end());
      CHECK(state->value == "running");
      // Dropping the registration stops the proxy; the node's monitor on it fires (through
      // the middleman for "remote") and the inspector forgets the component.
    }
    CHECK(forgotten(*observer));
  }
}
