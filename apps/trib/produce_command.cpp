// trib produce TOPIC: one record per input line (stdin or --file), optional key separator,
// headers and partition; delivery reports counted per partition; the first failure stops
// reading and is the exit status (1 node error, 2 bad input, 3 connection lost).

#include "produce_input.hpp"
#include "session.hpp"

#include "tributary/client/producer.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>

namespace tributary::trib {

namespace {

struct produce_options {
  std::string topic;
  std::string file; // "" or "-": stdin
  std::string key_separator;
  std::string null_value;
  bool has_null_value = false;
  std::vector<std::string> headers;
  int32_t partition = -1;
  std::string acks = "all";
  std::string compression = "none";
  int64_t delivery_timeout_ms = 30000;
  std::vector<std::string> settings; // -X key=value producer settings
};

/// Per-partition offsets of acknowledged records.
struct partition_span {
  int64_t first = -1;
  int64_t last = -1;
  uint64_t count = 0;
};

/// What delivery callbacks (on the producer's sender actor) report back to main's thread.
struct delivery_tally {
  std::mutex mutex;
  std::map<int32_t, partition_span> partitions;
  uint64_t acknowledged = 0;
  std::optional<client::error> first_error;
  uint64_t first_error_line = 0;
  std::atomic<bool> failed{false};

