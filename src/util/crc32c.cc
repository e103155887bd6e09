#include "util/crc32c.h"

#include <array>
#include <cstring>

#include "util/coding.h"

#if defined(__x86_64__)
#include <nmmintrin.h>
#define MEMDB_CRC32C_HAVE_SSE42 1
#else
#define MEMDB_CRC32C_HAVE_SSE42 0
#endif

namespace memdb::crc32c {
namespace {

constexpr uint32_t kReflectedPolynomial = 0x82F63B78u;

// Slicing-by-8 tables, computed at compile time. kTables[0][b] is the CRC step of byte b
// (the classic one-byte table); kTables[k][b] is the effect of byte b followed by k zero bytes,
// so eight table lookups advance the CRC over eight bytes at once.
using Tables = std::array<std::array<uint32_t, 256>, 8>;

constexpr Tables MakeTables() {
  Tables t{};
  for (uint32_t b = 0; b < 256; ++b) {
    uint32_t crc = b;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1u) ? kReflectedPolynomial : 0u);
    t[0][b] = crc;
  }
  for (size_t k = 1; k < 8; ++k) {
    for (uint32_t b = 0; b < 256; ++b) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xffu];
  }
  return t;
}

constexpr Tables kTables = MakeTables();
static_assert(kTables[0][1] == 0xF26B8303u, "CRC32C table entry for byte 0x01");

#if MEMDB_CRC32C_HAVE_SSE42

__attribute__((target("sse4.2"))) uint32_t ExtendSse42(uint32_t crc, const char* data, size_t n) {
  const auto* p = reinterpret_cast<const unsigned char*>(data);
  uint64_t l = ~crc;
  // Align to 8 so the 8-byte loads below do not straddle cache lines.
  while (n > 0 && (reinterpret_cast<uintptr_t>(p) & 7u) != 0) {
    l = _mm_crc32_u8(static_cast<uint32_t>(l), *p++);
    --n;
  }
  // Four independent loads per iteration; the crc32 chain is serial (3-cycle latency), but the
  // unrolling keeps the loop overhead off the critical path.
  while (n >= 32) {
    l = _mm_crc32_u64(l, DecodeFixed64(reinterpret_cast<const char*>(p)));
    l = _mm_crc32_u64(l, DecodeFixed64(reinterpret_cast<const char*>(p + 8)));
    l = _mm_crc32_u64(l, DecodeFixed64(reinterpret_cast<const char*>(p + 16)));
    l = _mm_crc32_u64(l, DecodeFixed64(reinterpret_cast<const char*>(p + 24)));
    p += 32;
    n -= 32;
  }
  while (n >= 8) {
    l = _mm_crc32_u64(l, DecodeFixed64(reinterpret_cast<const char*>(p)));
    p += 8;
    n -= 8;
  }
  uint32_t l32 = static_cast<uint32_t>(l);
  while (n > 0) {
    l32 = _mm_crc32_u8(l32, *p++);
    --n;
  }
  return ~l32;
}

#endif  // MEMDB_CRC32C_HAVE_SSE42

using ExtendFunction = uint32_t (*)(uint32_t, const char*, size_t);

ExtendFunction ChooseExtend() {
  return internal::HardwareAvailable() ? internal::ExtendHardware : internal::ExtendPortable;
}

}  // namespace

namespace internal {

uint32_t ExtendPortable(uint32_t crc, const char* data, size_t n) {
  const auto* p = reinterpret_cast<const unsigned char*>(data);
  uint32_t l = ~crc;
  while (n >= 8) {
    // The CRC register is xor-ed into the first four bytes; the table for a byte's distance from
    // the end of the 8-byte group (7 for the first byte, 0 for the last) carries it forward.
    const uint32_t lo = DecodeFixed32(reinterpret_cast<const char*>(p)) ^ l;
    const uint32_t hi = DecodeFixed32(reinterpret_cast<const char*>(p + 4));
    l = kTables[7][lo & 0xffu] ^ kTables[6][(lo >> 8) & 0xffu] ^ kTables[5][(lo >> 16) & 0xffu] ^
        kTables[4][lo >> 24] ^ kTables[3][hi & 0xffu] ^ kTables[2][(hi >> 8) & 0xffu] ^
        kTables[1][(hi >> 16) & 0xffu] ^ kTables[0][hi >> 24];
    p += 8;
    n -= 8;
  }
  while (n > 0) {
    l = kTables[0][(l ^ *p++) & 0xffu] ^ (l >> 8);
    --n;
  }
  return ~l;
}

bool HardwareAvailable() {
#if MEMDB_CRC32C_HAVE_SSE42
  static const bool available = [] {
    __builtin_cpu_init();  // needed when this runs before the runtime's own initialisation
    return __builtin_cpu_supports("sse4.2") != 0;
  }();
  return available;
#else
  return false;
#endif
}

uint32_t ExtendHardware(uint32_t crc, const char* data, size_t n) {
#if MEMDB_CRC32C_HAVE_SSE42
  return ExtendSse42(crc, data, n);
#else
  return ExtendPortable(crc, data, n);
#endif
}

}  // namespace internal

uint32_t Extend(uint32_t crc, const char* data, size_t n) {
  static const ExtendFunction extend = ChooseExtend();
  return extend(crc, data, n);
}

}  // namespace memdb::crc32c
