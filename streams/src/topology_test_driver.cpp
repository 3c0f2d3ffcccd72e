#include "tributary/streams/topology_test_driver.hpp"

#include "tributary/client/admin.hpp"
#include "tributary/client/consumer.hpp"
#include "tributary/client/producer.hpp"
#include "tributary/config/broker_config.hpp"

#include <cstdlib>
#include <filesystem>
#include <set>
#include <thread>

namespace tributary::streams {

using client::make_error;
using protocol::kafka_error;

struct topology_test_driver::clients {
  std::optional<client::admin> admin;
  std::optional<client::producer> producer;
  std::optional<client::consumer> reader;
  std::optional<client::error> setup_error;
};

topology_test_driver::topology_test_driver(topology topo, driver_options opts)
    : topo_(std::move(topo)), opts_(std::move(opts)),
      clock_(std::make_shared<std::atomic<int64_t>>(opts_.start_time_ms)),
      clients_(std::make_unique<clients>()) {
  char tmpl[] = "/tmp/trib-streams-driver-XXXXXX";
  if (char* p = ::mkdtemp(tmpl))
    dir_ = p;
  config::broker_config cfg;
  cfg.data_dir = dir_ + "/node";
  cfg.listeners.clear();
  cfg.advertised_listeners.clear();
  cfg.native_listener.reset();
  cfg.group_initial_rebalance_delay_ms = 0;
  auto conn = client::connection::embedded(cfg);
  if (!conn) {
    clients_->setup_error = conn.err();
    return;
  }
  conn_ = std::make_unique<client::connection>(std::move(*conn));
  auto admin = client::admin::create(*conn_);
  auto producer = client::producer::create(*conn_, {{"acks", "all"}, {"linger.ms", "0"}});
  auto reader = client::consumer::create(*conn_, {{"enable.auto.commit", "false"}});
  if (!admin || !producer || !reader) {
    clients_->setup_error = !admin ? admin.err() : !producer ? producer.err() : reader.err();
    return;
  }
  clients_->admin.emplace(std::move(*admin));
  clients_->producer.emplace(std::move(*producer));
  clients_->reader.emplace(std::move(*reader));
}

topology_test_driver::~topology_test_driver() {
  if (app_)
    app_->close();
  app_.reset();
  if (clients_->reader)
    (void)clients_->reader->close(std::chrono::seconds(5));
  clients_.reset();
  conn_.reset();
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

client::outcome<void> topology_test_driver::create_topic(const std::string& name,
                                                         int32_t partitions) {
  if (clients_->setup_error)
    return *clients_->setup_error;
  auto r = clients_->admin->create_topics(
      {{name, partitions < 0 ? opts_.partitions : partitions, 1, {}}});
  if (!r)
    return r.err();
  for (const auto& t : *r)
    if (!t.ok())
      return t.err;
  return {};
}

client::outcome<void> topology_test_driver::pipe_raw(client::producer_record r) {
  if (clients_->setup_error)
    return *clients_->setup_error;
  auto sent = clients_->producer->send(r).get();
  if (!sent)
    return sent.err();
  return {};
}

client::outcome<void> topology_test_driver::ensure_started() {
  if (clients_->setup_error)
    return *clients_->setup_error;
  if (app_)
    return {};
  auto cfg = opts_.config;
  cfg.application_id = opts_.application_id;
  cfg.state_dir = dir_ + "/state";
  auto clock = clock_;
  cfg.clock = [clock] { return clock->load(); };
  auto app = streams_app::create(topo_, *conn_, cfg);
  if (!app)
    return app.err();
  if (auto r = (*app)->start(); !r)
    return r;
  app_ = std::move(*app);
  return {};
}

client::outcome<void> topology_test_driver::process(std::chrono::milliseconds timeout) {
  if (auto r = ensure_started(); !r)
    return r;
  // Every topic the app reads, by its full name.
  std::vector<std::string> inputs;
  for (const auto& st : topo_.subtopologies())
    for (size_t i = 0; i < st.source_topics.size(); ++i)
      inputs.push_back(st.source_topic_internal[i]
                           ? opts_.application_id + "-" + st.source_topics[i]
                           : st.source_topics[i]);
  auto described = clients_->admin->describe_topics(inputs);
  if (!described)
    return described.err();
  std::map<client::topic_partition, client::offset_spec> specs;
  for (const auto& d : *described)
    for (size_t p = 0; p < d.partitions.size(); ++p)
      specs[{d.name, static_cast<int32_t>(p)}] = client::offset_spec::to_latest();
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (app_->state() == app_state::failed)
      return make_error(kafka_error::unknown_server_error, "app failed: " + app_->failure());
    // Positions first, then a commit (it flushes the producer: whatever the tasks wrote for
    // records up to those positions, repartition topics included, is then in the end offsets
    // read next), then the ends: positions >= ends means nothing is left to process.
    auto positions = app_->positions();
    if (auto c = app_->commit_now(); !c && c.err().code != kafka_error::rebalance_in_progress)
      return c;
    auto ends = clients_->admin->list_offsets(specs);
    if (!ends)
      return ends.err();
    bool caught_up = true;
    for (const auto& e : *ends) {
      if (!e.ok() || e.offset <= 0)
        continue;
      auto it = positions.find(e.tp);
      if (it == positions.end() || it->second < e.offset)
        caught_up = false;
    }
    if (caught_up)
      return app_->commit_now(); // the output of the last records processed is acked now
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return make_error(kafka_error::request_timed_out, "the app did not catch up within the timeout");
}

client::outcome<void> topology_test_driver::advance_wall_clock(int64_t ms) {
  clock_->fetch_add(ms);
  return process();
}

std::vector<client::consumer_record> topology_test_driver::read_raw(const std::string& topic) {
  std::vector<client::consumer_record> out;
  if (clients_->setup_error)
    return out;
  auto described = clients_->admin->describe_topics({topic});
  if (!described || described->empty() || !described->front().ok())
    return out;
  std::vector<client::topic_partition> tps;
  std::map<client::topic_partition, client::offset_spec> specs;
  for (size_t p = 0; p < described->front().partitions.size(); ++p) {
    client::topic_partition tp{topic, static_cast<int32_t>(p)};
    tps.push_back(tp);
    specs[tp] = client::offset_spec::to_latest();
  }
  auto ends = clients_->admin->list_offsets(specs);
  if (!ends)
    return out;
  auto& reader = *clients_->reader;
  (void)reader.assign(tps);
  auto& positions = read_positions_[topic];
  std::map<client::topic_partition, int64_t> want;
  for (const auto& e : *ends) {
    if (e.ok() && e.offset > positions[e.tp.partition])
      want[e.tp] = e.offset;
    (void)reader.seek(e.tp, positions[e.tp.partition]);
  }
  // Bounded: at most 200 polls of 50 ms for what the end offsets promise.
  for (int i = 0; i < 200 && !want.empty(); ++i) {
    auto batch = reader.poll(std::chrono::milliseconds(50));
    if (!batch)
      continue;
    for (const auto& r : *batch) {
      client::topic_partition tp{r.topic, r.partition};
      auto w = want.find(tp);
      if (w == want.end() || r.offset >= w->second)
        continue;
      out.push_back(r);
      positions[r.partition] = r.offset + 1;
      if (r.offset + 1 >= w->second)
        want.erase(w);
    }
  }
  (void)reader.assign({});
  return out;
}

client::outcome<void> topology_test_driver::restart_app() {
  if (app_) {
    app_->close();
    app_.reset();
  }
  return ensure_started();
}

} // namespace tributary::streams
