// Why the walk before cereal: cereal 1.3.2 trusts every size it reads (a string or vector is
// resized to the stored length before its bytes are read, so a length of 2^31 zero-fills 2 GiB)
// and loads flipped or appended bytes silently. The CRC catches accidents; the walk stops a
// payload crafted with a valid CRC from making cereal allocate more than the input's size.
#include "snapshot/binary_archive.h"

#include <bit>
#include <cereal/archives/binary.hpp>
#include <cereal/archives/portable_binary.hpp>
#include <cstring>
#include <functional>
#include <istream>
#include <ostream>
#include <sstream>
#include <streambuf>
#include <utility>

#include "snapshot/archive_document.h"
#include "snapshot/archive_io.h"
#include "snapshot/checksummed_header.h"
#include "util/coding.h"
#include "util/crc32c.h"

namespace memdb::snapshot {
namespace {

static_assert(std::endian::native == std::endian::little,
              "kBinary snapshots are little endian; see docs/snapshot-format.md");

// Header (checksummed_header.h): magic | format version u32 | archive kind u8 | 3 zero bytes |
// payload length u64 | masked crc32c of the payload u32 | masked crc32c of the 28 bytes before
// it u32.
constexpr size_t kHeaderSize = kChecksummedHeaderSize;
constexpr size_t kKindOffset = 12;
constexpr size_t kLengthOffset = 16;
constexpr size_t kPayloadCrcOffset = 24;
// The smallest possible encoded item (two empty strings), which bounds any vector count.
constexpr uint64_t kMinItemSize = 16;

// Walks the payload's layout (docs/snapshot-format.md) without allocating: every length and
// count must fit in the bytes left, and the document must end exactly at the payload's end.
class PayloadWalk {
 public:
  PayloadWalk(std::string_view payload, bool big_endian, size_t base_offset)
      : p_(payload), big_endian_(big_endian), base_(base_offset) {}

  // Empty on success, else "offset N: what".
  Status Run(size_t start, const std::function<Status(size_t, std::string_view)>& corrupt) {
    pos_ = start;
    corrupt_ = &corrupt;
    uint64_t n = 0;
    if (Status s = Fixed(4, "the format version", &n); !s.ok()) return s;
    if (Status s = String("memdb_version"); !s.ok()) return s;
    if (Status s = Fixed(8, "the commit timestamp", &n); !s.ok()) return s;
    if (Status s = Fixed(8, "the key count", &n); !s.ok()) return s;
    if (Status s = Items("the option count", "an option"); !s.ok()) return s;
    if (Status s = Items("the entry count", "an entry"); !s.ok()) return s;
    if (pos_ != p_.size()) {
      return (*corrupt_)(base_ + pos_, std::to_string(p_.size() - pos_) +
                                           " bytes of junk after the snapshot's last entry");
    }
    return Status::OK();
  }

 private:
  Status Fixed(size_t width, std::string_view what, uint64_t* out) {
    if (p_.size() - pos_ < width) {
      return (*corrupt_)(base_ + pos_, "the payload ends inside " + std::string(what));
    }
    *out = 0;
    for (size_t i = 0; i < width; ++i) {
      const uint64_t b = static_cast<uint8_t>(p_[pos_ + (big_endian_ ? width - 1 - i : i)]);
      *out |= b << (8 * i);
    }
    pos_ += width;
    return Status::OK();
  }

  Status String(std::string_view what) {
    const size_t at = pos_;
    uint64_t n = 0;
    if (Status s = Fixed(8, "the length of " + std::string(what), &n); !s.ok()) return s;
    if (n > p_.size() - pos_) {
      return (*corrupt_)(base_ + at, std::string(what) + " claims " + std::to_string(n) +
                                         " bytes, but " + std::to_string(p_.size() - pos_) +
                                         " are left in the payload");
    }
    pos_ += n;
    return Status::OK();
  }

  Status Items(std::string_view count_name, std::string_view item_name) {
    const size_t at = pos_;
    uint64_t count = 0;
    if (Status s = Fixed(8, count_name, &count); !s.ok()) return s;
    if (count > (p_.size() - pos_) / kMinItemSize) {
      return (*corrupt_)(base_ + at, std::string(count_name) + " " + std::to_string(count) +
                                         " cannot fit in the " + std::to_string(p_.size() - pos_) +
                                         " bytes left");
    }
    const std::string key = "the key of " + std::string(item_name);
    const std::string value = "the value of " + std::string(item_name);
    for (uint64_t i = 0; i < count; ++i) {
      if (Status s = String(key); !s.ok()) return s;
      if (Status s = String(value); !s.ok()) return s;
    }
    return Status::OK();
  }

