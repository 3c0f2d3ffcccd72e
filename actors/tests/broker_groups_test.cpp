// Group and producer-id requests through the broker: FindCoordinator, routing by group id
// (empty ids refused), ListGroups / DescribeGroups / DeleteGroups over stored and live groups,
// and InitProducerId for idempotent and transactional producers.
#include "broker_test_support.hpp"

#include "tributary/actors/broker.hpp"
#include "tributary/actors/node.hpp"
#include "tributary/actors/system_setup.hpp"
#include "tributary/actors/workers.hpp"
#include "tributary/protocol/kafka_error.hpp"
#include "tributary/storage/metadata/metadata_store.hpp"

using namespace broker_test;
using namespace tributary::actors;
using tributary::protocol::code_of;
using tributary::protocol::kafka_error;

namespace {

int64_t wall_clock_ms_for_tests() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

struct group_fixture {
  temp_dir dir;
  std::unique_ptr<node> n;
  group_fixture() {
    auto started = node::start(node_config(dir.path, false));
    REQUIRE(started);
    n = std::move(*started);
  }
};

} // namespace

TEST_CASE("find coordinator names this node for groups only", "[broker]") {
  group_fixture f;
  caf::scoped_actor self{f.n->system()};
  auto g = ask<find_coordinator_response>(self, f.n->broker(), find_coordinator_request{"g", 0});
  CHECK(g.error == 0);
  CHECK(g.coordinator.node_id == 0);
  auto t = ask<find_coordinator_response>(self, f.n->broker(), find_coordinator_request{"tx", 1});
  CHECK(t.error == code_of(kafka_error::coordinator_not_available));
  CHECK(t.error_message.find("not supported") != std::string::npos);
  auto e = ask<find_coordinator_response>(self, f.n->broker(), find_coordinator_request{"", 0});
  CHECK(e.error == code_of(kafka_error::invalid_group_id));
}

TEST_CASE("group requests with an empty group id are refused", "[broker]") {
  group_fixture f;
  caf::scoped_actor self{f.n->system()};
  join_group_request j;
  j.protocols.push_back({"range", {}});
  auto jr = ask<join_group_response>(self, f.n->broker(), j);
  CHECK(jr.error == code_of(kafka_error::invalid_group_id));
  CHECK_FALSE(jr.error_message.empty());
  offset_commit_request oc;
  oc.partitions.push_back({"t", 0, 5, -1, ""});
  auto ocr = ask<offset_commit_response>(self, f.n->broker(), oc);
  REQUIRE(ocr.partitions.size() == 1);
  CHECK(ocr.partitions[0].error == code_of(kafka_error::invalid_group_id));
}

TEST_CASE("list, describe and delete groups across stored and live groups", "[broker]") {
  group_fixture f;
  caf::scoped_actor self{f.n->system()};
  auto& b = f.n->broker();
  ask<create_topics_response>(self, b, create_request("t", 1));
  offset_commit_request oc;
  oc.group_id = "standalone";
  oc.partitions.push_back({"t", 0, 5, -1, "meta"});
  auto committed = ask<offset_commit_response>(self, b, oc);
  REQUIRE(committed.partitions.size() == 1);
  CHECK(committed.partitions[0].error == 0);
  offset_fetch_request of;
  of.group_id = "standalone";
  of.partitions.push_back({"t", 0});
  auto fetched = ask<offset_fetch_response>(self, b, of);
  REQUIRE(fetched.partitions.size() == 1);
  CHECK(fetched.partitions[0].offset == 5);

  auto listed = ask<list_groups_response>(self, b, list_groups_request{});
  CHECK(listed.error == 0);
  REQUIRE(listed.groups.size() == 1);
  CHECK(listed.groups[0].group_id == "standalone");
  CHECK(listed.groups[0].state == "Empty");
  auto stable_only = ask<list_groups_response>(self, b, list_groups_request{{"stable"}});
  CHECK(stable_only.groups.empty());

  auto described =
      ask<describe_groups_response>(self, b, describe_groups_request{{"standalone", "nobody"}});
  REQUIRE(described.groups.size() == 2);
  CHECK(described.groups[0].group_id == "standalone");
  CHECK(described.groups[0].state == "Empty");
  CHECK(described.groups[1].group_id == "nobody");
  CHECK(described.groups[1].state == "Dead");

  auto deleted =
      ask<delete_groups_response>(self, b, delete_groups_request{{"standalone", "nobody", ""}});
  REQUIRE(deleted.groups.size() == 3);
  CHECK(deleted.groups[0].error == 0);
  CHECK(deleted.groups[1].error == code_of(kafka_error::group_id_not_found));
  CHECK(deleted.groups[2].error == code_of(kafka_error::invalid_group_id));
  auto after = ask<list_groups_response>(self, b, list_groups_request{});
  CHECK(after.groups.empty());
  auto gone = ask<offset_fetch_response>(self, b, of);
  for (auto& p : gone.partitions)
    CHECK(p.offset == -1);
}

