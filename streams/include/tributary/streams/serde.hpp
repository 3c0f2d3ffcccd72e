#pragma once
// serde<T>: how the Streams API turns a C++ type into record bytes and back. A value holding
// two functions, so users can plug in their own format (Avro, protobuf, ...) per operator;
// serde<T>::of() picks the client library's built-in one (client/serdes.hpp: std::string,
// integers, floats, JSON). One indirect call per record: cheap next to a record's copy.

#include "tributary/client/error.hpp"
#include "tributary/client/serdes.hpp"

#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
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

template <class T, class = void>
struct has_client_serde : std::false_type {};
template <class T>
struct has_client_serde<
    T, std::void_t<decltype(client::serde<T>::serialize(std::declval<const T&>()))>>
    : std::true_type {};

/// True when serde<T>::of() works (the client's types; windows.hpp adds windowed<K>).
template <class T>
struct has_default_serde : has_client_serde<T> {};

/// serde<T>::of() where there is one; else a serde that throws when used, which the task's
/// processing error handler reports ("no serde for ...: pass one"), so types without a
/// built-in serde compile as long as the operators that need bytes get explicit serdes.
template <class T>
serde<T> default_serde() {
  if constexpr (has_default_serde<T>::value) {
    return serde<T>::of();
  } else {
    auto fail = [] {
      return std::logic_error(std::string("no serde for type ") + typeid(T).name() +
                              ": pass serdes to the operator that reads or writes it");
    };
    return serde<T>{[fail](const T&) -> std::string { throw fail(); },
                    [fail](std::string_view) -> client::outcome<T> { throw fail(); }};
  }
}

/// The serdes of a key and a value, as operators that read or write topics need them.
template <class K, class V>
struct serdes {
  serde<K> key = default_serde<K>();
  serde<V> value = default_serde<V>();
};

} // namespace tributary::streams
