// The sender's error handling against a scripted broker (a plain actor standing in for the
// node): retriable errors are retried after retry.backoff.ms and the records still land in
// order, non-retriable ones fail at once, retries and request timeouts are bounded, and
// max.in.flight=1 keeps one request per partition on the wire.

#include "connection_test_support.hpp"

#include "tributary/actors/system_setup.hpp"
#include "tributary/client/producer.hpp"

#include "caf/all.hpp"

#include <mutex>

using namespace tributary::client;
using tributary::protocol::kafka_error;
namespace ta = tributary::actors;

namespace {

struct script {
  int fail_first = 0;  // produce calls answered with `code` before the first success
  int16_t code = 0;    // the error they get
  bool silent = false; // never answer produce requests
};

struct fake_state {
  script s;
  int calls = 0;
  int64_t next_offset = 0;
  std::vector<caf::response_promise> parked;
  static constexpr const char* name = "fake_broker";
};

using count_atom = caf::atom_constant<caf::atom("fb_count")>;

int32_t count_records(const ta::bytes& data) {
  using namespace tributary::protocol;
  int32_t n = 0;
  size_t pos = 0;
  auto bytes = reinterpret_cast<const std::byte*>(data.data());
  while (pos < data.size()) {
    auto h = parse_batch_header(bytes + pos, data.size() - pos);
    REQUIRE(h);
    n += h->records_count;
    pos += h->total_size();
  }
  return n;
}

caf::behavior fake_broker(caf::stateful_actor<fake_state>* self, script s) {
  self->state.s = s;
  return {
      [=](const ta::metadata_request& req) {
        ta::metadata_response r;
        for (auto& t : req.topics) {
          ta::topic_metadata tm;
          tm.name = t;
          tm.partitions.push_back(ta::partition_metadata{0, 0, 0, 0, {0}, {0}, {}});
          r.topics.push_back(tm);
        }
        return r;
      },
      [=](const ta::produce_request& req) -> caf::result<ta::produce_response> {
        auto& st = self->state;
        ++st.calls;
        if (st.s.silent) {
          st.parked.push_back(self->make_response_promise());
          return caf::delegated<ta::produce_response>{};
        }
        ta::produce_response r;
        r.topic = req.topic;
        r.partition = req.partition;
        if (st.calls <= st.s.fail_first) {
          r.error = st.s.code;
          r.error_message = "scripted failure " + std::to_string(st.calls);
          return r;
        }
        r.base_offset = st.next_offset;
        st.next_offset += count_records(req.records);
        return r;
      },
      [=](count_atom) { return self->state.calls; },
  };
}

struct fake_fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  caf::actor broker;

  explicit fake_fixture(script s) {
    ta::system_options opts;
    opts.load_middleman = false;
    ta::configure_actor_system(cfg, opts);
    sys = std::make_unique<caf::actor_system>(cfg);
    broker = sys->spawn(fake_broker, s);
  }
  ~fake_fixture() {
    caf::anon_send_exit(broker, caf::exit_reason::user_shutdown);
    broker = nullptr;
  }
  connection conn() {
    auto c = connection::attach(*sys, caf::actor_cast<ta::broker_actor>(broker), "fake");
    REQUIRE(c);
    return *c;
  }
  int calls() {
    caf::scoped_actor self{*sys};
    int n = -1;
    self->request(broker, std::chrono::seconds(5), count_atom::value)
        .receive([&](int x) { n = x; }, [&](caf::error&) {});
    return n;
  }
};

std::vector<outcome<record_metadata>> send_all(producer& p, int n) {
  std::vector<std::future<outcome<record_metadata>>> futures;
  for (int i = 0; i < n; ++i)
    futures.push_back(p.send({"t", std::nullopt, std::nullopt, "v" + std::to_string(i), {}, -1}));
  std::vector<outcome<record_metadata>> out;
  for (auto& f : futures) {
    REQUIRE(f.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
    out.push_back(f.get());
  }
  return out;
}

} // namespace

TEST_CASE("retriable produce errors are retried and the records land in order", "[producer]") {
  fake_fixture f{{3, tributary::protocol::code_of(kafka_error::not_leader_or_follower), false}};
  {
    auto p = producer::create(f.conn(), {{"retry.backoff.ms", "5"}, {"linger.ms", "1"}});
    REQUIRE(p);
    auto results = send_all(*p, 20);
    for (size_t i = 0; i < results.size(); ++i) {
      INFO(i << ": " << (results[i] ? std::string{} : results[i].err().to_string()));
      REQUIRE(results[i]);
      CHECK(results[i]->offset == static_cast<int64_t>(i));
    }
    CHECK(p->metrics().retries >= 3);
  }
  CHECK(f.calls() >= 4);
}

TEST_CASE("non-retriable produce errors fail the records at once", "[producer]") {
  fake_fixture f{{1000, tributary::protocol::code_of(kafka_error::invalid_record), false}};
  auto p = producer::create(f.conn(), {{"linger.ms", "0"}});
  REQUIRE(p);
  auto results = send_all(*p, 3);
  for (auto& r : results) {
    REQUIRE_FALSE(r);
    CHECK(r.err().code == kafka_error::invalid_record);
    CHECK(r.err().message.find("scripted failure") != std::string::npos);
  }
  CHECK(p->metrics().retries == 0);
}

TEST_CASE("retries are bounded by the retries setting", "[producer]") {
  fake_fixture f{{1000, tributary::protocol::code_of(kafka_error::not_leader_or_follower), false}};
  auto p =
      producer::create(f.conn(), {{"retries", "2"}, {"retry.backoff.ms", "1"}, {"linger.ms", "0"}});
  REQUIRE(p);
  auto results = send_all(*p, 1);
  REQUIRE_FALSE(results[0]);
  CHECK(results[0].err().code == kafka_error::not_leader_or_follower);
  CHECK(results[0].err().message.find("after 3 attempts (retries=2") != std::string::npos);
  CHECK(f.calls() == 3);
}

TEST_CASE("an unanswered produce times out and is not retried past delivery.timeout.ms",
          "[producer]") {
  fake_fixture f{{0, 0, true}};
  auto p = producer::create(f.conn(), {{"request.timeout.ms", "100"},
                                       {"delivery.timeout.ms", "1200"},
                                       {"linger.ms", "0"},
                                       {"retry.backoff.ms", "10"},
                                       {"max.in.flight.requests.per.connection", "1"}});
  REQUIRE(p);
  auto results = send_all(*p, 5);
  for (auto& r : results) {
    REQUIRE_FALSE(r);
    CHECK((r.err().code == kafka_error::request_timed_out));
  }
  // max.in.flight=1: one request at a time, each waiting 100 ms + 1 s, so at most two
  // attempts fit in delivery.timeout.ms=1.2 s (5 records, one partition).
  CHECK(f.calls() >= 1);
  CHECK(f.calls() <= 2);
}
