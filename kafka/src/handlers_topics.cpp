// CreateTopics, DeleteTopics, CreatePartitions and DeleteRecords. The broker validates and
// applies the changes; here the Kafka forms are checked against what one node can do:
// explicit replica assignments are accepted only when every replica set is exactly this
// node (INVALID_REQUEST otherwise), and the structural rules Kafka applies on any cluster
// (consecutive partition indexes, one assignment per new partition) keep Kafka's
// INVALID_REPLICA_ASSIGNMENT. A topic listed twice is refused here, before anything is
// forwarded, so the broker's own duplicate check never sees a half-filtered list.
#include "handlers.hpp"
#include "kafka_ids.hpp"
#include "respond.hpp"

#include "tributary/protocol/kafka/create_partitions.hpp"
#include "tributary/protocol/kafka/create_topics.hpp"
#include "tributary/protocol/kafka/delete_records.hpp"
#include "tributary/protocol/kafka/delete_topics.hpp"

#include <map>
#include <memory>
#include <optional>

namespace tributary::kafka {

namespace pk = protocol::kafka;
namespace ta = tributary::actors;
using protocol::code_of;
using protocol::kafka_error;

namespace {

/// Kafka's ConfigSource.DYNAMIC_TOPIC_CONFIG: a per-topic override.
constexpr int8_t k_topic_config_source = 1;

template <class Items, class NameOf>
std::map<std::string, int> count_names(const Items& items, NameOf name_of) {
  std::map<std::string, int> out;
  for (const auto& item : items)
    ++out[name_of(item)];
  return out;
}

std::string node_list(const std::vector<int32_t>& ids) {
  std::string out = "[";
  for (size_t i = 0; i < ids.size(); ++i)
    out += (i > 0 ? "," : "") + std::to_string(ids[i]);
  return out + "]";
}

/// "" when `replicas` is exactly this node, else why not.
std::string replica_set_problem(const std::vector<int32_t>& replicas, int32_t node_id) {
  if (replicas.size() == 1 && replicas[0] == node_id)
    return {};
  return "replicas " + node_list(replicas) + " cannot be placed: this cluster is one node (id " +
         std::to_string(node_id) + "), so every replica list must be [" + std::to_string(node_id) +
         "]";
}

// -- CreateTopics ---------------------------------------------------------------------------

using create_request = pk::create_topics_request;
using create_response = pk::create_topics_response;

struct refusal {
  kafka_error error = kafka_error::none;
  std::string message;
};

/// Turns a creatable topic into the broker's spec, or says why it cannot be created.
std::optional<refusal> to_spec(const create_request::creatable_topic& t, int32_t node_id,
                               ta::new_topic_spec& out) {
  const std::string topic = "topic '" + t.name + "'";
  out.name = t.name;
  out.num_partitions = t.num_partitions;
  out.replication_factor = t.replication_factor;
  if (!t.assignments.empty()) {
    if (t.num_partitions != -1 || t.replication_factor != -1)
      return refusal{kafka_error::invalid_request,
                     topic + ": num_partitions and replication_factor must be -1 when replica "
                             "assignments are given (use one or the other)"};
    std::vector<bool> seen(t.assignments.size(), false);
    for (const auto& a : t.assignments) {
      if (a.partition_index < 0 || static_cast<size_t>(a.partition_index) >= seen.size() ||
          seen[static_cast<size_t>(a.partition_index)])
        return refusal{kafka_error::invalid_replica_assignment,
                       topic + ": assigned partitions must be 0.." +
                           std::to_string(t.assignments.size() - 1) + ", each once; got " +
                           std::to_string(a.partition_index)};
      seen[static_cast<size_t>(a.partition_index)] = true;
      auto why = replica_set_problem(a.broker_ids, node_id);
      if (!why.empty())
        return refusal{kafka_error::invalid_request,
                       topic + " partition " + std::to_string(a.partition_index) + ": " + why};
    }
    out.num_partitions = static_cast<int32_t>(t.assignments.size());
    out.replication_factor = 1;
  }
  for (const auto& c : t.configs) {
    if (!c.value)
      return refusal{kafka_error::invalid_config, topic + ": config '" + c.name +
                                                      "' has a null value (give a value or leave "
                                                      "the config out)"};
    out.configs.push_back({c.name, *c.value});
  }
  return std::nullopt;
}

/// The answer being built; shared by the broker's continuations.
struct create_call {
  create_response resp;
  std::vector<size_t> asked; // resp.topics index of each topic sent to the broker
  bool validate_only = false;
};

void fill_created(create_response::creatable_topic_result& out, const ta::topic_result& in) {
  out.error_code = in.error;
  out.error_message = message_or_null(in.error, in.error_message);
  if (in.error != 0)
    return;
  out.topic_id = uuid_from_text(in.topic_id);
  out.num_partitions = in.num_partitions;
  out.replication_factor = in.replication_factor;
  // The overrides the broker echoes; answer_created replaces them with every config once the
  // topic exists. A validate_only answer keeps them: there is no topic to describe.
  out.configs.emplace();
  for (const auto& kv : in.configs) {
    create_response::creatable_topic_configs c;
    c.name = kv.name;
    c.value = kv.value;
    c.config_source = k_topic_config_source;
    out.configs->push_back(std::move(c));
  }
}

/// v5+ answers every config of a created topic (as DescribeConfigs would), not just the
/// overrides the broker echoes; if they cannot be read the topic still counts as created and
/// carries topic_config_error_code with null configs, as Kafka does.
void answer_created(connection_self self, const request_context& rc,
                    std::shared_ptr<create_call> call) {
  ta::describe_configs_request ask;
  std::vector<size_t> described;
  if (rc.version() >= 5 && !call->validate_only)
    for (auto i : call->asked)
      if (call->resp.topics[i].error_code == 0) {
        ask.resources.push_back({ta::resource_topic, call->resp.topics[i].name, {}});
        described.push_back(i);
      }
  if (described.empty())
    return respond(self, rc, call->resp);
  auto no_configs = [call, described](size_t k, int16_t code) {
    auto& t = call->resp.topics[described[k]];
    t.topic_config_error_code = code;
    t.configs = std::nullopt;
  };
  ask_broker<ta::describe_configs_response>(
      self, default_wait_ms(self), std::move(ask),
      [self, rc, call, described, no_configs](ta::describe_configs_response& d) {
        for (size_t k = 0; k < described.size(); ++k) {
          if (k >= d.results.size() || d.results[k].error != 0) {
            no_configs(k, k < d.results.size() ? d.results[k].error
                                               : code_of(kafka_error::unknown_server_error));
            continue;
          }
          auto& configs = call->resp.topics[described[k]].configs.emplace();
          for (const auto& e : d.results[k].entries) {
            create_response::creatable_topic_configs c;
            c.name = e.name;
            c.value = e.is_null || e.is_sensitive ? std::nullopt : std::optional(e.value);
            c.read_only = e.read_only;
            c.config_source = e.source;
            c.is_sensitive = e.is_sensitive;
            configs.push_back(std::move(c));
          }
        }
        respond(self, rc, call->resp);
      },
      [self, rc, call, described, no_configs](int16_t code, const std::string&) {
        for (size_t k = 0; k < described.size(); ++k)
          no_configs(k, code);
        respond(self, rc, call->resp);
      });
}

// -- CreatePartitions -----------------------------------------------------------------------

using partitions_request = pk::create_partitions_request;
using partitions_response = pk::create_partitions_response;

struct partitions_call {
  partitions_request req;
  partitions_response resp;
  std::vector<size_t> pending; // request indexes not answered yet
};

void refuse(partitions_response::create_partitions_topic_result& out, kafka_error e,
            std::string message) {
  out.error_code = code_of(e);
  out.error_message = std::move(message);
}

/// Sends what is still pending to the broker and answers.
void forward_partitions(connection_self self, const request_context& rc,
                        std::shared_ptr<partitions_call> call) {
  if (call->pending.empty())
    return respond(self, rc, call->resp);
  ta::create_partitions_request ask;
  ask.timeout_ms = call->req.timeout_ms;
  ask.validate_only = call->req.validate_only;
  for (auto i : call->pending)
    ask.topics.push_back({call->req.topics[i].name, call->req.topics[i].count});
  ask_broker<ta::create_partitions_response>(
      self, call->req.timeout_ms, std::move(ask),
      [self, rc, call](ta::create_partitions_response& r) {
        for (size_t k = 0; k < call->pending.size(); ++k) {
          auto& out = call->resp.results[call->pending[k]];
          if (k >= r.topics.size()) {
            refuse(out, kafka_error::unknown_server_error, "the broker did not answer for it");
            continue;
          }
          out.error_code = r.topics[k].error;
          out.error_message = message_or_null(r.topics[k].error, r.topics[k].error_message);
        }
        respond(self, rc, call->resp);
      },
      [self, rc, call](int16_t code, const std::string& why) {
        for (auto i : call->pending) {
          call->resp.results[i].error_code = code;
          call->resp.results[i].error_message = why;
        }
        respond(self, rc, call->resp);
      });
}

/// Kafka wants one assignment per added partition; the added count needs the current one.
void check_assignment_counts(connection_self self, const request_context& rc,
                             std::shared_ptr<partitions_call> call) {
  ta::metadata_request ask;
  ask.all_topics = false;
  ask.allow_auto_create = false;
  for (auto i : call->pending)
    if (call->req.topics[i].assignments)
      ask.topics.push_back(call->req.topics[i].name);
  if (ask.topics.empty())
    return forward_partitions(self, rc, call);
  ask_broker<ta::metadata_response>(
      self, default_wait_ms(self), std::move(ask),
      [self, rc, call](ta::metadata_response& m) {
        std::vector<size_t> still;
        for (auto i : call->pending) {
          const auto& t = call->req.topics[i];
          const ta::topic_metadata* known = nullptr;
          for (const auto& tm : m.topics)
            if (tm.name == t.name && tm.error == 0)
              known = &tm;
          // Unknown topics and shrinking counts: the broker answers those.
          if (known && t.assignments && t.count > static_cast<int32_t>(known->partitions.size())) {
            auto added = t.count - static_cast<int32_t>(known->partitions.size());
            if (static_cast<int32_t>(t.assignments->size()) != added) {
              refuse(call->resp.results[i], kafka_error::invalid_replica_assignment,
                     "topic '" + t.name + "' grows from " +
                         std::to_string(known->partitions.size()) + " to " +
                         std::to_string(t.count) + " partitions, which needs " +
                         std::to_string(added) + " assignments; " +
                         std::to_string(t.assignments->size()) + " were given");
              continue;
            }
          }
          still.push_back(i);
        }
        call->pending = std::move(still);
        forward_partitions(self, rc, call);
      },
      [self, rc, call](int16_t code, const std::string& why) {
        for (auto i : call->pending) {
          call->resp.results[i].error_code = code;
          call->resp.results[i].error_message = why;
        }
        respond(self, rc, call->resp);
      });
}

} // namespace

void handle_create_topics(connection_self self, const request_context& rc, pk::wire_reader& r) {
  create_request req;
  if (!decode_request(self, rc, r, req))
    return;
  auto call = std::make_shared<create_call>();
  call->validate_only = rc.version() >= 1 && req.validate_only;
  ta::create_topics_request ask;
  ask.timeout_ms = req.timeout_ms;
  ask.validate_only = call->validate_only;
  auto counts = count_names(req.topics, [](const auto& t) { return t.name; });
  for (const auto& t : req.topics) {
    create_response::creatable_topic_result out;
    out.name = t.name;
    out.error_message = std::nullopt;
    ta::new_topic_spec spec;
    std::optional<refusal> no;
    if (counts[t.name] > 1)
      no = refusal{kafka_error::invalid_request,
                   "topic '" + t.name + "' is listed more than once in the request"};
    else
      no = to_spec(t, self->state.ctx->node_id, spec);
    if (no) {
      out.error_code = code_of(no->error);
      out.error_message = no->message;
    } else {
      call->asked.push_back(call->resp.topics.size());
      ask.topics.push_back(std::move(spec));
    }
    call->resp.topics.push_back(std::move(out));
  }
  if (ask.topics.empty())
    return respond(self, rc, call->resp);
  ask_broker<ta::create_topics_response>(
      self, req.timeout_ms, std::move(ask),
      [self, rc, call](ta::create_topics_response& created) {
        for (size_t k = 0; k < call->asked.size(); ++k) {
          auto& out = call->resp.topics[call->asked[k]];
          if (k < created.topics.size()) {
            fill_created(out, created.topics[k]);
          } else {
            out.error_code = code_of(kafka_error::unknown_server_error);
            out.error_message = "the broker did not answer for it";
          }
        }
        answer_created(self, rc, call);
      },
      [self, rc, call](int16_t code, const std::string& why) {
        for (auto i : call->asked) {
          call->resp.topics[i].error_code = code;
          call->resp.topics[i].error_message = why;
        }
        respond(self, rc, call->resp);
      });
}

void handle_delete_topics(connection_self self, const request_context& rc, pk::wire_reader& r) {
  pk::delete_topics_request req;
  if (!decode_request(self, rc, r, req))
    return;
  // v0-5 name topics in topic_names; the id-based `topics` list is v6+, which we do not serve.
  pk::delete_topics_response resp;
  for (const auto& name : req.topic_names) {
    pk::delete_topics_response::deletable_topic_result t;
    t.name = name;
    resp.responses.push_back(std::move(t));
  }
  if (req.topic_names.empty())
    return respond(self, rc, resp);
  ta::delete_topics_request ask;
  ask.names = req.topic_names;
  ask.timeout_ms = req.timeout_ms;
  ask_broker<ta::delete_topics_response>(
      self, req.timeout_ms, std::move(ask),
      [self, rc, resp](ta::delete_topics_response& deleted) mutable {
        for (size_t i = 0; i < resp.responses.size(); ++i) {
          auto& out = resp.responses[i];
          if (i >= deleted.topics.size()) {
            out.error_code = code_of(kafka_error::unknown_server_error);
            out.error_message = "the broker did not answer for it";
            continue;
          }
          out.error_code = deleted.topics[i].error;
          out.error_message =
              message_or_null(deleted.topics[i].error, deleted.topics[i].error_message);
        }
        respond(self, rc, resp);
      },
      [self, rc, resp](int16_t code, const std::string& why) mutable {
        for (auto& out : resp.responses) {
          out.error_code = code;
          out.error_message = why;
        }
        respond(self, rc, resp);
      });
}

void handle_create_partitions(connection_self self, const request_context& rc, pk::wire_reader& r) {
  auto call = std::make_shared<partitions_call>();
  if (!decode_request(self, rc, r, call->req))
    return;
  auto counts = count_names(call->req.topics, [](const auto& t) { return t.name; });
  const auto node_id = self->state.ctx->node_id;
  for (size_t i = 0; i < call->req.topics.size(); ++i) {
    const auto& t = call->req.topics[i];
    auto& out = call->resp.results.emplace_back();
    out.name = t.name;
    if (counts[t.name] > 1) {
      refuse(out, kafka_error::invalid_request,
             "topic '" + t.name + "' is listed more than once in the request");
      continue;
    }
    std::string why;
    if (t.assignments)
      for (size_t k = 0; k < t.assignments->size() && why.empty(); ++k) {
        auto problem = replica_set_problem((*t.assignments)[k].broker_ids, node_id);
        if (!problem.empty())
          why = "topic '" + t.name + "' new partition " + std::to_string(k) + ": " + problem;
      }
    if (!why.empty()) {
      refuse(out, kafka_error::invalid_request, why);
      continue;
    }
    call->pending.push_back(i);
  }
  check_assignment_counts(self, rc, call);
}

void handle_delete_records(connection_self self, const request_context& rc, pk::wire_reader& r) {
  pk::delete_records_request req;
  if (!decode_request(self, rc, r, req))
    return;
  pk::delete_records_response resp;
  ta::delete_records_request ask;
  ask.timeout_ms = req.timeout_ms;
  for (const auto& t : req.topics) {
    auto& tr = resp.topics.emplace_back();
    tr.name = t.name;
    for (const auto& p : t.partitions) {
      auto& pr = tr.partitions.emplace_back();
      pr.partition_index = p.partition_index;
      pr.low_watermark = -1;
      ask.partitions.push_back({t.name, p.partition_index, p.offset});
    }
  }
  if (ask.partitions.empty())
    return respond(self, rc, resp);
  ask_broker<ta::delete_records_response>(
      self, req.timeout_ms, std::move(ask),
      [self, rc, resp](ta::delete_records_response& deleted) mutable {
        size_t i = 0;
        for (auto& tr : resp.topics)
          for (auto& pr : tr.partitions) {
            if (i >= deleted.partitions.size()) {
              pr.error_code = code_of(kafka_error::unknown_server_error);
              continue;
            }
            const auto& in = deleted.partitions[i++];
            pr.error_code = in.error;
            pr.low_watermark = in.error == 0 ? in.low_watermark : -1;
          }
        respond(self, rc, resp);
      },
      [self, rc, resp](int16_t code, const std::string&) mutable {
        for (auto& tr : resp.topics)
          for (auto& pr : tr.partitions)
            pr.error_code = code;
        respond(self, rc, resp);
      });
}

} // namespace tributary::kafka
