// Byte coding: fixed-width little-endian integers, varints and length-prefixed strings.
//
// Every on-disk format of memdb (the WAL, checkpoints, transaction records) is built from these
// pieces, so the encodings are fixed here once and never depend on the host:
//  - Fixed32/Fixed64: little-endian, 4 or 8 bytes.
//  - Varint32/Varint64: base-128, least significant group first, the high bit of a byte set
//    when another byte follows (at most 5 bytes for 32 bits, 10 for 64). Only the shortest
//    encoding is accepted, which is what PutVarint produces, so a value has exactly one encoding.
//  - LengthPrefixed: a Varint32 byte count, then the bytes.
//
// The Get* functions parse from the front of a std::string_view. On success they advance it
// past what they consumed; on failure (truncated input, a varint that is too long, has bits
// beyond its width or is not the shortest encoding, a length larger than what remains) they
// return false and leave it untouched. They never read outside the view.
//
// Header-only: the helpers are small and sit on hot paths (the log reader, commit records).
#ifndef MEMDB_SRC_UTIL_CODING_H_
#define MEMDB_SRC_UTIL_CODING_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace memdb {

inline constexpr int kMaxVarint32Length = 5;
inline constexpr int kMaxVarint64Length = 10;

// Writes `value` to dst[0..3], little-endian.
inline void EncodeFixed32(char* dst, uint32_t value) {
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(dst, &value, sizeof(value));
  } else {
    for (int i = 0; i < 4; ++i) dst[i] = static_cast<char>(value >> (8 * i));
  }
}

// Writes `value` to dst[0..7], little-endian.
inline void EncodeFixed64(char* dst, uint64_t value) {
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(dst, &value, sizeof(value));
  } else {
    for (int i = 0; i < 8; ++i) dst[i] = static_cast<char>(value >> (8 * i));
  }
}

// Reads a little-endian value from ptr[0..3]; `ptr` needs no alignment.
inline uint32_t DecodeFixed32(const char* ptr) {
  if constexpr (std::endian::native == std::endian::little) {
    uint32_t value;
    std::memcpy(&value, ptr, sizeof(value));
    return value;
  } else {
    uint32_t value = 0;
    for (int i = 0; i < 4; ++i) value |= uint32_t{static_cast<uint8_t>(ptr[i])} << (8 * i);
    return value;
  }
}

// Reads a little-endian value from ptr[0..7]; `ptr` needs no alignment.
inline uint64_t DecodeFixed64(const char* ptr) {
  if constexpr (std::endian::native == std::endian::little) {
    uint64_t value;
    std::memcpy(&value, ptr, sizeof(value));
    return value;
  } else {
    uint64_t value = 0;
    for (int i = 0; i < 8; ++i) value |= uint64_t{static_cast<uint8_t>(ptr[i])} << (8 * i);
    return value;
  }
}

inline void PutFixed32(std::string* dst, uint32_t value) {
  char buf[4];
  EncodeFixed32(buf, value);
  dst->append(buf, sizeof(buf));
}

inline void PutFixed64(std::string* dst, uint64_t value) {
  char buf[8];
  EncodeFixed64(buf, value);
  dst->append(buf, sizeof(buf));
}

inline bool GetFixed32(std::string_view* input, uint32_t* value) {
  if (input->size() < 4) return false;
  *value = DecodeFixed32(input->data());
  input->remove_prefix(4);
  return true;
}

inline bool GetFixed64(std::string_view* input, uint64_t* value) {
  if (input->size() < 8) return false;
  *value = DecodeFixed64(input->data());
  input->remove_prefix(8);
  return true;
}

// The number of bytes PutVarint64 (or PutVarint32, for values that fit) writes for `value`.
inline int VarintLength(uint64_t value) {
  int length = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++length;
  }
  return length;
}

// Writes the varint of `value` at `dst` (room for kMaxVarint64Length bytes); returns the end.
inline char* EncodeVarint64(char* dst, uint64_t value) {
  auto* p = reinterpret_cast<unsigned char*>(dst);
  while (value >= 0x80) {
    *p++ = static_cast<unsigned char>(value | 0x80);
    value >>= 7;
  }
  *p++ = static_cast<unsigned char>(value);
  return reinterpret_cast<char*>(p);
}

inline char* EncodeVarint32(char* dst, uint32_t value) { return EncodeVarint64(dst, value); }

inline void PutVarint32(std::string* dst, uint32_t value) {
  char buf[kMaxVarint32Length];
  dst->append(buf, static_cast<size_t>(EncodeVarint32(buf, value) - buf));
}

inline void PutVarint64(std::string* dst, uint64_t value) {
  char buf[kMaxVarint64Length];
  dst->append(buf, static_cast<size_t>(EncodeVarint64(buf, value) - buf));
}

namespace coding_internal {

// Parses a varint of at most `max_bytes` bytes whose last byte may not exceed `last_byte_max`
// (the bits that still fit the type). See the file comment for what is rejected.
inline bool GetVarint(std::string_view* input, int max_bytes, unsigned last_byte_max,
                      uint64_t* value) {
  const auto* p = reinterpret_cast<const unsigned char*>(input->data());
  const size_t limit = input->size() < static_cast<size_t>(max_bytes)
                           ? input->size()
                           : static_cast<size_t>(max_bytes);
  uint64_t result = 0;
  for (size_t i = 0; i < limit; ++i) {
    const unsigned byte = p[i];
    if (i + 1 == static_cast<size_t>(max_bytes) && byte > last_byte_max) return false;
    result |= uint64_t{byte & 0x7fu} << (7 * i);
    if ((byte & 0x80u) == 0) {
      if (byte == 0 && i > 0) return false;  // a redundant zero group: not the shortest form
      *value = result;
      input->remove_prefix(i + 1);
      return true;
    }
  }
  return false;  // truncated (a continuation bit on the last byte available)
}

}  // namespace coding_internal

inline bool GetVarint32(std::string_view* input, uint32_t* value) {
  if (!input->empty() && static_cast<unsigned char>((*input)[0]) < 0x80) {  // the common case
    *value = static_cast<unsigned char>((*input)[0]);
    input->remove_prefix(1);
    return true;
  }
  uint64_t v;
  if (!coding_internal::GetVarint(input, kMaxVarint32Length, 0x0f, &v)) return false;
  *value = static_cast<uint32_t>(v);
  return true;
}

inline bool GetVarint64(std::string_view* input, uint64_t* value) {
  return coding_internal::GetVarint(input, kMaxVarint64Length, 0x01, value);
}

// Appends the varint length of `value`, then `value`. Values longer than 4 GiB - 1 do not fit a
// Varint32 and must not be passed (the formats built on this never hold one).
inline void PutLengthPrefixed(std::string* dst, std::string_view value) {
  PutVarint32(dst, static_cast<uint32_t>(value.size()));
  dst->append(value.data(), value.size());
}

// Sets *result to a view of the bytes inside *input (no copy) and advances *input past them.
inline bool GetLengthPrefixed(std::string_view* input, std::string_view* result) {
  std::string_view rest = *input;
  uint32_t length;
  if (!GetVarint32(&rest, &length) || length > rest.size()) return false;
  *result = rest.substr(0, length);
  rest.remove_prefix(length);
  *input = rest;
  return true;
}

}  // namespace memdb

#endif  // MEMDB_SRC_UTIL_CODING_H_
