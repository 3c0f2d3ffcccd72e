// The error handlers of a streams_app: a record whose value does not deserialize, and an
// operator that throws, under log_and_continue (skipped, later records processed),
// log_and_fail (the app fails and says where) and dead_letter (the original bytes go to
// "<app>-dlq" with trib.error.* headers).
#include "support.hpp"

#include <stdexcept>

using namespace trib_test;

namespace {

using ki = std::vector<std::pair<str, int64_t>>;

/// in (str -> int64) doubled to out; a value of 13 makes the operator throw.
ts::topology doubling() {
  ts::stream_builder b;
  b.stream<str, int64_t>("in")
      .map_values([](int64_t v) -> int64_t {
        if (v == 13)
          throw std::runtime_error("unlucky value 13");
        return v * 2;
      })
      .to("out");
  return build(b);
}

ts::driver_options with_handlers(ts::error_action deser, ts::error_action processing) {
  ts::driver_options opts;
  opts.config.on_deserialization_error = deser;
  opts.config.on_processing_error = processing;
  return opts;
}

void setup(ts::topology_test_driver& d) {
  REQUIRE(d.create_topic("in"));
  REQUIRE(d.create_topic("out"));
}

/// Three bytes: not an int64 (which takes eight).
void pipe_bad_value(ts::topology_test_driver& d, const str& key) {
  REQUIRE(d.pipe_raw(raw("in", key, str("\x01\x02\x03", 3), 1500, {{"origin", "test"}})));
}

int64_t skipped(ts::topology_test_driver& d) {
  int64_t n = 0;
  for (const auto& t : d.app()->tasks())
    n += t.skipped_errors;
  return n;
}

} // namespace

TEST_CASE("deserialization error with log_and_continue skips the record and goes on",
          "[streams][errors]") {
  ts::topology_test_driver d(doubling(), with_handlers(ts::error_action::log_and_continue,
                                                       ts::error_action::log_and_fail));
  setup(d);
  REQUIRE(d.pipe<str, int64_t>("in", "k1", 1, 1000));
  pipe_bad_value(d, "k2");
  REQUIRE(d.pipe<str, int64_t>("in", "k3", 3, 2000));
  process(d);
  CHECK(d.read<str, int64_t>("out") == ki{{"k1", 2}, {"k3", 6}});
  CHECK(d.app()->state() == ts::app_state::running);
  CHECK(skipped(d) == 1);
  // And it keeps going after the bad record.
  REQUIRE(d.pipe<str, int64_t>("in", "k4", 4, 3000));
  process(d);
  CHECK(d.read<str, int64_t>("out") == ki{{"k4", 8}});
}

TEST_CASE("deserialization error with log_and_fail fails the app and names the record",
          "[streams][errors]") {
  ts::topology_test_driver d(
      doubling(), with_handlers(ts::error_action::log_and_fail, ts::error_action::log_and_fail));
  setup(d);
  REQUIRE(d.pipe<str, int64_t>("in", "k1", 1, 1000));
  pipe_bad_value(d, "k2");
  REQUIRE(d.pipe<str, int64_t>("in", "k3", 3, 2000));
  auto r = d.process();
  REQUIRE_FALSE(r);
  REQUIRE(d.app()->state() == ts::app_state::failed);
  auto why = d.app()->failure();
  INFO(why);
  CHECK(why.find("deserialization") != str::npos);
  CHECK(why.find("in-0@1") != str::npos); // topic "in", partition 0, offset 1
  CHECK(why.find("int64") != str::npos);  // and what was wrong with it
  // The record after the bad one was not processed.
  for (const auto& [k, v] : d.read<str, int64_t>("out"))
    CHECK(k != "k3");
}

