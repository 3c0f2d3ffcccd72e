#include "app_runtime.hpp"

#include <spdlog/spdlog.h>

namespace tributary::streams {

using client::make_error;
using protocol::kafka_error;

const char* to_string(app_state s) {
  switch (s) {
  case app_state::created:
    return "CREATED";
  case app_state::starting:
    return "STARTING";
  case app_state::rebalancing:
    return "REBALANCING";
  case app_state::running:
    return "RUNNING";
  case app_state::pending_shutdown:
    return "PENDING_SHUTDOWN";
  case app_state::stopped:
    return "NOT_RUNNING";
  case app_state::failed:
    return "ERROR";
  }
  return "?";
}

client::outcome<std::unique_ptr<streams_app>>
streams_app::create(topology topo, client::connection conn, streams_config config) {
  if (config.application_id.empty())
    return make_error(kafka_error::invalid_config, "streams_config.application_id is required");
  for (char c : config.application_id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'))
      return make_error(kafka_error::invalid_config,
                        "application_id '" + config.application_id +
                            "' may only contain letters, digits, '.', '_' and '-'");
  if (config.commit_interval_ms <= 0)
    return make_error(kafka_error::invalid_config, "commit_interval_ms must be positive");
  if (topo.subtopologies().empty())
    return make_error(kafka_error::invalid_config, "the topology has no operators");
  auto p = std::make_unique<impl>(std::move(topo), std::move(conn), std::move(config));
  return std::unique_ptr<streams_app>(new streams_app(std::move(p)));
}

streams_app::streams_app(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
streams_app::~streams_app() = default;

client::outcome<void> streams_app::start() {
  return impl_->start();
}
void streams_app::close(std::chrono::milliseconds timeout) {
  impl_->close(timeout);
}

app_state streams_app::state() const {
  std::lock_guard<std::mutex> lock(impl_->mu_);
  return impl_->state_;
}

std::string streams_app::failure() const {
  std::lock_guard<std::mutex> lock(impl_->mu_);
  return impl_->failure_;
}

client::outcome<void> streams_app::commit_now(std::chrono::milliseconds timeout) {
  return impl_->commit_now(timeout);
}
std::vector<task_info> streams_app::tasks() const {
  return impl_->tasks();
}
std::map<client::topic_partition, int64_t> streams_app::positions() const {
  return impl_->positions();
}
const topology& streams_app::topo() const {
  return impl_->topo_;
}
const streams_config& streams_app::config() const {
  return impl_->config_;
}

std::optional<std::string> streams_app::query(const std::string& store,
                                              const std::string& key_bytes) const {
  std::optional<std::string> out;
  impl_->for_each_task_with(store, [&](stream_task& t) {
    if (!out)
      out = t.store_get(store, key_bytes);
  });
  return out;
}

std::vector<std::pair<std::string, std::string>>
streams_app::query_all(const std::string& store) const {
  std::vector<std::pair<std::string, std::string>> out;
  impl_->for_each_task_with(store, [&](stream_task& t) {
    for (auto& kv : t.store_entries(store))
      out.emplace_back(std::move(kv.key), std::move(kv.value));
  });
  return out;
}

// -- impl: what other threads ask of the poll thread -----------------------------------------

void streams_app::impl::close(std::chrono::milliseconds timeout) {
  (void)timeout; // the poll loop's own waits are bounded (consumer/producer timeouts)
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (state_ == app_state::running || state_ == app_state::rebalancing)
      state_ = app_state::pending_shutdown;
  }
  stop_ = true;
  if (thread_.joinable())
    thread_.join();
  if (collector_) {
    (void)collector_->flush();
    (void)collector_->producer().close(std::chrono::seconds(10));
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (state_ != app_state::failed)
    state_ = app_state::stopped;
}

client::outcome<void> streams_app::impl::commit_now(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  if (state_ == app_state::failed)
    return make_error(kafka_error::unknown_server_error, "the application failed: " + failure_);
  if (!thread_.joinable() || stop_)
    return make_error(kafka_error::invalid_request, "the application is not running");
  auto ticket = ++commit_requested_;
  if (!commit_cv_.wait_for(lock, timeout, [&] { return commit_done_ >= ticket; }))
    return make_error(kafka_error::request_timed_out, "no commit within the timeout");
  if (commit_error_)
    return *commit_error_;
  return {};
}

std::vector<task_info> streams_app::impl::tasks() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<task_info> out;
  for (const auto& [id, slot] : task_slots_) {
    task_info t;
    t.id = id;
    t.restoring = slot.restoring;
    const auto& m = slot.last_metrics;
    t.records_in = m.records_in;
    t.records_out = m.records_out;
    t.dropped = m.dropped;
    t.skipped_errors = m.skipped_errors;
    t.punctuations = m.punctuations;
    t.lag = slot.lag;
    t.store_entries = m.store_entries;
    out.push_back(std::move(t));
  }
  return out;
}

std::map<client::topic_partition, int64_t> streams_app::impl::positions() const {
  std::lock_guard<std::mutex> lock(mu_);
  return positions_;
}

void streams_app::impl::for_each_task_with(const std::string& store,
                                           const std::function<void(stream_task&)>& fn) const {
  std::vector<caf::actor> actors;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& st : topo_.subtopologies())
      if (std::find(st.stores.begin(), st.stores.end(), store) != st.stores.end())
        for (const auto& [id, slot] : task_slots_)
          if (id.subtopology == st.id && !slot.restoring)
            actors.push_back(slot.actor);
  }
  caf::scoped_actor self{conn_.system()};
  for (const auto& a : actors) {
    auto job = std::make_shared<std::function<void(stream_task&)>>(fn);
    self->request(a, std::chrono::seconds(30), task_job{job})
        .receive([](bool) {}, [](caf::error&) {});
  }
}

} // namespace tributary::streams
