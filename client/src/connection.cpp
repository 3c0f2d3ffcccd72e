#include "tributary/client/connection.hpp"

#include "tributary/actors/node.hpp"
#include "tributary/actors/system_setup.hpp"
#include "tributary/config/listener.hpp"

#include "caf/all.hpp"
#include "caf/io/all.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <thread>

namespace tributary::client {

using protocol::kafka_error;

struct connection::impl {
  // Embedded: the node (owned or attached) and its actor system.
  std::unique_ptr<actors::node> owned_node;
  actors::node* node = nullptr;
  caf::actor_system* attached_sys = nullptr; // attach(sys, broker)
  // Remote: our own actor system with the middleman, and the broker's proxy.
  std::unique_ptr<caf::actor_system_config> remote_cfg;
  std::unique_ptr<caf::actor_system> remote_sys;
  actors::broker_actor broker;
  std::string description;
  std::atomic<int64_t> timeout_ms{30000};
  std::shared_ptr<std::atomic<bool>> lost = std::make_shared<std::atomic<bool>>(false);
  // Set while we close on purpose: the proxy's end is then not news worth a warning.
  std::shared_ptr<std::atomic<bool>> closing = std::make_shared<std::atomic<bool>>(false);

  ~impl() {
    closing->store(true);
    broker = nullptr; // drop the proxy before its system goes
    if (owned_node) {
      if (auto r = owned_node->stop(); !r)
        spdlog::warn("embedded node {} did not stop cleanly: {}", description, r.error().message());
      owned_node.reset();
    }
    remote_sys.reset(); // waits for the actors still running in it
  }
};

namespace {

std::shared_ptr<spdlog::logger> logger() {
  auto l = spdlog::get("tributary");
  return l ? l : spdlog::default_logger();
}

} // namespace

outcome<connection> connection::embedded(const config::broker_config& config) {
  std::string why;
  auto started = actors::node::start(config, &why);
  if (!started)
    return make_error(kafka_error::broker_not_available,
                      "cannot start an embedded node in '" + config.data_dir +
                          "': " + (why.empty() ? started.error().message() : why));
  auto p = std::make_shared<impl>();
  p->owned_node = std::move(*started);
  p->node = p->owned_node.get();
  p->broker = p->node->broker();
  p->description = "embedded:" + config.data_dir;
  return connection{std::move(p)};
}

outcome<connection> connection::attach(actors::node& node) {
  if (!node.is_running())
    return make_error(kafka_error::broker_not_available, "cannot attach to the node in '" +
                                                             node.config().data_dir +
                                                             "': it is not running");
  auto p = std::make_shared<impl>();
  p->node = &node;
  p->broker = node.broker();
  p->description = "embedded:" + node.config().data_dir;
  return connection{std::move(p)};
}

outcome<connection> connection::attach(caf::actor_system& sys, actors::broker_actor broker,
                                       std::string description) {
  if (!broker)
    return make_error(kafka_error::broker_not_available,
                      "cannot attach to '" + description + "': no broker actor");
  auto p = std::make_shared<impl>();
  p->attached_sys = &sys;
  p->broker = std::move(broker);
  p->description = std::move(description);
  return connection{std::move(p)};
}

outcome<connection> connection::remote(const std::string& host, uint16_t port,
                                       std::chrono::milliseconds timeout) {
  auto p = std::make_shared<impl>();
  p->description = host + ":" + std::to_string(port);
  p->remote_cfg = std::make_unique<caf::actor_system_config>();
  actors::system_options opts;
  opts.load_middleman = true;
  actors::configure_actor_system(*p->remote_cfg, opts);
  p->remote_sys = std::make_unique<caf::actor_system>(*p->remote_cfg);
  // remote_actor blocks; a node that is still starting refuses connections for a moment, so
  // retry with a doubling backoff (10 ms .. 500 ms) until the deadline.
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto backoff = std::chrono::milliseconds(10);
  caf::error last;
  for (int attempt = 1;; ++attempt) {
    auto h = p->remote_sys->middleman().remote_actor<actors::broker_actor>(host, port);
    if (h) {
      p->broker = std::move(*h);
      break;
    }
    last = h.error();
    auto now = std::chrono::steady_clock::now();
    if (now + backoff > deadline)
      return make_error(kafka_error::network_exception,
                        "cannot connect to tributary node " + p->description + " after " +
                            std::to_string(attempt) + " attempts in " +
                            std::to_string(timeout.count()) +
                            " ms: " + p->remote_sys->render(last));
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(500));
  }
  // The proxy terminates when the middleman loses the node: mark the connection lost so
  // requests fail at once instead of each waiting for its timeout.
  auto lost = p->lost;
  auto closing = p->closing;
  auto desc = p->description;
  auto ptr = caf::actor_cast<caf::strong_actor_ptr>(p->broker);
  ptr->get()->attach_functor([lost, closing, desc](const caf::error& reason) {
    lost->store(true);
    if (!closing->load())
      logger()->warn("lost connection to tributary node {}: {}", desc, caf::to_string(reason));
  });
  return connection{std::move(p)};
}

