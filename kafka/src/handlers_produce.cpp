// Produce: one broker request per partition (the partition actors append whole batches),
// gathered back into one response in the request's topic/partition order. acks=0 gets no
// response at all, as in Kafka: the sink is told to skip this request number at once.
#include "handlers.hpp"
#include "respond.hpp"

#include "tributary/protocol/kafka/produce.hpp"

#include <memory>

namespace tributary::kafka {

namespace pk = protocol::kafka;
namespace ta = tributary::actors;
using protocol::kafka_error;

namespace {

using response = pk::produce_response;

/// The response being filled while partition answers come in (all in this actor).
struct produce_gather {
  response resp;
  size_t pending = 0;
  bool answer = true; // false for acks=0
};

void finish_one(connection_self self, const request_context& rc,
                const std::shared_ptr<produce_gather>& g) {
  if (--g->pending == 0 && g->answer)
    respond(self, rc, g->resp);
}

void fill(response::partition_produce_response& out, const ta::produce_response& in) {
  out.error_code = in.error;
  if (in.error != 0) {
    out.base_offset = -1;
    if (!in.error_message.empty())
      out.error_message = in.error_message;
    return;
  }
  out.base_offset = in.base_offset;
  out.log_append_time_ms = in.log_append_time;
  out.log_start_offset = in.log_start_offset;
}

} // namespace

void handle_produce(connection_self self, const request_context& rc, pk::wire_reader& r) {
  pk::produce_request req;
  if (!decode_request(self, rc, r, req))
    return;
  auto g = std::make_shared<produce_gather>();
  g->answer = req.acks != 0;
  if (!g->answer)
    self->state.sink->skip(rc.seq); // nobody reads an acks=0 answer; later ones go out now
  for (const auto& t : req.topic_data) {
    response::topic_produce_response tr;
    tr.name = t.name;
    for (const auto& p : t.partition_data) {
      response::partition_produce_response pr;
      pr.index = p.index;
      pr.base_offset = -1;
      tr.partition_responses.push_back(pr);
    }
    g->resp.responses.push_back(std::move(tr));
  }
  for (size_t ti = 0; ti < req.topic_data.size(); ++ti)
    g->pending += req.topic_data[ti].partition_data.size();
  if (g->pending == 0) {
    if (g->answer)
      respond(self, rc, g->resp);
    return;
  }
  for (size_t ti = 0; ti < req.topic_data.size(); ++ti) {
    auto& t = req.topic_data[ti];
    for (size_t pi = 0; pi < t.partition_data.size(); ++pi) {
      auto& p = t.partition_data[pi];
      auto& slot_check = g->resp.responses[ti].partition_responses[pi];
      if (!p.records || p.records->empty()) {
        slot_check.error_code = static_cast<int16_t>(kafka_error::corrupt_message);
        slot_check.error_message = "produce to " + t.name + "-" + std::to_string(p.index) +
                                   ": no record batch in the request";
        finish_one(self, rc, g);
        continue;
      }
      ta::produce_request ask;
      ask.topic = t.name;
      ask.partition = p.index;
      ask.acks = req.acks;
      ask.timeout_ms = req.timeout_ms;
      ask.transactional_id = req.transactional_id.value_or("");
      ask.records = std::move(*p.records);
      ask_broker<ta::produce_response>(
          self, req.timeout_ms, std::move(ask),
          [self, rc, g, ti, pi](ta::produce_response& resp) {
            fill(g->resp.responses[ti].partition_responses[pi], resp);
            finish_one(self, rc, g);
          },
          [self, rc, g, ti, pi](int16_t code, const std::string& why) {
            auto& slot = g->resp.responses[ti].partition_responses[pi];
            slot.error_code = code;
            slot.error_message = why;
            finish_one(self, rc, g);
          });
    }
  }
}

} // namespace tributary::kafka
