// Broker through a real node on a temporary folder: create topic, metadata, produce real
// batches, fetch them back; errors name the topic / partition / value that was wrong.
#include "broker_test_support.hpp"

#include "tributary/actors/node.hpp"
#include "tributary/protocol/kafka_error.hpp"

#include <filesystem>

using namespace broker_test;
using namespace tributary::actors;
using tributary::protocol::code_of;
using tributary::protocol::kafka_error;

namespace {

struct node_fixture {
  temp_dir dir;
  std::unique_ptr<node> n;
  explicit node_fixture(bool native = false) {
    std::string why;
    auto started = node::start(node_config(dir.path, native), &why);
    INFO(why);
    REQUIRE(started);
    n = std::move(*started);
  }
  ~node_fixture() {
    if (n)
      (void)n->stop();
  }
};

} // namespace

TEST_CASE("create topic, metadata, produce and fetch round trip", "[broker]") {
  node_fixture f;
  caf::scoped_actor self{f.n->system()};
  auto created = ask<create_topics_response>(self, f.n->broker(), create_request("orders", 3));
  REQUIRE(created.topics.size() == 1);
  CHECK(created.topics[0].error == 0);
  CHECK(created.topics[0].num_partitions == 3);
  CHECK_FALSE(created.topics[0].topic_id.empty());

  metadata_request mr;
  mr.all_topics = false;
  mr.topics = {"orders"};
  auto md = ask<metadata_response>(self, f.n->broker(), mr);
  CHECK(md.cluster_id == f.n->cluster_id());
  REQUIRE(md.brokers.size() == 1);
  REQUIRE(md.topics.size() == 1);
  CHECK(md.topics[0].error == 0);
  CHECK(md.topics[0].topic_id == created.topics[0].topic_id);
  REQUIRE(md.topics[0].partitions.size() == 3);
  CHECK(md.topics[0].partitions[2].leader == 0);
  CHECK(md.topics[0].partitions[2].isr == std::vector<int32_t>{0});

  auto p1 = ask<produce_response>(self, f.n->broker(), produce("orders", 1, {"a", "b", "c"}));
  CHECK(p1.error == 0);
  CHECK(p1.base_offset == 0);
  auto p2 = ask<produce_response>(self, f.n->broker(), produce("orders", 1, {"d"}));
  CHECK(p2.error == 0);
  CHECK(p2.base_offset == 3);

  auto fr = ask<fetch_response>(self, f.n->broker(), fetch("orders", 1, 0));
  REQUIRE(fr.partitions.size() == 1);
  CHECK(fr.partitions[0].error == 0);
  CHECK(fr.partitions[0].high_watermark == 4);
  auto got = decode(fr.partitions[0].records);
  REQUIRE(got.size() == 4);
  CHECK(got[0] == std::make_pair(int64_t{0}, std::string{"a"}));
  CHECK(got[3] == std::make_pair(int64_t{3}, std::string{"d"}));

  // The other partitions are empty and independent.
  auto empty = ask<fetch_response>(self, f.n->broker(), fetch("orders", 0, 0));
  CHECK(empty.partitions[0].error == 0);
  CHECK(empty.partitions[0].records.empty());
}

TEST_CASE("fetch long-polls until a produce arrives", "[broker]") {
  node_fixture f;
  caf::scoped_actor self{f.n->system()};
  ask<create_topics_response>(self, f.n->broker(), create_request("waits", 1));
  // The fetch may wait 60 s, the test only 30 s: once it is parked at the partition, only the
  // produce can answer it in time.
  auto pending =
      self->request(f.n->broker(), std::chrono::seconds(30), fetch("waits", 0, 0, 60000));
  bool parked = false;
  for (int i = 0; i < 2000 && !parked; ++i) {
    auto st = ask<partition_status_list>(self, f.n->broker(), partition_status_query{{"waits"}});
    REQUIRE(st.partitions.size() == 1);
    parked = st.partitions[0].parked_fetches == 1;
    if (!parked)
      self->receive(caf::after(std::chrono::milliseconds(5)) >> [] {});
  }
  REQUIRE(parked);
  auto p = ask<produce_response>(self, f.n->broker(), produce("waits", 0, {"x"}));
  CHECK(p.error == 0);
  fetch_response fr;
  bool got = false;
  pending.receive(
      [&](fetch_response& r) {
        fr = std::move(r);
        got = true;
      },
      [&](caf::error& err) { FAIL("fetch failed: " << caf::to_string(err)); });
  REQUIRE(got);
  REQUIRE(fr.partitions.size() == 1);
  CHECK(decode(fr.partitions[0].records).size() == 1);
}

