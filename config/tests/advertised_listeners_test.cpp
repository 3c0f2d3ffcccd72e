// Effective advertised listeners: what clients are told when advertised.listeners is empty.

#include "tributary/config/errc.hpp"
#include "tributary/config/loader.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

using namespace tributary::config;

namespace {

tributary::result<loaded_config> load(std::vector<std::string> args, std::string* why) {
  return load_broker_config({std::move(args), {}}, why);
}

} // namespace

TEST_CASE("listeners on 0.0.0.0 are not advertised: advertised.listeners must be set") {
  std::string why;
  auto loaded = load({"--listeners=PLAINTEXT://0.0.0.0:9092"}, &why);
  REQUIRE_FALSE(loaded);
  CHECK(loaded.error() == errc::conflicting_values);
  CHECK(why == "listeners binds 0.0.0.0 (PLAINTEXT://0.0.0.0:9092), which clients cannot "
               "connect to: set advertised.listeners to a reachable host, e.g. "
               "PLAINTEXT://broker1.example.com:9092");
  loaded = load({"--listeners=PLAINTEXT://[::]:9092"}, &why);
  CHECK(loaded.error() == errc::conflicting_values);
  CHECK(why.find("set advertised.listeners") != std::string::npos);
  loaded = load({"--advertised.listeners=PLAINTEXT://[::]:9092"}, &why);
  CHECK(loaded.error() == errc::invalid_value);
  CHECK(why.find("cannot be advertised") != std::string::npos);
  loaded = load({"--listeners=PLAINTEXT://0.0.0.0:9092",
                 "--advertised.listeners=PLAINTEXT://broker1.example:9092"},
                &why);
  INFO(why);
  REQUIRE(loaded);
  CHECK(loaded->config.advertised_listeners[0].host == "broker1.example");
}

TEST_CASE("a listener with an empty host advertises this machine's hostname") {
  char host[256] = {};
  REQUIRE(gethostname(host, sizeof host - 1) == 0);
  std::string why;
  auto loaded = load({"--listeners=PLAINTEXT://:9092"}, &why);
  INFO(why);
  REQUIRE(loaded);
  const auto& c = loaded->config;
  CHECK(c.listeners[0].host.empty()); // binds every interface
  REQUIRE(c.advertised_listeners.size() == 1);
  CHECK(c.advertised_listeners[0].name == "PLAINTEXT");
  CHECK(c.advertised_listeners[0].host == std::string(host));
  CHECK(c.advertised_listeners[0].port == 9092);
}

TEST_CASE("a listener on port 0 binds any free port; the node advertises the bound port") {
  std::string why;
  auto loaded = load({"--listeners=PLAINTEXT://127.0.0.1:0"}, &why);
  INFO(why);
  REQUIRE(loaded);
  REQUIRE(loaded->config.advertised_listeners.size() == 1);
  CHECK(loaded->config.advertised_listeners[0].host == "127.0.0.1");
  CHECK(loaded->config.advertised_listeners[0].port == 0); // filled in after binding
}
