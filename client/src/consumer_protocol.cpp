// Kafka's ConsumerProtocol Subscription / Assignment codec (see consumer_protocol.hpp).
#include "tributary/client/consumer_protocol.hpp"

#include <algorithm>
#include <cstring>

namespace tributary::client {
namespace {

// -- writing (big-endian, Kafka's non-flexible primitive types) -----------------------------

class writer {
public:
  void i16(int16_t v) { be(static_cast<uint16_t>(v), 2); }
  void i32(int32_t v) { be(static_cast<uint32_t>(v), 4); }
  void string(const std::string& s) {
    i16(static_cast<int16_t>(s.size()));
    out_.insert(out_.end(), s.begin(), s.end());
  }
  void nullable_string(const std::optional<std::string>& s) {
    if (!s)
      i16(-1);
    else
      string(*s);
  }
  void nullable_bytes(const std::optional<std::string>& b) {
    if (!b) {
      i32(-1);
      return;
    }
    i32(static_cast<int32_t>(b->size()));
    out_.insert(out_.end(), b->begin(), b->end());
  }
  /// [topic string, partitions [i32]] grouped by topic in order of first appearance.
  void topic_partitions(const std::vector<topic_partition>& tps) {
    std::vector<std::string> order;
    for (auto& tp : tps)
      if (std::find(order.begin(), order.end(), tp.topic) == order.end())
        order.push_back(tp.topic);
    i32(static_cast<int32_t>(order.size()));
    for (auto& topic : order) {
      string(topic);
      auto n = std::count_if(tps.begin(), tps.end(), [&](auto& tp) { return tp.topic == topic; });
      i32(static_cast<int32_t>(n));
      for (auto& tp : tps)
        if (tp.topic == topic)
          i32(tp.partition);
    }
  }
  std::vector<char> take() { return std::move(out_); }

private:
  void be(uint32_t v, int n) {
    for (int i = n - 1; i >= 0; --i)
      out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  std::vector<char> out_;
};

// -- reading ---------------------------------------------------------------------------------

class reader {
public:
  reader(const char* data, size_t size, const char* what) : p_(data), n_(size), what_(what) {}

  bool at_end() const { return pos_ >= n_; }
  const std::string& failure() const { return failure_; }
  bool ok() const { return failure_.empty(); }

  int16_t i16(const char* field) {
    uint32_t v = 0;
    if (!be(2, field, v))
      return 0;
    return static_cast<int16_t>(static_cast<uint16_t>(v));
  }
  int32_t i32(const char* field) {
    uint32_t v = 0;
    if (!be(4, field, v))
      return 0;
    return static_cast<int32_t>(v);
  }
  std::optional<std::string> nullable_string(const char* field) {
    auto len = i16(field);
    if (!ok() || len == -1)
      return std::nullopt;
    return chars(len, field);
  }
  std::string string(const char* field) {
    auto len = i16(field);
    if (ok() && len == -1)
      fail(field, "is null but may not be");
    return ok() ? chars(len, field).value_or("") : std::string{};
  }
  std::optional<std::string> nullable_bytes(const char* field) {
    auto len = i32(field);
    if (!ok() || len == -1)
      return std::nullopt;
    return chars(len, field);
  }
  int32_t array_length(const char* field) {
    auto n = i32(field);
    if (ok() && n < 0)
      fail(field, "has a negative length");
    // Each element takes at least 2 bytes: a count beyond that is a corrupt blob, not a
    // reason to reserve gigabytes.
    if (ok() && static_cast<size_t>(n) > (n_ - pos_) / 2 + 1)
      fail(field, "claims more elements than bytes remain");
    return ok() ? n : 0;
  }
  std::vector<topic_partition> topic_partitions(const char* field) {
    std::vector<topic_partition> out;
    auto topics = array_length(field);
    for (int32_t t = 0; ok() && t < topics; ++t) {
      auto topic = string(field);
      auto parts = array_length(field);
      for (int32_t i = 0; ok() && i < parts; ++i) {
        auto p = i32(field);
        if (ok())
          out.push_back(topic_partition{topic, p});
      }
    }
    return out;
  }
  void fail(const char* field, const char* why) {
    if (failure_.empty())
      failure_ = std::string{what_} + " field " + field + " " + why + " (at byte " +
                 std::to_string(pos_) + " of " + std::to_string(n_) + ")";
  }

private:
  bool be(size_t bytes, const char* field, uint32_t& v) {
    if (!ok())
      return false;
    if (n_ - pos_ < bytes) {
      fail(field, "is truncated");
      return false;
    }
    for (size_t i = 0; i < bytes; ++i)
      v = (v << 8) | static_cast<uint8_t>(p_[pos_ + i]);
    pos_ += bytes;
    return true;
  }
  std::optional<std::string> chars(int32_t len, const char* field) {
    if (len < 0) {
      fail(field, "has a negative length");
      return std::nullopt;
    }
    if (n_ - pos_ < static_cast<size_t>(len)) {
      fail(field, "is truncated");
      return std::nullopt;
    }
    std::string s(p_ + pos_, static_cast<size_t>(len));
    pos_ += static_cast<size_t>(len);
    return s;
  }

