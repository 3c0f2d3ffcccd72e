// librdkafka's C API (a real Kafka client, 2.0.2) against a tributary process's Kafka
// listener: every codec with keys and headers read back exactly, a cooperative-sticky group
// of two consumers that splits and rebalances (listed and described through the admin API),
// and the idempotent producer. The Python/JavaScript clients are in tests/kafka_clients.

#include "itest.hpp"

#include <catch2/catch.hpp>
#include <librdkafka/rdkafka.h>

#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

using namespace tributary::itest;
using namespace std::chrono_literals;

namespace {

constexpr int admin_timeout_ms = 30000;

/// A tributary process whose Kafka listener is on a port chosen here (so the test does not
/// depend on the banner's wording). Stopped by PID when destroyed; declare it before the
/// clients so they are destroyed while it still runs.
class kafka_node {
public:
  explicit kafka_node(const temp_dir& scratch)
      : data_dir_(scratch.file("kafka-data")), log_file_(scratch.file("kafka.log")) {}

  void start() {
    kafka_port_ = unused_port();
    do
      native_port_ = unused_port();
    while (native_port_ == kafka_port_);
    spawn_options options;
    options.argv = {tributary_path(), "--data.dir=" + data_dir_,
                    "--listeners=PLAINTEXT://127.0.0.1:" + std::to_string(kafka_port_),
                    "--native.listener=127.0.0.1:" + std::to_string(native_port_),
                    "--group.initial.rebalance.delay.ms=0"};
    options.stdout_file = log_file_;
    options.stderr_file = log_file_;
    options.unset_env = {"TRIB_CONFIG", "TRIB_BOOTSTRAP"};
    process_ = std::make_unique<child_process>(options);
    bool up = wait_until([&] { return !process_->running() || can_connect(kafka_port_); }, 60s);
    INFO(log());
    REQUIRE(up);
    REQUIRE(process_->running());
  }

  bool running() { return process_ && process_->running(); }
  std::string bootstrap() const { return "127.0.0.1:" + std::to_string(kafka_port_); }
  std::string log() const { return read_file(log_file_); }

private:
  std::string data_dir_;
  std::string log_file_;
  uint16_t kafka_port_ = 0;
  uint16_t native_port_ = 0;
  std::unique_ptr<child_process> process_;
};

// --- RAII for librdkafka handles --------------------------------------------------------

struct client_deleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using client_ptr = std::unique_ptr<rd_kafka_t, client_deleter>;

struct consumer_deleter {
  void operator()(rd_kafka_t* rk) const {
    rd_kafka_consumer_close(rk); // LeaveGroup
    rd_kafka_destroy(rk);
  }
};
using consumer_ptr = std::unique_ptr<rd_kafka_t, consumer_deleter>;

struct queue_deleter {
  void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
};
struct event_deleter {
  void operator()(rd_kafka_event_t* e) const { rd_kafka_event_destroy(e); }
};
using event_ptr = std::unique_ptr<rd_kafka_event_t, event_deleter>;
struct message_deleter {
  void operator()(rd_kafka_message_t* m) const { rd_kafka_message_destroy(m); }
};
using message_ptr = std::unique_ptr<rd_kafka_message_t, message_deleter>;
struct partitions_deleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const {
    rd_kafka_topic_partition_list_destroy(l);
  }
};
using partitions_ptr = std::unique_ptr<rd_kafka_topic_partition_list_t, partitions_deleter>;

using settings = std::map<std::string, std::string>;

rd_kafka_conf_t* make_conf(const std::string& bootstrap, const settings& extra) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  settings all = {{"bootstrap.servers", bootstrap}};
  for (const auto& [k, v] : extra)
    all[k] = v;
  for (const auto& [k, v] : all) {
    INFO(k << "=" << v);
    REQUIRE(rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) == RD_KAFKA_CONF_OK);
  }
  return conf;
}

rd_kafka_t* make_client(rd_kafka_type_t type, rd_kafka_conf_t* conf) {
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof err);
  INFO(err);
  REQUIRE(rk != nullptr);
  return rk;
}

// --- producing ---------------------------------------------------------------------------

struct delivery {
  rd_kafka_resp_err_t err;
  int32_t partition;
  int64_t offset;
};

/// A producer and its delivery reports (the callback runs inside poll/flush on the test's
/// thread, so no lock).
struct producer {
  std::vector<delivery> reports;
  client_ptr rk;

