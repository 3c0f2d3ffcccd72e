// tcp_server: ordering, pipelining, framing, half-close, close paths, stop and binding.

#include "tcp_test_support.hpp"

#include <catch2/catch.hpp>

#include <future>

using namespace tcp_test;
using tributary::kafka::tcp_server;

TEST_CASE_METHOD(fixture,
                 "responses reach the client in request order though answered out of order",
                 "[kafka][tcp]") {
  REQUIRE(start());
  client c{port()};
  REQUIRE(c.is_connected());
  std::vector<std::string> sent;
  std::string wire;
  for (int i = 0; i < 12; ++i) {
    sent.push_back((i % 3 == 0 ? "delay-" : "plain-") + std::to_string(i));
    wire += client::frame(sent.back());
  }
  REQUIRE(c.send_raw(wire.data(), wire.size())); // one write: the actor gets one batch
  for (auto& expected : sent)
    CHECK(c.read_frame() == expected);
}

TEST_CASE_METHOD(fixture, "1000 pipelined requests come back in order", "[kafka][tcp]") {
  REQUIRE(start());
  client c{port()};
  REQUIRE(c.is_connected());
  std::string wire;
  for (int i = 0; i < 1000; ++i)
    wire += client::frame((i % 50 == 0 ? "delay" : "r") + std::to_string(i) +
                          std::string(static_cast<size_t>(i % 97), 'x'));
  REQUIRE(c.send_raw(wire.data(), wire.size()));
  int in_order = 0;
  for (int i = 0; i < 1000; ++i) {
    auto expected = (i % 50 == 0 ? "delay" : "r") + std::to_string(i) +
                    std::string(static_cast<size_t>(i % 97), 'x');
    auto got = c.read_frame();
    REQUIRE(got.has_value());
    in_order += *got == expected ? 1 : 0;
  }
  CHECK(in_order == 1000);
  CHECK(server->stats().frames_in == 1000);
}

TEST_CASE_METHOD(fixture, "skipped requests do not hold up later responses", "[kafka][tcp]") {
  REQUIRE(start());
  client c{port()};
  std::string wire = client::frame("skip-0") + client::frame("a") + client::frame("skip-2") +
                     client::frame("delay-b") + client::frame("skip-4");
  REQUIRE(c.send_raw(wire.data(), wire.size()));
  CHECK(c.read_frame() == "a");
  CHECK(c.read_frame() == "delay-b");
  REQUIRE(c.send_frame("c"));
  CHECK(c.read_frame() == "c"); // nothing was written for the skipped ones
}

TEST_CASE_METHOD(fixture, "frames split into single bytes, empty frames and a 3 MiB frame",
                 "[kafka][tcp]") {
  REQUIRE(start());
  client c{port()};
  auto small = client::frame("byte by byte");
  for (char b : small)
    REQUIRE(c.send_raw(&b, 1));
  CHECK(c.read_frame() == "byte by byte");
  REQUIRE(c.send_frame(""));
  CHECK(c.read_frame() == "");
  std::string large(3 << 20, '\0');
  for (size_t i = 0; i < large.size(); ++i)
    large[i] = static_cast<char>('a' + i % 26);
  auto wire = client::frame(large);
  for (size_t off = 0; off < wire.size(); off += 100000) // uneven pieces
    REQUIRE(c.send_raw(wire.data() + off, std::min<size_t>(100000, wire.size() - off)));
  auto got = c.read_frame();
  REQUIRE(got.has_value());
  CHECK(got->size() == large.size());
  CHECK(*got == large);
}

TEST_CASE_METHOD(fixture, "a half-closed client gets every response, then the close",
                 "[kafka][tcp]") {
  REQUIRE(start());
  client c{port()};
  std::string wire = client::frame("delay-1") + client::frame("two") + client::frame("delay-3");
  REQUIRE(c.send_raw(wire.data(), wire.size()));
  REQUIRE(::shutdown(c.fd(), SHUT_WR) == 0);
  CHECK(c.read_frame() == "delay-1");
  CHECK(c.read_frame() == "two");
  CHECK(c.read_frame() == "delay-3");
  CHECK(c.closed_by_peer());
  CHECK(wait_stats([](auto s) { return s.connections_open == 0; }));
}