TEST_CASE("unknown topics and partitions are named in the error", "[broker]") {
  node_fixture f;
  caf::scoped_actor self{f.n->system()};
  ask<create_topics_response>(self, f.n->broker(), create_request("known", 2));
  auto p = ask<produce_response>(self, f.n->broker(), produce("nope", 0, {"x"}));
  CHECK(p.error == code_of(kafka_error::unknown_topic_or_partition));
  CHECK(p.error_message.find("'nope'") != std::string::npos);
  auto q = ask<produce_response>(self, f.n->broker(), produce("known", 7, {"x"}));
  CHECK(q.error == code_of(kafka_error::unknown_topic_or_partition));
  CHECK(q.error_message == "topic 'known' has 2 partitions; partition 7 does not exist");

  auto req = fetch("known", 0, 0);
  req.partitions.push_back({"known", 5, 0, 1 << 20, -1});
  auto fr = ask<fetch_response>(self, f.n->broker(), req);
  REQUIRE(fr.partitions.size() == 2);
  CHECK(fr.partitions[0].error == 0);
  CHECK(fr.partitions[1].error == code_of(kafka_error::unknown_topic_or_partition));
  CHECK(fr.partitions[1].partition == 5);

  list_offsets_request lo;
  lo.partitions = {{"known", 0, -1}, {"gone", 0, -1}};
  auto lr = ask<list_offsets_response>(self, f.n->broker(), lo);
  REQUIRE(lr.partitions.size() == 2);
  CHECK(lr.partitions[0].error == 0);
  CHECK(lr.partitions[0].offset == 0);
  CHECK(lr.partitions[1].error == code_of(kafka_error::unknown_topic_or_partition));
}

TEST_CASE("create topics validates names, counts and configs", "[broker]") {
  node_fixture f;
  caf::scoped_actor self{f.n->system()};
  auto& b = f.n->broker();
  auto bad_name = ask<create_topics_response>(self, b, create_request("a/b", 1));
  CHECK(bad_name.topics[0].error == code_of(kafka_error::invalid_topic_exception));
  auto zero = ask<create_topics_response>(self, b, create_request("zero", 0));
  CHECK(zero.topics[0].error == code_of(kafka_error::invalid_partitions));
  auto rf_req = create_request("rf", 1);
  rf_req.topics[0].replication_factor = 3;
  auto rf = ask<create_topics_response>(self, b, rf_req);
  CHECK(rf.topics[0].error == code_of(kafka_error::invalid_replication_factor));
  CHECK(rf.topics[0].error_message.find("3") != std::string::npos);
  auto cfg =
      ask<create_topics_response>(self, b, create_request("cfg", 1, {{"retention.ms", "abc"}}));
  CHECK(cfg.topics[0].error == code_of(kafka_error::invalid_config));
  CHECK(cfg.topics[0].error_message.find("retention.ms") != std::string::npos);
  auto ok = ask<create_topics_response>(self, b, create_request("a.b", 1));
  CHECK(ok.topics[0].error == 0);
  auto collide = ask<create_topics_response>(self, b, create_request("a_b", 1));
  CHECK(collide.topics[0].error == code_of(kafka_error::invalid_topic_exception));
  auto again = ask<create_topics_response>(self, b, create_request("a.b", 1));
  CHECK(again.topics[0].error == code_of(kafka_error::topic_already_exists));
  auto vo = create_request("dry", 2);
  vo.validate_only = true;
  auto dry = ask<create_topics_response>(self, b, vo);
  CHECK(dry.topics[0].error == 0);
  metadata_request all;
  auto md = ask<metadata_response>(self, b, all);
  REQUIRE(md.topics.size() == 1); // only a.b exists
  CHECK(md.topics[0].name == "a.b");
}

