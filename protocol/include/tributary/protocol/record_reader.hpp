#pragma once
// record_reader: walks the records of one RecordBatch v2 without allocating per record.
// Uncompressed batches are read in place; compressed ones are inflated once into a buffer
// the caller owns (and can reuse across batches), bounded by max_decompressed_bytes.
//
//   std::vector<std::byte> scratch;                     // reuse across batches
//   auto reader = record_reader::open(batch, scratch, 64 << 20);
//   if (!reader) return reader.error();
//   record r;
//   while (true) {
//     auto more = reader->next(r);
//     if (!more) return more.error();                   // malformed record
//     if (!*more) break;                                // all records read, none trailing
//     use(record_offset(reader->header(), r), r.key, r.value, r.headers);
//   }

#include "tributary/common/result.hpp"
#include "tributary/protocol/batch_header.hpp"
#include "tributary/protocol/record.hpp"
#include "tributary/protocol/span.hpp"

#include <vector>

namespace tributary::protocol {

/// Sequential decoder of one batch's records. Owned by one thread (the caller); holds
/// views into the batch bytes and into `scratch`, which must outlive it and every record
/// it produced. Fails with protocol::errc values, never reads outside either buffer.
class record_reader {
public:
  /// Validates the batch (validate_batch: length, magic, CRC, counts, codec) and, when it
  /// is compressed, decompresses the records into `scratch` (cleared first; its capacity
  /// is reused) refusing more than `max_decompressed_bytes`.
  static result<record_reader> open(byte_span batch, std::vector<std::byte>& scratch,
                                    size_t max_decompressed_bytes);

  /// Like open(), for a batch the caller already validated (skips the CRC pass).
  static result<record_reader> open_validated(const batch_header& header, byte_span batch,
                                              std::vector<std::byte>& scratch,
                                              size_t max_decompressed_bytes);

  /// Decodes the next record into `out`. Returns true with a record, false once all
  /// records_count records were read (checking nothing trails them), or an error:
  /// bad_record_length, bad_key_length, bad_value_length, bad_header, bad_varint,
  /// bad_offset_delta, bad_record_count, trailing_bytes.
  result<bool> next(record& out);

  const batch_header& header() const { return header_; }
  /// The records section: the batch's bytes after the header, or the inflated payload.
  byte_span records_bytes() const { return records_; }
  /// Records decoded so far.
  int32_t records_read() const { return index_; }

private:
  record_reader(const batch_header& header, byte_span records)
      : header_(header), records_(records) {}

  batch_header header_;
  byte_span records_;
  size_t pos_ = 0;
  int32_t index_ = 0;
  int64_t previous_offset_delta_ = -1;
};

} // namespace tributary::protocol
