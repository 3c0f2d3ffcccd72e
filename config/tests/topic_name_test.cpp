// Topic name rules: Kafka's Topic.validate and its '.' / '_' collision check.

#include "tributary/config/errc.hpp"
#include "tributary/config/topic_name.hpp"

#include <catch2/catch.hpp>

using namespace tributary::config;

namespace {

// The validation message, or "" when the name is legal.
std::string problem(std::string_view name) {
  std::string why;
  auto ok = validate_topic_name(name, &why);
  CHECK(ok.has_value() == why.empty());
  if (!ok)
    CHECK(ok.error() == errc::invalid_value);
  return why;
}

} // namespace

TEST_CASE("topic names of letters, digits, '.', '_' and '-' up to 249 characters are legal") {
  CHECK(problem("orders") == "");
  CHECK(problem("Orders.v2_eu-west-1") == "");
  CHECK(problem("__consumer_offsets") == "");
  CHECK(problem("...") == "");
  CHECK(problem(std::string(249, 'a')) == "");
}

TEST_CASE("an empty or too long topic name is refused") {
  CHECK(problem("") == "a topic name must not be empty");
  CHECK(problem(std::string(250, 'a')) ==
        "a topic name has at most 249 characters; 'aaaaaaaaaaaaaaaaaaaa...' has 250");
}

TEST_CASE("the topic names '.' and '..' are refused") {
  CHECK(problem(".") == "topic name '.' is not allowed: '.' and '..' are reserved");
  CHECK(problem("..") == "topic name '..' is not allowed: '.' and '..' are reserved");
}

TEST_CASE("a topic name with another character says which and what is allowed") {
  CHECK(problem("a/b") == "topic name 'a/b' contains '/': allowed characters are ASCII "
                          "letters, digits, '.', '_' and '-'");
  CHECK(problem("my topic").find("contains ' '") != std::string::npos);
  CHECK(problem("a:b").find("contains ':'") != std::string::npos);
  CHECK(problem("caf\xc3\xa9").find("contains byte 0xc3") != std::string::npos);
  CHECK(problem(std::string("a\0b", 3)).find("contains byte 0x00") != std::string::npos);
}

TEST_CASE("topic names that differ only by '.' and '_' collide") {
  CHECK(topic_names_collide("a.b", "a_b"));
  CHECK(topic_names_collide("a_b", "a.b"));
  CHECK(topic_names_collide("x._y", "x_.y"));
  CHECK(topic_names_collide("orders", "orders")); // identical names collide, as in Kafka
  CHECK_FALSE(topic_names_collide("a.b", "a-b"));
  CHECK_FALSE(topic_names_collide("a.b", "a.bc"));
  CHECK(has_collision_chars("a.b"));
  CHECK(has_collision_chars("a_b"));
  CHECK_FALSE(has_collision_chars("a-b"));
}
