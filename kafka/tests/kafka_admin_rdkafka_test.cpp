// The real-client proof for the admin handlers: librdkafka's Admin API (CreateTopics,
// DescribeConfigs, AlterConfigs, CreatePartitions, DeleteRecords, DeleteTopics) against our
// kafka_listener, every call bounded by request and operation timeouts and a bounded poll.
//
// librdkafka is loaded with dlopen rather than linked: kafka_tests does not link dep::rdkafka
// (kafka/CMakeLists.txt), and a direct reference would break the test binary's link for
// everyone until it does. The function pointers keep the header's exact types.
#include "kafka_admin_test_support.hpp"

#include <librdkafka/rdkafka.h>

#include <dlfcn.h>

using namespace kafka_admin_test;

namespace {

#define TRIB_RDKAFKA_ADMIN_API(X)                                                                  \
  X(rd_kafka_conf_new)                                                                             \
  X(rd_kafka_conf_set)                                                                             \
  X(rd_kafka_new)                                                                                  \
  X(rd_kafka_destroy)                                                                              \
  X(rd_kafka_err2str)                                                                              \
  X(rd_kafka_queue_new)                                                                            \
  X(rd_kafka_queue_destroy)                                                                        \
  X(rd_kafka_queue_poll)                                                                           \
  X(rd_kafka_event_error)                                                                          \
  X(rd_kafka_event_error_string)                                                                   \
  X(rd_kafka_event_destroy)                                                                        \
  X(rd_kafka_AdminOptions_new)                                                                     \
  X(rd_kafka_AdminOptions_destroy)                                                                 \
  X(rd_kafka_AdminOptions_set_request_timeout)                                                     \
  X(rd_kafka_AdminOptions_set_operation_timeout)                                                   \
  X(rd_kafka_topic_result_error)                                                                   \
  X(rd_kafka_topic_result_error_string)                                                            \
  X(rd_kafka_topic_result_name)                                                                    \
  X(rd_kafka_NewTopic_new)                                                                         \
  X(rd_kafka_NewTopic_destroy)                                                                     \
  X(rd_kafka_NewTopic_set_config)                                                                  \
  X(rd_kafka_CreateTopics)                                                                         \
  X(rd_kafka_event_CreateTopics_result)                                                            \
  X(rd_kafka_CreateTopics_result_topics)                                                           \
  X(rd_kafka_DeleteTopic_new)                                                                      \
  X(rd_kafka_DeleteTopic_destroy)                                                                  \
  X(rd_kafka_DeleteTopics)                                                                         \
  X(rd_kafka_event_DeleteTopics_result)                                                            \
  X(rd_kafka_DeleteTopics_result_topics)                                                           \
  X(rd_kafka_NewPartitions_new)                                                                    \
  X(rd_kafka_NewPartitions_destroy)                                                                \
  X(rd_kafka_CreatePartitions)                                                                     \
  X(rd_kafka_event_CreatePartitions_result)                                                        \
  X(rd_kafka_CreatePartitions_result_topics)                                                       \
  X(rd_kafka_ConfigResource_new)                                                                   \
  X(rd_kafka_ConfigResource_destroy)                                                               \
  X(rd_kafka_ConfigResource_set_config)                                                            \
  X(rd_kafka_ConfigResource_configs)                                                               \
  X(rd_kafka_ConfigResource_error)                                                                 \
  X(rd_kafka_ConfigResource_error_string)                                                          \
  X(rd_kafka_ConfigEntry_name)                                                                     \
  X(rd_kafka_ConfigEntry_value)                                                                    \
  X(rd_kafka_ConfigEntry_source)                                                                   \
  X(rd_kafka_DescribeConfigs)                                                                      \
  X(rd_kafka_event_DescribeConfigs_result)                                                         \
  X(rd_kafka_DescribeConfigs_result_resources)                                                     \
  X(rd_kafka_AlterConfigs)                                                                         \
  X(rd_kafka_event_AlterConfigs_result)                                                            \
  X(rd_kafka_AlterConfigs_result_resources)                                                        \
  X(rd_kafka_topic_partition_list_new)                                                             \
  X(rd_kafka_topic_partition_list_add)                                                             \
  X(rd_kafka_topic_partition_list_destroy)                                                         \
  X(rd_kafka_DeleteRecords_new)                                                                    \
  X(rd_kafka_DeleteRecords_destroy)                                                                \
  X(rd_kafka_DeleteRecords)                                                                        \
  X(rd_kafka_event_DeleteRecords_result)                                                           \
  X(rd_kafka_DeleteRecords_result_offsets)

/// librdkafka's admin functions, resolved once; the library stays loaded for the process.
struct rdkafka_api {
#define TRIB_RDKAFKA_POINTER(name) decltype(&::name) name = nullptr;
  TRIB_RDKAFKA_ADMIN_API(TRIB_RDKAFKA_POINTER)
#undef TRIB_RDKAFKA_POINTER
  std::string missing; // what could not be loaded; empty when everything is there