  const std::string_view p_;
  const bool big_endian_;
  const size_t base_;
  size_t pos_ = 0;
  const std::function<Status(size_t, std::string_view)>* corrupt_ = nullptr;
};

}  // namespace

Result<std::string> SaveBinaryArchive(const Snapshot& snapshot, SnapshotFormat format) {
  const bool portable = format == SnapshotFormat::kPortableBinary;
  std::string out(kHeaderSize, '\0');
  try {
    const ArchiveDocument doc = ToDocument(snapshot, /*tagged=*/false);
    StringSink sink(&out);
    std::ostream stream(&sink);
    if (portable) {
      cereal::PortableBinaryOutputArchive archive(stream);
      archive(doc);
    } else {
      cereal::BinaryOutputArchive archive(stream);
      archive(doc);
    }
  } catch (const std::exception& e) {
    return Status::IOError("saving a " + std::string(SnapshotFormatName(format)) +
                           " snapshot failed: " + ExceptionText(e));
  }
  const std::string_view payload = std::string_view(out).substr(kHeaderSize);
  // The reader walks the documented layout; a cereal that encodes differently must fail here,
  // not write files that cannot be read back.
  const std::function<Status(size_t, std::string_view)> fail = [](size_t offset,
                                                                  std::string_view what) {
    return Status::IOError("cereal's encoding differs from docs/snapshot-format.md at offset " +
                           std::to_string(offset) + ": " + std::string(what));
  };
  if (Status s = PayloadWalk(payload, false, kHeaderSize).Run(portable ? 1 : 0, fail); !s.ok()) {
    return s;
  }
  std::string fields(1, static_cast<char>(format));
  fields.append(3, '\0');
  PutFixed64(&fields, payload.size());
  PutFixed32(&fields, crc32c::Mask(crc32c::Value(payload.data(), payload.size())));
  const std::string header = EncodeChecksummedHeader(kBinaryMagic, kSnapshotFormatVersion, fields);
  out.replace(0, header.size(), header);
  return out;
}

Result<Snapshot> LoadBinaryArchive(std::string_view bytes, std::string_view name,
                                   const SnapshotLimits& limits) {
  const std::function<Status(size_t, std::string_view)> corrupt = [name](size_t offset,
                                                                         std::string_view what) {
    return Status::Corruption(std::string(name) + ": corrupt snapshot at offset " +
                              std::to_string(offset) + ": " + std::string(what));
  };
  if (bytes.size() < kHeaderSize) {
    return corrupt(0, "truncated: " + std::to_string(bytes.size()) + " bytes, fewer than the " +
                          std::to_string(kHeaderSize) + "-byte header");
  }
  if (bytes.substr(0, kBinaryMagic.size()) != kBinaryMagic) {
    return corrupt(0, "bad magic, expected \"MEMDBSNP\"");
  }
  uint32_t version = 0;
  if (Status s = CheckChecksummedHeader(bytes, name, "snapshot", kSnapshotFormatVersion, corrupt,
                                        &version);
      !s.ok()) {
    return s;
  }
  const auto kind = static_cast<SnapshotFormat>(bytes[kKindOffset]);
  if (kind != SnapshotFormat::kBinary && kind != SnapshotFormat::kPortableBinary) {
    return corrupt(kKindOffset, "unknown archive kind " +
                                    std::to_string(static_cast<uint8_t>(bytes[kKindOffset])));
  }
  if (bytes.substr(kKindOffset + 1, 3) != std::string_view("\0\0\0", 3)) {
    return corrupt(kKindOffset + 1, "reserved header bytes are not zero");
  }
  const uint64_t length = DecodeFixed64(bytes.data() + kLengthOffset);
  if (length > limits.max_bytes) {
    return Status::InvalidArgument(std::string(name) + ": the snapshot's payload of " +
                                   std::to_string(length) + " bytes exceeds the limit of " +
                                   std::to_string(limits.max_bytes) + " (SnapshotLimits)");
  }
  const uint64_t present = bytes.size() - kHeaderSize;
  if (length > present) {
    return corrupt(kLengthOffset, "truncated: the payload length is " + std::to_string(length) +
                                      " bytes, " + std::to_string(present) + " follow the header");
  }
  if (length < present) {
    return corrupt(kHeaderSize + length,
                   std::to_string(present - length) + " bytes of trailing junk after the payload");
  }
  const std::string_view payload = bytes.substr(kHeaderSize);
  const uint32_t stored_payload = DecodeFixed32(bytes.data() + kPayloadCrcOffset);
  const uint32_t actual_payload = crc32c::Mask(crc32c::Value(payload.data(), payload.size()));
  if (stored_payload != actual_payload) {
    return corrupt(kHeaderSize, "payload checksum mismatch (stored " + Hex32(stored_payload) +
                                    ", computed " + Hex32(actual_payload) + ")");
  }
  bool big_endian = false;
  size_t start = 0;
  if (kind == SnapshotFormat::kPortableBinary) {
    // cereal's portable archive starts with one byte: 1 when the data is little endian.
    if (payload.empty() || static_cast<uint8_t>(payload[0]) > 1) {
      return corrupt(kHeaderSize, "the portable archive's endianness byte is not 0 or 1");
    }
    big_endian = payload[0] == 0;
    start = 1;
  }
  if (Status s = PayloadWalk(payload, big_endian, kHeaderSize).Run(start, corrupt); !s.ok()) {
    return s;
  }
  ArchiveDocument doc;
  try {
    ViewSource source(payload);
    std::istream stream(&source);
    if (kind == SnapshotFormat::kPortableBinary) {
      cereal::PortableBinaryInputArchive archive(stream);
      archive(doc);
    } else {
      cereal::BinaryInputArchive archive(stream);
      archive(doc);
    }
    if (source.remaining() != 0) {
      return corrupt(kHeaderSize, "cereal's reading of the payload disagrees with its layout");
    }
  } catch (const std::exception& e) {
    return corrupt(kHeaderSize, "cereal could not load the payload: " + ExceptionText(e));
  }
  std::string where(name);
  where.append(": ").append(SnapshotFormatName(kind)).append(" snapshot");
  return FromDocument(std::move(doc), /*tagged=*/false, where);
}

}  // namespace memdb::snapshot
