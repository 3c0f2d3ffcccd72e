// trib consume TOPIC...: reads records alone (every partition, or --partition) or as a member
// of --group, from the beginning / end / an offset / a timestamp, prints them through a
// kcat-style --format (or JSON lines with --json), and stops after --count records, at the
// end of the log (--exit-at-end), after --idle-timeout-ms without records, or on
// SIGINT/SIGTERM. In a group it commits exactly the records it printed.

#include "consume_start.hpp"
#include "offset_lookup.hpp"
#include "produce_input.hpp"
#include "record_format.hpp"
#include "session.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <csignal>
#include <cstdio>

namespace tributary::trib {

namespace {

std::atomic<bool> stop_requested{false};

extern "C" void on_stop_signal(int) {
  stop_requested = true;
}

void catch_stop_signals() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

constexpr auto poll_slice = std::chrono::milliseconds(200); // how often the stop flag is seen

std::optional<client::consumer_config> make_config(session& s, const consume_options& o) {
  std::map<std::string, std::string> settings;
  std::string why;
  for (const auto& x : o.settings) {
    auto kv = parse_assignment(x, "-X", &why);
    if (!kv || !kv->value) {
      s.fail(failure{exit_usage, kv ? "-X " + x + " has no value; write -X name=value" : why});
      return std::nullopt;
    }
    settings[kv->key] = *kv->value;
  }
  auto config = client::consumer_config::from_map(settings);
  if (!config) {
    s.fail(failure{exit_usage, config.err().message});
    return std::nullopt;
  }
  config->group_id = o.group;
  if (config->client_id == client::consumer_config{}.client_id)
    config->client_id = "trib-consume";
  config->enable_auto_commit = false; // trib commits exactly what it printed
  config->auto_offset_reset =
      o.from_beginning ? client::offset_reset::earliest : client::offset_reset::latest;
  return std::move(*config);
}

/// Writes `text` to stdout; false when stdout is gone (a closed pipe).
bool emit(const std::string& text) {
  if (text.empty())
    return true;
  bool ok = std::fwrite(text.data(), 1, text.size(), stdout) == text.size();
  return std::fflush(stdout) == 0 && ok;
}

struct loop_result {
  uint64_t records = 0;
  std::optional<client::error> error;
};

loop_result consume_loop(session& s, const consume_options& o, const record_format& format,
                         consume_start& start) {
  auto& consumer = start.consumer();
  loop_result result;
  progress_line progress("consumed");
  uint64_t bytes = 0;
  auto last_record = std::chrono::steady_clock::now();
  client::offset_map to_commit;
  bool commits = !o.group.empty() && !o.no_commit;
  while (!stop_requested) {
    auto batch = consumer.poll(poll_slice);
    if (!batch) {
      result.error = batch.err();
      break;
    }
    if (auto failed = start.take_error()) {
      result.error = std::move(failed);
      break;
    }
    std::string text;
    bool count_reached = false;
    for (const auto& r : *batch) {
      if (o.count > 0 && result.records >= o.count) {
        count_reached = true;
        break;
      }
      if (s.out().json())
        text +=
            record_to_json(r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
      else
        format.render(r, text);
      ++result.records;
      bytes += r.value ? r.value->size() : 0;
      auto& next = to_commit[{r.topic, r.partition}];
      next.offset = r.offset + 1;
      next.leader_epoch = r.leader_epoch;
    }
    if (!batch->empty())
      last_record = std::chrono::steady_clock::now();
    bool output_ok = emit(text);
    if (commits && !to_commit.empty()) {
      if (auto committed = consumer.commit_sync(to_commit); !committed) {
        result.error = committed.err();
        break;
      }
      to_commit.clear();
    }
    progress.update(result.records, bytes);
    if (!output_ok || count_reached || (o.count > 0 && result.records >= o.count))
      break;
    if (o.exit_at_end && start.at_end())
      break;
    if (o.idle_timeout_ms > 0 && std::chrono::steady_clock::now() - last_record >=
                                     std::chrono::milliseconds(o.idle_timeout_ms))
      break;
  }
  progress.finish();
  return result;
}

int run_consume(session& s, const consume_options& o) {
  int starts = int(o.from_beginning) + int(o.from_end) + int(o.offset >= 0) + int(o.timestamp >= 0);
  if (starts > 1)
    return s.fail(failure{exit_usage, "give at most one of --from-beginning, --from-end, "
                                      "--offset, --timestamp"});
  if (!o.group.empty() && !o.partitions.empty())
    return s.fail(failure{exit_usage, "--partition reads without a group; drop --group or "
                                      "--partition (a group assigns partitions itself)"});
  std::string why;
  auto format = record_format::parse(o.format, &why);
  if (!format)
    return s.fail(failure{exit_usage, why});
  auto config = make_config(s, o);
  if (!config)
    return s.failed_code();
  auto* conn = s.connection();
  if (conn == nullptr)
    return s.failed_code();
  catch_stop_signals();
  consume_start start(*conn, o);
  if (auto ready = start.open(*config); !ready)
    return s.fail(ready.err(), "consume");
  auto result = consume_loop(s, o, *format, start);
  auto closed = start.consumer().close(std::chrono::seconds(10));
  if (result.error)
    return s.fail(*result.error, "consume");
  if (!closed)
    return s.fail(closed.err(), "closing the consumer");
  s.out().note("consumed " + count_of(result.records, "record"));
  return exit_ok;
}

} // namespace

void add_consume_command(CLI::App& app, action& chosen) {
  auto o = std::make_shared<consume_options>();
  o->format = default_record_format();
  auto* cmd = app.add_subcommand("consume", "print records of topics, alone or in a group");
  cmd->add_option("topics", o->topics, "topics to read")->required();
  cmd->add_option("-g,--group", o->group, "read as a member of consumer group GROUP");
  cmd->add_option("-p,--partition", o->partitions, "read only these partitions (no group)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--from-beginning", o->from_beginning,
                "start at the log start (in a group: where no offset is committed)");
  cmd->add_flag("--from-end", o->from_end, "start at the log end (the default)");
  cmd->add_option("-o,--offset", o->offset, "start at offset N in every partition read")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--timestamp", o->timestamp,
                  "start at the first record at or after MS (milliseconds since the epoch)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("-c,--count", o->count, "stop after N records")->check(CLI::PositiveNumber);
  cmd->add_flag("-e,--exit-at-end", o->exit_at_end,
                "stop once every partition read is at the end it had when reading started");
  cmd->add_option("--idle-timeout-ms", o->idle_timeout_ms, "stop after MS without a record")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("-f,--format", o->format,
                  "kcat-style template: %t topic %p partition %o offset %k key %s value "
                  "%T timestamp %h headers %K/%S key/value length, \\n \\t")
      ->capture_default_str();
  cmd->add_flag("--no-commit", o->no_commit, "in a group, do not commit offsets");
  cmd->add_option("-X", o->settings, "any consumer setting by its Kafka name (repeatable)")
      ->type_name("NAME=VALUE");
  cmd->callback([o, &chosen] { chosen = [o](session& s) { return run_consume(s, *o); }; });
}

} // namespace tributary::trib
