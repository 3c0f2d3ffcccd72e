#pragma once
// The Processor API (Kafka Streams' Processor / KStream#process): operators the DSL does not
// have, written as a class. A processor receives record<K, V>, may forward record<K2, V2>,
// use the task's stores (declared with stream_builder::add_store and named in process()),
// and schedule punctuators on stream time or wall-clock time:
//
//   struct dedup final : ts::processor<std::string, std::string, std::string, std::string> {
//     void init(ts::processor_context& ctx) override {
//       processor::init(ctx);
//       context().schedule(60'000, ts::punctuation_type::wall_clock_time,
//                          [this](int64_t now) { ... forward(...) ... });
//     }
//     void process(const ts::record<std::string, std::string>& r) override { forward(r); }
//   };
//   stream.process<std::string, std::string>([] { return std::make_unique<dedup>(); },
//                                            {"seen"});
//
// One instance per task, created when the task starts; everything runs in the task's actor.

#include "tributary/streams/processor.hpp"

namespace tributary::streams {

template <class K, class V, class K2, class V2>
class processor : public input<K, V>, public output<K2, V2> {
public:
  bool connect(node_instance& child) override { return output<K2, V2>::connect(child); }

protected:
  using output<K2, V2>::forward;
  processor_context& context() { return this->ctx(); }
};

} // namespace tributary::streams