  const char* p_;
  size_t n_;
  size_t pos_ = 0;
  const char* what_;
  std::string failure_;
};

error protocol_error(const std::string& why) {
  return error{protocol::kafka_error::inconsistent_group_protocol, why};
}

int16_t clamp_version(int16_t v) {
  return std::clamp<int16_t>(v, 0, consumer_protocol_version);
}

} // namespace

std::vector<char> encode_subscription(const member_subscription& s, int16_t version) {
  version = clamp_version(version);
  writer w;
  w.i16(version);
  w.i32(static_cast<int32_t>(s.topics.size()));
  for (auto& t : s.topics)
    w.string(t);
  w.nullable_bytes(s.user_data);
  if (version >= 1)
    w.topic_partitions(s.owned_partitions);
  if (version >= 2)
    w.i32(s.generation_id);
  if (version >= 3)
    w.nullable_string(s.rack_id);
  return w.take();
}

outcome<member_subscription> decode_subscription(const char* data, size_t size) {
  reader r{data, size, "ConsumerProtocol subscription"};
  member_subscription s;
  s.version = r.i16("version");
  if (r.ok() && s.version < 0)
    r.fail("version", "is negative");
  auto v = clamp_version(s.version);
  auto topics = r.array_length("topics");
  for (int32_t i = 0; r.ok() && i < topics; ++i)
    s.topics.push_back(r.string("topics"));
  s.user_data = r.nullable_bytes("user_data");
  if (v >= 1)
    s.owned_partitions = r.topic_partitions("owned_partitions");
  if (v >= 2)
    s.generation_id = r.i32("generation_id");
  if (v >= 3)
    s.rack_id = r.nullable_string("rack_id");
  if (!r.ok())
    return protocol_error(r.failure());
  return s;
}

std::vector<char> encode_assignment(const member_assignment& a, int16_t version) {
  writer w;
  w.i16(clamp_version(version));
  w.topic_partitions(a.partitions);
  w.nullable_bytes(a.user_data);
  return w.take();
}

outcome<member_assignment> decode_assignment(const char* data, size_t size) {
  member_assignment a;
  // An empty blob is what a coordinator hands a member the leader gave nothing (Kafka's
  // clients treat it as an empty assignment too).
  if (size == 0)
    return a;
  reader r{data, size, "ConsumerProtocol assignment"};
  a.version = r.i16("version");
  if (r.ok() && a.version < 0)
    r.fail("version", "is negative");
  a.partitions = r.topic_partitions("assigned_partitions");
  a.user_data = r.nullable_bytes("user_data");
  if (!r.ok())
    return protocol_error(r.failure());
  return a;
}

} // namespace tributary::client