  producer(const std::string& bootstrap, const settings& extra) {
    rd_kafka_conf_t* conf = make_conf(bootstrap, extra);
    rd_kafka_conf_set_opaque(conf, this);
    rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t*, const rd_kafka_message_t* m, void* self) {
      static_cast<producer*>(self)->reports.push_back({m->err, m->partition, m->offset});
    });
    rk.reset(make_client(RD_KAFKA_PRODUCER, conf));
  }

  void flush_all(size_t expected) {
    REQUIRE(rd_kafka_flush(rk.get(), 60000) == RD_KAFKA_RESP_ERR_NO_ERROR);
    REQUIRE(reports.size() == expected);
    for (const auto& r : reports) {
      INFO("partition " << r.partition << ": " << rd_kafka_err2str(r.err));
      REQUIRE(r.err == RD_KAFKA_RESP_ERR_NO_ERROR);
    }
  }
};

struct record {
  int32_t partition = 0;
  int64_t offset = -1;
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;

  bool operator==(const record& o) const {
    return std::tie(partition, key, value, headers) ==
           std::tie(o.partition, o.key, o.value, o.headers);
  }
};

std::ostream& operator<<(std::ostream& os, const record& r) {
  os << "p" << r.partition << "@" << r.offset << " key=" << r.key.value_or("<null>")
     << " value=" << r.value.value_or("<null>") << " headers=";
  for (const auto& [k, v] : r.headers)
    os << k << ":" << v.value_or("<null>") << ",";
  return os;
}

void produce(producer& p, const std::string& topic, const record& r) {
  rd_kafka_headers_t* headers = rd_kafka_headers_new(r.headers.size());
  for (const auto& [k, v] : r.headers)
    rd_kafka_header_add(headers, k.data(), static_cast<ssize_t>(k.size()), v ? v->data() : nullptr,
                        v ? static_cast<ssize_t>(v->size()) : 0);
  // The V_ macros cast their arguments without parentheses: pass plain variables.
  const void* key = r.key ? r.key->data() : nullptr;
  size_t key_size = r.key ? r.key->size() : 0;
  void* value = r.value ? const_cast<char*>(r.value->data()) : nullptr;
  size_t value_size = r.value ? r.value->size() : 0;
  auto err = rd_kafka_producev(
      p.rk.get(), RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(r.partition),
      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key, key_size),
      RD_KAFKA_V_VALUE(value, value_size), RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_END);
  if (err)
    rd_kafka_headers_destroy(headers); // on success the message owns them
  INFO(rd_kafka_err2str(err));
  REQUIRE(err == RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_poll(p.rk.get(), 0);
}

// --- consuming ---------------------------------------------------------------------------

record to_record(const rd_kafka_message_t* m) {
  record r;
  r.partition = m->partition;
  r.offset = m->offset;
  if (m->key)
    r.key = std::string(static_cast<const char*>(m->key), m->key_len);
  if (m->payload)
    r.value = std::string(static_cast<const char*>(m->payload), m->len);
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(m, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* name;
    const void* value;
    size_t size;
    for (size_t i = 0; !rd_kafka_header_get_all(headers, i, &name, &value, &size); ++i)
      r.headers.emplace_back(name, value ? std::optional<std::string>(
                                               std::string(static_cast<const char*>(value), size))
                                         : std::nullopt);
  }
  return r;
}

consumer_ptr make_consumer(const std::string& bootstrap, const std::string& group,
                           const settings& extra = {}) {
  settings s = {
      {"group.id", group}, {"enable.auto.commit", "false"}, {"auto.offset.reset", "earliest"}};
  for (const auto& [k, v] : extra)
    s[k] = v;
  consumer_ptr rk(make_client(RD_KAFKA_CONSUMER, make_conf(bootstrap, s)));
  rd_kafka_poll_set_consumer(rk.get());
  return rk;
}

