// settings::set: parsing and validation, with the messages users read.

#include "tributary/config/errc.hpp"
#include "tributary/config/settings.hpp"

#include <catch2/catch.hpp>

using namespace tributary::config;

namespace {

const origin k_env{config_source::environment, "TRIB_X", {}};

// Sets one broker setting from the given origin; returns the error message ("" on success).
std::string set_broker(settings& s, std::string_view key, std::string_view raw,
                       const origin& from = k_env) {
  std::string why;
  auto ok = s.set(key, raw, from, &why);
  CHECK(ok.has_value() == why.empty());
  return why;
}

} // namespace

TEST_CASE("defaults are Kafka's") {
  settings s(broker_registry());
  CHECK(s.get_int("log.segment.bytes") == 1073741824);
  CHECK(s.get_int("log.retention.ms") == 604800000);
  CHECK(s.get_int("log.retention.bytes") == -1);
  CHECK(s.get_int("message.max.bytes") == 1048588);
  CHECK(s.get_int("log.flush.interval.messages") == INT64_MAX);
  CHECK(s.get_int("log.flush.interval.ms") == INT64_MAX);
  CHECK(s.get_list("log.cleanup.policy") == std::vector<std::string>{"delete"});
  CHECK(s.get_string("compression.type") == "producer");
  CHECK(s.get_string("log.message.timestamp.type") == "CreateTime");
  CHECK(s.get_int("log.cleaner.delete.retention.ms") == 86400000);
  CHECK(s.get_int("log.cleaner.min.compaction.lag.ms") == 0);
  CHECK(s.get_int("log.roll.ms") == 604800000);
  CHECK(s.get_int("log.index.size.max.bytes") == 10485760);
  CHECK(s.get_int("log.index.interval.bytes") == 4096);
  CHECK(s.get_int("min.insync.replicas") == 1);
  CHECK(s.get_int("log.message.timestamp.difference.max.ms") == INT64_MAX);
  CHECK_FALSE(s.get_bool("unclean.leader.election.enable"));
  CHECK(s.get_double("log.cleaner.min.cleanable.ratio") == 0.5);
  CHECK(s.at("log.retention.ms").from.source == config_source::default_value);
  CHECK_FALSE(s.is_set("log.retention.ms"));
}

TEST_CASE("an allowed-values error names key, value, origin and the allowed values") {
  settings s(broker_registry());
  CHECK(set_broker(s, "cleanup.policy", "fast",
                   {config_source::environment, "TRIB_CLEANUP_POLICY", {}}) ==
        "invalid value 'fast' for 'cleanup.policy' (from TRIB_CLEANUP_POLICY): allowed values "
        "are delete, compact");
  CHECK(set_broker(s, "compression.type", "brotli") ==
        "invalid value 'brotli' for 'compression.type' (from TRIB_X): allowed values are "
        "uncompressed, zstd, lz4, snappy, gzip, producer");
  CHECK(set_broker(s, "log.message.timestamp.type", "WallClock") ==
        "invalid value 'WallClock' for 'log.message.timestamp.type' (from TRIB_X): allowed "
        "values are CreateTime, LogAppendTime");
}

TEST_CASE("allowed values match case-insensitively and are stored as Kafka spells them") {
  settings s(broker_registry());
  CHECK(set_broker(s, "log.message.timestamp.type", "logappendtime") == "");
  CHECK(s.get_string("log.message.timestamp.type") == "LogAppendTime");
  CHECK(set_broker(s, "log.cleanup.policy", " compact , DELETE ") == "");
  CHECK(s.get_list("log.cleanup.policy") == std::vector<std::string>{"compact", "delete"});
  CHECK(s.at("log.cleanup.policy").text == "compact,delete");
}

TEST_CASE("cleanup.policy rejects empty lists, empty items and duplicates") {
  settings s(broker_registry());
  CHECK(set_broker(s, "log.cleanup.policy", "") ==
        "invalid value '' for 'log.cleanup.policy' (from TRIB_X): must list at least one of "
        "delete, compact");
  settings s2(broker_registry());
  CHECK(set_broker(s2, "log.cleanup.policy", "delete,,compact").find("empty item") !=
        std::string::npos);
  settings s3(broker_registry());
  CHECK(set_broker(s3, "log.cleanup.policy", "delete,delete").find("listed twice") !=
        std::string::npos);
}

