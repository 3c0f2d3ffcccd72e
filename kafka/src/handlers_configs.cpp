// DescribeConfigs, AlterConfigs (the given set replaces every override of the resource) and
// IncrementalAlterConfigs (SET / DELETE / APPEND / SUBTRACT per key). The broker serves topic
// (2) and broker (4) resources; other resource types, resources listed twice, and malformed
// operations are refused here per resource with INVALID_REQUEST, so they never reach it.
#include "handlers.hpp"
#include "respond.hpp"

#include "tributary/protocol/kafka/alter_configs.hpp"
#include "tributary/protocol/kafka/describe_configs.hpp"
#include "tributary/protocol/kafka/incremental_alter_configs.hpp"

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <utility>

namespace tributary::kafka {

namespace pk = protocol::kafka;
namespace ta = tributary::actors;
using protocol::code_of;
using protocol::kafka_error;

namespace {

/// Kafka's ConfigSource.DEFAULT_CONFIG: what v0's is_default stands for.
constexpr int8_t k_default_config_source = 5;

/// Kafka's IncrementalAlterConfigs operations.
enum : int8_t { op_set = 0, op_delete = 1, op_append = 2, op_subtract = 3 };

std::string resource_type_name(int8_t type) {
  switch (type) {
  case 2:
    return "TOPIC";
  case 4:
    return "BROKER";
  case 8:
    return "BROKER_LOGGER";
  case 16:
    return "CLIENT_METRICS";
  case 32:
    return "GROUP";
  default:
    return "UNKNOWN";
  }
}

/// "" for the resource types the broker serves, else why not.
std::string unsupported_type(int8_t type) {
  if (type == ta::resource_topic || type == ta::resource_broker)
    return {};
  return "config resource type " + std::to_string(type) + " (" + resource_type_name(type) +
         ") is not supported: Tributary serves TOPIC (2) and BROKER (4) configs";
}

std::string describe_resource(int8_t type, const std::string& name) {
  return (type == ta::resource_topic ? "topic '" : "broker '") + name + "'";
}

/// Both AlterConfigs flavours answer the same per-resource shape; `Response` is the
/// generated response of either.
template <class Response>
struct alter_call {
  Response resp;
  std::vector<size_t> asked; // resp.responses index of each resource sent to the broker
};

template <class Response>
void forward_alter(connection_self self, const request_context& rc, ta::alter_configs_request ask,
                   std::shared_ptr<alter_call<Response>> call) {
  if (ask.resources.empty())
    return respond(self, rc, call->resp);
  ask_broker<ta::alter_configs_response>(
      self, default_wait_ms(self), std::move(ask),
      [self, rc, call](ta::alter_configs_response& altered) {
        for (size_t k = 0; k < call->asked.size(); ++k) {
          auto& out = call->resp.responses[call->asked[k]];
          if (k >= altered.results.size()) {
            out.error_code = code_of(kafka_error::unknown_server_error);
            out.error_message = "the broker did not answer for it";
            continue;
          }
          out.error_code = altered.results[k].error;
          out.error_message =
              message_or_null(altered.results[k].error, altered.results[k].error_message);
        }
        respond(self, rc, call->resp);
      },
      [self, rc, call](int16_t code, const std::string& why) {
        for (auto i : call->asked) {
          call->resp.responses[i].error_code = code;
          call->resp.responses[i].error_message = why;
        }
        respond(self, rc, call->resp);
      });
}

/// The per-resource answer skeleton plus the refusals every alter shares: unsupported
/// types and resources listed more than once (Kafka refuses each copy).
template <class Response, class Resources>
std::shared_ptr<alter_call<Response>> alter_skeleton(const Resources& resources,
                                                     std::vector<bool>& refused) {
  auto call = std::make_shared<alter_call<Response>>();
  std::map<std::pair<int8_t, std::string>, int> counts;
  for (const auto& res : resources)
    ++counts[{res.resource_type, res.resource_name}];
  refused.assign(resources.size(), false);
  for (size_t i = 0; i < resources.size(); ++i) {
    const auto& res = resources[i];
    auto& out = call->resp.responses.emplace_back();
    out.resource_type = res.resource_type;
    out.resource_name = res.resource_name;
    out.error_message = std::nullopt;
    std::string why = unsupported_type(res.resource_type);
    if (why.empty() && counts[{res.resource_type, res.resource_name}] > 1)
      why = describe_resource(res.resource_type, res.resource_name) +
            " is listed more than once in the request";
    if (!why.empty()) {
      out.error_code = code_of(kafka_error::invalid_request);
      out.error_message = why;
      refused[i] = true;
    }
  }
  return call;
}

pk::describe_configs_response::describe_configs_resource_result
to_entry(const ta::config_entry_info& e, int16_t version, bool with_documentation) {
  pk::describe_configs_response::describe_configs_resource_result out;
  out.name = e.name;
  out.value = e.is_null || e.is_sensitive ? std::nullopt : std::optional(e.value);
  out.read_only = e.read_only;
  out.is_default = e.source == k_default_config_source; // v0 only
  out.config_source = e.source;                         // v1+
  out.is_sensitive = e.is_sensitive;
  out.config_type = e.config_type;
  // Kafka answers null documentation unless it was asked for.
  out.documentation = with_documentation ? std::optional(e.documentation) : std::nullopt;
  if (version >= 1)
    for (const auto& s : e.synonyms) {
      auto& syn = out.synonyms.emplace_back();
      syn.name = s.name;
      syn.value = e.is_sensitive ? std::nullopt : std::optional(s.value);
      syn.source = s.source;
    }
  return out;
}

} // namespace

void handle_describe_configs(connection_self self, const request_context& rc, pk::wire_reader& r) {
  pk::describe_configs_request req;
  if (!decode_request(self, rc, r, req))
    return;
  pk::describe_configs_response resp;
  ta::describe_configs_request ask;
  ask.include_synonyms = rc.version() >= 1 && req.include_synonyms;
  ask.include_documentation = rc.version() >= 3 && req.include_documentation;
  const bool with_documentation = ask.include_documentation;
  std::vector<size_t> asked;
  for (const auto& res : req.resources) {
    auto& out = resp.results.emplace_back();
    out.resource_type = res.resource_type;
    out.resource_name = res.resource_name;
    out.error_message = std::nullopt;
    auto why = unsupported_type(res.resource_type);
    if (!why.empty()) {
      out.error_code = code_of(kafka_error::invalid_request);
      out.error_message = why;
      continue;
    }
    // Null and empty key lists both mean every key, as in Kafka's ConfigHelper.
    ta::config_resource cr{res.resource_type, res.resource_name, {}};
    if (res.configuration_keys)
      cr.keys = *res.configuration_keys;
    asked.push_back(resp.results.size() - 1);
    ask.resources.push_back(std::move(cr));
  }
  if (asked.empty())
    return respond(self, rc, resp);
  ask_broker<ta::describe_configs_response>(
      self, default_wait_ms(self), std::move(ask),
      [self, rc, resp, asked,
       with_documentation](ta::describe_configs_response& described) mutable {
        for (size_t k = 0; k < asked.size(); ++k) {
          auto& out = resp.results[asked[k]];
          if (k >= described.results.size()) {
            out.error_code = code_of(kafka_error::unknown_server_error);
            out.error_message = "the broker did not answer for it";
            continue;
          }
          const auto& in = described.results[k];
          out.error_code = in.error;
          out.error_message = message_or_null(in.error, in.error_message);
          for (const auto& e : in.entries)
            out.configs.push_back(to_entry(e, rc.version(), with_documentation));
        }
        respond(self, rc, resp);
      },
      [self, rc, resp, asked](int16_t code, const std::string& why) mutable {
        for (auto i : asked) {
          resp.results[i].error_code = code;
          resp.results[i].error_message = why;
        }
        respond(self, rc, resp);
      });
}

void handle_alter_configs(connection_self self, const request_context& rc, pk::wire_reader& r) {
  pk::alter_configs_request req;
  if (!decode_request(self, rc, r, req))
    return;
  std::vector<bool> refused;
  auto call = alter_skeleton<pk::alter_configs_response>(req.resources, refused);
  ta::alter_configs_request ask;
  ask.incremental = false;
  ask.validate_only = req.validate_only;
  for (size_t i = 0; i < req.resources.size(); ++i) {
    if (refused[i])
      continue;
    const auto& res = req.resources[i];
    ta::alter_config_resource ar{res.resource_type, res.resource_name, {}};
    // The set replaces every override, so a null value can only mean "no override for this
    // key" -- which leaving it out of the set says.
    for (const auto& c : res.configs)
      if (c.value)
        ar.ops.push_back({c.name, op_set, *c.value});
    call->asked.push_back(i);
    ask.resources.push_back(std::move(ar));
  }
  forward_alter(self, rc, std::move(ask), call);
}

void handle_incremental_alter_configs(connection_self self, const request_context& rc,
                                      pk::wire_reader& r) {
  pk::incremental_alter_configs_request req;
  if (!decode_request(self, rc, r, req))
    return;
  std::vector<bool> refused;
  auto call = alter_skeleton<pk::incremental_alter_configs_response>(req.resources, refused);
  ta::alter_configs_request ask;
  ask.incremental = true;
  ask.validate_only = req.validate_only;
  for (size_t i = 0; i < req.resources.size(); ++i) {
    if (refused[i])
      continue;
    const auto& res = req.resources[i];
    const auto what = describe_resource(res.resource_type, res.resource_name);
    ta::alter_config_resource ar{res.resource_type, res.resource_name, {}};
    std::set<std::string> keys;
    std::string why;
    for (const auto& c : res.configs) {
      if (!keys.insert(c.name).second)
        why = what + ": config '" + c.name + "' is altered more than once in the request";
      else if (c.config_operation < op_set || c.config_operation > op_subtract)
        why = what + ": config operation " + std::to_string(c.config_operation) + " for '" +
              c.name + "' is not one of 0 SET, 1 DELETE, 2 APPEND, 3 SUBTRACT";
      else if (!c.value && c.config_operation != op_delete)
        why = what + ": config '" + c.name + "' has a null value, which only DELETE allows";
      if (!why.empty())
        break;
      ar.ops.push_back({c.name, c.config_operation, c.value.value_or("")});
    }
    if (!why.empty()) {
      call->resp.responses[i].error_code = code_of(kafka_error::invalid_request);
      call->resp.responses[i].error_message = why;
      continue;
    }
    call->asked.push_back(i);
    ask.resources.push_back(std::move(ar));
  }
  forward_alter(self, rc, std::move(ask), call);
}

} // namespace tributary::kafka
