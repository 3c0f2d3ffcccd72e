#include "stream_task.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <exception>

namespace tributary::streams {

using client::make_error;
using protocol::kafka_error;

namespace {

std::string resolve(const std::string& app, const std::string& topic, bool internal) {
  return internal ? app + "-" + topic : topic;
}

} // namespace

stream_task::stream_task(task_id id, task_env env) : id_(id), env_(std::move(env)) {}

stream_task::~stream_task() {
  close();
}

client::outcome<std::unique_ptr<stream_task>> stream_task::create(task_id id, const subtopology& st,
                                                                  const task_env& env) {
  std::unique_ptr<stream_task> t(new stream_task(id, env));
  if (auto r = t->open_stores(st); !r)
    return r.err();
  if (auto r = t->wire(st); !r)
    return r.err();
  return t;
}

client::outcome<void> stream_task::open_stores(const subtopology& st) {
  auto dir = env_.config->state_dir / env_.application_id / id_.to_string();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return make_error(kafka_error::kafka_storage_error,
                      "cannot create state directory " + dir.string() + ": " + ec.message());
  state::store_options opts;
  opts.cache_max_bytes = env_.config->cache_max_bytes;
  for (const auto& name : st.stores) {
    const auto* def = env_.topo->find_store(name);
    if (def == nullptr)
      return make_error(kafka_error::invalid_config, "operator uses unknown store " + name);
    store_slot slot;
    slot.def = def;
    slot.changelog = {internal_topic(def->changelog_base()), id_.partition};
    auto file = dir / (name + ".db");
    if (def->kind == store_kind::key_value) {
      auto s = state::kv_store::open(file, name, opts);
      if (!s)
        return s.err();
      slot.kv = std::move(*s);
    } else {
      auto s = state::window_store::open(file, name, opts);
      if (!s)
        return s.err();
      slot.window = std::move(*s);
    }
    stores_.emplace(name, std::move(slot));
  }
  return {};
}

client::outcome<void> stream_task::wire(const subtopology& st) {
  const auto& all = env_.topo->nodes();
  std::map<std::string, node_instance*> by_name;
  for (auto i : st.nodes) {
    const auto& def = all[i];
    auto node = def.make();
    node->set_name(def.name);
    for (const auto& p : def.parents) {
      auto it = by_name.find(p);
      if (it == by_name.end() || !it->second->connect(*node))
        return make_error(kafka_error::invalid_config,
                          "cannot connect " + p + " to " + def.name + " (types differ)");
    }
    if (def.kind == node_kind::source) {
      auto* src = dynamic_cast<raw_source*>(node.get());
      for (const auto& t : def.topics)
        sources_[resolve(env_.application_id, t, def.internal_topics)] = src;
    }
    by_name[def.name] = node.get();
    nodes_.push_back(std::move(node));
  }
  for (auto& n : nodes_)
    n->init(*this);
  return {};
}

client::outcome<void> stream_task::process(const std::vector<client::record_range>& ranges) {
  // Records of several input partitions go in timestamp order (Kafka Streams' partition
  // group): a join must not see one side's later records before the other side's earlier
  // ones, or it would take those for late.
  std::vector<const client::consumer_record*> next(ranges.size());
  for (size_t i = 0; i < ranges.size(); ++i)
    next[i] = ranges[i].begin();
  for (;;) {
    size_t pick = ranges.size();
    for (size_t i = 0; i < ranges.size(); ++i)
      if (next[i] != ranges[i].end() &&
          (pick == ranges.size() || next[i]->timestamp < next[pick]->timestamp))
        pick = i;
    if (pick == ranges.size())
      break;
    if (auto res = process_one(*next[pick]++); !res)
      return res;
  }
  // Positions once per partition and batch, not per record (a topic_partition is a string).
  for (const auto& range : ranges)
    if (!range.empty() && sources_.count(range.back().topic) != 0)
      next_offsets_[client::topic_partition{range.back().topic, range.back().partition}] =
          range.back().offset + 1;
  for (auto& [name, slot] : stores_) // a full write-back cache is written out early
    if ((slot.kv && slot.kv->needs_flush()) || (slot.window && slot.window->needs_flush()))
      if (auto res = flush_store(slot); !res)
        return res;
  return {};
}

client::outcome<void> stream_task::process_one(const client::consumer_record& r) {
  {
    auto src = sources_.find(r.topic);
    if (src == sources_.end())
      return {}; // not ours (a stale assignment); never happens with the app's routing
    meta_.topic = r.topic;
    meta_.partition = r.partition;
    meta_.offset = r.offset;
    meta_.timestamp = r.timestamp;
    meta_.headers = &r.headers;
    ++metrics_.records_in;
    // Stream time includes the record being processed (as in Kafka Streams), so a join or a
    // window sees the time this record brings.
    bool advanced = r.timestamp > stream_time_;
    if (advanced)
      stream_time_ = r.timestamp;
    // The headers pointer is only valid during this call: cleared on every way out.
    struct clear_headers {
      record_meta& m;
      ~clear_headers() { m.headers = nullptr; }
    } clear{meta_};
    std::string why;
    bool ok = false;
    try {
      ok = src->second->process_raw(r, why);
      if (!ok) {
        auto res = handle_error(r, env_.config->on_deserialization_error, "deserialization", why);
        if (!res)
          return res;
      }
    } catch (const std::exception& e) {
      auto res = handle_error(r, env_.config->on_processing_error, "processing", e.what());
      if (!res)
        return res;
    }
    if (advanced)
      punctuate_stream_time();
  }
  return {};
}

client::outcome<void> stream_task::handle_error(const client::consumer_record& r,
                                                error_action action, const std::string& what,
                                                const std::string& why) {
  auto where = r.topic + "-" + std::to_string(r.partition) + "@" + std::to_string(r.offset);
  if (action == error_action::log_and_fail) {
    spdlog::error("streams task {}: {} error at {}: {}", id_.to_string(), what, where, why);
    return make_error(kafka_error::invalid_record,
                      what + " error at " + where + ": " + why + " (task " + id_.to_string() + ")");
  }
  ++metrics_.skipped_errors;
  spdlog::warn("streams task {}: skipping record {} after {} error: {}", id_.to_string(), where,
               what, why);
  if (action == error_action::dead_letter) {
    client::producer_record dlq;
    dlq.topic = env_.config->dlq_topic();
    dlq.key = r.key;
    dlq.value = r.value;
    dlq.timestamp = r.timestamp;
    dlq.headers = r.headers;
    dlq.headers.push_back({"trib.error.kind", what});
    dlq.headers.push_back({"trib.error.message", why});
    dlq.headers.push_back({"trib.error.topic", r.topic});
    dlq.headers.push_back({"trib.error.partition", std::to_string(r.partition)});
    dlq.headers.push_back({"trib.error.offset", std::to_string(r.offset)});
    dlq.headers.push_back({"trib.error.task", id_.to_string()});
    env_.collector->send(std::move(dlq));
  }
  return {};
}

client::outcome<std::map<client::topic_partition, int64_t>> stream_task::flush() {
  for (auto& n : nodes_)
    n->flush();
  for (auto& [name, slot] : stores_)
    if (auto r = flush_store(slot); !r)
      return r.err();
  metrics_.committed_offsets = 0;
  for (const auto& [tp, off] : next_offsets_)
    metrics_.committed_offsets += off;
  return next_offsets_;
}

client::outcome<void> stream_task::flush_store(store_slot& s) {
  // The checkpoint written now is what the changelog holds as acknowledged: everything
  // before it was flushed to SQLite by an earlier flush, so restoring starts there.
  auto checkpoint = env_.collector->changelog_end(s.changelog);
  auto changes = s.kv ? s.kv->flush(checkpoint) : s.window->flush(checkpoint);
  if (!changes)
    return changes.err();
  if (!s.def->logged)
    return {};
  for (auto& c : *changes) {
    client::producer_record r;
    r.topic = s.changelog.topic;
    r.partition = s.changelog.partition;
    r.key = std::move(c.key);
    r.value = std::move(c.value);
    env_.collector->send_changelog(std::move(r));
  }
  return {};
}

std::vector<restore_point> stream_task::restore_points() const {
  std::vector<restore_point> out;
  for (const auto& [name, slot] : stores_) {
    if (!slot.def->logged)
      continue;
    auto cp = slot.kv ? slot.kv->checkpoint() : slot.window->checkpoint();
    out.push_back(restore_point{name, slot.changelog, cp ? *cp : 0});
  }
  return out;
}

client::outcome<void> stream_task::restore(const std::string& store,
                                           const std::vector<state::change>& batch,
                                           int64_t next_offset) {
  auto it = stores_.find(store);
  if (it == stores_.end())
    return make_error(kafka_error::invalid_request, "task has no store " + store);
  auto& s = it->second;
  return s.kv ? s.kv->restore_batch(batch, next_offset)
              : s.window->restore_batch(batch, next_offset);
}

void stream_task::close() {
  for (auto& n : nodes_)
    n->close();
  nodes_.clear();
  for (auto& [name, slot] : stores_) {
    if (slot.kv)
      slot.kv->close();
    if (slot.window)
      slot.window->close();
  }
  stores_.clear();
}

void stream_task::punctuate_stream_time() {
  for (auto& p : punctuators_) {
    if (p.type != punctuation_type::stream_time)
      continue;
    if (p.next_due < 0)
      p.next_due = stream_time_ + p.interval_ms;
    if (stream_time_ >= p.next_due) {
      p.fn(stream_time_);
      ++metrics_.punctuations;
      p.next_due = stream_time_ + p.interval_ms;
    }
  }
}

void stream_task::punctuate_wall_clock() {
  auto now = wall_clock_ms();
  for (auto& p : punctuators_) {
    if (p.type != punctuation_type::wall_clock_time)
      continue;
    if (p.next_due < 0)
      p.next_due = now + p.interval_ms;
    if (now >= p.next_due) {
      p.fn(now);
      ++metrics_.punctuations;
      p.next_due = now + p.interval_ms;
    }
  }
}

task_metrics stream_task::metrics() const {
  auto m = metrics_;
  for (const auto& [name, slot] : stores_)
    m.store_entries[name] = static_cast<int64_t>(slot.kv ? slot.kv->approximate_entries()
                                                         : slot.window->approximate_entries());
  return m;
}

std::vector<state::key_value> stream_task::store_entries(const std::string& store) const {
  auto it = stores_.find(store);
  if (it == stores_.end() || !it->second.kv)
    return {};
  auto all = it->second.kv->all();
  return all ? std::move(*all) : std::vector<state::key_value>{};
}

std::optional<std::string> stream_task::store_get(const std::string& store,
                                                  const std::string& key) const {
  auto it = stores_.find(store);
  if (it == stores_.end() || !it->second.kv)
    return std::nullopt;
  auto v = it->second.kv->get(key);
  return v ? *v : std::nullopt;
}

int64_t stream_task::wall_clock_ms() const {
  if (env_.config->clock)
    return env_.config->clock();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

state::kv_store* stream_task::kv_store(const std::string& name) {
  auto it = stores_.find(name);
  return it == stores_.end() ? nullptr : it->second.kv.get();
}

state::window_store* stream_task::window_store(const std::string& name) {
  auto it = stores_.find(name);
  return it == stores_.end() ? nullptr : it->second.window.get();
}

void stream_task::send(client::producer_record record) {
  ++metrics_.records_out;
  env_.collector->send(std::move(record));
}

int32_t stream_task::partition_count(const std::string& topic) {
  return env_.partition_count ? env_.partition_count(topic) : -1;
}

std::string stream_task::internal_topic(const std::string& base) const {
  return env_.application_id + "-" + base;
}

void stream_task::schedule(int64_t interval_ms, punctuation_type type,
                           std::function<void(int64_t)> fn) {
  punctuators_.push_back(punctuator{interval_ms, type, std::move(fn), -1});
}

void stream_task::record_dropped(const std::string& node, const char* reason) {
  ++metrics_.dropped;
  spdlog::debug("streams task {}: {} dropped record {}-{}@{} ({})", id_.to_string(), node,
                meta_.topic, meta_.partition, meta_.offset, reason);
}

} // namespace tributary::streams
