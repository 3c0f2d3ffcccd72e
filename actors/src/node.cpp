// node (node.hpp): start = lock the data folder, open the metadata store, build the actor
// system, spawn inspector / metadata actor / disk worker / broker, publish the broker;
// stop = unpublish, broker shutdown (partitions flush + checkpoint, groups close), close the
// metadata store, exit what is left, wait within the deadline, destroy the actor system.
#include "tributary/actors/node.hpp"

#include "node_lock.hpp"

#include "tributary/actors/broker.hpp"
#include "tributary/actors/errc.hpp"
#include "tributary/actors/inspector.hpp"
#include "tributary/actors/system_setup.hpp"
#include "tributary/actors/workers.hpp"
#include "tributary/storage/metadata/metadata_store.hpp"

#include "caf/all.hpp"
#include "caf/io/all.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <optional>
#include <utility>

namespace tributary::actors {

namespace md = storage::metadata;
using namespace std::chrono;

struct node::impl {
  config::broker_config config;
  std::string cluster_id;
  data_dir_lock lock;
  std::unique_ptr<caf::actor_system_config> sys_cfg;
  std::unique_ptr<caf::actor_system> sys;
  inspector_actor inspector;
  metadata_actor metadata;
  disk_actor disk;
  broker_actor broker;
  uint16_t native_port = 0;
  bool is_running = false;
};

namespace {

std::shared_ptr<spdlog::logger> node_log() {
  if (auto log = spdlog::get("tributary"))
    return log;
  // Created once for programs that did not configure logging (tests, embedded nodes);
  // apps/tributary sets up its own before starting the node.
  try {
    return spdlog::stderr_color_mt("tributary");
  } catch (const spdlog::spdlog_ex&) {
    auto log = spdlog::get("tributary"); // another thread created it first
    return log ? log : spdlog::default_logger();
  }
}

int64_t now_ms() {
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

/// This node as clients see it: the first advertised listener, else the native listener.
broker_node describe_self(const config::broker_config& cfg) {
  broker_node n;
  n.node_id = cfg.node_id.value;
  if (!cfg.advertised_listeners.empty()) {
    n.host = cfg.advertised_listeners.front().host;
    n.port = cfg.advertised_listeners.front().port;
  }
  if (n.host.empty() && cfg.native_listener && !config::is_wildcard_host(cfg.native_listener->host))
    n.host = cfg.native_listener->host;
  if (n.host.empty())
    n.host = "127.0.0.1";
  return n;
}

md::store_options store_options_of(const config::broker_config& cfg) {
  md::store_options opts;
  opts.synchronous = cfg.metadata_synchronous == config::sqlite_synchronous::full
                         ? md::synchronous_mode::full
                         : md::synchronous_mode::normal;
  return opts;
}

/// Blocks the calling (non-actor) thread until the metadata actor ran the upsert.
void register_node(caf::actor_system& sys, const metadata_actor& meta, md::node_record rec) {
  auto log = node_log();
  auto outcome = std::make_shared<std::optional<result<void>>>();
  caf::scoped_actor self{sys};
  self->request(meta, seconds(10), store_job{[rec, outcome](md::metadata_store& s) {
                  outcome->emplace(s.upsert_node(rec));
                }})
      .receive([&](job_done) {},
               [&](caf::error& err) {
                 log->error("node {}: registering with the metadata store failed: {}", rec.id.value,
                            caf::to_string(err));
               });
  if (*outcome && !**outcome)
    log->error("node {}: registering with the metadata store failed: {}", rec.id.value,
               (*outcome)->error().message());
}

} // namespace

result<std::unique_ptr<node>> node::start(const config::broker_config& config, std::string* why) {
  auto t0 = steady_clock::now();
  auto log = node_log();
  auto fail = [&](std::string msg, std::error_code ec) -> result<std::unique_ptr<node>> {
    log->error("{}", msg);
    if (why)
      *why = std::move(msg);
    return unexpected(ec);
  };
  auto p = std::make_unique<impl>();
  p->config = config;
  std::string reason;
  auto lock = data_dir_lock::acquire(config.data_dir, &reason);
  if (!lock)
    return fail(reason, lock.error());
  p->lock = std::move(*lock);
  auto store =
      md::metadata_store::open(config.data_dir + "/metadata.db", store_options_of(config), &reason);
  if (!store)
    return fail("cannot open the metadata store: " + reason, store.error());
  p->cluster_id = store->cluster_id();
  auto id = config.node_id.value;

  system_options opts;
  opts.load_middleman = config.native_listener.has_value();
  p->sys_cfg = std::make_unique<caf::actor_system_config>();
  configure_actor_system(*p->sys_cfg, opts);
  p->sys = std::make_unique<caf::actor_system>(*p->sys_cfg);
  auto& sys = *p->sys;
  p->inspector = spawn_inspector(sys, id);
  p->metadata = spawn_metadata_actor(sys, std::move(*store), p->inspector, id);
  p->disk = spawn_disk_worker(sys, "disk-0", p->inspector, id);
  broker_spec spec;
  spec.config = config;
  spec.cluster_id = p->cluster_id;
  spec.self = describe_self(config);
  spec.started_ms = now_ms();
  p->broker = spawn_broker(sys, spec, broker_deps{p->metadata, p->disk, p->inspector});
  std::unique_ptr<node> n{new node(std::move(p))};
  auto& st = *n->impl_;
  st.is_running = true; // from here on, stop() cleans up whatever start() built

  if (config.native_listener) {
    auto& l = *config.native_listener;
    const char* host = l.host.empty() ? nullptr : l.host.c_str();
    auto port = sys.middleman().publish(st.broker, l.port, host, true);
    if (!port) {
      auto msg =
          "cannot listen for native clients on " + l.to_string() + ": " + sys.render(port.error());
      (void)n->stop(seconds(5));
      return fail(msg, make_error_code(std::errc::address_in_use));
    }
    st.native_port = *port;
    caf::anon_send(st.broker, native_listener_bound{static_cast<int32_t>(*port)});
  }
  md::node_record rec;
  rec.id = config.node_id;
  rec.host = spec.self.host;
  rec.kafka_port = static_cast<uint16_t>(spec.self.port > 0 ? spec.self.port : 0);
  rec.internal_port = st.native_port;
  register_node(sys, st.metadata, rec);
  log->info("node {} started in {} ms: data folder {}, cluster {}, native port {}", id,
            duration_cast<milliseconds>(steady_clock::now() - t0).count(), config.data_dir,
            st.cluster_id, st.native_port);
  return n;
}

node::node(std::unique_ptr<impl> p) : impl_(std::move(p)) {}

node::~node() {
  if (impl_ && impl_->is_running)
    (void)stop();
}

caf::actor_system& node::system() noexcept {
  return *impl_->sys;
}

const broker_actor& node::broker() const noexcept {
  return impl_->broker;
}

const inspector_actor& node::inspector() const noexcept {
  return impl_->inspector;
}

const config::broker_config& node::config() const noexcept {
  return impl_->config;
}

const std::string& node::cluster_id() const noexcept {
  return impl_->cluster_id;
}

uint16_t node::native_port() const noexcept {
  return impl_->native_port;
}

bool node::is_running() const noexcept {
  return impl_->is_running;
}

result<void> node::stop(milliseconds deadline) {
  auto& st = *impl_;
  if (!st.is_running)
    return {};
  st.is_running = false;
  auto log = node_log();
  auto id = st.config.node_id.value;
  auto t0 = steady_clock::now();
  auto end = t0 + deadline;
  auto left = [&] {
    return std::max(milliseconds{1}, duration_cast<milliseconds>(end - steady_clock::now()));
  };
  bool on_time = true;
  {
    auto& sys = *st.sys;
    if (st.native_port != 0)
      sys.middleman().unpublish(st.broker, st.native_port); // stop accepting
    caf::scoped_actor self{sys};
    // Broker: refuse new work, close partitions (flush + checkpoint) and groups.
    auto broker_share = left() * 8 / 10;
    self->request(st.broker, broker_share,
                  shutdown_request{static_cast<int32_t>(broker_share.count() * 9 / 10)})
        .receive(
            [&](close_response& r) {
              if (r.error != 0) {
                on_time = false;
                log->warn("node {}: shutdown: {}", id, r.error_message);
              }
            },
            [&](caf::error& err) {
              on_time = false;
              log->warn("node {}: the broker did not shut down in time: {}", id,
                        caf::to_string(err));
            });
    self->request(st.metadata, left(), close_request{})
        .receive([&](close_response&) {},
                 [&](caf::error& err) {
                   on_time = false;
                   log->warn("node {}: the metadata store did not close: {}", id,
                             caf::to_string(err));
                 });
    std::vector<caf::actor> rest{
        caf::actor_cast<caf::actor>(st.broker), caf::actor_cast<caf::actor>(st.metadata),
        caf::actor_cast<caf::actor>(st.disk), caf::actor_cast<caf::actor>(st.inspector)};
    for (auto& a : rest) {
      self->monitor(a);
      self->send_exit(a, caf::exit_reason::user_shutdown);
    }
    size_t down = 0;
    bool waiting = true;
    self->receive_while([&] { return waiting && down < rest.size(); })(
        [&](caf::down_msg&) { ++down; }, caf::after(left()) >> [&] { waiting = false; });
    if (down < rest.size()) {
      on_time = false;
      log->warn("node {}: {} actors did not stop within the deadline; killing them", id,
                rest.size() - down);
      for (auto& a : rest)
        self->send_exit(a, caf::exit_reason::kill);
    }
  }
  st.broker = broker_actor{};
  st.metadata = metadata_actor{};
  st.disk = disk_actor{};
  st.inspector = inspector_actor{};
  st.sys.reset(); // waits for every remaining actor (partitions, groups, fetch sessions)
  st.sys_cfg.reset();
  st.lock.release();
  log->info("node {} stopped in {} ms", id,
            duration_cast<milliseconds>(steady_clock::now() - t0).count());
  if (!on_time)
    return unexpected(errc::worker_timeout);
  return {};
}

} // namespace tributary::actors