/// Reads `count` records from the beginning of `partitions` of `topic` (bounded).
std::vector<record> read_back(const std::string& bootstrap, const std::string& topic,
                              int32_t partitions, size_t count) {
  auto consumer = make_consumer(bootstrap, "rdk-reader-" + topic);
  partitions_ptr list(rd_kafka_topic_partition_list_new(partitions));
  for (int32_t p = 0; p < partitions; ++p)
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset =
        RD_KAFKA_OFFSET_BEGINNING;
  REQUIRE(rd_kafka_assign(consumer.get(), list.get()) == RD_KAFKA_RESP_ERR_NO_ERROR);
  std::vector<record> out;
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (out.size() < count && std::chrono::steady_clock::now() < deadline) {
    message_ptr m(rd_kafka_consumer_poll(consumer.get(), 200));
    if (!m)
      continue;
    INFO(rd_kafka_message_errstr(m.get()));
    REQUIRE(m->err == RD_KAFKA_RESP_ERR_NO_ERROR);
    out.push_back(to_record(m.get()));
  }
  REQUIRE(out.size() == count);
  return out;
}

/// The records of one partition, in the order read (which must be offset order).
std::vector<record> of_partition(const std::vector<record>& all, int32_t partition) {
  std::vector<record> out;
  for (const auto& r : all)
    if (r.partition == partition)
      out.push_back(r);
  return out;
}

// --- admin -------------------------------------------------------------------------------

/// Runs one admin request whose result arrives on a temporary queue; returns the event.
template <class Call>
event_ptr admin_call(rd_kafka_t* rk, Call call) {
  std::unique_ptr<rd_kafka_queue_t, queue_deleter> queue(rd_kafka_queue_new(rk));
  rd_kafka_AdminOptions_t* options = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_ANY);
  char err[512];
  rd_kafka_AdminOptions_set_request_timeout(options, admin_timeout_ms, err, sizeof err);
  call(options, queue.get());
  rd_kafka_AdminOptions_destroy(options);
  event_ptr ev(rd_kafka_queue_poll(queue.get(), admin_timeout_ms + 5000));
  REQUIRE(ev != nullptr);
  INFO(rd_kafka_event_error_string(ev.get()));
  REQUIRE(rd_kafka_event_error(ev.get()) == RD_KAFKA_RESP_ERR_NO_ERROR);
  return ev;
}

void create_topic(const std::string& bootstrap, const std::string& topic, int partitions) {
  client_ptr admin(make_client(RD_KAFKA_PRODUCER, make_conf(bootstrap, {})));
  char err[512];
  rd_kafka_NewTopic_t* t = rd_kafka_NewTopic_new(topic.c_str(), partitions, 1, err, sizeof err);
  REQUIRE(t != nullptr);
  auto ev = admin_call(admin.get(), [&](auto* options, auto* queue) {
    rd_kafka_CreateTopics(admin.get(), &t, 1, options, queue);
  });
  rd_kafka_NewTopic_destroy(t);
  size_t n = 0;
  const rd_kafka_topic_result_t** results =
      rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev.get()), &n);
  REQUIRE(n == 1);
  INFO(topic << ": "
             << (rd_kafka_topic_result_error_string(results[0])
                     ? rd_kafka_topic_result_error_string(results[0])
                     : ""));
  REQUIRE(rd_kafka_topic_result_error(results[0]) == RD_KAFKA_RESP_ERR_NO_ERROR);
}

std::set<int32_t> partitions_of(const rd_kafka_topic_partition_list_t* list) {
  std::set<int32_t> out;
  for (int i = 0; list && i < list->cnt; ++i)
    out.insert(list->elems[i].partition);
  return out;
}

// --- a group member with the cooperative-sticky assignor ----------------------------------

/// A subscribed consumer polled from the test's thread; the rebalance callback (served inside
/// poll) applies incremental assignments and records what was revoked.
struct member {
  std::string protocol;
  std::vector<std::set<int32_t>> revoked;
  consumer_ptr rk;

  member(const std::string& bootstrap, const std::string& group, const std::string& topic,
         const std::string& client_id) {
    rd_kafka_conf_t* conf =
        make_conf(bootstrap, {{"group.id", group},
                              {"client.id", client_id},
                              {"enable.auto.commit", "false"},
                              {"auto.offset.reset", "earliest"},
                              {"partition.assignment.strategy", "cooperative-sticky"},
                              {"session.timeout.ms", "10000"},
                              {"heartbeat.interval.ms", "300"}});
    rd_kafka_conf_set_opaque(conf, this);
    rd_kafka_conf_set_rebalance_cb(conf, &member::on_rebalance);
    rk.reset(make_client(RD_KAFKA_CONSUMER, conf));
    rd_kafka_poll_set_consumer(rk.get());
    partitions_ptr subscription(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(subscription.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
    REQUIRE(rd_kafka_subscribe(rk.get(), subscription.get()) == RD_KAFKA_RESP_ERR_NO_ERROR);
  }

  static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                           rd_kafka_topic_partition_list_t* parts, void* opaque) {
    auto* self = static_cast<member*>(opaque);
    self->protocol = rd_kafka_rebalance_protocol(rk);
    rd_kafka_error_t* error = nullptr;
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      error = rd_kafka_incremental_assign(rk, parts);
    } else {
      if (parts->cnt > 0)
        self->revoked.push_back(partitions_of(parts));
      error = rd_kafka_incremental_unassign(rk, parts);
    }
    if (error)
      rd_kafka_error_destroy(error); // shows up as a wrong assignment in the test
  }

