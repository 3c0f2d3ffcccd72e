// consumer_config: Kafka-style keys, parsing and validation.
#include "tributary/client/consumer_config.hpp"

#include "tributary/client/assignor.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <functional>
#include <limits>

namespace tributary::client {
namespace {

using protocol::kafka_error;

error invalid(const std::string& key, const std::string& value, const std::string& why) {
  return error{kafka_error::invalid_config,
               "consumer config " + key + "='" + value + "' is invalid: " + why};
}

template <class Int>
std::optional<std::string> parse_int(const std::string& s, Int& out, int64_t min) {
  if (s.empty())
    return "expected an integer";
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || *end != '\0')
    return "expected an integer";
  if (v < min || v > static_cast<long long>(std::numeric_limits<Int>::max()))
    return "expected an integer from " + std::to_string(min) + " to " +
           std::to_string(std::numeric_limits<Int>::max());
  out = static_cast<Int>(v);
  return std::nullopt;
}

std::optional<std::string> parse_bool(const std::string& s, bool& out) {
  if (s == "true")
    out = true;
  else if (s == "false")
    out = false;
  else
    return "expected true or false";
  return std::nullopt;
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    auto comma = s.find(',', start);
    auto item = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    auto b = item.find_first_not_of(" \t");
    auto e = item.find_last_not_of(" \t");
    if (b != std::string::npos)
      out.push_back(item.substr(b, e - b + 1));
    if (comma == std::string::npos)
      break;
    start = comma + 1;
  }
  return out;
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

using setter = std::function<std::optional<std::string>(consumer_config&, const std::string&)>;

const std::map<std::string, setter>& setters() {
  static const std::map<std::string, setter> table = [] {
    std::map<std::string, setter> t;
    auto str = [](std::string consumer_config::*field) {
      return [field](consumer_config& c, const std::string& v) -> std::optional<std::string> {
        c.*field = v;
        return std::nullopt;
      };
    };
    auto i32 = [](int32_t consumer_config::*field, int64_t min) {
      return [field, min](consumer_config& c, const std::string& v) {
        return parse_int(v, c.*field, min);
      };
    };
    auto flag = [](bool consumer_config::*field) {
      return [field](consumer_config& c, const std::string& v) { return parse_bool(v, c.*field); };
    };
    t["group.id"] = str(&consumer_config::group_id);
    t["client.id"] = str(&consumer_config::client_id);
    t["group.instance.id"] = str(&consumer_config::group_instance_id);
    t["client.rack"] = str(&consumer_config::client_rack);
    t["auto.offset.reset"] = [](consumer_config& c,
                                const std::string& v) -> std::optional<std::string> {
      if (v == "earliest")
        c.auto_offset_reset = offset_reset::earliest;
      else if (v == "latest")
        c.auto_offset_reset = offset_reset::latest;
      else if (v == "none")
        c.auto_offset_reset = offset_reset::none;
      else
        return "expected earliest, latest or none";
      return std::nullopt;
    };
    t["enable.auto.commit"] = flag(&consumer_config::enable_auto_commit);
    t["auto.commit.interval.ms"] = i32(&consumer_config::auto_commit_interval_ms, 0);
    t["session.timeout.ms"] = i32(&consumer_config::session_timeout_ms, 1);
    t["heartbeat.interval.ms"] = i32(&consumer_config::heartbeat_interval_ms, 1);
    t["max.poll.interval.ms"] = i32(&consumer_config::max_poll_interval_ms, 1);
    t["max.poll.records"] = i32(&consumer_config::max_poll_records, 1);
    t["fetch.min.bytes"] = i32(&consumer_config::fetch_min_bytes, 0);
    t["fetch.max.wait.ms"] = i32(&consumer_config::fetch_max_wait_ms, 0);
    t["fetch.max.bytes"] = i32(&consumer_config::fetch_max_bytes, 0);
    t["max.partition.fetch.bytes"] = i32(&consumer_config::max_partition_fetch_bytes, 0);
    t["partition.assignment.strategy"] = [](consumer_config& c,
                                            const std::string& v) -> std::optional<std::string> {
      c.partition_assignment_strategy = split_list(v);
      return std::nullopt; // names are checked by validate()
    };
    t["isolation.level"] = [](consumer_config& c,
                              const std::string& v) -> std::optional<std::string> {
      if (v == "read_uncommitted")
        c.isolation_level = isolation_level::read_uncommitted;
      else if (v == "read_committed")
        c.isolation_level = isolation_level::read_committed;
      else
        return "expected read_uncommitted or read_committed";
      return std::nullopt;
    };
    t["request.timeout.ms"] = i32(&consumer_config::request_timeout_ms, 1);
    t["default.api.timeout.ms"] = i32(&consumer_config::default_api_timeout_ms, 1);
    t["retry.backoff.ms"] = i32(&consumer_config::retry_backoff_ms, 0);
    t["metadata.max.age.ms"] = [](consumer_config& c, const std::string& v) {
      return parse_int(v, c.metadata_max_age_ms, 0);
    };
    t["allow.auto.create.topics"] = flag(&consumer_config::allow_auto_create_topics);
    t["exclude.internal.topics"] = flag(&consumer_config::exclude_internal_topics);
    t["check.crcs"] = flag(&consumer_config::check_crcs);
    return t;
  }();
  return table;
}

} // namespace

