#include "snapshot/checksummed_header.h"

#include "snapshot/archive_io.h"
#include "util/coding.h"
#include "util/crc32c.h"

namespace memdb::snapshot {

std::string EncodeChecksummedHeader(std::string_view magic, uint32_t version,
                                    std::string_view fields) {
  std::string header(magic.substr(0, kHeaderMagicSize));
  header.resize(kHeaderMagicSize, '\0');
  PutFixed32(&header, version);
  header.append(fields.substr(0, kHeaderFieldsSize));
  header.resize(kHeaderCrcOffset, '\0');
  PutFixed32(&header, crc32c::Mask(crc32c::Value(header.data(), kHeaderCrcOffset)));
  return header;
}

Status CheckChecksummedHeader(std::string_view header, std::string_view name, std::string_view noun,
                              uint32_t max_version, const HeaderCorruption& corrupt,
                              uint32_t* version) {
  const uint32_t stored = DecodeFixed32(header.data() + kHeaderCrcOffset);
  const uint32_t actual = crc32c::Mask(crc32c::Value(header.data(), kHeaderCrcOffset));
  if (stored != actual) {
    return corrupt(kHeaderCrcOffset, "header checksum mismatch (stored " + Hex32(stored) +
                                         ", computed " + Hex32(actual) + ")");
  }
  *version = DecodeFixed32(header.data() + kHeaderVersionOffset);
  if (*version > max_version) {
    return Status::NotSupported(std::string(name) + ": " + std::string(noun) + " format version " +
                                std::to_string(*version) +
                                " was written by a newer memdb (this one reads versions up to " +
                                std::to_string(max_version) + ")");
  }
  if (*version == 0) {
    return corrupt(kHeaderVersionOffset, "format version 0 is not a valid version");
  }
  return Status::OK();
}

}  // namespace memdb::snapshot