  static const rdkafka_api& get() {
    static const rdkafka_api instance = load();
    return instance;
  }

private:
  static rdkafka_api load() {
    rdkafka_api api;
    void* lib = ::dlopen("librdkafka.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      api.missing = std::string("librdkafka.so.1: ") + ::dlerror();
      return api;
    }
#define TRIB_RDKAFKA_RESOLVE(name)                                                                 \
  api.name = reinterpret_cast<decltype(&::name)>(::dlsym(lib, #name));                             \
  if (!api.name)                                                                                   \
    api.missing += " " #name;
    TRIB_RDKAFKA_ADMIN_API(TRIB_RDKAFKA_RESOLVE)
#undef TRIB_RDKAFKA_RESOLVE
    return api;
  }
};

/// An admin client on a producer handle, its reply queue and options with bounded timeouts.
class rdkafka_admin {
public:
  explicit rdkafka_admin(uint16_t port) : api_(rdkafka_api::get()) {
    INFO(api_.missing);
    REQUIRE(api_.missing.empty());
    char err[512];
    auto* conf = api_.rd_kafka_conf_new();
    auto bootstrap = "127.0.0.1:" + std::to_string(port);
    REQUIRE(api_.rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err,
                                   sizeof(err)) == RD_KAFKA_CONF_OK);
    REQUIRE(api_.rd_kafka_conf_set(conf, "socket.timeout.ms", "10000", err, sizeof(err)) ==
            RD_KAFKA_CONF_OK);
    rk_ = api_.rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err)); // takes conf
    INFO(err);
    REQUIRE(rk_);
    queue_ = api_.rd_kafka_queue_new(rk_);
    options_ = api_.rd_kafka_AdminOptions_new(rk_, RD_KAFKA_ADMIN_OP_ANY);
    REQUIRE(api_.rd_kafka_AdminOptions_set_request_timeout(options_, 10000, err, sizeof(err)) ==
            RD_KAFKA_RESP_ERR_NO_ERROR);
    REQUIRE(api_.rd_kafka_AdminOptions_set_operation_timeout(options_, 10000, err, sizeof(err)) ==
            RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  ~rdkafka_admin() {
    if (options_)
      api_.rd_kafka_AdminOptions_destroy(options_);
    if (queue_)
      api_.rd_kafka_queue_destroy(queue_);
    if (rk_)
      api_.rd_kafka_destroy(rk_);
  }
  rdkafka_admin(const rdkafka_admin&) = delete;
  rdkafka_admin& operator=(const rdkafka_admin&) = delete;

  const rdkafka_api& api() const { return api_; }
  rd_kafka_t* handle() const { return rk_; }
  rd_kafka_AdminOptions_t* options() const { return options_; }
  rd_kafka_queue_t* queue() const { return queue_; }

  /// The next result event (owned by the caller); fails the test after 30 s or on an
  /// event-level error.
  rd_kafka_event_t* next_result() {
    auto* ev = api_.rd_kafka_queue_poll(queue_, 30000);
    REQUIRE(ev);
    if (api_.rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::string why = api_.rd_kafka_event_error_string(ev);
      api_.rd_kafka_event_destroy(ev);
      FAIL("librdkafka admin request failed: " << why);
    }
    return ev;
  }

  /// Per-topic outcomes of CreateTopics / DeleteTopics / CreatePartitions: name -> error.
  std::map<std::string, rd_kafka_resp_err_t> topic_errors(const rd_kafka_topic_result_t** r,
                                                          size_t n) const {
    std::map<std::string, rd_kafka_resp_err_t> out;
    for (size_t i = 0; i < n; ++i) {
      auto err = api_.rd_kafka_topic_result_error(r[i]);
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
        UNSCOPED_INFO(api_.rd_kafka_topic_result_name(r[i])
                      << ": " << api_.rd_kafka_topic_result_error_string(r[i]));
      out[api_.rd_kafka_topic_result_name(r[i])] = err;
    }
    return out;
  }

private:
  const rdkafka_api& api_;
  rd_kafka_t* rk_ = nullptr;
  rd_kafka_queue_t* queue_ = nullptr;
  rd_kafka_AdminOptions_t* options_ = nullptr;
};

std::map<std::string, rd_kafka_resp_err_t> rk_create_topic(rdkafka_admin& a, const char* name,
                                                           int partitions) {
  const auto& api = a.api();
  char err[512];
  auto* nt = api.rd_kafka_NewTopic_new(name, partitions, 1, err, sizeof(err));
  REQUIRE(nt);
  REQUIRE(api.rd_kafka_NewTopic_set_config(nt, "retention.ms", "3600000") ==
          RD_KAFKA_RESP_ERR_NO_ERROR);
  api.rd_kafka_CreateTopics(a.handle(), &nt, 1, a.options(), a.queue());
  api.rd_kafka_NewTopic_destroy(nt);
  auto* ev = a.next_result();
  size_t n = 0;
  auto* topics =
      api.rd_kafka_CreateTopics_result_topics(api.rd_kafka_event_CreateTopics_result(ev), &n);
  auto out = a.topic_errors(topics, n);
  api.rd_kafka_event_destroy(ev);
  return out;
}

/// name -> (value, source) of a topic's configs, or the resource's error.
std::map<std::string, std::pair<std::string, int>>
describe_topic(rdkafka_admin& a, const char* name, rd_kafka_resp_err_t* error) {
  const auto& api = a.api();
  auto* cr = api.rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, name);
  api.rd_kafka_DescribeConfigs(a.handle(), &cr, 1, a.options(), a.queue());
  api.rd_kafka_ConfigResource_destroy(cr);
  auto* ev = a.next_result();
  size_t n = 0;
  auto* resources = api.rd_kafka_DescribeConfigs_result_resources(
      api.rd_kafka_event_DescribeConfigs_result(ev), &n);
  REQUIRE(n == 1);
  *error = api.rd_kafka_ConfigResource_error(resources[0]);
  std::map<std::string, std::pair<std::string, int>> out;
  size_t count = 0;
  auto* entries = api.rd_kafka_ConfigResource_configs(resources[0], &count);
  for (size_t i = 0; i < count; ++i) {
    const char* value = api.rd_kafka_ConfigEntry_value(entries[i]);
    out[api.rd_kafka_ConfigEntry_name(entries[i])] = {
        value ? value : "", static_cast<int>(api.rd_kafka_ConfigEntry_source(entries[i]))};
  }
  api.rd_kafka_event_destroy(ev);
  return out;
}

} // namespace

