#pragma once
// Private: one compress/decompress pair per codec (gzip_codec.cpp, snappy_codec.cpp, ...)
// and bounded_output, the growth policy every decoder shares so none can exceed its limit.

#include "tributary/common/result.hpp"
#include "tributary/protocol/compression.hpp"
#include "tributary/protocol/errc.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace tributary::protocol::detail {

/// Output window of a decoder: grows `out` in chunks, never past max + 1 bytes (one byte
/// of slack tells "exactly max" apart from "more than max"). On destruction without
/// finish() it restores `out` to its original size.
class bounded_output {
public:
  bounded_output(std::vector<std::byte>& out, size_t max)
      : out_(out), start_(out.size()), used_(out.size()),
        limit_(max == SIZE_MAX ? SIZE_MAX : max + 1), max_(max) {}
  bounded_output(const bounded_output&) = delete;
  bounded_output& operator=(const bounded_output&) = delete;
  ~bounded_output() { out_.resize(is_finished_ ? used_ : start_); }

  size_t written() const { return used_ - start_; }
  bool is_over_limit() const { return written() > max_; }

  /// Room for up to `want` more bytes (less when the budget is nearly spent; 0 when spent).
  std::pair<std::byte*, size_t> reserve(size_t want) {
    size_t room = std::min(want, limit_ - written());
    if (out_.size() < used_ + room)
      out_.resize(used_ + room);
    return {out_.data() + used_, room};
  }
  void commit(size_t n) { used_ += n; }
  void finish() { is_finished_ = true; }

private:
  std::vector<std::byte>& out_;
  size_t start_;
  size_t used_;
  size_t limit_;
  size_t max_;
  bool is_finished_ = false;
};

/// Chunk size a decoder asks for next: grows with what it produced, capped at 1 MiB.
inline size_t next_chunk(size_t input_size, size_t written) {
  size_t guess = std::max<size_t>(written, input_size * 2);
  return std::clamp<size_t>(guess, 4096, size_t{1} << 20);
}

result<void> gzip_compress(byte_span in, std::vector<std::byte>& out, int level);
result<void> gzip_decompress(byte_span in, std::vector<std::byte>& out, size_t max_output);
result<void> snappy_compress(byte_span in, std::vector<std::byte>& out, snappy_framing framing);
result<void> snappy_decompress(byte_span in, std::vector<std::byte>& out, size_t max_output);
result<void> lz4_compress(byte_span in, std::vector<std::byte>& out, int level);
result<void> lz4_decompress(byte_span in, std::vector<std::byte>& out, size_t max_output);
result<void> zstd_compress(byte_span in, std::vector<std::byte>& out, int level);
result<void> zstd_decompress(byte_span in, std::vector<std::byte>& out, size_t max_output);

} // namespace tributary::protocol::detail
