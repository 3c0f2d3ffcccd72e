// The changelog encoding of a window: key bytes, then start and end as 8-byte big-endian
// two's complement, so a record written on one host restores on any other.
#include "tributary/streams/state/window_key.hpp"

namespace tributary::streams::state {

namespace {

void put_be64(std::string& out, int64_t v) {
  auto u = static_cast<uint64_t>(v);
  for (int shift = 56; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((u >> shift) & 0xff));
}

int64_t get_be64(std::string_view in) {
  uint64_t u = 0;
  for (int i = 0; i < 8; ++i)
    u = (u << 8) | static_cast<uint8_t>(in[static_cast<size_t>(i)]);
  return static_cast<int64_t>(u);
}

} // namespace

std::string encode_window_key(std::string_view key, int64_t start, int64_t end) {
  std::string out;
  out.reserve(key.size() + 16);
  out.append(key);
  put_be64(out, start);
  put_be64(out, end);
  return out;
}

client::outcome<window_key> decode_window_key(std::string_view bytes) {
  if (bytes.size() < 16)
    return client::make_error(protocol::kafka_error::corrupt_message,
                              "window store changelog key has " + std::to_string(bytes.size()) +
                                  " bytes; an encoded window key has at least 16 (key + start + "
                                  "end)");
  window_key w;
  w.key.assign(bytes.data(), bytes.size() - 16);
  w.start = get_be64(bytes.substr(bytes.size() - 16, 8));
  w.end = get_be64(bytes.substr(bytes.size() - 8, 8));
  return w;
}

} // namespace tributary::streams::state
