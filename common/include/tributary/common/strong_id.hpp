#pragma once
// Strong types for the ids that get mixed up (offset vs partition vs epoch): a struct
// wrapping an integer with comparison and explicit construction. Plain values, thread-safe.

#include <cstdint>
#include <functional>
#include <ostream>

namespace tributary {

template <class Tag, class Rep>
struct strong_id {
  using rep = Rep;
  Rep value{};

  constexpr strong_id() = default;
  constexpr explicit strong_id(Rep v) : value(v) {}
  constexpr Rep operator()() const { return value; }

  friend constexpr bool operator==(strong_id a, strong_id b) { return a.value == b.value; }
  friend constexpr bool operator!=(strong_id a, strong_id b) { return a.value != b.value; }
  friend constexpr bool operator<(strong_id a, strong_id b) { return a.value < b.value; }
  friend constexpr bool operator<=(strong_id a, strong_id b) { return a.value <= b.value; }
  friend constexpr bool operator>(strong_id a, strong_id b) { return a.value > b.value; }
  friend constexpr bool operator>=(strong_id a, strong_id b) { return a.value >= b.value; }
  friend std::ostream& operator<<(std::ostream& os, strong_id id) { return os << id.value; }
};

// Offsets move: allow the arithmetic that log code needs, nothing more.
struct offset_tag {};
struct offset : strong_id<offset_tag, int64_t> {
  using strong_id::strong_id;
  constexpr offset operator+(int64_t d) const { return offset{value + d}; }
  constexpr offset operator-(int64_t d) const { return offset{value - d}; }
  constexpr int64_t operator-(offset o) const { return value - o.value; }
  offset& operator++() {
    ++value;
    return *this;
  }
};

using partition_id = strong_id<struct partition_id_tag, int32_t>;
using node_id = strong_id<struct node_id_tag, int32_t>;
using epoch = strong_id<struct epoch_tag, int32_t>;
using generation_id = strong_id<struct generation_id_tag, int32_t>;
using producer_id = strong_id<struct producer_id_tag, int64_t>;
using producer_epoch = strong_id<struct producer_epoch_tag, int16_t>;

} // namespace tributary

namespace std {
template <class Tag, class Rep>
struct hash<tributary::strong_id<Tag, Rep>> {
  size_t operator()(tributary::strong_id<Tag, Rep> id) const noexcept {
    return std::hash<Rep>{}(id.value);
  }
};
template <>
struct hash<tributary::offset> {
  size_t operator()(tributary::offset o) const noexcept { return std::hash<int64_t>{}(o.value); }
};
} // namespace std