TEST_CASE("init producer id hands out ids and bumps transactional epochs", "[broker]") {
  group_fixture f;
  caf::scoped_actor self{f.n->system()};
  auto& b = f.n->broker();
  auto a = ask<init_producer_id_response>(self, b, init_producer_id_request{});
  auto c = ask<init_producer_id_response>(self, b, init_producer_id_request{});
  CHECK(a.error == 0);
  CHECK(a.producer_id >= 0);
  CHECK(a.producer_epoch == 0);
  CHECK(c.producer_id != a.producer_id);
  init_producer_id_request tx;
  tx.transactional_id = "tx-1";
  auto t1 = ask<init_producer_id_response>(self, b, tx);
  auto t2 = ask<init_producer_id_response>(self, b, tx);
  CHECK(t1.error == 0);
  CHECK(t2.producer_id == t1.producer_id);
  CHECK(t2.producer_epoch == t1.producer_epoch + 1);
  tx.transaction_timeout_ms = 0;
  auto bad = ask<init_producer_id_response>(self, b, tx);
  CHECK(bad.error == code_of(kafka_error::invalid_transaction_timeout));
}

TEST_CASE("the broker expires committed offsets of empty groups on its timer", "[broker]") {
  temp_dir dir;
  auto cfg = node_config(dir.path, false);
  cfg.offsets_retention_minutes = 1;
  auto store = tributary::storage::metadata::metadata_store::open(dir.path + "/metadata.db");
  REQUIRE(store);
  auto cluster = store->cluster_id();
  caf::actor_system_config sys_cfg;
  configure_actor_system(sys_cfg, system_options{2, "sharing", false, 1000});
  caf::actor_system sys{sys_cfg};
  auto meta = spawn_metadata_actor(sys, std::move(*store), inspector_actor{});
  auto disk = spawn_disk_worker(sys, "disk-0", inspector_actor{});
  broker_spec spec;
  spec.config = cfg;
  spec.cluster_id = cluster;
  spec.offsets_check_interval_ms = 20;
  // The broker's clock runs two hours ahead: every commit is older than the 1-minute retention.
  spec.now_ms = [] { return wall_clock_ms_for_tests() + 2 * 3600 * 1000; };
  auto b = spawn_broker(sys, spec, broker_deps{meta, disk, inspector_actor{}});
  {
    caf::scoped_actor self{sys};
    ask<create_topics_response>(self, b, create_request("t", 1));
    offset_commit_request oc;
    oc.group_id = "lonely";
    oc.partitions.push_back({"t", 0, 9, -1, ""});
    CHECK(ask<offset_commit_response>(self, b, oc).partitions.at(0).error == 0);
    offset_fetch_request of;
    of.group_id = "lonely";
    of.partitions.push_back({"t", 0});
    bool expired = false;
    for (int i = 0; i < 500 && !expired; ++i) {
      auto r = ask<offset_fetch_response>(self, b, of);
      expired = r.partitions.empty() || r.partitions[0].offset == -1;
      if (!expired)
        self->receive(caf::after(std::chrono::milliseconds(10)) >> [] {});
    }
    CHECK(expired);
    ask<close_response>(self, b, shutdown_request{5000});
    ask<close_response>(self, meta, close_request{});
  }
  caf::anon_send_exit(disk, caf::exit_reason::user_shutdown);
}