  void poll() {
    message_ptr m(rd_kafka_consumer_poll(rk.get(), 50));
    if (m && m->err)
      FAIL("consumer error: " << rd_kafka_message_errstr(m.get()));
  }

  std::set<int32_t> owned() {
    rd_kafka_topic_partition_list_t* list = nullptr;
    REQUIRE(rd_kafka_assignment(rk.get(), &list) == RD_KAFKA_RESP_ERR_NO_ERROR);
    partitions_ptr guard(list);
    return partitions_of(list);
  }
};

/// Polls `members` until `ready()` (bounded by 60 s).
template <class Ready>
bool poll_until(std::vector<member*> members, Ready ready) {
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < deadline) {
    for (auto* m : members)
      m->poll();
    if (ready())
      return true;
  }
  return false;
}

std::vector<record> numbered_records(const std::string& codec, int count, int32_t partitions) {
  std::vector<record> out;
  for (int i = 0; i < count; ++i) {
    record r;
    r.partition = i % partitions;
    if (i != 7)
      r.key = "key-" + std::to_string(i);
    if (i != 9)
      for (int j = 0; j <= i % 5; ++j)
        r.value = r.value.value_or("") + "value-" + std::to_string(i) + "-";
    if (i != 11)
      r.headers = {{"index", std::to_string(i)}, {"codec", codec}};
    if (i % 4 == 0)
      r.headers.emplace_back("index", "repeated");
    if (i == 13)
      r.headers.emplace_back("null", std::nullopt);
    out.push_back(r);
  }
  return out;
}

} // namespace

TEST_CASE("librdkafka: every codec, keys and headers read back exactly",
          "[integration][kafka-rdkafka]") {
  temp_dir scratch;
  kafka_node node(scratch);
  node.start();
  for (const std::string codec : {"none", "gzip", "snappy", "lz4", "zstd"}) {
    INFO("compression.codec=" << codec);
    std::string topic = "rdk-codec-" + codec;
    create_topic(node.bootstrap(), topic, 2);
    auto sent = numbered_records(codec, 40, 2);
    {
      producer p(node.bootstrap(), {{"compression.codec", codec}, {"linger.ms", "20"}});
      for (const auto& r : sent)
        produce(p, topic, r);
      p.flush_all(sent.size());
    }
    auto got = read_back(node.bootstrap(), topic, 2, sent.size());
    for (int32_t partition : {0, 1}) {
      auto expected = of_partition(sent, partition);
      auto actual = of_partition(got, partition);
      REQUIRE(actual.size() == expected.size());
      for (size_t i = 0; i < actual.size(); ++i) {
        CHECK(actual[i].offset == static_cast<int64_t>(i));
        CHECK(actual[i] == expected[i]);
      }
    }
  }
  CHECK(node.running());
}

