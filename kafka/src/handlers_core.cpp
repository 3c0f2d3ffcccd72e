// ApiVersions (what every client asks first) and SaslHandshake (answered with "no SASL":
// Tributary speaks PLAINTEXT only).
#include "handlers.hpp"
#include "respond.hpp"

#include "tributary/protocol/kafka/api_versions.hpp"
#include "tributary/protocol/kafka/sasl_handshake.hpp"

namespace tributary::kafka {

namespace pk = protocol::kafka;
using protocol::kafka_error;

namespace {

pk::api_versions_response served_list() {
  pk::api_versions_response resp;
  for (const auto& api : served_apis()) {
    if (api.versions.empty())
      continue;
    pk::api_versions_response::api_version v;
    v.api_key = static_cast<int16_t>(api.key);
    v.min_version = api.versions.min;
    v.max_version = api.versions.max;
    resp.api_keys.push_back(v);
  }
  return resp;
}

} // namespace

void handle_api_versions(connection_self self, const request_context& rc, pk::wire_reader& r) {
  pk::api_versions_request req;
  if (!decode_request(self, rc, r, req))
    return;
  // client_software_name/version (v3) are informational; Kafka validates their charset and
  // answers INVALID_REQUEST, which only breaks odd clients: accept any.
  respond(self, rc, served_list());
}

void answer_unsupported_api_versions(connection_self self, const request_context& rc) {
  auto resp = served_list();
  resp.error_code = static_cast<int16_t>(kafka_error::unsupported_version);
  send_encoded(self, rc, 0, [&](pk::wire_writer& w) { resp.encode(w, 0); });
}

void handle_sasl_handshake(connection_self self, const request_context& rc, pk::wire_reader& r) {
  pk::sasl_handshake_request req;
  if (!decode_request(self, rc, r, req))
    return;
  pk::sasl_handshake_response resp;
  resp.error_code = static_cast<int16_t>(kafka_error::unsupported_sasl_mechanism);
  // An empty list: no mechanism is enabled, this listener is PLAINTEXT.
  respond(self, rc, resp);
}

} // namespace tributary::kafka