TEST_CASE("metadata auto-creates unknown topics when enabled", "[broker]") {
  node_fixture f;
  caf::scoped_actor self{f.n->system()};
  metadata_request mr;
  mr.all_topics = false;
  mr.topics = {"fresh", "bad/name"};
  auto md = ask<metadata_response>(self, f.n->broker(), mr);
  REQUIRE(md.topics.size() == 2);
  CHECK(md.topics[0].error == 0);
  CHECK(md.topics[0].partitions.size() == 1); // num.partitions
  CHECK(md.topics[1].error == code_of(kafka_error::invalid_topic_exception));
  mr.topics = {"other"};
  mr.allow_auto_create = false;
  auto no = ask<metadata_response>(self, f.n->broker(), mr);
  CHECK(no.topics[0].error == code_of(kafka_error::unknown_topic_or_partition));
  auto p = ask<produce_response>(self, f.n->broker(), produce("fresh", 0, {"v"}));
  CHECK(p.error == 0);
}

TEST_CASE("delete topic removes its folders and offsets", "[broker]") {
  node_fixture f;
  caf::scoped_actor self{f.n->system()};
  auto& b = f.n->broker();
  ask<create_topics_response>(self, b, create_request("doomed", 2));
  ask<produce_response>(self, b, produce("doomed", 0, {"x"}));
  offset_commit_request oc;
  oc.group_id = "g1";
  oc.partitions.push_back({"doomed", 0, 1, -1, ""});
  auto committed = ask<offset_commit_response>(self, b, oc);
  REQUIRE(committed.partitions.size() == 1);
  CHECK(committed.partitions[0].error == 0);
  auto folder = std::filesystem::path(f.dir.path) / "doomed-0";
  CHECK(std::filesystem::exists(folder));
  delete_topics_request dr;
  dr.names = {"doomed", "never"};
  auto deleted = ask<delete_topics_response>(self, b, dr);
  REQUIRE(deleted.topics.size() == 2);
  CHECK(deleted.topics[0].error == 0);
  CHECK(deleted.topics[1].error == code_of(kafka_error::unknown_topic_or_partition));
  CHECK_FALSE(std::filesystem::exists(folder));
  CHECK_FALSE(std::filesystem::exists(std::filesystem::path(f.dir.path) / "doomed-1"));
  offset_fetch_request of;
  of.group_id = "g1";
  of.all_partitions = true;
  auto offsets = ask<offset_fetch_response>(self, b, of);
  CHECK(offsets.partitions.empty());
  auto p = ask<produce_response>(self, b, produce("doomed", 0, {"x"}));
  CHECK(p.error == code_of(kafka_error::unknown_topic_or_partition));
  // A new topic of the same name starts empty.
  ask<create_topics_response>(self, b, create_request("doomed", 1));
  auto fr = ask<fetch_response>(self, b, fetch("doomed", 0, 0));
  CHECK(fr.partitions[0].records.empty());
}

TEST_CASE("create partitions grows a topic and refuses shrinking", "[broker]") {
  node_fixture f;
  caf::scoped_actor self{f.n->system()};
  auto& b = f.n->broker();
  ask<create_topics_response>(self, b, create_request("grow", 2));
  create_partitions_request cp;
  cp.topics = {{"grow", 1}};
  auto shrink = ask<create_partitions_response>(self, b, cp);
  CHECK(shrink.topics[0].error == code_of(kafka_error::invalid_partitions));
  CHECK(shrink.topics[0].error_message.find("'grow' has 2 partitions") != std::string::npos);
  cp.topics = {{"grow", 4}, {"missing", 3}};
  auto grown = ask<create_partitions_response>(self, b, cp);
  CHECK(grown.topics[0].error == 0);
  CHECK(grown.topics[1].error == code_of(kafka_error::unknown_topic_or_partition));
  auto p = ask<produce_response>(self, b, produce("grow", 3, {"x"}));
  CHECK(p.error == 0);
  metadata_request mr;
  mr.all_topics = false;
  mr.topics = {"grow"};
  CHECK(ask<metadata_response>(self, b, mr).topics[0].partitions.size() == 4);
}

