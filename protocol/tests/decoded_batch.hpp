#pragma once
// Test helper: decodes a whole batch into owned values so tests can compare with ==.

#include "tributary/protocol/record_reader.hpp"

#include "test_bytes.hpp"

#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <utility>

namespace tributary::protocol::test {

using owned_header = std::pair<std::string, std::optional<bytes>>;

struct owned_record {
  int64_t offset = 0;
  int64_t timestamp = 0;
  std::optional<bytes> key;
  std::optional<bytes> value;
  std::vector<owned_header> headers;

  friend bool operator==(const owned_record& a, const owned_record& b) {
    return a.offset == b.offset && a.timestamp == b.timestamp && a.key == b.key &&
           a.value == b.value && a.headers == b.headers;
  }
};

inline std::ostream& operator<<(std::ostream& os, const owned_record& r) {
  return os << "{offset " << r.offset << " ts " << r.timestamp << " key "
            << (r.key ? to_hex(*r.key) : "null") << " value "
            << (r.value ? std::to_string(r.value->size()) + "B" : "null") << " headers "
            << r.headers.size() << "}";
}

inline std::optional<bytes> own(const std::optional<byte_span>& b) {
  if (!b)
    return std::nullopt;
  return bytes(b->begin(), b->end());
}

struct decoded_batch {
  batch_header header;
  std::vector<owned_record> records;
};

inline decoded_batch decode_all(byte_span batch, size_t max_decompressed = 64 << 20) {
  std::vector<std::byte> scratch;
  auto reader = record_reader::open(batch, scratch, max_decompressed);
  if (!reader)
    FAIL("open failed: " << reader.error().message());
  decoded_batch out{reader->header(), {}};
  record r;
  for (;;) {
    auto more = reader->next(r);
    if (!more)
      FAIL("record " << out.records.size() << " failed: " << more.error().message());
    if (!*more)
      break;
    owned_record o{record_offset(out.header, r),
                   record_timestamp(out.header, r),
                   own(r.key),
                   own(r.value),
                   {}};
    for (const record_header& h : r.headers)
      o.headers.emplace_back(std::string(h.key), own(h.value));
    out.records.push_back(std::move(o));
  }
  return out;
}

} // namespace tributary::protocol::test
