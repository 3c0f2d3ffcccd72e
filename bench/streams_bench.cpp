// streams_bench: the Streams API against an embedded node, 4 input partitions.
//   1. stateless filter + map_values -> to(), 100 B values, string keys   >= 500,000 rec/s/core
//   2. windowed count (group_by_key, 60 s tumbling, 10k keys)             >= 200,000 rec/s/core
//   3. stream-table join (100k-key table loaded first, then the stream)
//   4. restoring a count store of 1M keys from its changelog (state dir deleted)
// Input is preloaded with a producer (not timed); then an app starts and the clock runs until
// its positions reach the input end offsets and a commit has acknowledged its output and
// changelogs. CPU is this process's (getrusage): node and app share it, so rec/s per core
// = records / CPU seconds charges the app for the node's work too.
// Usage: streams_bench [--scale F] [--phase N] [--max-poll-records N] [--poll-ms N] [--timeout S]
//                      [--marks]

#include "bench_util.hpp"

#include "tributary/client/admin.hpp"
#include "tributary/client/connection.hpp"
#include "tributary/client/producer.hpp"
#include "tributary/config/broker_config.hpp"
#include "tributary/streams/streams.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>
#include <vector>

using namespace tributary;
namespace ts = tributary::streams;
using steady = std::chrono::steady_clock;

namespace {

constexpr int32_t k_partitions = 4;
/// Record timestamps start at a minute boundary an hour ago: recent enough that the node's
/// time-based retention (7 days) keeps the input.
const int64_t k_base_ts = [] {
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  return now / 60'000 * 60'000 - 3'600'000;
}();

struct options {
  double scale = 1.0;
  int phase = 0;            // 0 = all
  int max_poll_records = 0; // 0 = the app's default
  int poll_ms = 0;          // 0 = the app's default
  int timeout_s = 900;
  bool marks = false; // print each timed window's CLOCK_MONOTONIC span (for perf --time)
};

options parse(int argc, char** argv) {
  options o;
  for (bench::arg_cursor args("streams_bench", argc, argv); args.more();) {
    const std::string& a = args.flag();
    if (a == "--scale")
      o.scale = std::stod(args.value());
    else if (a == "--phase")
      o.phase = std::stoi(args.value());
    else if (a == "--max-poll-records")
      o.max_poll_records = std::stoi(args.value());
    else if (a == "--poll-ms")
      o.poll_ms = std::stoi(args.value());
    else if (a == "--timeout")
      o.timeout_s = std::stoi(args.value());
    else if (a == "--marks")
      o.marks = true;
    else {
      std::fprintf(stderr, "usage: streams_bench [--scale F] [--phase 1-4] "
                           "[--max-poll-records N] [--poll-ms N] [--timeout SECONDS] [--marks]\n");
      std::exit(a == "--help" ? 0 : 2);
    }
  }
  return o;
}

[[noreturn]] void die(const std::string& what, const std::string& why) {
  std::fprintf(stderr, "streams_bench: %s: %s\n", what.c_str(), why.c_str());
  std::exit(1);
}

/// The node, an admin, and where the apps keep their state.
struct bench_env {
  std::string dir;
  client::connection conn;
  client::admin admin;
  options opts;

  void create_topic(const std::string& name) {
    auto r = admin.create_topics({client::new_topic{name, k_partitions, 1, {}}});
    if (!r)
      die("create topic " + name, r.err().to_string());
  }

  /// End offsets of every partition of `topics`.
  std::map<client::topic_partition, int64_t> ends(const std::vector<std::string>& topics) {
    std::map<client::topic_partition, client::offset_spec> specs;
    for (const auto& t : topics)
      for (int32_t p = 0; p < k_partitions; ++p)
        specs[{t, p}] = client::offset_spec::to_latest();
    auto r = admin.list_offsets(specs);
    if (!r)
      die("list offsets", r.err().to_string());
    std::map<client::topic_partition, int64_t> out;
    for (const auto& e : *r)
      out[e.tp] = e.ok() ? e.offset : 0;
    return out;
  }

