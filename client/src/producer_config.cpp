#include "tributary/client/producer_config.hpp"

#include <algorithm>
#include <charconv>
#include <functional>
#include <vector>

namespace tributary::client {

using protocol::compression_codec;
using protocol::kafka_error;

namespace {

error bad_value(const std::string& key, const std::string& value, const std::string& allowed) {
  return make_error(kafka_error::invalid_config,
                    "producer config " + key + "='" + value + "' is invalid: " + allowed);
}

template <class Int>
outcome<Int> parse_int(const std::string& key, const std::string& value, Int min, Int max) {
  int64_t x = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), x);
  if (ec != std::errc{} || end != value.data() + value.size() || value.empty())
    return bad_value(key, value, "expected an integer");
  if (x < static_cast<int64_t>(min) || x > static_cast<int64_t>(max))
    return bad_value(key, value, "expected " + std::to_string(min) + " .. " + std::to_string(max));
  return static_cast<Int>(x);
}

outcome<bool> parse_bool(const std::string& key, const std::string& value) {
  if (value == "true")
    return true;
  if (value == "false")
    return false;
  return bad_value(key, value, "expected true or false");
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

using setter = std::function<outcome<void>(producer_config&, const std::string& key,
                                           const std::string& value)>;

template <class Int, class Field>
setter int_field(Field producer_config::*field, Int min, Int max) {
  return [=](producer_config& c, const std::string& k, const std::string& v) -> outcome<void> {
    auto x = parse_int<Int>(k, v, min, max);
    if (!x)
      return x.err();
    c.*field = *x;
    return {};
  };
}

const std::map<std::string, setter>& setters() {
  constexpr auto i32max = std::numeric_limits<int32_t>::max();
  constexpr auto i64max = std::numeric_limits<int64_t>::max();
  static const std::map<std::string, setter> table = {
      {"bootstrap.servers",
       [](producer_config& c, const std::string&, const std::string& v) -> outcome<void> {
         c.bootstrap_servers = v;
         return {};
       }},
      {"client.id",
       [](producer_config& c, const std::string&, const std::string& v) -> outcome<void> {
         c.client_id = v;
         return {};
       }},
      {"acks",
       [](producer_config& c, const std::string& k, const std::string& v) -> outcome<void> {
         if (v == "all" || v == "-1")
           c.acks = -1;
         else if (v == "0" || v == "1")
           c.acks = static_cast<int16_t>(v[0] - '0');
         else
           return bad_value(k, v, "expected all, -1, 0 or 1");
         return {};
       }},
      {"linger.ms", int_field<int64_t>(&producer_config::linger_ms, 0, i32max)},
      {"batch.size", int_field<int32_t>(&producer_config::batch_size, 0, i32max)},
      {"buffer.memory", int_field<int64_t>(&producer_config::buffer_memory, 1, i64max)},
      {"max.block.ms", int_field<int64_t>(&producer_config::max_block_ms, 0, i64max)},
      {"metadata.max.age.ms", int_field<int64_t>(&producer_config::metadata_max_age_ms, 0, i64max)},
      {"compression.type",
       [](producer_config& c, const std::string& k, const std::string& v) -> outcome<void> {
         static const std::map<std::string, compression_codec> codecs = {
             {"none", compression_codec::none},
             {"gzip", compression_codec::gzip},
             {"snappy", compression_codec::snappy},
             {"lz4", compression_codec::lz4},
             {"zstd", compression_codec::zstd}};
         auto i = codecs.find(v);
         if (i == codecs.end())
           return bad_value(k, v, "expected none, gzip, snappy, lz4 or zstd");
         c.compression = i->second;
         return {};
       }},
      {"compression.gzip.level", int_field<int>(&producer_config::compression_level, -1, 9)},
      {"compression.lz4.level", int_field<int>(&producer_config::compression_level, 1, 17)},
      {"compression.zstd.level", int_field<int>(&producer_config::compression_level, -131072, 22)},
      {"retries", int_field<int32_t>(&producer_config::retries, 0, i32max)},
      {"retry.backoff.ms", int_field<int64_t>(&producer_config::retry_backoff_ms, 0, i64max)},
      {"delivery.timeout.ms", int_field<int64_t>(&producer_config::delivery_timeout_ms, 0, i32max)},
      {"request.timeout.ms", int_field<int32_t>(&producer_config::request_timeout_ms, 0, i32max)},
      {"max.in.flight.requests.per.connection",
       int_field<int32_t>(&producer_config::max_in_flight, 1, i32max)},
      {"max.request.size", int_field<int32_t>(&producer_config::max_request_size, 1, i32max)},
      {"enable.idempotence",
       [](producer_config& c, const std::string& k, const std::string& v) -> outcome<void> {
         auto b = parse_bool(k, v);
         if (!b)
           return b.err();
         c.enable_idempotence = *b;
         return {};
       }},
      {"allow.auto.create.topics",
       [](producer_config& c, const std::string& k, const std::string& v) -> outcome<void> {
         auto b = parse_bool(k, v);
         if (!b)
           return b.err();
         c.allow_auto_create_topics = *b;
         return {};
       }},
  };
  return table;
}

} // namespace