  void on_delivery(const client::outcome<client::record_metadata>& r, uint64_t line) {
    std::lock_guard<std::mutex> guard(mutex);
    if (!r) {
      if (!first_error) {
        first_error = r.err();
        first_error_line = line;
      }
      failed = true;
      return;
    }
    auto& span = partitions[r->partition];
    if (span.first < 0 || r->offset < span.first)
      span.first = r->offset;
    span.last = std::max(span.last, r->offset);
    ++span.count;
    ++acknowledged;
  }
};

std::optional<std::map<std::string, std::string>> producer_settings(const produce_options& o,
                                                                    std::string* why) {
  std::map<std::string, std::string> settings{
      {"acks", o.acks},
      {"compression.type", o.compression},
      {"client.id", "trib-produce"},
      {"request.timeout.ms", std::to_string(std::min<int64_t>(o.delivery_timeout_ms, 10000))},
      {"delivery.timeout.ms", std::to_string(o.delivery_timeout_ms)},
      {"linger.ms", "5"}};
  for (const auto& s : o.settings) {
    auto kv = parse_assignment(s, "-X", why);
    if (!kv || !kv->value) {
      if (why && kv)
        *why = "-X " + s + " has no value; write -X name=value";
      return std::nullopt;
    }
    settings[kv->key] = *kv->value;
  }
  return settings;
}

nlohmann::json summary_json(const produce_options& o, delivery_tally& tally, uint64_t bytes) {
  auto partitions = nlohmann::json::object();
  for (const auto& [p, span] : tally.partitions)
    partitions[std::to_string(p)] = {
        {"first_offset", span.first}, {"last_offset", span.last}, {"records", span.count}};
  return {{"topic", o.topic},
          {"records", tally.acknowledged},
          {"bytes", bytes},
          {"partitions", partitions}};
}

int run_produce(session& s, const produce_options& o) {
  std::string why;
  auto settings = producer_settings(o, &why);
  if (!settings)
    return s.fail(failure{exit_usage, why});
  client::producer_record base;
  base.topic = o.topic;
  if (o.partition >= 0)
    base.partition = o.partition;
  for (const auto& h : o.headers) {
    auto header = parse_assignment(h, "--header", &why);
    if (!header)
      return s.fail(failure{exit_usage, why});
    base.headers.push_back(*header);
  }
  line_rules rules;
  if (!o.key_separator.empty())
    rules.key_separator = o.key_separator;
  if (o.has_null_value)
    rules.null_value = o.null_value;
  std::FILE* in = stdin;
  if (!o.file.empty() && o.file != "-" && (in = std::fopen(o.file.c_str(), "rb")) == nullptr)
    return s.fail(failure{exit_usage, "cannot read --file " + o.file});
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> close_in(in == stdin ? nullptr : in,
                                                           &std::fclose);

  auto* conn = s.connection();
  if (conn == nullptr)
    return s.failed_code();
  auto made = client::producer::create(*conn, *settings);
  if (!made)
    return s.fail(made.err(), "producer settings");
  auto& producer = *made;

  delivery_tally tally;
  line_reader reader(in);
  progress_line progress("produced");
  uint64_t line_no = 0;
  uint64_t bytes = 0;
  std::optional<failure> input_error;
  while (!tally.failed) {
    auto line = reader.next();
    if (!line)
      break;
    ++line_no;
    auto parsed = split_line(*line, line_no, rules, &why);
    if (!parsed) {
      input_error = failure{exit_usage, why};
      break;
    }
    auto record = base;
    record.key = std::move(parsed->key);
    record.value = std::move(parsed->value);
    bytes += line->size();
    producer.send(record, [&tally, line_no](const client::outcome<client::record_metadata>& r) {
      tally.on_delivery(r, line_no);
    });
    progress.update(line_no, bytes);
  }
  if (reader.failed() && !input_error)
    input_error =
        failure{exit_usage, "reading the input failed after line " + std::to_string(line_no)};
  auto flushed = producer.flush();
  progress.finish();
  (void)producer.close(); // every record is already complete after flush

  std::lock_guard<std::mutex> guard(tally.mutex);
  if (tally.first_error)
    return s.fail(*tally.first_error,
                  "line " + std::to_string(tally.first_error_line) + " to topic '" + o.topic +
                      "' (" + count_of(tally.acknowledged, "record") + " acknowledged)");
  if (!flushed)
    return s.fail(flushed.err(), "flush");
  if (input_error) {
    input_error->message +=
        " (" + count_of(tally.acknowledged, "record") + " before it acknowledged)";
    return s.fail(*input_error);
  }
  if (s.out().json())
    s.out().print(summary_json(o, tally, bytes));
  else
    s.out().note("produced " + count_of(tally.acknowledged, "record") + " (" + human_bytes(bytes) +
                 ") to topic '" + o.topic + "'");
  return exit_ok;
}

} // namespace

void add_produce_command(CLI::App& app, action& chosen) {
  auto o = std::make_shared<produce_options>();
  auto* cmd = app.add_subcommand("produce", "send one record per input line to a topic");
  cmd->add_option("topic", o->topic, "topic to write to")->required();
  cmd->add_option("-f,--file", o->file, "read lines from FILE instead of stdin");
  cmd->add_option("-K,--key-separator", o->key_separator,
                  "split each line into key and value at the first SEP")
      ->type_name("SEP");
  cmd->add_option("-H,--header", o->headers, "header name=value on every record (repeatable)")
      ->type_name("NAME=VALUE");
  cmd->add_option("-p,--partition", o->partition, "write every record to this partition")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--null-value", o->null_value, "a value equal to TEXT is sent as null")
      ->type_name("TEXT")
      ->each([o](const std::string&) { o->has_null_value = true; });
  cmd->add_option("--acks", o->acks, "all, 1 or 0")
      ->check(CLI::IsMember({"all", "-1", "1", "0"}))
      ->capture_default_str();
  cmd->add_option("-z,--compression", o->compression, "none, gzip, snappy, lz4 or zstd")
      ->check(CLI::IsMember({"none", "gzip", "snappy", "lz4", "zstd"}))
      ->capture_default_str();
  cmd->add_option("--delivery-timeout-ms", o->delivery_timeout_ms,
                  "give up on a record not acknowledged within this time")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("-X", o->settings, "any producer setting by its Kafka name (repeatable)")
      ->type_name("NAME=VALUE");
  cmd->callback([o, &chosen] { chosen = [o](session& s) { return run_produce(s, *o); }; });
}

} // namespace tributary::trib