TEST_CASE("integers reject trailing junk, overflow and values below the minimum") {
  settings s(broker_registry());
  CHECK(set_broker(s, "log.segment.bytes", "10MB") ==
        "invalid value '10MB' for 'log.segment.bytes' (from TRIB_X): not an integer; must be "
        "between 14 and 2147483647");
  CHECK(set_broker(s, "log.segment.bytes", "13") ==
        "invalid value '13' for 'log.segment.bytes' (from TRIB_X): must be between 14 and "
        "2147483647");
  CHECK(set_broker(s, "log.segment.bytes", "4294967296") ==
        "invalid value '4294967296' for 'log.segment.bytes' (from TRIB_X): must be between 14 "
        "and 2147483647");
  CHECK(set_broker(s, "log.retention.bytes", "99999999999999999999") ==
        "invalid value '99999999999999999999' for 'log.retention.bytes' (from TRIB_X): does not "
        "fit a 64-bit integer; must be at least 0, or -1 for unlimited");
  CHECK(set_broker(s, "num.partitions", "0") ==
        "invalid value '0' for 'num.partitions' (from TRIB_X): must be between 1 and 2147483647");
  CHECK(set_broker(s, "log.cleaner.backoff.ms", "-5").find("must be at least 0") !=
        std::string::npos);
  CHECK(set_broker(s, "node.id", "1.5").find("not an integer") != std::string::npos);
  CHECK(set_broker(s, "node.id", "").find("not an integer") != std::string::npos);
  CHECK(set_broker(s, "node.id", "+-3").find("not an integer") != std::string::npos);
  CHECK(set_broker(s, "node.id", "0x10").find("not an integer") != std::string::npos);
  CHECK(set_broker(s, "node.id", "+3") == "");
  CHECK(s.get_int("node.id") == 3);
}

TEST_CASE("-1 means unlimited where Kafka allows it, and only there") {
  settings s(broker_registry());
  CHECK(set_broker(s, "log.retention.ms", "-1") == "");
  CHECK(s.get_int("log.retention.ms") == -1);
  CHECK(set_broker(s, "log.retention.bytes", " -1 ") == "");
  CHECK(set_broker(s, "log.retention.bytes", "-2", {config_source::command_line, "--x", {}})
            .find("must be at least 0, or -1 for unlimited") != std::string::npos);
  CHECK(set_broker(s, "log.segment.bytes", "-1").find("between 14 and") != std::string::npos);
}

TEST_CASE("error codes say which kind of failure") {
  settings s(broker_registry());
  CHECK(s.set("log.segment.bytes", "abc", k_env).error() == errc::invalid_value);
  CHECK(s.set("log.segment.bytes", "1", k_env).error() == errc::out_of_range);
  CHECK(s.set("log.segment.byte", "1", k_env).error() == errc::unknown_setting);
  CHECK(s.set("log.segment.bytes", "1000", k_env).has_value());
  CHECK(s.set("log.segment.bytes", "2000", k_env).error() == errc::duplicate_setting);
  CHECK(std::error_code(errc::invalid_value).category().name() == std::string("tributary.config"));
}

TEST_CASE("booleans are true or false, any case") {
  settings s(broker_registry());
  CHECK(set_broker(s, "auto.create.topics.enable", "FALSE") == "");
  CHECK_FALSE(s.get_bool("auto.create.topics.enable"));
  CHECK(set_broker(s, "delete.topic.enable", "yes") ==
        "invalid value 'yes' for 'delete.topic.enable' (from TRIB_X): must be true or false");
}

TEST_CASE("doubles are checked against their range") {
  settings s(broker_registry());
  CHECK(set_broker(s, "log.cleaner.min.cleanable.ratio", "1.5") ==
        "invalid value '1.5' for 'log.cleaner.min.cleanable.ratio' (from TRIB_X): must be "
        "between 0.0 and 1.0");
  CHECK(set_broker(s, "log.cleaner.min.cleanable.ratio", "half").find("not a number") !=
        std::string::npos);
  CHECK(set_broker(s, "log.cleaner.min.cleanable.ratio", "0.25") == "");
  CHECK(s.at("log.cleaner.min.cleanable.ratio").text == "0.25");
}