TEST_CASE("deserialization error with dead_letter sends the original bytes to the DLQ",
          "[streams][errors]") {
  ts::topology_test_driver d(
      doubling(), with_handlers(ts::error_action::dead_letter, ts::error_action::log_and_fail));
  setup(d);
  REQUIRE(d.pipe<str, int64_t>("in", "k1", 1, 1000));
  pipe_bad_value(d, "k2");
  REQUIRE(d.pipe<str, int64_t>("in", "k3", 3, 2000));
  process(d);
  CHECK(d.read<str, int64_t>("out") == ki{{"k1", 2}, {"k3", 6}});
  auto dlq = d.read_raw("test-app-dlq");
  REQUIRE(dlq.size() == 1);
  const auto& r = dlq[0];
  CHECK(r.key == std::optional<str>("k2"));
  CHECK(r.value == std::optional<str>(str("\x01\x02\x03", 3)));
  CHECK(r.timestamp == 1500);
  CHECK(header(r, "origin") == std::optional<str>("test")); // the input's own headers stay
  CHECK(header(r, "trib.error.kind") == std::optional<str>("deserialization"));
  CHECK(header(r, "trib.error.topic") == std::optional<str>("in"));
  CHECK(header(r, "trib.error.partition") == std::optional<str>("0"));
  CHECK(header(r, "trib.error.offset") == std::optional<str>("1"));
  CHECK(header(r, "trib.error.task") == std::optional<str>("0_0"));
  auto message = header(r, "trib.error.message");
  REQUIRE(message);
  CHECK(message->find("int64") != str::npos);
  CHECK(skipped(d) == 1);
}

TEST_CASE("an operator that throws under dead_letter: the record goes to the DLQ",
          "[streams][errors]") {
  ts::topology_test_driver d(
      doubling(), with_handlers(ts::error_action::log_and_fail, ts::error_action::dead_letter));
  setup(d);
  REQUIRE(d.pipe<str, int64_t>("in", "k1", 1, 1000));
  REQUIRE(d.pipe<str, int64_t>("in", "k13", 13, 1001));
  REQUIRE(d.pipe<str, int64_t>("in", "k3", 3, 1002));
  process(d);
  CHECK(d.read<str, int64_t>("out") == ki{{"k1", 2}, {"k3", 6}});
  auto dlq = d.read_raw("test-app-dlq");
  REQUIRE(dlq.size() == 1);
  CHECK(dlq[0].key == std::optional<str>("k13"));
  CHECK(dlq[0].value == std::optional<str>(tc::serde<int64_t>::serialize(13)));
  CHECK(header(dlq[0], "trib.error.kind") == std::optional<str>("processing"));
  CHECK(header(dlq[0], "trib.error.offset") == std::optional<str>("1"));
  auto message = header(dlq[0], "trib.error.message");
  REQUIRE(message);
  CHECK(message->find("unlucky value 13") != str::npos);
  CHECK(d.app()->state() == ts::app_state::running);
}

TEST_CASE("an operator that throws under log_and_continue: skipped, later records processed",
          "[streams][errors]") {
  ts::topology_test_driver d(doubling(), with_handlers(ts::error_action::log_and_fail,
                                                       ts::error_action::log_and_continue));
  setup(d);
  REQUIRE(d.pipe<str, int64_t>("in", "k13", 13, 1000));
  REQUIRE(d.pipe<str, int64_t>("in", "k2", 2, 1001));
  process(d);
  CHECK(d.read<str, int64_t>("out") == ki{{"k2", 4}});
  CHECK(skipped(d) == 1);
  CHECK(d.app()->state() == ts::app_state::running);
}

TEST_CASE("an operator that throws under log_and_fail fails the app", "[streams][errors]") {
  ts::topology_test_driver d(doubling(), with_handlers(ts::error_action::log_and_continue,
                                                       ts::error_action::log_and_fail));
  setup(d);
  REQUIRE(d.pipe<str, int64_t>("in", "k13", 13, 1000));
  REQUIRE_FALSE(d.process());
  CHECK(d.app()->state() == ts::app_state::failed);
  auto why = d.app()->failure();
  INFO(why);
  CHECK(why.find("processing") != str::npos);
  CHECK(why.find("unlucky value 13") != str::npos);
  CHECK(why.find("in-0@0") != str::npos);
}
