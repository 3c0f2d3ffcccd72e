// The poll loop of a streams_app instance. One thread polls the group consumer and hands
// each task actor its slice of the batch (one message per task per poll), waits for all of
// them -- they run in parallel -- and commits every commit_interval_ms: tasks flush
// (changelog records go out), the producer is flushed, and only then are the processed
// offsets committed. A rebalance runs inside poll(): revoked tasks are committed and closed,
// new ones created and, if they have state, restored before their partitions are resumed.
#include "app_runtime.hpp"

#include <spdlog/spdlog.h>

namespace tributary::streams {

using client::make_error;
using protocol::kafka_error;

namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

} // namespace

streams_app::impl::impl(topology topo, client::connection conn, streams_config config)
    : topo_(std::move(topo)), conn_(std::move(conn)), config_(std::move(config)) {
  env_.application_id = config_.application_id;
  env_.topo = &topo_;
  env_.config = &config_;
  env_.partition_count = [this](const std::string& topic) {
    auto it = partition_counts_.find(topic);
    if (it != partition_counts_.end())
      return it->second;
    if (!collector_)
      return -1;
    auto n = collector_->producer().partition_count(topic);
    return n ? *n : -1;
  };
}

streams_app::impl::~impl() {
  close(std::chrono::seconds(30));
}

void streams_app::impl::set_state(app_state s, std::string why) {
  std::lock_guard<std::mutex> lock(mu_);
  if (state_ == app_state::failed)
    return; // the first failure stays
  state_ = s;
  if (!why.empty())
    failure_ = std::move(why);
  std::lock_guard<std::mutex> cell_lock(app_cell_->mu);
  app_cell_->state = to_string(s);
}

client::outcome<void> streams_app::impl::start() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (state_ != app_state::created)
      return make_error(kafka_error::invalid_request, "the application was started before");
    state_ = app_state::starting;
  }
  auto admin = client::admin::create(conn_);
  if (!admin)
    return admin.err();
  if (auto r = prepare_topics(*admin); !r) {
    set_state(app_state::failed, r.err().to_string());
    return r;
  }
  std::map<std::string, std::string> pc{{"acks", "all"}, {"linger.ms", "5"}};
  for (const auto& [k, v] : config_.producer_overrides)
    pc[k] = v;
  auto producer = client::producer::create(conn_, pc);
  if (!producer)
    return producer.err();
  collector_ = std::make_unique<record_collector>(std::move(*producer));
  env_.collector = collector_.get();
  std::map<std::string, std::string> cc{{"group.id", config_.application_id},
                                        {"enable.auto.commit", "false"},
                                        {"auto.offset.reset", "earliest"},
                                        {"partition.assignment.strategy", "range"},
                                        // big polls: one message per task per poll is the
                                        // runtime's fixed cost (streams_bench: 1.4-1.8x)
                                        {"max.poll.records", "10000"}};
  for (const auto& [k, v] : config_.consumer_overrides)
    cc[k] = v;
  auto consumer = client::consumer::create(conn_, cc);
  if (!consumer)
    return consumer.err();
  consumer_.emplace(std::move(*consumer));
  if (auto admin = client::admin::create(conn_))
    admin_.emplace(std::move(*admin));
  auto restorer = client::consumer::create(conn_, {{"enable.auto.commit", "false"},
                                                   {"auto.offset.reset", "earliest"},
                                                   {"max.poll.records", "10000"}});
  if (!restorer)
    return restorer.err();
  restore_consumer_.emplace(std::move(*restorer));
  std::vector<std::string> topics;
  for (const auto& [t, st] : topic_to_subtopology_)
    topics.push_back(t);
  auto listener = client::make_rebalance_listener(
      [this](const std::vector<client::topic_partition>&) { on_assigned(); },
      [this](const std::vector<client::topic_partition>&) { close_tasks(true); },
      [this](const std::vector<client::topic_partition>&) { close_tasks(false); });
  if (auto r = consumer_->subscribe(topics, listener); !r)
    return r;
  set_state(app_state::rebalancing);
  auto cell = app_cell_;
  auto app_name = "streams " + config_.application_id;
  auto subtopologies = topo_.subtopologies().size();
  auto reg = client::register_inspectable(conn_, [cell, app_name, subtopologies] {
    client::inspected out;
    out.kind = "streams_app";
    out.name = app_name;
    std::lock_guard<std::mutex> lock(cell->mu);
    out.details = {{"state", cell->state},
                   {"tasks", std::to_string(cell->tasks)},
                   {"sub-topologies", std::to_string(subtopologies)}};
    return out;
  });
  if (reg)
    app_inspection_ = std::move(*reg);
  last_commit_ms_ = now_ms();
  thread_ = std::thread([this] { run(); });
  return {};
}

