#pragma once
// serde<T>: how the Streams API turns a C++ type into record bytes and back. A value holding
// two functions, so users can plug in their own format (Avro, protobuf, ...) per operator;
// serde<T>::of() picks the client library's built-in one (client/serdes.hpp: std::string,
// integers, floats, JSON). One indirect call per record: cheap next to a record's copy.

#include "tributary/client/error.hpp"
#include "tributary/client/serdes.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <utility>

namespace tributary::streams {

template <class T>
struct serde {
  std::function<std::string(const T&)> serialize;
  std::function<client::outcome<T>(std::string_view)> deserialize;

  /// The client library's serde for T (compile error for types it does not know).
  static serde of() {
    return serde{[](const T& x) { return std::string(client::serde<T>::serialize(x)); },
                 [](std::string_view in) { return client::serde<T>::deserialize(in); }};
  }

  /// A serde from two callables.
  template <class Ser, class De>
  static serde from(Ser ser, De de) {
    return serde{std::move(ser), std::move(de)};
  }
};

/// The serdes of a key and a value, as operators that read or write topics need them.
template <class K, class V>
struct serdes {
  serde<K> key = serde<K>::of();
  serde<V> value = serde<V>::of();
};

} // namespace tributary::streams
