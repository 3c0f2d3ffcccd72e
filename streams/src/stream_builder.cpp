#include "tributary/streams/stream_builder.hpp"

namespace tributary::streams {

client::outcome<topology> stream_builder::build() const {
  if (!b_->error().empty())
    return client::make_error(protocol::kafka_error::invalid_config, b_->error());
  return b_->build();
}

} // namespace tributary::streams
