// metadata_store: cluster id, nodes, topics, configs and partitions.
#include "metadata_test_util.hpp"

using namespace tributary;
using namespace tributary::storage::metadata;
using namespace tributary::storage::metadata::test;

TEST_CASE("metadata store generates a cluster id once and keeps it across reopen", "[metadata]") {
  temp_dir dir;
  std::string id;
  {
    auto store = open_ok(dir.db());
    id = store.cluster_id();
    CHECK(id.size() == 36);
    CHECK(id[14] == '4'); // version 4 UUID
    CHECK(store.schema_version() == metadata_store::k_latest_schema_version);
  }
  auto again = open_ok(dir.db());
  CHECK(again.cluster_id() == id);
  temp_dir other;
  CHECK(open_ok(other.db()).cluster_id() != id);
}

TEST_CASE("metadata store opens in WAL mode with foreign keys on", "[metadata]") {
  temp_dir dir;
  auto store = open_ok(dir.db());
  CHECK(raw_query(dir.db(), "PRAGMA journal_mode") == "wal");
  CHECK(std::filesystem::exists(dir.db() + "-wal"));
}

TEST_CASE("nodes are registered, replaced, listed and removed", "[metadata]") {
  temp_dir dir;
  auto store = open_ok(dir.db(), fixed_clock_options(42));
  node_record n1{node_id{1}, "broker-1", 9092, 9192, std::string("rack-a")};
  node_record n2{node_id{2}, "broker-2", 9093, 9193, std::nullopt};
  REQUIRE(store.upsert_node(n2));
  REQUIRE(store.upsert_node(n1));
  n1.host = "broker-1.example";
  REQUIRE(store.upsert_node(n1));
  auto nodes = store.list_nodes();
  REQUIRE(nodes);
  REQUIRE(nodes->size() == 2);
  CHECK(nodes->at(0) == n1);
  CHECK(nodes->at(0).registered_ms == 42);
  CHECK(nodes->at(1) == n2);
  REQUIRE(store.remove_node(node_id{2}));
  auto gone = store.remove_node(node_id{2});
  REQUIRE_FALSE(gone);
  CHECK(gone.error() == errc::unknown_node);
  CHECK(store.list_nodes()->size() == 1);
}

TEST_CASE("a created topic reads back with its id, configs and partitions", "[metadata]") {
  temp_dir dir;
  auto store = open_ok(dir.db(), fixed_clock_options(7));
  new_topic t;
  t.name = "orders";
  t.partition_count = 3;
  t.replication_factor = 2;
  t.configs = {{"retention.ms", "3600000"}, {"cleanup.policy", "compact"}};
  t.replica_assignment = {
      {node_id{1}, node_id{2}}, {node_id{2}, node_id{3}}, {node_id{3}, node_id{1}}};
  auto created = store.create_topic(t);
  REQUIRE(created);
  CHECK(created->topic_id.size() == 36);
  CHECK(created->created_ms == 7);

  auto got = store.get_topic("orders");
  REQUIRE(got);
  CHECK(got->topic_id == created->topic_id);
  CHECK(got->partition_count == 3);
  CHECK(got->replication_factor == 2);
  CHECK(got->configs == t.configs);

  auto parts = store.list_partitions("orders");
  REQUIRE(parts);
  REQUIRE(parts->size() == 3);
  CHECK(parts->at(1).partition == partition_id{1});
  CHECK(parts->at(1).leader == node_id{2});
  CHECK(parts->at(1).replicas == replica_list{node_id{2}, node_id{3}});
  CHECK(parts->at(1).isr == parts->at(1).replicas);
  CHECK(parts->at(1).leader_epoch == epoch{0});
}

TEST_CASE("creating an existing topic fails with topic_already_exists", "[metadata]") {
  temp_dir dir;
  auto store = open_ok(dir.db());
  REQUIRE(store.create_topic(simple_topic("orders", 1)));
  auto again = store.create_topic(simple_topic("orders", 2));
  REQUIRE_FALSE(again);
  CHECK(again.error() == errc::topic_already_exists);
  CHECK_THAT(store.last_error(), Catch::Contains("'orders' already exists"));
  CHECK(store.get_topic("orders")->partition_count == 1);
}

