// Byte layouts of the stream-stream join's stores (see detail/stream_join_op.hpp).
#include "tributary/streams/detail/stream_join_op.hpp"

namespace tributary::streams::detail {

namespace {

void put_be(std::string& out, uint64_t x, int bytes) {
  for (int i = bytes - 1; i >= 0; --i)
    out.push_back(static_cast<char>((x >> (8 * i)) & 0xff));
}

uint64_t get_be(std::string_view in, size_t at, int bytes) {
  uint64_t x = 0;
  for (int i = 0; i < bytes; ++i)
    x = (x << 8) | static_cast<uint8_t>(in[at + static_cast<size_t>(i)]);
  return x;
}

// Timestamps are flipped in their sign bit so negative ones sort before positive ones.
uint64_t sortable(int64_t ts) {
  return static_cast<uint64_t>(ts) ^ (uint64_t{1} << 63);
}
int64_t unsortable(uint64_t x) {
  return static_cast<int64_t>(x ^ (uint64_t{1} << 63));
}

} // namespace

std::vector<std::pair<uint32_t, std::string>> decode_value_list(std::string_view in) {
  std::vector<std::pair<uint32_t, std::string>> out;
  size_t at = 0;
  while (at + 12 <= in.size()) {
    auto index = static_cast<uint32_t>(get_be(in, at, 8));
    auto len = static_cast<size_t>(get_be(in, at + 8, 4));
    at += 12;
    if (at + len > in.size())
      break; // a torn entry ends the list
    out.emplace_back(index, std::string(in.substr(at, len)));
    at += len;
  }
  return out;
}

std::string append_value_list(std::string list, uint32_t index, std::string_view value) {
  put_be(list, index, 8);
  put_be(list, value.size(), 4);
  list.append(value);
  return list;
}

std::string unmatched_key(int64_t ts, bool left, uint32_t index, std::string_view key) {
  std::string out;
  out.reserve(13 + key.size());
  put_be(out, sortable(ts), 8);
  out.push_back(left ? 'L' : 'R');
  put_be(out, index, 4);
  out.append(key);
  return out;
}

std::optional<unmatched_entry> decode_unmatched_key(std::string_view in) {
  if (in.size() < 13 || (in[8] != 'L' && in[8] != 'R'))
    return std::nullopt;
  return unmatched_entry{unsortable(get_be(in, 0, 8)), in[8] == 'L', std::string(in.substr(13))};
}

std::string unmatched_upper_bound(int64_t ts) {
  std::string out;
  put_be(out, sortable(ts), 8);
  return out; // every key with a timestamp < ts is smaller (longer keys with ts compare above)
}

} // namespace tributary::streams::detail
