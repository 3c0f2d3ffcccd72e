// Encoding answers, closing on bad requests, and mapping broker failures to Kafka codes.
#include "respond.hpp"

#include "tributary/protocol/kafka_api.hpp"

#include "caf/sec.hpp"

#include <iterator>

#include <spdlog/spdlog.h>

namespace tributary::kafka {

namespace pk = protocol::kafka;
using protocol::kafka_error;

namespace {

std::shared_ptr<spdlog::logger> logger() {
  auto log = spdlog::get("tributary");
  return log ? log : spdlog::default_logger();
}

std::string request_name(const request_context& rc) {
  return std::string(pk::api_key_name(rc.header.request_api_key)) + " v" +
         std::to_string(rc.version());
}

} // namespace

void close_connection(connection_self self, const request_context& rc, const std::string& why) {
  logger()->warn("kafka: closing connection from {} (client '{}'): {} {}: {}",
                 self->state.info.peer, rc.header.client_id.value_or(""), request_name(rc),
                 "correlation id " + std::to_string(rc.header.correlation_id), why);
  self->state.sink->close();
}

void send_encoded(connection_self self, const request_context& rc, int16_t version,
                  const std::function<void(pk::wire_writer&)>& encode_body) {
  std::vector<char> out;
  out.reserve(256);
  pk::wire_writer w(out);
  pk::encode_response_header(w, rc.header.request_api_key, version, rc.header.correlation_id);
  encode_body(w);
  if (!w.ok()) {
    logger()->error("kafka: cannot encode the response to {} for {}: {}", request_name(rc),
                    self->state.info.peer, w.error_message());
    self->state.sink->close();
    return;
  }
  self->state.sink->send(rc.seq, std::move(out));
}

void send_spliced(connection_self self, const request_context& rc, int16_t version,
                  const std::function<void(pk::wire_writer&)>& encode_body, external_records ext) {
  std::vector<char> out;
  out.reserve(256);
  pk::wire_writer w(out);
  pk::encode_response_header(w, rc.header.request_api_key, version, rc.header.correlation_id);
  w.set_external_records(std::move(ext.lengths));
  encode_body(w);
  if (!w.ok()) {
    logger()->error("kafka: cannot encode the response to {} for {}: {}", request_name(rc),
                    self->state.info.peer, w.error_message());
    self->state.sink->close();
    return;
  }
  const auto& splices = w.splices();
  for (const auto& s : splices)
    if (s.index >= ext.pieces.size()) {
      logger()->error("kafka: the response to {} for {} has records field {} without pieces",
                      request_name(rc), self->state.info.peer, s.index);
      self->state.sink->close();
      return;
    }
  auto encoded = pk::split_at_splices(out, splices);
  std::vector<chunk> chunks;
  chunks.reserve(encoded.size() + splices.size());
  for (size_t i = 0; i < encoded.size(); ++i) {
    if (!encoded[i].empty())
      chunks.emplace_back(std::move(encoded[i]));
    if (i == splices.size())
      break;
    auto& external = ext.pieces[splices[i].index];
    std::move(external.begin(), external.end(), std::back_inserter(chunks));
  }
  self->state.sink->send_chunks(rc.seq, std::move(chunks));
}

int16_t error_code_of(const caf::error& e) {
  if (e == caf::sec::request_timeout)
    return static_cast<int16_t>(kafka_error::request_timed_out);
  return static_cast<int16_t>(kafka_error::unknown_server_error);
}

std::string describe_failure(connection_self self, const caf::error& e) {
  if (e == caf::sec::request_timeout)
    return "the broker did not answer in time";
  return "broker request failed: " + self->system().render(e);
}

} // namespace tributary::kafka
