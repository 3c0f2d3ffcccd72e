#pragma once
// The Streams API in one include: the DSL (stream_builder, kstream, ktable, grouped streams),
// topologies, and the runtime (streams_app). See docs/STREAMS.md.

#include "tributary/streams/custom_processor.hpp"
#include "tributary/streams/foreign_key_join.hpp"
#include "tributary/streams/joins.hpp"
#include "tributary/streams/kgrouped_stream.hpp"
#include "tributary/streams/kstream.hpp"
#include "tributary/streams/ktable.hpp"
#include "tributary/streams/options.hpp"
#include "tributary/streams/serde.hpp"
#include "tributary/streams/stream_builder.hpp"
#include "tributary/streams/streams_app.hpp"
#include "tributary/streams/streams_config.hpp"
#include "tributary/streams/topology.hpp"