void streams_app::impl::run() {
  while (!stop_.load()) {
    auto r = poll_once();
    if (!r) {
      spdlog::error("streams app {}: {}", config_.application_id, r.err().to_string());
      set_state(app_state::failed, r.err().to_string());
      break;
    }
  }
  bool failed = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    failed = state_ == app_state::failed;
  }
  close_tasks(!failed);
  (void)consumer_->close(std::chrono::seconds(10));
  (void)restore_consumer_->close(std::chrono::seconds(10));
  set_state(app_state::stopped);
  std::lock_guard<std::mutex> lock(mu_);
  commit_done_ = commit_requested_;
  commit_cv_.notify_all();
}

client::outcome<void> streams_app::impl::poll_once() {
  // While stores restore, their tasks' inputs are paused: do not sit in poll() then, the
  // restore consumer is what has work (a 100 ms poll per restore batch made a 1M-key restore
  // take 200 s instead of 5 s).
  bool restoring = false;
  for (const auto& [id, slot] : task_slots_)
    restoring = restoring || slot.restoring;
  auto batch = consumer_->poll(std::chrono::milliseconds(restoring ? 0 : config_.poll_ms));
  if (!batch) {
    if (batch.err().is_retriable())
      return {};
    return batch.err();
  }
  std::map<task_id, std::vector<client::record_range>> work;
  for (const auto& span : batch->spans()) {
    auto st = topic_to_subtopology_.find(span.tp.topic);
    if (st == topic_to_subtopology_.end())
      continue;
    work[task_id{st->second, span.tp.partition}].push_back(batch->records(span.tp));
  }
  std::vector<task_id> ids;
  for (const auto& [id, ranges] : work)
    ids.push_back(id);
  std::map<task_id, client::outcome<void>> results;
  std::map<task_id, std::shared_ptr<inspected_cell>> cells;
  for (auto id : ids) {
    results.emplace(id, client::outcome<void>{});
    auto slot = task_slots_.find(id);
    cells.emplace(id, slot != task_slots_.end() ? slot->second.cell : nullptr);
  }
  auto r = run_on_tasks(ids, [&](task_id id, stream_task& t) {
    results.at(id) = t.process(work.at(id));
    // The inspector shows live counters: one copy per task and poll, in the task's thread.
    if (auto& cell = cells.at(id)) {
      auto m = t.metrics();
      std::lock_guard<std::mutex> lock(cell->mu);
      cell->metrics = std::move(m);
    }
  });
  if (!r)
    return r;
  for (auto& [id, res] : results)
    if (!res)
      return res.err();
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& span : batch->spans())
      if (span.last > span.first)
        positions_[span.tp] = (*batch)[span.last - 1].offset + 1;
    if (state_ == app_state::rebalancing && !task_slots_.empty())
      state_ = app_state::running;
  }
  if (auto rs = restore_step(); !rs)
    return rs;
  bool requested = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    requested = commit_requested_ > commit_done_;
  }
  // Wall-clock punctuators: at most every 50 ms (a round trip to every task per poll was half
  // of a stateless pipeline's CPU), and before every requested commit (the test driver's
  // clock moves, then it asks for a commit).
  if (requested || now_ms() - last_punctuate_ms_ >= 50) {
    last_punctuate_ms_ = now_ms();
    std::vector<task_id> all;
    for (const auto& [id, slot] : task_slots_)
      if (!slot.restoring)
        all.push_back(id);
    if (auto p = run_on_tasks(all, [](task_id, stream_task& t) { t.punctuate_wall_clock(); }); !p)
      return p;
  }
  if (requested || now_ms() - last_commit_ms_ >= config_.commit_interval_ms) {
    uint64_t answering = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      answering = commit_requested_;
    }
    auto c = commit();
    std::lock_guard<std::mutex> lock(mu_);
    commit_done_ = answering;
    commit_error_.reset();
    if (!c)
      commit_error_ = c.err();
    commit_cv_.notify_all();
    if (!c && !c.err().is_retriable() && c.err().code != kafka_error::rebalance_in_progress &&
        c.err().code != kafka_error::illegal_generation &&
        c.err().code != kafka_error::unknown_member_id)
      return c;
  }
  return {};
}

