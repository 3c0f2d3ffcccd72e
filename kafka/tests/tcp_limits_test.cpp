// tcp_server limits: bad size prefixes, garbage, slow readers, idle connections,
// max.connections -- each hits one connection only.

#include "tcp_test_support.hpp"

#include <catch2/catch.hpp>

#include <random>

using namespace tcp_test;

namespace {

void check_round_trip(uint16_t port, const std::string& text) {
  client c{port};
  REQUIRE(c.is_connected());
  REQUIRE(c.send_frame(text));
  CHECK(c.read_frame() == text);
}

} // namespace

TEST_CASE_METHOD(fixture, "a 2 GiB size prefix closes that connection only", "[kafka][tcp]") {
  tributary::kafka::server_limits limits;
  limits.socket_request_max_bytes = 1 << 20;
  REQUIRE(start(limits));
  client other{port()};
  REQUIRE(other.send_frame("before"));
  CHECK(other.read_frame() == "before");
  for (uint32_t size : {0x80000000u, 0xffffffffu, 0x7fffffffu, (1u << 20) + 1}) {
    client bad{port()};
    uint32_t be = htonl(size);
    REQUIRE(bad.send_raw(&be, 4));
    CHECK(bad.closed_by_peer());
  }
  CHECK(wait_stats([](auto s) { return s.closed_bad_frame == 4; }));
  REQUIRE(other.send_frame("after"));
  CHECK(other.read_frame() == "after");
  std::string exact(1 << 20, 'e'); // exactly socket.request.max.bytes is allowed
  REQUIRE(other.send_frame(exact));
  CHECK(other.read_frame() == exact);
}

TEST_CASE_METHOD(fixture, "garbage bytes never take the server down", "[kafka][tcp]") {
  REQUIRE(start());
  {
    client http{port()};
    std::string get = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"; // "GET " = 1.2 GB
    REQUIRE(http.send_raw(get.data(), get.size()));
    CHECK(http.closed_by_peer());
  }
  std::mt19937 rng{42};
  for (int i = 0; i < 20; ++i) {
    client junk{port()};
    std::string bytes(static_cast<size_t>(1 + rng() % 5000), '\0');
    for (auto& b : bytes)
      b = static_cast<char>(rng());
    junk.send_raw(bytes.data(), bytes.size(), 2s); // may fail once the server closed it
  }
  CHECK(wait_stats([](auto s) { return s.connections_open == 0; }));
  check_round_trip(port(), "alive");
}

TEST_CASE_METHOD(fixture, "a client that stops reading does not block another", "[kafka][tcp]") {
  tributary::kafka::server_limits limits;
  limits.max_inflight_bytes_per_connection = 1 << 20;
  REQUIRE(start(limits));
  client stuck{port()};
  std::string wire;
  for (int i = 0; i < 200; ++i)
    wire += client::frame("big:65536"); // 12.5 MiB of responses nobody reads yet
  REQUIRE(stuck.send_raw(wire.data(), wire.size()));
  REQUIRE(wait_stats([](auto s) { return s.reads_paused >= 1; }));
  client other{port()};
  for (int i = 0; i < 100; ++i) {
    REQUIRE(other.send_frame("ping " + std::to_string(i)));
    REQUIRE(other.read_frame() == "ping " + std::to_string(i));
  }
  int complete = 0; // reading again resumes the stuck connection, in order
  for (int i = 0; i < 200; ++i) {
    auto got = stuck.read_frame();
    REQUIRE(got.has_value());
    complete += got->size() == 65536 && got->find_first_not_of('b') == std::string::npos;
  }
  CHECK(complete == 200);
}

TEST_CASE_METHOD(fixture, "the in-flight request limit pauses reading without losing requests",
                 "[kafka][tcp]") {
  tributary::kafka::server_limits limits;
  limits.max_inflight_requests_per_connection = 4;
  REQUIRE(start(limits));
  client c{port()};
  for (int round = 0; round < 5; ++round) { // separate writes: reads see the limit between them
    std::string wire;
    for (int i = 0; i < 10; ++i)
      wire += client::frame("delay " + std::to_string(round * 10 + i));
    REQUIRE(c.send_raw(wire.data(), wire.size()));
  }
  for (int i = 0; i < 50; ++i)
    REQUIRE(c.read_frame() == "delay " + std::to_string(i));
  CHECK(server->stats().reads_paused >= 1);
}

TEST_CASE_METHOD(fixture, "idle connections close after connections.max.idle.ms", "[kafka][tcp]") {
  tributary::kafka::server_limits limits;
  limits.connections_max_idle_ms = 100;
  REQUIRE(start(limits));
  client silent{port()};
  client half_frame{port()};
  REQUIRE(half_frame.send_raw("\0\0\0\x10"
                              "abc",
                              7)); // 16 bytes promised, 3 sent
  client busy{port()};
  REQUIRE(busy.send_frame("answered"));
  CHECK(busy.read_frame() == "answered");
  CHECK(silent.closed_by_peer());
  CHECK(half_frame.closed_by_peer());
  CHECK(busy.closed_by_peer());
  CHECK(wait_stats([](auto s) { return s.closed_idle == 3 && s.connections_open == 0; }));
}

TEST_CASE_METHOD(fixture, "connections beyond max.connections are accepted and closed",
                 "[kafka][tcp]") {
  tributary::kafka::server_limits limits;
  limits.max_connections = 2;
  REQUIRE(start(limits));
  client a{port()};
  client b{port()};
  REQUIRE(a.send_frame("a"));
  REQUIRE(a.read_frame() == "a");
  REQUIRE(b.send_frame("b"));
  REQUIRE(b.read_frame() == "b");
  client refused{port()};
  CHECK(refused.closed_by_peer());
  CHECK(wait_stats([](auto s) { return s.connections_refused == 1; }));
  CHECK(ctx->actors_made == 2);
  REQUIRE(a.send_frame("a again"));
  CHECK(a.read_frame() == "a again");
}
