// KTable group_by with subtractors: rows moving between groups and deleted rows keep the
// aggregates right.
#include "tributary/streams/streams.hpp"
#include "tributary/streams/topology_test_driver.hpp"

#include <catch2/catch.hpp>

namespace ts = tributary::streams;
using str = std::string;

TEST_CASE("table group_by count and aggregate follow rows that move or vanish",
          "[streams][tables]") {
  ts::stream_builder b;
  auto users = b.table<str, str>("users"); // user -> region
  users.group_by([](const str& user, const str& region) { return std::make_pair(region, user); })
      .count(ts::materialized<str, int64_t>::as("users-per-region"))
      .to_stream()
      .to("counts");
  auto t = b.build();
  REQUIRE(t);
  ts::topology_test_driver d(*t);
  for (auto topic : {"users", "counts"})
    REQUIRE(d.create_topic(topic));
  REQUIRE(d.pipe<str, str>("users", "ann", "eu", 1));
  REQUIRE(d.pipe<str, str>("users", "bob", "eu", 2));
  REQUIRE(d.pipe<str, str>("users", "cid", "us", 3));
  auto r = d.process();
  INFO((r ? "" : r.err().to_string()));
  REQUIRE(r);
  CHECK(d.store<str, int64_t>("users-per-region") == std::map<str, int64_t>{{"eu", 2}, {"us", 1}});
  REQUIRE(d.pipe<str, str>("users", "bob", "us", 4)); // bob moves
  tributary::client::producer_record gone;            // ann leaves
  gone.topic = "users";
  gone.key = "ann";
  gone.timestamp = 5;
  REQUIRE(d.pipe_raw(gone));
  REQUIRE(d.process());
  CHECK(d.store<str, int64_t>("users-per-region") == std::map<str, int64_t>{{"eu", 0}, {"us", 2}});
  CHECK(d.read_table<str, int64_t>("counts") == std::map<str, int64_t>{{"eu", 0}, {"us", 2}});
}
