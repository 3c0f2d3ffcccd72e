#pragma once
// The part of Kafka's ConsumerProtocol the coordinator reads: the topics of a Subscription.
// Kafka's coordinator needs them for OffsetDelete (GROUP_SUBSCRIBED_TO_TOPIC) and to tell a
// changed subscription from changed user data; everything else in the blob stays opaque.
// Pure functions, thread-safe. Private to actors/.

#include "tributary/actors/messages/common.hpp"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace tributary::actors::groups {

/// The topics of a ConsumerProtocol Subscription (int16 version, int32 count, int16-length
/// strings, then fields of later versions that are ignored). Every version starts with the
/// v0 layout, so any version >= 0 parses; nullopt for a negative version, a negative length
/// or a blob cut short.
std::optional<std::vector<std::string>> subscription_topics(const bytes& metadata);

/// A ConsumerProtocol Subscription v0 with these topics and no user data (tests and the
/// native client's default assignors).
bytes encode_subscription(const std::vector<std::string>& topics);

/// The union of the subscriptions' topics; nullopt when any of them does not parse (the
/// caller then assumes every topic may be subscribed, as Kafka does).
std::optional<std::set<std::string>> subscribed_topics(const std::vector<const bytes*>& blobs);

} // namespace tributary::actors::groups