TEST_CASE("librdkafka's admin API works against the listener", "[kafka-admin][rdkafka]") {
  kafka_node n;
  rdkafka_admin a(n.port);
  const auto& api = a.api();
  char err[512];

  auto created = rk_create_topic(a, "rk-admin", 1);
  CHECK(created["rk-admin"] == RD_KAFKA_RESP_ERR_NO_ERROR);
  auto again = rk_create_topic(a, "rk-admin", 1);
  CHECK(again["rk-admin"] == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS);

  rd_kafka_resp_err_t described_error = RD_KAFKA_RESP_ERR_UNKNOWN;
  auto configs = describe_topic(a, "rk-admin", &described_error);
  CHECK(described_error == RD_KAFKA_RESP_ERR_NO_ERROR);
  REQUIRE(configs.count("retention.ms") == 1);
  CHECK(configs["retention.ms"].first == "3600000");
  CHECK(configs["retention.ms"].second == RD_KAFKA_CONFIG_SOURCE_DYNAMIC_TOPIC_CONFIG);
  describe_topic(a, "rk-nowhere", &described_error);
  CHECK(described_error == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART);

  { // AlterConfigs: the set replaces retention.ms with cleanup.policy=compact
    auto* cr = api.rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, "rk-admin");
    REQUIRE(api.rd_kafka_ConfigResource_set_config(cr, "cleanup.policy", "compact") ==
            RD_KAFKA_RESP_ERR_NO_ERROR);
    api.rd_kafka_AlterConfigs(a.handle(), &cr, 1, a.options(), a.queue());
    api.rd_kafka_ConfigResource_destroy(cr);
    auto* ev = a.next_result();
    size_t count = 0;
    auto* res = api.rd_kafka_AlterConfigs_result_resources(
        api.rd_kafka_event_AlterConfigs_result(ev), &count);
    REQUIRE(count == 1);
    INFO(api.rd_kafka_ConfigResource_error_string(res[0]));
    CHECK(api.rd_kafka_ConfigResource_error(res[0]) == RD_KAFKA_RESP_ERR_NO_ERROR);
    api.rd_kafka_event_destroy(ev);
    auto after = describe_topic(a, "rk-admin", &described_error);
    CHECK(after["cleanup.policy"].first == "compact");
    CHECK(after["retention.ms"].second != RD_KAFKA_CONFIG_SOURCE_DYNAMIC_TOPIC_CONFIG);
  }
  { // CreatePartitions 1 -> 3
    auto* np = api.rd_kafka_NewPartitions_new("rk-admin", 3, err, sizeof(err));
    REQUIRE(np);
    api.rd_kafka_CreatePartitions(a.handle(), &np, 1, a.options(), a.queue());
    api.rd_kafka_NewPartitions_destroy(np);
    auto* ev = a.next_result();
    size_t count = 0;
    auto* topics = api.rd_kafka_CreatePartitions_result_topics(
        api.rd_kafka_event_CreatePartitions_result(ev), &count);
    CHECK(a.topic_errors(topics, count)["rk-admin"] == RD_KAFKA_RESP_ERR_NO_ERROR);
    api.rd_kafka_event_destroy(ev);
    kafka_client c(n.port);
    CHECK(partition_count(c, "rk-admin") == 3);
  }
  { // DeleteRecords before offset 3 of partition 0
    n.produce("rk-admin", 0, 5);
    auto* list = api.rd_kafka_topic_partition_list_new(1);
    api.rd_kafka_topic_partition_list_add(list, "rk-admin", 0)->offset = 3;
    auto* dr = api.rd_kafka_DeleteRecords_new(list);
    api.rd_kafka_topic_partition_list_destroy(list);
    api.rd_kafka_DeleteRecords(a.handle(), &dr, 1, a.options(), a.queue());
    api.rd_kafka_DeleteRecords_destroy(dr);
    auto* ev = a.next_result();
    const auto* offsets =
        api.rd_kafka_DeleteRecords_result_offsets(api.rd_kafka_event_DeleteRecords_result(ev));
    REQUIRE(offsets);
    REQUIRE(offsets->cnt == 1);
    INFO(api.rd_kafka_err2str(offsets->elems[0].err));
    CHECK(offsets->elems[0].err == RD_KAFKA_RESP_ERR_NO_ERROR);
    CHECK(offsets->elems[0].offset == 3); // the new low watermark
    api.rd_kafka_event_destroy(ev);
  }
  { // DeleteTopics
    auto* dt = api.rd_kafka_DeleteTopic_new("rk-admin");
    api.rd_kafka_DeleteTopics(a.handle(), &dt, 1, a.options(), a.queue());
    api.rd_kafka_DeleteTopic_destroy(dt);
    auto* ev = a.next_result();
    size_t count = 0;
    auto* topics =
        api.rd_kafka_DeleteTopics_result_topics(api.rd_kafka_event_DeleteTopics_result(ev), &count);
    CHECK(a.topic_errors(topics, count)["rk-admin"] == RD_KAFKA_RESP_ERR_NO_ERROR);
    api.rd_kafka_event_destroy(ev);
    describe_topic(a, "rk-admin", &described_error);
    CHECK(described_error == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART);
  }
}