TEST_CASE("invalid topic definitions are refused with precise errors", "[metadata]") {
  temp_dir dir;
  auto store = open_ok(dir.db());
  auto t = simple_topic("t", 2);
  t.partition_count = 0;
  CHECK(store.create_topic(t).error() == errc::invalid_partitions);
  t = simple_topic("t", 2);
  t.replication_factor = 0;
  CHECK(store.create_topic(t).error() == errc::invalid_replication_factor);
  t = simple_topic("t", 2);
  t.replica_assignment.pop_back();
  CHECK(store.create_topic(t).error() == errc::invalid_argument);
  CHECK_THAT(store.last_error(), Catch::Contains("1 entries for 2 partitions"));
  CHECK(store.list_topics()->empty());
}

TEST_CASE("create_topic refuses the names Kafka refuses and says why", "[metadata]") {
  temp_dir dir;
  auto store = open_ok(dir.db());
  CHECK(store.create_topic(simple_topic("a/b", 1)).error() == errc::invalid_topic_name);
  CHECK_THAT(store.last_error(),
             Catch::Contains("topic name 'a/b' contains '/': allowed characters are ASCII "
                             "letters, digits, '.', '_' and '-'"));
  CHECK(store.create_topic(simple_topic("", 1)).error() == errc::invalid_topic_name);
  CHECK(store.create_topic(simple_topic(".", 1)).error() == errc::invalid_topic_name);
  CHECK(store.create_topic(simple_topic("..", 1)).error() == errc::invalid_topic_name);
  CHECK(store.create_topic(simple_topic("my topic", 1)).error() == errc::invalid_topic_name);
  CHECK(store.create_topic(simple_topic(std::string(250, 'x'), 1)).error() ==
        errc::invalid_topic_name);
  CHECK(store.list_topics()->empty());
  CHECK(store.create_topic(simple_topic(std::string(249, 'x'), 1)));
  CHECK(store.create_topic(simple_topic("Orders.v2_eu-1", 1)));
}

TEST_CASE("create_topic refuses a name that collides with an existing one by '.' and '_'",
          "[metadata]") {
  temp_dir dir;
  auto store = open_ok(dir.db());
  REQUIRE(store.create_topic(simple_topic("metrics.cpu", 1)));
  CHECK(store.create_topic(simple_topic("metrics_cpu", 1)).error() == errc::invalid_topic_name);
  CHECK_THAT(store.last_error(), Catch::Contains("topic 'metrics_cpu' collides with existing "
                                                 "topic 'metrics.cpu'"));
  CHECK(store.create_topic(simple_topic("metrics.cpu", 1)).error() == errc::topic_already_exists);
  CHECK(store.create_topic(simple_topic("metrics-cpu", 1)));
  CHECK(store.list_topics()->size() == 2);
}

TEST_CASE("unknown topics and partitions are reported as such", "[metadata]") {
  temp_dir dir;
  auto store = open_ok(dir.db());
  CHECK(store.get_topic("nope").error() == errc::unknown_topic);
  CHECK(store.delete_topic("nope").error() == errc::unknown_topic);
  CHECK(store.list_partitions("nope").error() == errc::unknown_topic);
  CHECK(store.update_topic_configs("nope", {}).error() == errc::unknown_topic);
  REQUIRE(store.create_topic(simple_topic("orders", 2)));
  auto p = store.get_partition("orders", partition_id{5});
  REQUIRE_FALSE(p);
  CHECK(p.error() == errc::unknown_partition);
  CHECK_THAT(store.last_error(), Catch::Contains("topic 'orders' has no partition 5"));
}

TEST_CASE("topic config overrides are set, replaced and removed in one update", "[metadata]") {
  temp_dir dir;
  auto store = open_ok(dir.db());
  auto t = simple_topic("orders", 1);
  t.configs = {{"retention.ms", "1000"}, {"segment.bytes", "1048576"}};
  REQUIRE(store.create_topic(t));
  auto after =
      store.update_topic_configs("orders", {{"retention.ms", std::string("2000")},
                                            {"segment.bytes", std::nullopt},
                                            {"cleanup.policy", std::string("compact,delete")}});
  REQUIRE(after);
  topic_configs expected{{"retention.ms", "2000"}, {"cleanup.policy", "compact,delete"}};
  CHECK(*after == expected);
  CHECK(store.get_topic("orders")->configs == expected);
  // Values with odd characters round-trip byte for byte.
  std::string odd = "a'b\"c;DROP TABLE topics;--\xc3\xa9";
  REQUIRE(store.update_topic_configs("orders", {{"x.odd", odd}}));
  CHECK(store.get_topic("orders")->configs.at("x.odd") == odd);
}

