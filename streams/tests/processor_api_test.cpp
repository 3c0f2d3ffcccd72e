// The Processor API: a custom processor with a store, punctuators on stream time and on the
// test driver's wall clock.
#include "tributary/streams/state/kv_store.hpp"
#include "tributary/streams/streams.hpp"
#include "tributary/streams/topology_test_driver.hpp"

#include <catch2/catch.hpp>

namespace ts = tributary::streams;
using str = std::string;

namespace {

/// Counts records per key in a store; every wall-clock second it forwards the counts and
/// clears them; every 100 ms of stream time it forwards a "tick".
class batching_counter final : public ts::processor<str, str, str, str> {
public:
  void init(ts::processor_context& ctx) override {
    processor::init(ctx);
    store_ = context().kv_store("pending");
    context().schedule(1000, ts::punctuation_type::wall_clock_time, [this](int64_t now) {
      auto all = store_->all();
      if (!all)
        return;
      for (const auto& kv : *all) {
        forward(ts::record<str, str>{kv.key, kv.value, now});
        store_->remove(kv.key);
      }
    });
    context().schedule(100, ts::punctuation_type::stream_time, [this](int64_t t) {
      forward(ts::record<str, str>{"tick", std::to_string(t), t});
    });
  }
  void process(const ts::record<str, str>& r) override {
    auto old = store_->get(r.key);
    int64_t n = old && *old ? std::stoll(**old) : 0;
    store_->put(r.key, std::to_string(n + 1));
  }

private:
  tributary::streams::state::kv_store* store_ = nullptr;
};

} // namespace

TEST_CASE("custom processors use stores and punctuate on stream and wall-clock time",
          "[streams][processor]") {
  ts::stream_builder b;
  b.add_store("pending");
  b.stream<str, str>("in")
      .process<str, str>([] { return std::make_unique<batching_counter>(); }, {"pending"})
      .to("out");
  auto t = b.build();
  REQUIRE(t);
  CHECK_THAT(t->describe(), Catch::Contains("pending"));
  ts::topology_test_driver d(*t);
  REQUIRE(d.create_topic("in"));
  REQUIRE(d.create_topic("out"));
  REQUIRE(d.pipe<str, str>("in", "a", "x", 1000));
  REQUIRE(d.pipe<str, str>("in", "a", "x", 1050));
  REQUIRE(d.pipe<str, str>("in", "b", "x", 1150)); // stream time +150 >= 100: a tick
  auto r = d.process();
  INFO((r ? "" : r.err().to_string()));
  REQUIRE(r);
  auto out = d.read<str, str>("out");
  REQUIRE(out.size() == 1);
  CHECK(out[0] == std::pair<str, str>{"tick", "1150"});
  REQUIRE(d.advance_wall_clock(1000)); // the wall-clock punctuator flushes the counts
  auto flushed = d.read<str, str>("out");
  std::map<str, str> counts(flushed.begin(), flushed.end());
  CHECK(counts == std::map<str, str>{{"a", "2"}, {"b", "1"}});
  REQUIRE(d.advance_wall_clock(1000)); // nothing pending any more
  CHECK(d.read<str, str>("out").empty());
}