TEST_CASE("librdkafka: a cooperative-sticky group of two splits, is described by the admin API "
          "and rebalances when one leaves",
          "[integration][kafka-rdkafka]") {
  temp_dir scratch;
  kafka_node node(scratch);
  node.start();
  const std::string topic = "rdk-group";
  const std::string group = "rdk-coop";
  const std::set<int32_t> everything{0, 1, 2, 3};
  create_topic(node.bootstrap(), topic, 4);

  member a(node.bootstrap(), group, topic, "rdk-a");
  REQUIRE(poll_until({&a}, [&] { return a.owned() == everything; }));
  CHECK(a.protocol == "COOPERATIVE");
  auto b = std::make_unique<member>(node.bootstrap(), group, topic, "rdk-b");
  REQUIRE(poll_until({&a, b.get()}, [&] {
    auto sa = a.owned(), sb = b->owned();
    std::set<int32_t> both(sa.begin(), sa.end());
    both.insert(sb.begin(), sb.end());
    return sa.size() == 2 && sb.size() == 2 && both == everything;
  }));
  // Incremental: a gave up exactly what b got, never everything at once.
  std::set<int32_t> given_up;
  for (const auto& r : a.revoked)
    given_up.insert(r.begin(), r.end());
  CHECK(given_up == b->owned());

  // The admin API sees the group: listed, Stable, the assignor, both members and their shares.
  client_ptr admin(make_client(RD_KAFKA_PRODUCER, make_conf(node.bootstrap(), {})));
  auto listed = admin_call(admin.get(), [&](auto* options, auto* queue) {
    rd_kafka_ListConsumerGroups(admin.get(), options, queue);
  });
  size_t n = 0;
  auto** groups = rd_kafka_ListConsumerGroups_result_valid(
      rd_kafka_event_ListConsumerGroups_result(listed.get()), &n);
  bool found = false;
  for (size_t i = 0; i < n; ++i)
    if (rd_kafka_ConsumerGroupListing_group_id(groups[i]) == group) {
      found = true;
      CHECK(rd_kafka_ConsumerGroupListing_is_simple_consumer_group(groups[i]) == 0);
      CHECK(rd_kafka_ConsumerGroupListing_state(groups[i]) == RD_KAFKA_CONSUMER_GROUP_STATE_STABLE);
    }
  CHECK(found);

  const char* names[] = {group.c_str()};
  auto described = admin_call(admin.get(), [&](auto* options, auto* queue) {
    rd_kafka_DescribeConsumerGroups(admin.get(), names, 1, options, queue);
  });
  auto** descriptions = rd_kafka_DescribeConsumerGroups_result_groups(
      rd_kafka_event_DescribeConsumerGroups_result(described.get()), &n);
  REQUIRE(n == 1);
  const auto* d = descriptions[0];
  REQUIRE(rd_kafka_ConsumerGroupDescription_error(d) == nullptr);
  CHECK(rd_kafka_ConsumerGroupDescription_group_id(d) == group);
  CHECK(rd_kafka_ConsumerGroupDescription_state(d) == RD_KAFKA_CONSUMER_GROUP_STATE_STABLE);
  CHECK(std::string(rd_kafka_ConsumerGroupDescription_partition_assignor(d)) ==
        "cooperative-sticky");
  CHECK(rd_kafka_Node_id(rd_kafka_ConsumerGroupDescription_coordinator(d)) == 0);
  REQUIRE(rd_kafka_ConsumerGroupDescription_member_count(d) == 2);
  std::map<std::string, std::set<int32_t>> shares;
  for (size_t i = 0; i < 2; ++i) {
    const auto* m = rd_kafka_ConsumerGroupDescription_member(d, i);
    shares[rd_kafka_MemberDescription_client_id(m)] = partitions_of(
        rd_kafka_MemberAssignment_partitions(rd_kafka_MemberDescription_assignment(m)));
  }
  CHECK(shares ==
        std::map<std::string, std::set<int32_t>>{{"rdk-a", a.owned()}, {"rdk-b", b->owned()}});

  b.reset(); // consumer_close: LeaveGroup
  REQUIRE(poll_until({&a}, [&] { return a.owned() == everything; }));
  CHECK(node.running());
}

TEST_CASE("librdkafka: the idempotent producer writes each record once, in order",
          "[integration][kafka-rdkafka]") {
  temp_dir scratch;
  kafka_node node(scratch);
  node.start();
  const std::string topic = "rdk-idempotent";
  create_topic(node.bootstrap(), topic, 1);
  constexpr int count = 2000;
  {
    producer p(node.bootstrap(),
               {{"enable.idempotence", "true"}, {"batch.num.messages", "100"}, {"linger.ms", "5"}});
    for (int i = 0; i < count; ++i) {
      record r;
      r.value = std::to_string(i);
      produce(p, topic, r);
    }
    p.flush_all(count);
    for (int i = 0; i < count; ++i)
      REQUIRE(p.reports[i].offset == i);
  }
  auto got = read_back(node.bootstrap(), topic, 1, count);
  for (int i = 0; i < count; ++i) {
    REQUIRE(got[i].offset == i);
    REQUIRE(got[i].value == std::to_string(i));
  }
  CHECK(node.running());
}
