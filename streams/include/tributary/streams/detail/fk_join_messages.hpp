#pragma once
// What a foreign-key table join sends through its two internal topics (Kafka Streams'
// SubscriptionWrapper and SubscriptionResponseWrapper, in our own byte layout):
//
//   <name>-subscription-registration, keyed by the foreign key (co-partitioned with the other
//     table): "row <key> of this table now refers to you" / "no longer refers to you", with a
//     hash of the row's value;
//   <name>-subscription-response, keyed by this table's key (co-partitioned with it): the
//     other table's current row for that foreign key, with the hash it answers.
//
// The hash lets the left side drop answers to subscriptions its row has since replaced
// (the row changed again while the answer travelled).

#include "tributary/streams/serde.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tributary::streams::detail {

/// 64-bit FNV-1a of a row's serialized value: stable across processes and builds.
inline uint64_t fk_value_hash(std::string_view bytes) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

enum class fk_instruction : uint8_t {
  subscribe = 0,                 // (re)subscribe and answer with the current foreign row
  unsubscribe = 1,               // the row moved to another foreign key: forget, no answer
  unsubscribe_and_propagate = 2, // the row was deleted: forget, answer "nothing"
};

struct fk_subscription {
  fk_instruction instruction = fk_instruction::subscribe;
  std::optional<uint64_t> hash; // of the left row's value; none after a delete
  std::string left_key;         // the left table's key, serialized
};

struct fk_response {
  std::optional<uint64_t> hash;           // the subscription this answers
  std::optional<std::string> foreign_row; // the other table's value bytes; none when absent
};

namespace fk_bytes {

inline void put_u64(std::string& out, uint64_t v) {
  for (int i = 7; i >= 0; --i)
    out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

inline uint64_t get_u64(std::string_view in) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i)
    v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}

inline client::error corrupt(const char* what) {
  return client::make_error(protocol::kafka_error::corrupt_message,
                            std::string("not a foreign-key join ") + what + " record");
}

} // namespace fk_bytes

/// [instruction:1][has hash:1][hash:8 if present][left key bytes...]
inline serde<fk_subscription> fk_subscription_serde() {
  serde<fk_subscription> s;
  s.serialize = [](const fk_subscription& x) {
    std::string out;
    out.push_back(static_cast<char>(x.instruction));
    out.push_back(x.hash ? 1 : 0);
    if (x.hash)
      fk_bytes::put_u64(out, *x.hash);
    out += x.left_key;
    return out;
  };
  s.deserialize = [](std::string_view in) -> client::outcome<fk_subscription> {
    if (in.size() < 2 || static_cast<uint8_t>(in[0]) > 2 || static_cast<uint8_t>(in[1]) > 1)
      return fk_bytes::corrupt("subscription");
    fk_subscription x;
    x.instruction = static_cast<fk_instruction>(in[0]);
    size_t at = 2;
    if (in[1] == 1) {
      if (in.size() < 10)
        return fk_bytes::corrupt("subscription");
      x.hash = fk_bytes::get_u64(in.substr(2));
      at = 10;
    }
    x.left_key = std::string(in.substr(at));
    return x;
  };
  return s;
}

/// [has hash:1][hash:8 if present][has row:1][row bytes...]
inline serde<fk_response> fk_response_serde() {
  serde<fk_response> s;
  s.serialize = [](const fk_response& x) {
    std::string out;
    out.push_back(x.hash ? 1 : 0);
    if (x.hash)
      fk_bytes::put_u64(out, *x.hash);
    out.push_back(x.foreign_row ? 1 : 0);
    if (x.foreign_row)
      out += *x.foreign_row;
    return out;
  };
  s.deserialize = [](std::string_view in) -> client::outcome<fk_response> {
    if (in.empty() || static_cast<uint8_t>(in[0]) > 1)
      return fk_bytes::corrupt("response");
    fk_response x;
    size_t at = 1;
    if (in[0] == 1) {
      if (in.size() < 9)
        return fk_bytes::corrupt("response");
      x.hash = fk_bytes::get_u64(in.substr(1));
      at = 9;
    }
    if (in.size() < at + 1 || static_cast<uint8_t>(in[at]) > 1)
      return fk_bytes::corrupt("response");
    if (in[at] == 1)
      x.foreign_row = std::string(in.substr(at + 1));
    return x;
  };
  return s;
}

/// The subscription store's key: the foreign key's length (4 bytes, big-endian) and bytes,
/// then the left key -- so one foreign key's subscribers are one exact prefix scan.
inline std::string fk_subscription_key(std::string_view foreign_key, std::string_view left_key) {
  std::string out;
  for (int i = 3; i >= 0; --i)
    out.push_back(static_cast<char>((foreign_key.size() >> (8 * i)) & 0xff));
  out.append(foreign_key);
  out.append(left_key);
  return out;
}

} // namespace tributary::streams::detail