TEST_CASE("list_topics returns every topic with its configs in name order", "[metadata]") {
  temp_dir dir;
  auto store = open_ok(dir.db());
  auto b = simple_topic("b", 1);
  b.configs = {{"retention.ms", "5"}};
  REQUIRE(store.create_topic(b));
  REQUIRE(store.create_topic(simple_topic("a", 2)));
  auto all = store.list_topics();
  REQUIRE(all);
  REQUIRE(all->size() == 2);
  CHECK(all->at(0).name == "a");
  CHECK(all->at(0).configs.empty());
  CHECK(all->at(1).configs == b.configs);
}

TEST_CASE("deleting a topic removes its partitions and configs; re-creating gets a new id",
          "[metadata]") {
  temp_dir dir;
  auto store = open_ok(dir.db());
  auto t = simple_topic("orders", 2);
  t.configs = {{"retention.ms", "5"}};
  auto first = store.create_topic(t);
  REQUIRE(first);
  REQUIRE(store.delete_topic("orders"));
  CHECK(store.get_topic("orders").error() == errc::unknown_topic);
  CHECK(raw_query(dir.db(), "SELECT count(*) FROM partitions") == "0");
  CHECK(raw_query(dir.db(), "SELECT count(*) FROM topic_configs") == "0");
  auto second = store.create_topic(simple_topic("orders", 1));
  REQUIRE(second);
  CHECK(second->topic_id != first->topic_id);
}

TEST_CASE("add_partitions grows a topic and refuses to shrink it", "[metadata]") {
  temp_dir dir;
  auto store = open_ok(dir.db());
  REQUIRE(store.create_topic(simple_topic("orders", 2)));
  REQUIRE(store.add_partitions("orders", 4, {{node_id{2}}, {node_id{3}}}));
  CHECK(store.get_topic("orders")->partition_count == 4);
  auto p3 = store.get_partition("orders", partition_id{3});
  REQUIRE(p3);
  CHECK(p3->leader == node_id{3});
  auto shrink = store.add_partitions("orders", 3, {});
  REQUIRE_FALSE(shrink);
  CHECK(shrink.error() == errc::invalid_partitions);
  CHECK_THAT(store.last_error(), Catch::Contains("has 4 partitions"));
  CHECK(store.add_partitions("orders", 6, {{node_id{1}}}).error() == errc::invalid_argument);
  CHECK(store.list_partitions("orders")->size() == 4);
}

TEST_CASE("partition leadership updates are stored and stale epochs are fenced", "[metadata]") {
  temp_dir dir;
  auto store = open_ok(dir.db());
  auto t = simple_topic("orders", 1);
  t.replication_factor = 3;
  t.replica_assignment = {{node_id{1}, node_id{2}, node_id{3}}};
  REQUIRE(store.create_topic(t));
  partition_record p{"orders",
                     partition_id{0},
                     node_id{2},
                     epoch{5},
                     {node_id{1}, node_id{2}, node_id{3}},
                     {node_id{2}, node_id{3}}};
  REQUIRE(store.update_partition(p));
  CHECK(*store.get_partition("orders", partition_id{0}) == p);
  auto stale = p;
  stale.leader = node_id{1};
  stale.leader_epoch = epoch{4};
  auto r = store.update_partition(stale);
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::fenced_leader_epoch);
  CHECK(*store.get_partition("orders", partition_id{0}) == p);
  stale.partition = partition_id{9};
  stale.leader_epoch = epoch{9};
  CHECK(store.update_partition(stale).error() == errc::unknown_partition);
}

TEST_CASE("topics, partitions and configs survive a reopen", "[metadata]") {
  temp_dir dir;
  topic_record created;
  {
    auto store = open_ok(dir.db());
    auto t = simple_topic("orders", 2);
    t.configs = {{"retention.ms", "5"}};
    created = *store.create_topic(t);
  }
  auto store = open_ok(dir.db());
  auto got = store.get_topic("orders");
  REQUIRE(got);
  CHECK(got->topic_id == created.topic_id);
  CHECK(got->configs.at("retention.ms") == "5");
  CHECK(store.list_partitions("orders")->size() == 2);
}