outcome<connection> connection::open(const std::string& url) {
  if (url == "embedded" || url.rfind("embedded:", 0) == 0) {
    config::broker_config cfg;
    cfg.data_dir = url == "embedded" ? std::string{"./tributary-data"} : url.substr(9);
    if (cfg.data_dir.empty())
      return make_error(kafka_error::invalid_config,
                        "connection url 'embedded:' names no data folder (use 'embedded' for "
                        "./tributary-data or 'embedded:<folder>')");
    // An embedded node serves this program only: no Kafka or native listener.
    cfg.listeners.clear();
    cfg.advertised_listeners.clear();
    cfg.native_listener.reset();
    return embedded(cfg);
  }
  std::string rest = url;
  const std::string scheme = "tributary://";
  if (rest.rfind(scheme, 0) == 0)
    rest = rest.substr(scheme.size());
  else if (rest.find("://") != std::string::npos)
    return make_error(kafka_error::invalid_config,
                      "connection url '" + url +
                          "' has an unknown scheme: use 'tributary://host:port', 'host:port' "
                          "or 'embedded[:folder]'");
  std::string why;
  auto hp = config::parse_host_port(rest, &why);
  if (!hp || hp->port == 0)
    return make_error(kafka_error::invalid_config, "connection url '" + url + "' is not host:port" +
                                                       (why.empty() ? std::string{} : ": " + why));
  return remote(hp->host, hp->port);
}

caf::actor_system& connection::system() const {
  if (impl_->node)
    return impl_->node->system();
  return impl_->attached_sys ? *impl_->attached_sys : *impl_->remote_sys;
}

const actors::broker_actor& connection::broker() const {
  return impl_->broker;
}

bool connection::is_embedded() const noexcept {
  return impl_->remote_sys == nullptr;
}

const std::string& connection::description() const noexcept {
  return impl_->description;
}

std::chrono::milliseconds connection::request_timeout() const noexcept {
  return std::chrono::milliseconds(impl_->timeout_ms.load());
}

void connection::set_request_timeout(std::chrono::milliseconds timeout) noexcept {
  impl_->timeout_ms.store(timeout.count());
}

bool connection::is_lost() const noexcept {
  return impl_->lost->load();
}

actors::node* connection::embedded_node() const noexcept {
  return impl_->node;
}

error connection::to_error(const caf::error& e, std::chrono::milliseconds waited) const {
  if (!is_embedded() && is_lost())
    return make_error(kafka_error::network_exception,
                      "lost connection to tributary node " + impl_->description);
  if (e == caf::sec::request_timeout)
    return make_error(kafka_error::request_timed_out, "tributary node " + impl_->description +
                                                          " did not answer within " +
                                                          std::to_string(waited.count()) + " ms");
  if (e == caf::sec::request_receiver_down || e == caf::sec::remote_linking_failed)
    return make_error(
        is_embedded() ? kafka_error::broker_not_available : kafka_error::network_exception,
        "tributary node " + impl_->description + " is gone (" + system().render(e) + ")");
  return make_error(kafka_error::unknown_server_error, "request to tributary node " +
                                                           impl_->description +
                                                           " failed: " + system().render(e));
}

} // namespace tributary::client