TEST_CASE_METHOD(fixture, "a peer reset with responses pending harms nobody", "[kafka][tcp]") {
  REQUIRE(start());
  {
    client c{port()};
    std::string wire;
    for (int i = 0; i < 50; ++i)
      wire += client::frame(i % 2 ? "big:100000" : "delay");
    REQUIRE(c.send_raw(wire.data(), wire.size()));
    linger hard{1, 0}; // close() sends RST
    ::setsockopt(c.fd(), SOL_SOCKET, SO_LINGER, &hard, sizeof(hard));
  }
  CHECK(wait_stats([](auto s) { return s.connections_open == 0; }));
  client other{port()};
  REQUIRE(other.send_frame("still here"));
  CHECK(other.read_frame() == "still here");
}

TEST_CASE_METHOD(fixture, "the actor can close its own connection; late sink calls are ignored",
                 "[kafka][tcp]") {
  REQUIRE(start());
  client a{port()};
  client b{port()};
  REQUIRE(a.send_frame("hello"));
  CHECK(a.read_frame() == "hello");
  REQUIRE(a.send_frame("close now"));
  CHECK(a.closed_by_peer());
  CHECK(wait_stats([](auto s) { return s.closed_by_actor == 1 && s.connections_open == 1; }));
  REQUIRE(b.send_frame("b works"));
  CHECK(b.read_frame() == "b works");

  std::shared_ptr<tributary::kafka::response_sink> dead;
  {
    std::lock_guard<std::mutex> guard{ctx->mtx};
    REQUIRE(ctx->sinks.size() == 2);
    dead = ctx->sinks[0];
  }
  CHECK(dead->is_closed());
  dead->send(1, {'x'}); // ignored, also the unknown seq
  dead->skip(7);
  dead->close();
  server->stop(std::chrono::milliseconds{0});
  server.reset();
  dead->send(2, {'y'}); // the server is gone: still ignored, no crash
  CHECK(ctx->actors_made == 2);
}

TEST_CASE_METHOD(fixture, "stop() with connections open drains, closes them and returns",
                 "[kafka][tcp]") {
  REQUIRE(start());
  client quiet{port()};
  client busy{port()};
  REQUIRE(quiet.send_frame("q"));
  CHECK(quiet.read_frame() == "q");
  REQUIRE(busy.send_frame("delay-in-flight"));
  REQUIRE(wait_stats([](auto s) { return s.frames_in == 2; }));
  auto stopping = std::async(std::launch::async, [this] { server->stop(std::chrono::seconds{5}); });
  REQUIRE(stopping.wait_for(std::chrono::seconds{20}) == std::future_status::ready);
  CHECK(busy.read_frame() == "delay-in-flight"); // drained before the close
  CHECK(busy.closed_by_peer());
  CHECK(quiet.closed_by_peer());
  CHECK(server->stats().connections_open == 0);
  client late{port()};
  CHECK((!late.is_connected() || late.closed_by_peer()));
  auto deadline = clock::now() + 10s;
  while (ctx->actors_closed < 2 && clock::now() < deadline)
    std::this_thread::sleep_for(1ms);
  CHECK(ctx->actors_closed == 2);
}

TEST_CASE_METHOD(fixture, "binding a port in use fails with a sentence", "[kafka][tcp]") {
  REQUIRE(start());
  tributary::config::listener at;
  at.host = "127.0.0.1";
  at.port = port();
  std::string why;
  auto second = tcp_server::start(at, {}, factory(), &why);
  REQUIRE_FALSE(second);
  CHECK(second.error() == std::error_code(EADDRINUSE, std::system_category()));
  CHECK(why == "cannot listen on 127.0.0.1:" + std::to_string(port()) + ": Address already in use");
  at.host = "not an address";
  at.port = 0;
  CHECK_FALSE(tcp_server::start(at, {}, factory(), &why));
  CHECK(why.rfind("cannot listen on not an address:0: ", 0) == 0);
}

TEST_CASE_METHOD(fixture, "an IPv6 literal binds and serves", "[kafka][tcp]") {
  if (!start({}, "::1")) {
    WARN("no IPv6 loopback on this machine; skipped");
    return;
  }
  client c{port(), "::1"};
  REQUIRE(c.is_connected());
  REQUIRE(c.send_frame("over v6"));
  CHECK(c.read_frame() == "over v6");
}
