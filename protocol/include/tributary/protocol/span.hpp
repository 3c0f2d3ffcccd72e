#pragma once
// span<T>: a non-owning view of contiguous elements (the subset of C++20 std::span we need,
// so the module stays C++17). byte_span is the currency for wire bytes: records, keys and
// values are spans into a batch or into a caller-owned decompression buffer.
// Owner: whoever owns the viewed memory; the span must not outlive it. Trivially copyable,
// thread-safe as far as the viewed memory is; never fails (out-of-range subspan asserts).

#include <cassert>
#include <cstddef>
#include <string_view>
#include <type_traits>
#include <vector>

namespace tributary::protocol {

/// A view of `size()` contiguous T; owned by nobody, valid while the underlying memory is.
template <class T>
class span {
public:
  using element_type = T;
  using value_type = std::remove_cv_t<T>;
  using iterator = T*;

  constexpr span() noexcept = default;
  constexpr span(T* data, size_t size) noexcept : data_(data), size_(size) {}
  template <class U, class = std::enable_if_t<std::is_convertible_v<U (*)[], T (*)[]>>>
  constexpr span(span<U> other) noexcept : data_(other.data()), size_(other.size()) {}
  template <class U, class A,
            class = std::enable_if_t<std::is_convertible_v<const U (*)[], T (*)[]>>>
  span(const std::vector<U, A>& v) noexcept : data_(v.data()), size_(v.size()) {}
  template <class U, class A, class = std::enable_if_t<std::is_convertible_v<U (*)[], T (*)[]>>>
  span(std::vector<U, A>& v) noexcept : data_(v.data()), size_(v.size()) {}
  template <size_t N>
  constexpr span(T (&arr)[N]) noexcept : data_(arr), size_(N) {}

  constexpr T* data() const noexcept { return data_; }
  constexpr size_t size() const noexcept { return size_; }
  constexpr bool empty() const noexcept { return size_ == 0; }
  constexpr T* begin() const noexcept { return data_; }
  constexpr T* end() const noexcept { return data_ + size_; }
  constexpr T& operator[](size_t i) const noexcept { return data_[i]; }

  constexpr span subspan(size_t offset, size_t count) const noexcept {
    assert(offset <= size_ && count <= size_ - offset);
    return span(data_ + offset, count);
  }
  constexpr span subspan(size_t offset) const noexcept { return subspan(offset, size_ - offset); }
  constexpr span first(size_t count) const noexcept { return subspan(0, count); }

private:
  T* data_ = nullptr;
  size_t size_ = 0;
};

using byte_span = span<const std::byte>;

/// Views the characters of a string as bytes (no copy).
inline byte_span as_bytes(std::string_view s) noexcept {
  return byte_span(reinterpret_cast<const std::byte*>(s.data()), s.size());
}

/// Views bytes as characters (header keys are UTF-8 strings on the wire).
inline std::string_view as_string_view(byte_span b) noexcept {
  return std::string_view(reinterpret_cast<const char*>(b.data()), b.size());
}

/// Byte-wise equality of two views (null data with size 0 equals any empty view).
inline bool equal_bytes(byte_span a, byte_span b) noexcept {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i])
      return false;
  return true;
}

} // namespace tributary::protocol