TEST_CASE("describe and alter topic configs", "[broker]") {
  node_fixture f;
  caf::scoped_actor self{f.n->system()};
  auto& b = f.n->broker();
  ask<create_topics_response>(self, b, create_request("conf", 1, {{"retention.ms", "60000"}}));
  describe_configs_request dc;
  dc.resources.push_back({resource_topic, "conf", {"retention.ms", "cleanup.policy"}});
  auto d = ask<describe_configs_response>(self, b, dc);
  REQUIRE(d.results.size() == 1);
  REQUIRE(d.results[0].entries.size() == 2);
  for (auto& e : d.results[0].entries) {
    if (e.name == "retention.ms") {
      CHECK(e.value == "60000");
      CHECK(e.source == 1); // TOPIC_CONFIG
    } else {
      CHECK(e.value == "delete");
      CHECK(e.source == 5); // DEFAULT_CONFIG
    }
  }
  alter_configs_request ac;
  ac.resources.push_back({resource_topic, "conf", {{"retention.ms", 0, "120000"}}});
  auto a = ask<alter_configs_response>(self, b, ac);
  CHECK(a.results[0].error == 0);
  ac.resources[0].ops[0].value = "-5x";
  auto bad = ask<alter_configs_response>(self, b, ac);
  CHECK(bad.results[0].error == code_of(kafka_error::invalid_config));
  dc.resources[0].keys = {"retention.ms"};
  auto d2 = ask<describe_configs_response>(self, b, dc);
  CHECK(d2.results[0].entries.at(0).value == "120000");
  describe_configs_request broker_dc;
  broker_dc.resources.push_back({resource_broker, "0", {"num.partitions"}});
  auto bd = ask<describe_configs_response>(self, b, broker_dc);
  REQUIRE(bd.results[0].entries.size() == 1);
  CHECK(bd.results[0].entries[0].read_only);
}

TEST_CASE("fetch keeps the response within max_bytes in whole batches", "[broker]") {
  node_fixture f;
  caf::scoped_actor self{f.n->system()};
  auto& b = f.n->broker();
  ask<create_topics_response>(self, b, create_request("budget", 2));
  auto batch_size = make_batch({"0123456789"}).size();
  for (int p = 0; p < 2; ++p)
    for (int i = 0; i < 3; ++i)
      ask<produce_response>(self, b, produce("budget", p, {"0123456789"}));
  auto req = fetch("budget", 0, 0);
  req.partitions.push_back({"budget", 1, 0, 1 << 20, -1});
  // Room for partition 0's three batches and one and a half of partition 1's.
  req.max_bytes = static_cast<int32_t>(batch_size * 4 + batch_size / 2);
  auto fr = ask<fetch_response>(self, b, req);
  REQUIRE(fr.partitions.size() == 2);
  CHECK(decode(fr.partitions[0].records).size() == 3);
  CHECK(decode(fr.partitions[1].records).size() == 1);
  CHECK(fr.partitions[1].high_watermark == 3);
  // The first partition with data always gets at least its first batch.
  req.max_bytes = 1;
  auto tiny = ask<fetch_response>(self, b, req);
  CHECK_FALSE(decode(tiny.partitions[0].records).empty());
  CHECK(tiny.partitions[1].records.empty());
}

TEST_CASE("fetch answers at max_wait with what it has when min_bytes is not reached", "[broker]") {
  node_fixture f;
  caf::scoped_actor self{f.n->system()};
  auto& b = f.n->broker();
  ask<create_topics_response>(self, b, create_request("slow", 2));
  ask<produce_response>(self, b, produce("slow", 1, {"only"}));
  auto req = fetch("slow", 0, 0, 200);
  req.partitions.push_back({"slow", 1, 0, 1 << 20, -1});
  req.min_bytes = 1 << 20;
  auto fr = ask<fetch_response>(self, b, req);
  REQUIRE(fr.partitions.size() == 2);
  CHECK(fr.partitions[0].error == 0);
  CHECK(fr.partitions[0].records.empty());
  REQUIRE(decode(fr.partitions[1].records).size() == 1);
}
