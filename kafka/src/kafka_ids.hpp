#pragma once
// Conversions between the broker's ids and Kafka's wire forms: topic ids are stored as
// 8-4-4-4-12 hex text and travel as 16-byte uuids.

#include "tributary/protocol/kafka_wire.hpp"

#include <string>
#include <string_view>

namespace tributary::kafka {

/// The 16 bytes of "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"; all zero (Kafka's "no id") when
/// the text is empty or not a uuid.
protocol::kafka::uuid uuid_from_text(std::string_view text) noexcept;

/// Back to 8-4-4-4-12 lowercase hex; "" for the all-zero uuid.
std::string uuid_to_text(const protocol::kafka::uuid& id);

bool is_zero(const protocol::kafka::uuid& id) noexcept;

} // namespace tributary::kafka
