// The producer state snapshot text. Kafka writes a binary struct with a CRC; ours is text
// (readable with cat when debugging a duplicate) with a CRC32C over everything below it:
//
//   producer-state 1
//   crc <CRC32C of the lines below>
//   end <end offset> <leader epoch of the batch ending there> <producer count>
//   <producer id> <epoch> <last timestamp> <batches> (<first seq> <last seq> <first offset>
//       <last offset> <timestamp>) x batches            -- one line per producer, by id
//
// All five retained batches are kept (Kafka keeps the last one), so a retry of any of them
// is still found after a restart.
#include "tributary/storage/errc.hpp"
#include "tributary/storage/producer_state.hpp"

#include "tributary/protocol/crc32c.hpp"
#include "tributary/protocol/span.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

namespace tributary::storage {

namespace {

constexpr std::string_view k_magic_line = "producer-state 1\n";
constexpr std::string_view k_crc_prefix = "crc ";

/// Whitespace-separated integers of a snapshot body; remembers the first failure.
class token_reader {
public:
  explicit token_reader(std::string_view text) : text_(text) {}

  template <class Int>
  bool read(Int& out, const char* what) {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n'))
      ++pos_;
    size_t end = pos_;
    while (end < text_.size() && text_[end] != ' ' && text_[end] != '\n')
      ++end;
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(text_.data() + pos_, text_.data() + end, v);
    if (pos_ == end || ec != std::errc{} || ptr != text_.data() + end ||
        v < std::numeric_limits<Int>::min() || v > std::numeric_limits<Int>::max()) {
      error_ =
          std::string("bad ") + what + " '" + std::string(text_.substr(pos_, end - pos_)) + "'";
      return false;
    }
    out = static_cast<Int>(v);
    pos_ = end;
    return true;
  }

  bool at_end() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n'))
      ++pos_;
    return pos_ == text_.size();
  }
  const std::string& error() const { return error_; }

private:
  std::string_view text_;
  size_t pos_ = 0;
  std::string error_;
};

uint32_t crc_of(std::string_view body) {
  return protocol::crc32c(protocol::as_bytes(body));
}

result<producer_state_table> corrupt(std::string* why, std::string text) {
  if (why)
    *why = std::move(text);
  return unexpected(errc::corrupt_log);
}

} // namespace

std::string producer_state_table::to_snapshot() const {
  std::vector<int64_t> ids;
  ids.reserve(producers_.size());
  for (const auto& [id, e] : producers_)
    ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  std::string body = "end " + std::to_string(end_offset_) + " " + std::to_string(end_epoch_) + " " +
                     std::to_string(ids.size()) + "\n";
  for (int64_t id : ids) {
    const auto& e = producers_.at(id);
    body += std::to_string(id) + " " + std::to_string(e.epoch) + " " +
            std::to_string(e.last_timestamp) + " " + std::to_string(e.batches.size());
    for (const auto& b : e.batches)
      body += " " + std::to_string(b.first_sequence) + " " + std::to_string(b.last_sequence) + " " +
              std::to_string(b.first_offset) + " " + std::to_string(b.last_offset) + " " +
              std::to_string(b.timestamp);
    body += "\n";
  }
  return std::string(k_magic_line) + std::string(k_crc_prefix) + std::to_string(crc_of(body)) +
         "\n" + body;
}

result<producer_state_table> producer_state_table::from_snapshot(std::string_view text,
                                                                 std::string tp,
                                                                 int64_t expiration_ms,
                                                                 int64_t now_ms, std::string* why) {
  if (text.substr(0, k_magic_line.size()) != k_magic_line)
    return corrupt(why, "not a version 1 producer state snapshot");
  text.remove_prefix(k_magic_line.size());
  auto nl = text.find('\n');
  if (text.substr(0, k_crc_prefix.size()) != k_crc_prefix || nl == std::string_view::npos)
    return corrupt(why, "no crc line");
  uint32_t stored = 0;
  token_reader crc_line(text.substr(k_crc_prefix.size(), nl - k_crc_prefix.size()));
  if (!crc_line.read(stored, "crc"))
    return corrupt(why, crc_line.error());
  std::string_view body = text.substr(nl + 1);
  if (uint32_t actual = crc_of(body); actual != stored)
    return corrupt(why, "CRC32C mismatch (stored " + std::to_string(stored) + ", computed " +
                            std::to_string(actual) + "): the file is damaged");
  producer_state_table t(std::move(tp), expiration_ms);
  auto head_end = body.find('\n');
  if (body.substr(0, 4) != "end " || head_end == std::string_view::npos)
    return corrupt(why, "no end line");
  token_reader head(body.substr(4, head_end - 4));
  uint32_t count = 0;
  if (!head.read(t.end_offset_, "end offset") || !head.read(t.end_epoch_, "end epoch") ||
      !head.read(count, "producer count") || !head.at_end() || t.end_offset_ < 0)
    return corrupt(why, head.error().empty() ? "bad end line" : head.error());
  token_reader in(body.substr(head_end + 1));
  for (uint32_t i = 0; i < count; ++i) {
    int64_t id = 0;
    producer_entry e;
    uint32_t n = 0;
    if (!in.read(id, "producer id") || !in.read(e.epoch, "producer epoch") ||
        !in.read(e.last_timestamp, "timestamp") || !in.read(n, "batch count"))
      return corrupt(why, in.error());
    if (id < 0 || n > k_batches_to_retain)
      return corrupt(why, "producer " + std::to_string(id) + " with " + std::to_string(n) +
                              " batches is out of range");
    for (uint32_t j = 0; j < n; ++j) {
      producer_batch b;
      if (!in.read(b.first_sequence, "first sequence") ||
          !in.read(b.last_sequence, "last sequence") || !in.read(b.first_offset, "first offset") ||
          !in.read(b.last_offset, "last offset") || !in.read(b.timestamp, "batch timestamp"))
        return corrupt(why, in.error());
      e.batches.push_back(b);
    }
    if (now_ms - e.last_timestamp < expiration_ms) // expired ones are not loaded (as Kafka)
      t.producers_[id] = std::move(e);
  }
  if (!in.at_end())
    return corrupt(why, "data after the last producer");
  return t;
}

} // namespace tributary::storage
