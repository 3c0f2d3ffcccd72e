// connection: url parsing, embedded nodes owned by the connection, remote connects that fail
// with the host:port in the message, and a remote node that goes away.

#include "connection_test_support.hpp"

#include "tributary/client/admin.hpp"
#include "tributary/client/producer.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace tributary::client;
using client_test::temp_dir;
using client_test::test_node;
using tributary::protocol::kafka_error;

namespace {

// A port nobody listens on: bind one, read its number, close it.
uint16_t closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

} // namespace

TEST_CASE("connection urls that are not urls are refused", "[connection]") {
  for (std::string url :
       {"embedded:", "kafka://host:9092", "no-port", "host:notaport", "host:0", "tributary://"}) {
    auto c = connection::open(url);
    INFO(url);
    REQUIRE_FALSE(c);
    CHECK(c.err().code == kafka_error::invalid_config);
    CHECK(c.err().message.find("'" + url + "'") != std::string::npos);
  }
}

TEST_CASE("an embedded connection owns its node: the whole platform in the program",
          "[connection]") {
  temp_dir dir;
  {
    auto conn = connection::open("embedded:" + dir.path);
    REQUIRE(conn);
    CHECK(conn->is_embedded());
    CHECK(conn->description() == "embedded:" + dir.path);
    REQUIRE(conn->embedded_node() != nullptr);
    auto p = producer::create(*conn);
    REQUIRE(p);
    auto f = p->send({"local", std::nullopt, std::string("k"), std::string("v"), {}, -1});
    REQUIRE(f.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
    auto md = f.get();
    REQUIRE(md);
    CHECK(md->offset == 0);
  } // producer, then connection, then node: stopped here
  // The data stayed: a second embedded node on the folder sees the topic and record.
  auto conn = connection::open("embedded:" + dir.path);
  REQUIRE(conn);
  auto a = admin::create(*conn);
  REQUIRE(a);
  auto d = a->describe_topics({"local"});
  REQUIRE(d);
  REQUIRE((*d)[0].ok());
  CHECK((*d)[0].partitions[0].high_watermark == 1);
}

TEST_CASE("a second embedded node on the same folder is refused", "[connection]") {
  temp_dir dir;
  auto first = connection::open("embedded:" + dir.path);
  REQUIRE(first);
  auto second = connection::open("embedded:" + dir.path);
  REQUIRE_FALSE(second);
  CHECK(second.err().code == kafka_error::broker_not_available);
  CHECK(second.err().message.find(dir.path) != std::string::npos);
}

TEST_CASE("connecting to a port nobody listens on fails naming host:port", "[connection]") {
  auto port = closed_port();
  auto start = std::chrono::steady_clock::now();
  auto c = connection::remote("127.0.0.1", port, std::chrono::milliseconds(300));
  auto took = std::chrono::steady_clock::now() - start;
  REQUIRE_FALSE(c);
  CHECK(c.err().code == kafka_error::network_exception);
  CHECK(c.err().message.find("127.0.0.1:" + std::to_string(port)) != std::string::npos);
  CHECK(took < std::chrono::seconds(20)); // bounded by the timeout, not hanging
}

TEST_CASE("tributary:// urls reach a remote node", "[connection]") {
  test_node n;
  auto c = connection::open("tributary://127.0.0.1:" + std::to_string(n.node->native_port()));
  REQUIRE(c);
  CHECK_FALSE(c->is_embedded());
  CHECK(c->embedded_node() == nullptr);
  auto a = admin::create(*c);
  REQUIRE(a);
  auto cluster = a->describe_cluster();
  REQUIRE(cluster);
  CHECK(cluster->cluster_id == n.node->cluster_id());
}

TEST_CASE("requests to a remote node that stopped fail with NETWORK_EXCEPTION", "[connection]") {
  std::optional<test_node> n;
  n.emplace();
  auto c = n->connect("remote");
  auto a = admin::create(c, {std::chrono::milliseconds(2000), "t"});
  REQUIRE(a);
  REQUIRE(a->list_topics());
  n.reset(); // the node stops; the middleman drops the connection
  outcome<std::vector<std::string>> r = std::vector<std::string>{};
  for (int i = 0; i < 50; ++i) { // bounded: the proxy's death arrives within a few ms
    r = a->list_topics();
    if (!r && r.err().code == kafka_error::network_exception)
      break;
  }
  REQUIRE_FALSE(r);
  CHECK(r.err().code == kafka_error::network_exception);
  CHECK(c.is_lost());
}
