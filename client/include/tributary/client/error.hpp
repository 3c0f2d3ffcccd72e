#pragma once
// The client API's error currency: Kafka's error code plus a sentence saying what happened
// (the node's error_message when it sent one). outcome<T> is a T or an error; no exceptions
// cross the API.

#include "tributary/protocol/kafka_error.hpp"

#include <string>
#include <utility>
#include <variant>

namespace tributary::client {

struct error {
  protocol::kafka_error code = protocol::kafka_error::unknown_server_error;
  std::string message;

  bool is_retriable() const noexcept { return protocol::is_retriable(code); }
  /// "UNKNOWN_TOPIC_OR_PARTITION: topic 'x' does not exist" (message or Kafka's description).
  std::string to_string() const;
};

/// An error from a raw response code and optional message.
error make_error(int16_t code, std::string message = {});
error make_error(protocol::kafka_error code, std::string message = {});

template <class T>
class [[nodiscard]] outcome {
public:
  outcome(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  outcome(error e) : state_(std::in_place_index<1>, std::move(e)) {}

  bool has_value() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }
  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const error& err() const { return std::get<1>(state_); }

private:
  std::variant<T, error> state_;
};

template <>
class [[nodiscard]] outcome<void> {
public:
  outcome() = default;
  outcome(error e) : err_(std::move(e)), failed_(true) {}
  bool has_value() const noexcept { return !failed_; }
  explicit operator bool() const noexcept { return !failed_; }
  const error& err() const { return err_; }

private:
  error err_;
  bool failed_ = false;
};

} // namespace tributary::client
