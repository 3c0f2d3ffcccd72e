#pragma once
// result<T>: a value or a std::error_code, the error currency inside every module
// (tl::expected is not packaged for Debian 12, so this is the small subset we use).
// Not thread-safe beyond what T is; never throws except on misuse (value() of an error).

#include <cassert>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

namespace tributary {

/// Wraps an error so `return unexpected(errc::x);` reads like tl::expected.
struct unexpected {
  std::error_code code;
  template <class E, class = std::enable_if_t<std::is_error_code_enum_v<E>>>
  unexpected(E e) : code(make_error_code(e)) {}
  unexpected(std::error_code ec) : code(ec) {}
};

template <class T>
class [[nodiscard]] result {
public:
  using value_type = T;

  result(const T& v) : state_(std::in_place_index<0>, v) {}
  result(T&& v) : state_(std::in_place_index<0>, std::move(v)) {}
  template <class U, class = std::enable_if_t<std::is_constructible_v<T, U&&> &&
                                              !std::is_same_v<std::decay_t<U>, result> &&
                                              !std::is_same_v<std::decay_t<U>, unexpected>>>
  result(U&& v) : state_(std::in_place_index<0>, T(std::forward<U>(v))) {}
  result(unexpected u) : state_(std::in_place_index<1>, u.code) {}

  bool has_value() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  std::error_code error() const {
    assert(!has_value());
    return std::get<1>(state_);
  }

  template <class U>
  T value_or(U&& fallback) const& {
    return has_value() ? value() : static_cast<T>(std::forward<U>(fallback));
  }

private:
  std::variant<T, std::error_code> state_;
};

template <>
class [[nodiscard]] result<void> {
public:
  result() = default;
  result(unexpected u) : error_(u.code) {}

  bool has_value() const noexcept { return !error_; }
  explicit operator bool() const noexcept { return has_value(); }
  void value() const { assert(has_value()); }
  std::error_code error() const { return error_; }

private:
  std::error_code error_;
};

/// Propagates an error from an expression returning result<...>.
#define TRIB_TRY(expr)                                                                             \
  do {                                                                                             \
    if (auto trib_try_r_ = (expr); !trib_try_r_)                                                   \
      return ::tributary::unexpected(trib_try_r_.error());                                         \
  } while (false)

} // namespace tributary
