#include "kafka_ids.hpp"

namespace tributary::kafka {

namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

} // namespace

protocol::kafka::uuid uuid_from_text(std::string_view text) noexcept {
  protocol::kafka::uuid out{};
  size_t n = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '-')
      continue;
    int hi = hex_value(text[i]);
    int lo = i + 1 < text.size() ? hex_value(text[i + 1]) : -1;
    if (hi < 0 || lo < 0 || n == out.size())
      return {};
    out[n++] = static_cast<uint8_t>(hi * 16 + lo);
    ++i;
  }
  return n == out.size() ? out : protocol::kafka::uuid{};
}

std::string uuid_to_text(const protocol::kafka::uuid& id) {
  if (is_zero(id))
    return {};
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < id.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10)
      out.push_back('-');
    out.push_back(digits[id[i] >> 4]);
    out.push_back(digits[id[i] & 0xf]);
  }
  return out;
}

bool is_zero(const protocol::kafka::uuid& id) noexcept {
  for (auto b : id)
    if (b != 0)
      return false;
  return true;
}

} // namespace tributary::kafka