  ts::streams_config app_config(const std::string& id) const {
    ts::streams_config c;
    c.application_id = id;
    c.state_dir = dir + "/state";
    c.commit_interval_ms = 1000;
    if (opts.max_poll_records > 0)
      c.consumer_overrides["max.poll.records"] = std::to_string(opts.max_poll_records);
    if (opts.poll_ms > 0)
      c.poll_ms = opts.poll_ms;
    return c;
  }
};

/// Sends n records (key_of(i), value_of(i), ts_of(i)) with a throughput producer; not timed.
void preload(bench_env& env, const std::string& topic, int64_t n,
             const std::function<std::string(int64_t)>& key_of,
             const std::function<std::string(int64_t)>& value_of,
             const std::function<int64_t(int64_t)>& ts_of) {
  client::producer_config pc;
  pc.acks = 1;
  pc.linger_ms = 5;
  pc.batch_size = 256 * 1024;
  pc.buffer_memory = 128 << 20;
  auto p = client::producer::create(env.conn, pc);
  if (!p)
    die("producer", p.err().to_string());
  std::atomic<int64_t> failed{0};
  for (int64_t i = 0; i < n; ++i) {
    client::producer_record r{topic, std::nullopt, key_of(i), value_of(i), {}, ts_of(i)};
    p->send(r, [&failed](const client::outcome<client::record_metadata>& md) {
      if (!md)
        failed.fetch_add(1, std::memory_order_relaxed);
    });
  }
  if (auto f = p->flush(); !f)
    die("preload flush", f.err().to_string());
  if (failed.load() != 0)
    die("preload " + topic, std::to_string(failed.load()) + " sends failed");
  (void)p->close(std::chrono::seconds(10));
}

std::string value_100(int64_t i) {
  std::string v(100, 'x');
  v[0] = static_cast<char>('a' + i % 4); // phase 1 filters out the 'd' quarter
  return v;
}

/// One timed app run: from create() until the inputs are processed (or restored) and committed.
struct run_figures {
  double wall = 0;
  double cpu = 0;
  double startup = 0; // create() until every task exists and none is restoring
  // What the tasks say they did (sums over tasks): a check that the work was really done.
  int64_t records_in = 0;
  int64_t records_out = 0;
  int64_t dropped = 0;
  int64_t store_entries = 0;
};

using done_fn = std::function<bool(ts::streams_app&)>;

run_figures run_app(bench_env& env, const ts::topology& topo, const std::string& id,
                    const done_fn& done) {
  auto t0 = bench::stamp::now();
  auto app = ts::streams_app::create(topo, env.conn, env.app_config(id));
  if (!app)
    die("app " + id, app.err().to_string());
  if (auto r = (*app)->start(); !r)
    die("start " + id, r.err().to_string());
  run_figures f;
  auto deadline = steady::now() + std::chrono::seconds(env.opts.timeout_s);
  for (;;) {
    if ((*app)->state() == ts::app_state::failed)
      die("app " + id, (*app)->failure());
    if (steady::now() > deadline)
      die("app " + id, "not done within the timeout");
    if (f.startup == 0 && (*app)->state() == ts::app_state::running) {
      auto tasks = (*app)->tasks();
      bool ready = tasks.size() >= k_partitions;
      for (const auto& t : tasks)
        ready = ready && !t.restoring;
      if (ready)
        f.startup = bench::stamp::now().wall - t0.wall;
    }
    if (f.startup > 0 && done(**app))
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // The output and changelog records of what was processed are acknowledged after this.
  if (auto c = (*app)->commit_now(); !c)
    die("commit " + id, c.err().to_string());
  auto t1 = bench::stamp::now();
  if (env.opts.marks) // steady_clock is CLOCK_MONOTONIC: perf record -k CLOCK_MONOTONIC
    std::fprintf(stderr, "mark %s %.6f,%.6f\n", id.c_str(), t0.wall, t1.wall);
  bench::elapsed e(t0, t1);
  f.wall = e.wall;
  f.cpu = e.cpu;
  for (const auto& t : (*app)->tasks()) { // figures as of the commit above
    f.records_in += t.records_in;
    f.records_out += t.records_out;
    f.dropped += t.dropped + t.skipped_errors;
    for (const auto& [store, n] : t.store_entries)
      f.store_entries += n;
  }
  (*app)->close();
  return f;
}

/// done(): the app's positions reached `ends`.
done_fn caught_up(std::map<client::topic_partition, int64_t> ends) {
  return [ends = std::move(ends)](ts::streams_app& app) {
    auto pos = app.positions();
    for (const auto& [tp, end] : ends) {
      if (end <= 0)
        continue;
      auto it = pos.find(tp);
      if (it == pos.end() || it->second < end)
        return false;
    }
    return true;
  };
}

void print_line(const char* label, int64_t records, const run_figures& f, double target) {
  double n = static_cast<double>(records);
  double per_core = f.cpu > 0 ? n / f.cpu : 0;
  std::printf("%-38s %9lld rec %7.2f s %9s rec/s  CPU %6.2f s %9s rec/s/core", label,
              static_cast<long long>(records), f.wall, bench::human(n / f.wall).c_str(), f.cpu,
              bench::human(per_core).c_str());
  if (target > 0)
    std::printf("  target >= %s: %s", bench::human(target).c_str(),
                per_core >= target ? "met" : "MISSED");
  std::printf(
      "\n%-38s startup %.2f s; tasks: in %lld, out %lld, dropped %lld, store entries %lld\n", "",
      f.startup, static_cast<long long>(f.records_in), static_cast<long long>(f.records_out),
      static_cast<long long>(f.dropped), static_cast<long long>(f.store_entries));
}

ts::topology build_or_die(const ts::stream_builder& b) {
  auto t = b.build();
  if (!t)
    die("topology", t.err().to_string());
  return *t;
}

void phase_stateless(bench_env& env, int64_t n) {
  env.create_topic("p1-in");
  env.create_topic("p1-out");
  preload(
      env, "p1-in", n, [](int64_t i) { return "key-" + std::to_string(i % 100'000); }, value_100,
      [](int64_t i) { return k_base_ts + i; });
  ts::stream_builder b;
  b.stream<std::string, std::string>("p1-in")
      .filter([](const std::string&, const std::string& v) { return v[0] != 'd'; })
      .map_values([](const std::string& v) {
        auto out = v;
        for (size_t i = 0; i < 16 && i < out.size(); ++i)
          out[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[i])));
        return out;
      })
      .to("p1-out");
  auto f = run_app(env, build_or_die(b), "p1", caught_up(env.ends({"p1-in"})));
  print_line("1. filter + map_values -> to()", n, f, 500'000);
}

void phase_windowed(bench_env& env, int64_t n) {
  env.create_topic("p2-in");
  // 1 ms apart: 1M records span ~17 one-minute windows per key.
  preload(
      env, "p2-in", n, [](int64_t i) { return "sensor-" + std::to_string(i % 10'000); }, value_100,
      [](int64_t i) { return k_base_ts + i; });
  ts::stream_builder b;
  b.stream<std::string, std::string>("p2-in")
      .group_by_key()
      .windowed_by(ts::time_windows::of(60'000))
      .count(ts::materialized<std::string, int64_t>::as("p2-counts"));
  auto f = run_app(env, build_or_die(b), "p2", caught_up(env.ends({"p2-in"})));
  print_line("2. windowed count (60 s, 10k keys)", n, f, 200'000);
}

void phase_join(bench_env& env, int64_t n) {
  const int64_t table_keys = std::max<int64_t>(1, n / 10);
  env.create_topic("p3-table");
  env.create_topic("p3-stream");
  env.create_topic("p3-out");
  auto key_of = [table_keys](int64_t i) { return "user-" + std::to_string(i % table_keys); };
  ts::stream_builder b;
  auto table = b.table<std::string, std::string>(
      "p3-table", {}, ts::materialized<std::string, std::string>::as("p3-users"));
  b.stream<std::string, std::string>("p3-stream")
      .join(table, [](const std::string& v, const std::string& row) { return v + "|" + row; })
      .to("p3-out");
  auto topo = build_or_die(b);
  // The table first, in its own run, so the stream never meets a half-loaded table.
  preload(
      env, "p3-table", table_keys, key_of, [](int64_t) { return std::string(50, 'u'); },
      [](int64_t) { return k_base_ts; });
  auto table_done = caught_up(env.ends({"p3-table"}));
  auto t = run_app(env, topo, "p3", [&](ts::streams_app& app) {
    // Two commits: the second checkpoints past the changelog records the first flushed, so
    // the next run finds nothing to restore.
    return table_done(app) && app.commit_now() && app.commit_now();
  });
  print_line("3a. table load (50 B rows)", table_keys, t, 0);
  preload(env, "p3-stream", n, key_of, value_100, [](int64_t i) { return k_base_ts + 1000 + i; });
  auto f = run_app(env, topo, "p3", caught_up(env.ends({"p3-table", "p3-stream"})));
  print_line("3b. stream-table join -> to()", n, f, 0);
}

void phase_restore(bench_env& env, int64_t n) {
  env.create_topic("p4-in");
  preload(
      env, "p4-in", n, [](int64_t i) { return "key-" + std::to_string(i); },
      [](int64_t) { return std::string(8, 'v'); }, [](int64_t i) { return k_base_ts + i; });
  ts::stream_builder b;
  b.stream<std::string, std::string>("p4-in").group_by_key().count(
      ts::materialized<std::string, int64_t>::as("p4-counts"));
  auto topo = build_or_die(b);
  auto f = run_app(env, topo, "p4", caught_up(env.ends({"p4-in"})));
  print_line("4a. count (distinct keys, logged)", n, f, 0);
  int64_t changelog = 0;
  for (const auto& [tp, end] : env.ends({"p4-p4-counts-changelog"}))
    changelog += end;
  bench::remove_tree(env.dir + "/state/p4");
  // Done as soon as startup (all tasks present, none restoring) is measured.
  auto r = run_app(env, topo, "p4", [](ts::streams_app&) { return true; });
  r.wall = r.startup;
  double rate = static_cast<double>(changelog) / r.startup;
  std::printf("%-38s %9lld rec %7.2f s %9s keys/s  CPU %6.2f s (to the commit after)\n",
              "4b. restore after state dir deleted", static_cast<long long>(changelog), r.startup,
              bench::human(rate).c_str(), r.cpu);
}

} // namespace

int main(int argc, char** argv) {
  auto o = parse(argc, argv);
  auto scaled = [&](int64_t n) {
    return std::max<int64_t>(1000, static_cast<int64_t>(n * o.scale));
  };
  auto or_default = [](int v) { return v > 0 ? std::to_string(v) : std::string("default"); };
  std::printf("streams_bench: embedded node, %d partitions per topic, commit.interval 1 s, "
              "max.poll.records %s, poll_ms %s; CPU = whole process (node + app)\n",
              k_partitions, or_default(o.max_poll_records).c_str(), or_default(o.poll_ms).c_str());
  auto dir = bench::make_temp_dir("/tmp", "streams-bench");
  {
    config::broker_config cfg;
    cfg.data_dir = dir + "/node";
    cfg.listeners.clear();
    cfg.advertised_listeners.clear();
    cfg.native_listener.reset();
    cfg.group_initial_rebalance_delay_ms = 0;
    cfg.log_level = "warn"; // keep the figures readable
    spdlog::set_level(spdlog::level::warn);
    auto conn = client::connection::embedded(cfg);
    if (!conn)
      die("embedded node", conn.err().to_string());
    auto admin = client::admin::create(*conn);
    if (!admin)
      die("admin", admin.err().to_string());
    bench_env env{dir, std::move(*conn), std::move(*admin), o};
    if (o.phase == 0 || o.phase == 1)
      phase_stateless(env, scaled(2'000'000));
    if (o.phase == 0 || o.phase == 2)
      phase_windowed(env, scaled(1'000'000));
    if (o.phase == 0 || o.phase == 3)
      phase_join(env, scaled(1'000'000));
    if (o.phase == 0 || o.phase == 4)
      phase_restore(env, scaled(1'000'000));
  }
  bench::remove_tree(dir);
  return 0;
}