TEST_CASE("scaled aliases convert hours to milliseconds and remember the alias") {
  settings s(broker_registry());
  CHECK(set_broker(s, "log.retention.hours", "24") == "");
  CHECK(s.get_int("log.retention.ms") == 86400000);
  CHECK(s.at("log.retention.ms").from.as_name == "log.retention.hours");
  CHECK(set_broker(s, "log.roll.hours", "-1").find("log.roll.hours") != std::string::npos);
  settings fresh(broker_registry());
  CHECK(set_broker(fresh, "log.retention.minutes", "9223372036854775807") ==
        "invalid value '9223372036854775807' for 'log.retention.minutes' (from TRIB_X): "
        "overflows when converted to log.retention.ms");
}

TEST_CASE("the same setting twice in one source is an error naming both places") {
  settings s(broker_registry());
  origin first{config_source::config_file, "t.toml:3", {}};
  origin second{config_source::config_file, "t.toml:5", {}};
  CHECK(set_broker(s, "retention.ms", "1", first) == "");
  CHECK(set_broker(s, "log.retention.ms", "5", second) ==
        "'log.retention.ms' is set twice in the config file: at t.toml:3 as "
        "'retention.ms' and at t.toml:5; keep one");
  CHECK(set_broker(s, "retention.ms", "6", second).find("is set twice") != std::string::npos);
  // A later source overrides without complaint.
  CHECK(set_broker(s, "log.retention.ms", "5") == "");
  CHECK(s.get_int("log.retention.ms") == 5);
}

TEST_CASE("within one source the most precise alias wins: ms over minutes over hours") {
  auto at = [](int line) {
    return origin{config_source::config_file, "t.toml:" + std::to_string(line), {}};
  };
  settings s(broker_registry());
  CHECK(set_broker(s, "log.retention.hours", "1", at(1)) == "");
  CHECK(set_broker(s, "log.retention.ms", "5", at(2)) == "");
  CHECK(set_broker(s, "log.retention.minutes", "3", at(3)) == "");
  CHECK(s.get_int("log.retention.ms") == 5);
  CHECK(s.at("log.retention.ms").from.where == "t.toml:2");
  CHECK(s.at("log.retention.ms").from.as_name.empty());
  // A less precise alias is still validated, though it would not win.
  CHECK(set_broker(s, "log.retention.hours", "soon", at(4)).find("invalid value 'soon'") !=
        std::string::npos);
  CHECK(s.get_int("log.retention.ms") == 5);

  settings minutes(broker_registry());
  CHECK(set_broker(minutes, "log.retention.minutes", "3", at(1)) == "");
  CHECK(set_broker(minutes, "log.retention.hours", "1", at(2)) == "");
  CHECK(minutes.get_int("log.retention.ms") == 180000);
  CHECK(minutes.at("log.retention.ms").from.as_name == "log.retention.minutes");

  settings roll(broker_registry());
  CHECK(set_broker(roll, "log.roll.ms", "7000", at(1)) == "");
  CHECK(set_broker(roll, "log.roll.hours", "2", at(2)) == "");
  CHECK(set_broker(roll, "log.roll.jitter.hours", "1", at(3)) == "");
  CHECK(set_broker(roll, "log.roll.jitter.ms", "60", at(4)) == "");
  CHECK(roll.get_int("log.roll.ms") == 7000);
  CHECK(roll.get_int("log.roll.jitter.ms") == 60);
}

TEST_CASE("data.dir takes one directory, also through Kafka's log.dirs") {
  settings s(broker_registry());
  CHECK(set_broker(s, "log.dirs", "/a,/b") ==
        "invalid value '/a,/b' for 'log.dirs' (from TRIB_X): Tributary keeps all partitions in "
        "one data directory; give a single path");
  CHECK(set_broker(s, "log.dirs", "/var/lib/trib") == "");
  CHECK(s.get_string("data.dir") == "/var/lib/trib");
}