client::outcome<void>
streams_app::impl::run_on_tasks(const std::vector<task_id>& ids,
                                const std::function<void(task_id, stream_task&)>& fn) {
  if (ids.empty())
    return {};
  caf::scoped_actor self{conn_.system()};
  // All requests first (the tasks run in parallel), then every answer; a task that died or
  // hangs is an error after the timeout instead of a poll thread stuck forever.
  using handle = decltype(self->request(caf::actor{}, caf::infinite, task_job{}));
  std::vector<handle> pending;
  for (auto id : ids) {
    auto it = task_slots_.find(id);
    if (it == task_slots_.end())
      continue;
    auto job = std::make_shared<std::function<void(stream_task&)>>(
        [id, &fn](stream_task& t) { fn(id, t); });
    pending.push_back(
        self->request(it->second.actor, std::chrono::minutes(5), task_job{std::move(job)}));
  }
  std::optional<client::error> err;
  for (auto& h : pending)
    h.receive([](bool) {},
              [&](caf::error& e) {
                if (!err)
                  err = make_error(kafka_error::unknown_server_error,
                                   "a stream task did not finish its work: " + to_string(e));
              });
  if (err)
    return *err;
  return {};
}

client::outcome<void> streams_app::impl::commit() {
  std::vector<task_id> ids;
  for (const auto& [id, slot] : task_slots_)
    if (!slot.restoring)
      ids.push_back(id);
  std::map<task_id, client::outcome<std::map<client::topic_partition, int64_t>>> flushed;
  std::map<task_id, task_metrics> metrics;
  for (auto id : ids) {
    flushed.emplace(id, std::map<client::topic_partition, int64_t>{});
    metrics.emplace(id, task_metrics{});
  }
  auto r = run_on_tasks(ids, [&](task_id id, stream_task& t) {
    flushed.at(id) = t.flush();
    metrics.at(id) = t.metrics();
  });
  if (!r)
    return r;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [id, m] : metrics) {
      auto& slot = task_slots_[id];
      std::lock_guard<std::mutex> cell_lock(slot.cell->mu);
      slot.cell->metrics = m;
      slot.cell->state = slot.restoring ? "restoring" : "running";
      slot.last_metrics = std::move(m);
    }
  }
  client::offset_map offsets;
  for (auto& [id, res] : flushed) {
    if (!res)
      return res.err();
    for (const auto& [tp, off] : *res)
      offsets[tp] = client::offset_and_metadata{off, -1, ""};
  }
  // At-least-once: nothing is committed unless every output and changelog record is acked.
  if (auto f = collector_->flush(); !f)
    return f;
  last_commit_ms_ = now_ms();
  if (offsets.empty())
    return {};
  auto committed = consumer_->commit_sync(offsets);
  if (committed)
    update_lag();
  return committed;
}

void streams_app::impl::update_lag() {
  // One ListOffsets per commit: the end of every input partition against the task positions.
  if (!admin_)
    return;
  std::map<client::topic_partition, client::offset_spec> specs;
  for (const auto& [id, slot] : task_slots_)
    for (const auto& tp : slot.inputs)
      specs[tp] = client::offset_spec::to_latest();
  if (specs.empty())
    return;
  auto ends = admin_->list_offsets(specs);
  if (!ends)
    return; // the figures stay as they were; lag is informational
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [id, slot] : task_slots_) {
    int64_t lag = 0;
    for (const auto& tp : slot.inputs) {
      auto pos = positions_.find(tp);
      for (const auto& e : *ends)
        if (e.tp == tp && e.ok())
          lag += std::max<int64_t>(0, e.offset - (pos == positions_.end() ? 0 : pos->second));
    }
    slot.lag = lag;
    std::lock_guard<std::mutex> cell_lock(slot.cell->mu);
    slot.cell->lag = lag;
  }
}

} // namespace tributary::streams
