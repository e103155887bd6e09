// CRC32C: the Castagnoli CRC (polynomial 0x1EDC6F41, reflected 0x82F63B78), as in iSCSI
// (RFC 3720), ext4 and LevelDB. The WAL and the checkpoint files checksum with it.
//
// Value("123456789") is 0xE3069283. Extend(Value(a), b) == Value(a + b), so a checksum can be
// computed over pieces. The hardware path (SSE4.2's crc32 instruction) is chosen once, at the
// first call, when the CPU has it; otherwise a portable table-driven path runs. Both give the
// same results; the internal entry points below let tests and benchmarks compare them.
//
// Thread safety: every function is pure and may be called from any thread.
#ifndef MEMDB_SRC_UTIL_CRC32C_H_
#define MEMDB_SRC_UTIL_CRC32C_H_

#include <cstddef>
#include <cstdint>

namespace memdb::crc32c {

// The CRC32C of the concatenation of the data `crc` was computed over and data[0, n).
// `crc` is a finished CRC (the result of Value or Extend), or 0 to start.
uint32_t Extend(uint32_t crc, const char* data, size_t n);

// The CRC32C of data[0, n).
inline uint32_t Value(const char* data, size_t n) { return Extend(0, data, n); }

inline constexpr uint32_t kMaskDelta = 0xa282ead8u;

// The form in which a CRC is stored in a file.
//
// Why not store the CRC itself: a CRC is linear, so the CRC of some bytes followed by their own
// CRC is a constant that does not depend on the bytes. When data that holds stored CRCs is itself
// checksummed (a log record holding a checkpoint fragment, a record copied into another log), or
// when a reader probes arbitrary offsets for a "valid" header, these algebraic coincidences make
// unrelated or shifted bytes check out far more often than 1 in 2^32. Rotating and adding a
// constant breaks that linearity, so a masked CRC behaves like an independent 32-bit check.
inline uint32_t Mask(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + kMaskDelta; }

// The inverse of Mask.
inline uint32_t Unmask(uint32_t masked) {
  const uint32_t rotated = masked - kMaskDelta;
  return (rotated >> 17) | (rotated << 15);
}

namespace internal {

// The portable slicing-by-8 implementation (eight 256-entry tables, eight bytes per step).
uint32_t ExtendPortable(uint32_t crc, const char* data, size_t n);
// True when this CPU has SSE4.2 and this build has the hardware path.
bool HardwareAvailable();
// The SSE4.2 implementation. Call only when HardwareAvailable(); without it (another
// architecture) this is the portable path.
uint32_t ExtendHardware(uint32_t crc, const char* data, size_t n);

}  // namespace internal

}  // namespace memdb::crc32c

#endif  // MEMDB_SRC_UTIL_CRC32C_H_
