#pragma once
// serdes: typed keys and values over the byte strings records carry, with the byte layouts of
// Kafka's own serializers so Java and librdkafka clients read what we write:
//   std::string            UTF-8 bytes as they are (StringSerializer)
//   bytes                  raw bytes (ByteArraySerializer)
//   int16_t/int32_t/int64_t big-endian two's complement, 2/4/8 bytes (Short/Integer/LongSerializer)
//   float/double           big-endian IEEE 754 bits, 4/8 bytes (Float/DoubleSerializer)
//   nlohmann::json         compact JSON text (invalid UTF-8 in strings becomes U+FFFD)
// serde<T>::serialize never fails; deserialize fails with CORRUPT_MESSAGE and a sentence when
// the bytes cannot be a T (wrong length, malformed JSON). Kafka's null (std::nullopt) maps to
// std::nullopt through the *_optional helpers. Stateless, thread-safe.

#include "tributary/client/error.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tributary::client {

using bytes = std::vector<uint8_t>;

template <class T>
struct serde; // specialised below for the supported types

template <>
struct serde<std::string> {
  static std::string serialize(const std::string& x) { return x; }
  static outcome<std::string> deserialize(std::string_view in) { return std::string{in}; }
};

template <>
struct serde<bytes> {
  static std::string serialize(const bytes& x);
  static outcome<bytes> deserialize(std::string_view in);
};

template <>
struct serde<int16_t> {
  static std::string serialize(int16_t x);
  static outcome<int16_t> deserialize(std::string_view in);
};

template <>
struct serde<int32_t> {
  static std::string serialize(int32_t x);
  static outcome<int32_t> deserialize(std::string_view in);
};

template <>
struct serde<int64_t> {
  static std::string serialize(int64_t x);
  static outcome<int64_t> deserialize(std::string_view in);
};

template <>
struct serde<float> {
  static std::string serialize(float x);
  static outcome<float> deserialize(std::string_view in);
};

template <>
struct serde<double> {
  static std::string serialize(double x);
  static outcome<double> deserialize(std::string_view in);
};

template <>
struct serde<nlohmann::json> {
  static std::string serialize(const nlohmann::json& x);
  static outcome<nlohmann::json> deserialize(std::string_view in);
};

/// Kafka's null stays null: serialize(nullopt) is a null key/value.
template <class T>
std::optional<std::string> serialize_optional(const std::optional<T>& x) {
  if (!x)
    return std::nullopt;
  return serde<T>::serialize(*x);
}

/// A null key/value deserializes to nullopt; otherwise to a T or an error.
template <class T>
outcome<std::optional<T>> deserialize_optional(const std::optional<std::string>& in) {
  if (!in)
    return std::optional<T>{};
  auto r = serde<T>::deserialize(*in);
  if (!r)
    return r.err();
  return std::optional<T>{std::move(*r)};
}

} // namespace tributary::client
