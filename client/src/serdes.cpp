#include "tributary/client/serdes.hpp"

#include <nlohmann/json.hpp>

#include <cstring>

namespace tributary::client {

namespace {

template <class U>
std::string big_endian(U x) {
  std::string out(sizeof(U), '\0');
  for (size_t i = 0; i < sizeof(U); ++i)
    out[i] = static_cast<char>((x >> (8 * (sizeof(U) - 1 - i))) & 0xff);
  return out;
}

template <class U>
U from_big_endian(std::string_view in) {
  U x = 0;
  for (size_t i = 0; i < sizeof(U); ++i)
    x = static_cast<U>((x << 8) | static_cast<unsigned char>(in[i]));
  return x;
}

error wrong_size(const char* type, size_t want, size_t got) {
  return make_error(protocol::kafka_error::corrupt_message,
                    std::string{"cannot deserialize "} + type + ": expected " +
                        std::to_string(want) + " bytes, got " + std::to_string(got));
}

// Integers travel as their unsigned bit pattern (two's complement, as Java writes them).
template <class S, class U>
outcome<S> integer_from(const char* type, std::string_view in) {
  if (in.size() != sizeof(U))
    return wrong_size(type, sizeof(U), in.size());
  return static_cast<S>(from_big_endian<U>(in));
}

} // namespace

std::string serde<bytes>::serialize(const bytes& x) {
  return std::string(reinterpret_cast<const char*>(x.data()), x.size());
}

outcome<bytes> serde<bytes>::deserialize(std::string_view in) {
  return bytes(reinterpret_cast<const uint8_t*>(in.data()),
               reinterpret_cast<const uint8_t*>(in.data()) + in.size());
}

std::string serde<int16_t>::serialize(int16_t x) {
  return big_endian(static_cast<uint16_t>(x));
}

outcome<int16_t> serde<int16_t>::deserialize(std::string_view in) {
  return integer_from<int16_t, uint16_t>("int16", in);
}

std::string serde<int32_t>::serialize(int32_t x) {
  return big_endian(static_cast<uint32_t>(x));
}

outcome<int32_t> serde<int32_t>::deserialize(std::string_view in) {
  return integer_from<int32_t, uint32_t>("int32", in);
}

std::string serde<int64_t>::serialize(int64_t x) {
  return big_endian(static_cast<uint64_t>(x));
}

outcome<int64_t> serde<int64_t>::deserialize(std::string_view in) {
  return integer_from<int64_t, uint64_t>("int64", in);
}

std::string serde<float>::serialize(float x) {
  uint32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  return big_endian(bits);
}

outcome<float> serde<float>::deserialize(std::string_view in) {
  if (in.size() != 4)
    return wrong_size("float", 4, in.size());
  auto bits = from_big_endian<uint32_t>(in);
  float x;
  std::memcpy(&x, &bits, sizeof x);
  return x;
}

std::string serde<double>::serialize(double x) {
  uint64_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  return big_endian(bits);
}

outcome<double> serde<double>::deserialize(std::string_view in) {
  if (in.size() != 8)
    return wrong_size("double", 8, in.size());
  auto bits = from_big_endian<uint64_t>(in);
  double x;
  std::memcpy(&x, &bits, sizeof x);
  return x;
}

std::string serde<nlohmann::json>::serialize(const nlohmann::json& x) {
  // replace: a string with invalid UTF-8 must not throw out of the producer's send().
  return x.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

outcome<nlohmann::json> serde<nlohmann::json>::deserialize(std::string_view in) {
  auto j = nlohmann::json::parse(in.begin(), in.end(), nullptr, false);
  if (j.is_discarded()) {
    auto shown = in.substr(0, 40);
    return make_error(protocol::kafka_error::corrupt_message,
                      "cannot deserialize JSON: malformed text starting '" + std::string{shown} +
                          (in.size() > shown.size() ? "...'" : "'"));
  }
  return j;
}

} // namespace tributary::client
