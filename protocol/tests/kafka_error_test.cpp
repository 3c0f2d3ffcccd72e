// kafka_error: Kafka's names, messages and retriable flags, and the "kafka" error category.
#include "tributary/protocol/kafka_error.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace tributary::protocol;

TEST_CASE("kafka_error names are Kafka's", "[kafka_error]") {
  CHECK(kafka_error_name(kafka_error::none) == "NONE");
  CHECK(kafka_error_name(kafka_error::unknown_server_error) == "UNKNOWN_SERVER_ERROR");
  CHECK(kafka_error_name(kafka_error::unknown_topic_or_partition) == "UNKNOWN_TOPIC_OR_PARTITION");
  CHECK(kafka_error_name(kafka_error::not_leader_or_follower) == "NOT_LEADER_OR_FOLLOWER");
  CHECK(kafka_error_name(kafka_error::invalid_topic_exception) == "INVALID_TOPIC_EXCEPTION");
  CHECK(kafka_error_name(kafka_error::topic_already_exists) == "TOPIC_ALREADY_EXISTS");
  CHECK(kafka_error_name(kafka_error::new_leader_elected) == "NEW_LEADER_ELECTED");
}

TEST_CASE("kafka_error codes outside the table are named UNKNOWN(n)", "[kafka_error]") {
  CHECK(kafka_error_name(to_kafka_error(109)) == "UNKNOWN(109)");
  CHECK(kafka_error_name(to_kafka_error(-2)) == "UNKNOWN(-2)");
  CHECK(kafka_error_name(to_kafka_error(-32768)) == "UNKNOWN(-32768)");
  // The view stays valid and equal on a second lookup.
  auto first = kafka_error_name(to_kafka_error(500));
  CHECK(kafka_error_name(to_kafka_error(500)).data() == first.data());
  CHECK_FALSE(is_retriable(to_kafka_error(500)));
  CHECK_FALSE(kafka_error_message(to_kafka_error(500)).empty());
}

TEST_CASE("kafka_error messages are Kafka's one-liners", "[kafka_error]") {
  CHECK(kafka_error_message(kafka_error::unknown_topic_or_partition) ==
        "This server does not host this topic-partition.");
  CHECK(kafka_error_message(kafka_error::topic_already_exists) ==
        "Topic with this name already exists.");
  CHECK(kafka_error_message(kafka_error::none).empty());
  for (int16_t c = -1; c <= 108; ++c) {
    if (c == 0)
      continue;
    INFO("code " << c);
    CHECK_FALSE(kafka_error_message(to_kafka_error(c)).empty());
    CHECK(kafka_error_name(to_kafka_error(c)).find("UNKNOWN(") == std::string_view::npos);
  }
}

TEST_CASE("kafka_error retriable flags follow Kafka's exception classes", "[kafka_error]") {
  CHECK(is_retriable(kafka_error::unknown_topic_or_partition));
  CHECK(is_retriable(kafka_error::not_leader_or_follower));
  CHECK(is_retriable(kafka_error::request_timed_out));
  CHECK(is_retriable(kafka_error::coordinator_not_available));
  CHECK(is_retriable(kafka_error::not_coordinator));
  CHECK(is_retriable(kafka_error::kafka_storage_error));
  CHECK(is_retriable(kafka_error::corrupt_message));
  CHECK_FALSE(is_retriable(kafka_error::none));
  CHECK_FALSE(is_retriable(kafka_error::unknown_server_error));
  CHECK_FALSE(is_retriable(kafka_error::offset_out_of_range));
  CHECK_FALSE(is_retriable(kafka_error::rebalance_in_progress));
  CHECK_FALSE(is_retriable(kafka_error::topic_already_exists));
  CHECK_FALSE(is_retriable(kafka_error::invalid_config));
  CHECK_FALSE(is_retriable(kafka_error::message_too_large));
}

TEST_CASE("kafka_error is a std::error_code in category kafka", "[kafka_error]") {
  std::error_code ec = kafka_error::invalid_partitions;
  CHECK(std::string{ec.category().name()} == "kafka");
  CHECK(ec.value() == 37);
  CHECK(ec == kafka_error::invalid_partitions);
  CHECK(ec.message() == "INVALID_PARTITIONS: Number of partitions is below 1.");
  std::error_code none = kafka_error::none;
  CHECK(none.message() == "NONE");
  std::error_code odd = make_error_code(to_kafka_error(-5));
  CHECK(odd.value() == -5);
  CHECK(odd.message() == "UNKNOWN(-5)");
  CHECK(code_of(kafka_error::group_id_not_found) == 69);
}
