#include "group_subscription.hpp"

#include <cstdint>

namespace tributary::actors::groups {
namespace {

// Big-endian reader over a blob that reports truncation instead of reading past the end.
class reader {
public:
  explicit reader(const bytes& b) : data_(b) {}

  bool read_i16(int16_t& out) {
    if (data_.size() - pos_ < 2)
      return false;
    auto hi = static_cast<uint8_t>(data_[pos_]);
    auto lo = static_cast<uint8_t>(data_[pos_ + 1]);
    out = static_cast<int16_t>((hi << 8) | lo);
    pos_ += 2;
    return true;
  }

  bool read_i32(int32_t& out) {
    if (data_.size() - pos_ < 4)
      return false;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
      v = (v << 8) | static_cast<uint8_t>(data_[pos_ + i]);
    out = static_cast<int32_t>(v);
    pos_ += 4;
    return true;
  }

  bool read_string(std::string& out) {
    int16_t len = 0;
    if (!read_i16(len) || len < 0 || data_.size() - pos_ < static_cast<size_t>(len))
      return false;
    out.assign(data_.data() + pos_, static_cast<size_t>(len));
    pos_ += static_cast<size_t>(len);
    return true;
  }

  size_t remaining() const { return data_.size() - pos_; }

private:
  const bytes& data_;
  size_t pos_ = 0;
};

void put_i16(bytes& out, int16_t v) {
  out.push_back(static_cast<char>((v >> 8) & 0xff));
  out.push_back(static_cast<char>(v & 0xff));
}

void put_i32(bytes& out, int32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((v >> shift) & 0xff));
}

} // namespace

std::optional<std::vector<std::string>> subscription_topics(const bytes& metadata) {
  reader in{metadata};
  int16_t version = 0;
  int32_t count = 0;
  if (!in.read_i16(version) || version < 0 || !in.read_i32(count) || count < 0)
    return std::nullopt;
  // Each topic takes at least its 2-byte length: a larger count is a corrupt blob, and
  // checking first keeps a hostile count from reserving gigabytes.
  if (static_cast<size_t>(count) > in.remaining() / 2)
    return std::nullopt;
  std::vector<std::string> topics(static_cast<size_t>(count));
  for (auto& topic : topics)
    if (!in.read_string(topic))
      return std::nullopt;
  return topics;
}

bytes encode_subscription(const std::vector<std::string>& topics) {
  bytes out;
  put_i16(out, 0);
  put_i32(out, static_cast<int32_t>(topics.size()));
  for (const auto& t : topics) {
    put_i16(out, static_cast<int16_t>(t.size()));
    out.insert(out.end(), t.begin(), t.end());
  }
  put_i32(out, -1); // null user data
  return out;
}

std::optional<std::set<std::string>> subscribed_topics(const std::vector<const bytes*>& blobs) {
  std::set<std::string> all;
  for (const auto* blob : blobs) {
    auto topics = blob ? subscription_topics(*blob) : std::nullopt;
    if (!topics)
      return std::nullopt;
    all.insert(topics->begin(), topics->end());
  }
  return all;
}

} // namespace tributary::actors::groups