producer_config::producer_config() = default;

const char* compression_name(compression_codec codec) noexcept {
  switch (codec) {
  case compression_codec::none:
    return "none";
  case compression_codec::gzip:
    return "gzip";
  case compression_codec::snappy:
    return "snappy";
  case compression_codec::lz4:
    return "lz4";
  case compression_codec::zstd:
    return "zstd";
  }
  return "unknown";
}

outcome<void> producer_config::validate() const {
  auto invalid = [](std::string what) { return make_error(kafka_error::invalid_config, what); };
  if (acks != -1 && acks != 0 && acks != 1)
    return invalid("producer config acks=" + std::to_string(acks) +
                   " is invalid: expected -1 "
                   "(all), 0 or 1");
  if (enable_idempotence)
    return invalid("producer config enable.idempotence=true is not supported yet: idempotent "
                   "produce arrives with the Kafka-protocol work; set it to false");
  if (batch_size < 0 || buffer_memory <= 0 || max_request_size <= 0 || max_in_flight <= 0 ||
      linger_ms < 0 || max_block_ms < 0 || retry_backoff_ms < 0 || request_timeout_ms < 0 ||
      retries < 0)
    return invalid("producer config has a negative or zero size, count or time (batch.size=" +
                   std::to_string(batch_size) + ", buffer.memory=" + std::to_string(buffer_memory) +
                   ", max.request.size=" + std::to_string(max_request_size) +
                   ", max.in.flight=" + std::to_string(max_in_flight) + ")");
  if (delivery_timeout_ms < linger_ms + request_timeout_ms)
    return invalid("producer config delivery.timeout.ms=" + std::to_string(delivery_timeout_ms) +
                   " must be at least linger.ms + request.timeout.ms (" +
                   std::to_string(linger_ms + request_timeout_ms) + ")");
  if (!protocol::is_known_codec(compression))
    return invalid("producer config compression.type has an unknown codec");
  return {};
}

outcome<producer_config>
producer_config::from_map(const std::map<std::string, std::string>& values) {
  producer_config c;
  auto& table = setters();
  for (auto& [key, value] : values) {
    auto i = table.find(key);
    if (i == table.end()) {
      std::string best;
      size_t best_d = 4;
      for (auto& [known, ignored] : table) {
        auto d = edit_distance(key, known);
        if (d < best_d) {
          best_d = d;
          best = known;
        }
      }
      return make_error(kafka_error::invalid_config,
                        "unknown producer config '" + key + "'" +
                            (best.empty() ? std::string{} : " (did you mean '" + best + "'?)"));
    }
    if (auto r = i->second(c, key, value); !r)
      return r.err();
  }
  if (auto r = c.validate(); !r)
    return r.err();
  return c;
}

} // namespace tributary::client
