// batch_scanner: buffered walk over the batches of a segment file.
#include "tributary/storage/batch_scanner.hpp"

#include <algorithm>

namespace tributary::storage {
namespace {
// Reads start small (a tail read usually needs one index interval of headers) and double
// up to 64 KiB, so a fetch near the log end costs one small pread and allocation.
constexpr size_t k_first_chunk = 4 * 1024;
constexpr size_t k_max_chunk = 64 * 1024;
} // namespace

batch_scanner::batch_scanner(log_file_ptr file, uint64_t start, uint64_t end, bool validate)
    : file_(std::move(file)), pos_(start), end_(end), validate_(validate) {}

bool batch_scanner::fill(uint64_t pos, size_t need) {
  if (pos >= buf_pos_ && pos + need <= buf_pos_ + buf_len_)
    return true;
  chunk_ = chunk_ == 0 ? k_first_chunk : std::min(chunk_ * 2, k_max_chunk);
  size_t want = static_cast<size_t>(std::min<uint64_t>(std::max(need, chunk_), end_ - pos));
  if (want < need)
    return false;
  if (buf_.size() < want)
    buf_.resize(want);
  auto n = file_->pread_all(buf_.data(), want, pos);
  if (!n) {
    error_ = n.error();
    buf_len_ = 0;
    return false;
  }
  buf_pos_ = pos;
  buf_len_ = *n;
  return *n >= need;
}

batch_scanner::status batch_scanner::next(scanned_batch& out) {
  if (pos_ == end_)
    return status::end;
  if (pos_ > end_ || end_ - pos_ < protocol::batch_header_size)
    return status::damaged;
  if (!fill(pos_, protocol::batch_header_size))
    return error_ ? status::io_failure : status::damaged;
  const std::byte* p = buf_.data() + (pos_ - buf_pos_);
  auto hdr = protocol::parse_batch_header(p, protocol::batch_header_size);
  if (!hdr ||
      hdr->batch_length <
          static_cast<int32_t>(protocol::batch_header_size - protocol::batch_overhead) ||
      hdr->last_offset_delta < 0 || hdr->total_size() > end_ - pos_)
    return status::damaged;
  size_t total = hdr->total_size();
  out.data = nullptr;
  if (validate_) {
    if (!fill(pos_, total))
      return error_ ? status::io_failure : status::damaged;
    p = buf_.data() + (pos_ - buf_pos_);
    auto checked = protocol::validate_batch(p, total);
    if (!checked)
      return status::damaged;
    out.data = p;
  }
  out.header = *hdr;
  out.position = pos_;
  pos_ += total;
  return status::batch;
}

} // namespace tributary::storage
