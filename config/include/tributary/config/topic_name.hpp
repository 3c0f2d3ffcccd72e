#pragma once
// topic_name: Kafka's rules for topic names (org.apache.kafka.common.internals.Topic) --
// which names are legal, and which legal names collide in metric names ('.' vs '_').
// Pure functions; the metadata store calls them before creating a topic.

#include "tributary/common/result.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace tributary::config {

/// The longest legal topic name (Kafka: 249, so that log folder names fit in 255 bytes).
inline constexpr std::size_t k_max_topic_name_length = 249;

/// Kafka's Topic.validate: non-empty, at most 249 characters, only ASCII letters, digits,
/// '.', '_' and '-', and neither "." nor "..". Fails with errc::invalid_value; `why` names
/// the problem ("topic name 'a/b' contains '/': allowed characters are ASCII letters,
/// digits, '.', '_' and '-'"). Thread-safe.
result<void> validate_topic_name(std::string_view name, std::string* why = nullptr);

/// True when `name` contains '.' or '_', the characters that may collide (Kafka's
/// Topic.hasCollisionChars); tools warn when creating such a topic.
bool has_collision_chars(std::string_view name) noexcept;

/// True when the two names are equal once every '.' is read as '_' (Kafka's
/// Topic.hasCollision): "a.b" and "a_b" collide because metric names replace '.' with '_'.
/// Identical names collide too.
bool topic_names_collide(std::string_view a, std::string_view b) noexcept;

} // namespace tributary::config