consumer_config::consumer_config() = default;

outcome<consumer_config>
consumer_config::from_map(const std::map<std::string, std::string>& values) {
  consumer_config c;
  auto& table = setters();
  for (auto& [key, value] : values) {
    auto it = table.find(key);
    if (it == table.end()) {
      std::string best;
      size_t best_distance = 4; // suggest only close matches
      for (auto& [known, fn] : table) {
        auto d = edit_distance(key, known);
        if (d < best_distance)
          best = known, best_distance = d;
      }
      return error{kafka_error::invalid_config,
                   "unknown consumer config '" + key + "'" +
                       (best.empty() ? std::string{} : "; did you mean '" + best + "'?")};
    }
    if (auto why = it->second(c, value))
      return invalid(key, value, *why);
  }
  if (auto ok = c.validate(); !ok)
    return ok.err();
  return c;
}

outcome<void> consumer_config::validate() const {
  auto fail = [](const std::string& key, int64_t value, const std::string& why) {
    return invalid(key, std::to_string(value), why);
  };
  if (session_timeout_ms <= 0)
    return fail("session.timeout.ms", session_timeout_ms, "must be positive");
  if (heartbeat_interval_ms <= 0 || heartbeat_interval_ms >= session_timeout_ms)
    return fail("heartbeat.interval.ms", heartbeat_interval_ms,
                "must be positive and below session.timeout.ms=" +
                    std::to_string(session_timeout_ms));
  if (max_poll_interval_ms <= 0)
    return fail("max.poll.interval.ms", max_poll_interval_ms, "must be positive");
  if (max_poll_records <= 0)
    return fail("max.poll.records", max_poll_records, "must be positive");
  if (fetch_max_bytes <= 0)
    return fail("fetch.max.bytes", fetch_max_bytes, "must be positive");
  if (max_partition_fetch_bytes <= 0)
    return fail("max.partition.fetch.bytes", max_partition_fetch_bytes, "must be positive");
  if (fetch_min_bytes < 0 || fetch_max_wait_ms < 0)
    return fail("fetch.min.bytes", fetch_min_bytes,
                "fetch.min.bytes and fetch.max.wait.ms "
                "must not be negative");
  if (request_timeout_ms <= 0 || default_api_timeout_ms <= 0)
    return fail("request.timeout.ms", request_timeout_ms,
                "request.timeout.ms and default.api.timeout.ms must be positive");
  if (auto_commit_interval_ms < 0 || retry_backoff_ms < 0 || metadata_max_age_ms < 0)
    return fail("auto.commit.interval.ms", auto_commit_interval_ms,
                "auto.commit.interval.ms, retry.backoff.ms and metadata.max.age.ms must not be "
                "negative");
  if (partition_assignment_strategy.empty())
    return invalid("partition.assignment.strategy", "", "name at least one assignor");
  for (auto& name : partition_assignment_strategy)
    if (auto a = make_assignor(name); !a)
      return a.err();
  if (!group_instance_id.empty() && group_id.empty())
    return invalid("group.instance.id", group_instance_id, "needs a group.id");
  return {};
}

} // namespace tributary::client
