#pragma once
// CRC32C (Castagnoli, polynomial 0x1EDC6F41 reflected 0x82F63B78): the checksum of
// RecordBatch v2. crc32c() picks the SSE4.2 instruction at run time when the CPU has it
// and a portable slicing-by-8 table otherwise; both give identical results.
// Pure functions, thread-safe, never fail.

#include "tributary/protocol/span.hpp"

#include <cstdint>

namespace tributary::protocol {

/// CRC32C of `data`, continuing from `crc` (the finished CRC of the bytes before; 0 to
/// start). crc32c(b, crc32c(a)) == crc32c(a followed by b).
uint32_t crc32c(byte_span data, uint32_t crc = 0) noexcept;

/// The table-driven path, always available (exposed so tests can compare the two).
uint32_t crc32c_portable(byte_span data, uint32_t crc = 0) noexcept;

/// The SSE4.2 path. Precondition: crc32c_has_hardware() (illegal instruction otherwise).
uint32_t crc32c_hardware(byte_span data, uint32_t crc = 0) noexcept;

/// True when this CPU (x86-64 with SSE4.2) runs crc32c_hardware.
bool crc32c_has_hardware() noexcept;

} // namespace tributary::protocol
