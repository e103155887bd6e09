#include "wal/log_reader.h"

#include <algorithm>

#include "util/coding.h"
#include "util/crc32c.h"
#include "wal/log_format.h"

namespace memdb::wal {
namespace {

std::string TypeName(uint8_t type) {
  static constexpr const char* kNames[] = {"zero", "full", "first", "middle", "last"};
  std::string name = std::to_string(type);
  if (type <= kMaxRecordType) name += std::string(" (") + kNames[type] + ")";
  return name;
}

std::string At(uint64_t offset) { return "at offset " + std::to_string(offset); }

constexpr uint8_t kFull = static_cast<uint8_t>(RecordType::kFull);
constexpr uint8_t kFirst = static_cast<uint8_t>(RecordType::kFirst);
constexpr uint8_t kMiddle = static_cast<uint8_t>(RecordType::kMiddle);
constexpr uint8_t kLast = static_cast<uint8_t>(RecordType::kLast);

size_t LengthField(const char* header) {
  return static_cast<uint8_t>(header[4]) | (size_t{static_cast<uint8_t>(header[5])} << 8);
}

}  // namespace

LogReader::LogReader(SequentialFile* file, uint64_t file_size, const LogReaderOptions& options)
    : verify_checksums_(options.verify_checksums), file_(file), file_end_(file_size) {
  for (uint8_t t = 0; t <= kMaxRecordType; ++t) {
    const char type = static_cast<char>(t);
    type_crc_[t] = crc32c::Value(&type, 1);
  }
}

bool LogReader::ReadNextBlock() {
  const uint64_t next = started_ ? block_start_ + kBlockSize : 0;
  if (next >= file_end_) return false;
  const size_t want = static_cast<size_t>(std::min<uint64_t>(kBlockSize, file_end_ - next));
  Status s = file_->Read(want, &block_);
  if (!s.ok()) {
    status_ = std::move(s);
    damage_offset_ = next;
    return false;
  }
  if (block_.size() > want) block_.resize(want);  // a misbehaving file; never trust it further
  started_ = true;
  block_start_ = next;
  pos_ = 0;
  if (block_.size() < want) file_end_ = next + block_.size();  // shorter than announced
  return !block_.empty();
}

bool LogReader::ParseIntact(size_t pos, Fragment* fragment) const {
  if (pos + kHeaderSize > block_.size()) return false;
  const char* header = block_.data() + pos;
  const auto type = static_cast<uint8_t>(header[6]);
  if (type == 0 || type > kMaxRecordType) return false;
  const size_t length = LengthField(header);
  if (length > block_.size() - pos - kHeaderSize) return false;
  const uint32_t crc = crc32c::Extend(type_crc_[type], header + kHeaderSize, length);
  if (crc32c::Unmask(DecodeFixed32(header)) != crc) return false;
  *fragment = Fragment{block_start_ + pos, type, header + kHeaderSize, length};
  return true;
}

LogReader::Next LogReader::NextFragment(Fragment* fragment) {
  // Skip a block trailer (or start the first block).
  while (!started_ || kBlockSize - pos_ < kHeaderSize) {
    if (!ReadNextBlock()) return status_.ok() ? Next::kEndOfFile : Next::kReadError;
  }
  const size_t have = block_.size() - pos_;
  if (have == 0) return Next::kEndOfFile;  // the file ends in this block, between records
  const uint64_t offset = block_start_ + pos_;
  if (have < kHeaderSize) {
    damage_ = "the file ends inside the record header " + At(offset) + " (" + std::to_string(have) +
              " of " + std::to_string(kHeaderSize) + " bytes)";
    return Next::kDamage;
  }
  const char* header = block_.data() + pos_;
  const uint32_t masked_crc = DecodeFixed32(header);
  const size_t length = LengthField(header);
  const auto type = static_cast<uint8_t>(header[6]);
  if (masked_crc == 0 && length == 0 && type == 0) {
    damage_ = "zero-filled bytes instead of a record header " + At(offset);
    return Next::kDamage;
  }
  if (type == 0 || type > kMaxRecordType) {
    damage_ = "unknown record type " + std::to_string(type) + " in the record header " + At(offset);
    return Next::kDamage;
  }
  const size_t room = kBlockSize - pos_ - kHeaderSize;
  if (length > room) {
    damage_ = "length " + std::to_string(length) + " in the record header " + At(offset) +
              " runs past the block end (" + std::to_string(room) + " bytes left in the block)";
    return Next::kDamage;
  }
  if (length > have - kHeaderSize) {
    damage_ = "the file ends inside the record " + At(offset) + " (type " + TypeName(type) +
              ", length " + std::to_string(length) + ", " + std::to_string(have - kHeaderSize) +
              " bytes present)";
    return Next::kDamage;
  }
  const uint32_t crc = crc32c::Extend(type_crc_[type], header + kHeaderSize, length);
  if (crc32c::Unmask(masked_crc) != crc && verify_checksums_) {
    damage_ = "checksum mismatch in the record " + At(offset) + " (type " + TypeName(type) +
              ", length " + std::to_string(length) + ")";
    return Next::kDamage;
  }
  *fragment = Fragment{offset, type, header + kHeaderSize, length};
  pos_ += kHeaderSize + length;
  return Next::kFragment;
}

std::optional<uint64_t> LogReader::FindIntactRecord(uint64_t from) {
  Fragment fragment;
  // (1) Every position left in the current block. The type byte is checked before anything
  // else, so garbage costs a crc only at about 1 position in 128.
  if (started_ && from >= block_start_) {
    for (size_t q = static_cast<size_t>(from - block_start_); q + kHeaderSize <= block_.size();
         ++q) {
      const auto type = static_cast<uint8_t>(block_[q + 6]);
      if ((type == kFull || type == kFirst) && ParseIntact(q, &fragment)) {
        pos_ = q;
        return fragment.offset;
      }
    }
  }
  // (2) Later blocks, each along its chain of intact fragments from the block start.
  while (ReadNextBlock()) {
    size_t q = 0;
    while (ParseIntact(q, &fragment)) {
      if (fragment.type == kFull || fragment.type == kFirst) {
        pos_ = q;
        return fragment.offset;
      }
      q += kHeaderSize + fragment.length;
    }
  }
  return std::nullopt;
}

LogReader::Outcome LogReader::Damaged(uint64_t damage_offset, uint64_t search_from) {
  damage_offset_ = damage_offset;
  const std::optional<uint64_t> intact = FindIntactRecord(search_from);
  if (!status_.ok()) return ReadFailed();
  if (intact.has_value()) {
    damage_ += "; an intact record follows " + At(*intact);
    return Outcome::kCorruption;  // not final: the next call resumes at *intact
  }
  torn_bytes_ = file_end_ - valid_end_;
  damage_ += "; nothing intact follows (a torn tail of " + std::to_string(torn_bytes_) +
             " bytes from offset " + std::to_string(valid_end_) + ")";
  final_ = Outcome::kTornTail;
  return Outcome::kTornTail;
}

LogReader::Outcome LogReader::ReadFailed() {
  // damage_offset_ is where the failed read started (set by ReadNextBlock).
  damage_ = "cannot read " + file_->path() + " " + At(damage_offset_) + ": " + status_.ToString();
  final_ = Outcome::kCorruption;
  return Outcome::kCorruption;
}

LogReader::Outcome LogReader::ReadRecord(std::string* record) {
  record->clear();
  if (final_.has_value()) return *final_;
  bool in_record = false;
  uint64_t record_start = 0;
  for (;;) {
    Fragment fragment;
    switch (NextFragment(&fragment)) {
      case Next::kReadError:
        record->clear();
        return ReadFailed();

      case Next::kEndOfFile:
        if (in_record) partial_ = *record;
        record->clear();
        if (in_record) {
          damage_ = "the file ends inside the record " + At(record_start) + " after " +
                    std::to_string(file_end_ - record_start) + " bytes";
          return Damaged(record_start, file_end_);
        }
        if (valid_end_ >= file_end_) {
          final_ = Outcome::kEnd;
          return Outcome::kEnd;
        }
        // Only a block trailer follows the last record: the writer pads a block only right
        // before the next record's header, so that record was cut off.
        damage_ = "the file ends in the block trailer after the last record " + At(valid_end_);
        return Damaged(valid_end_, file_end_);

      case Next::kDamage: {
        if (in_record) partial_ = *record;
        record->clear();
        const uint64_t at = block_start_ + pos_;
        if (in_record) damage_ += ", inside the record " + At(record_start);
        return Damaged(in_record ? record_start : at, at + 1);
      }

      case Next::kFragment:
        break;
    }

    const std::string_view payload(fragment.data, fragment.length);
    switch (fragment.type) {
      case kFull:
      case kFirst:
        if (in_record) {
          // The record begun at record_start has no last fragment, and an intact record starts
          // right here: step back onto it so the search below finds it and the next call resumes.
          record->clear();
          pos_ -= kHeaderSize + fragment.length;
          damage_ = "the record " + At(record_start) +
                    " has no last fragment: a new record (type " + TypeName(fragment.type) +
                    ") begins " + At(fragment.offset);
          return Damaged(record_start, fragment.offset);
        }
        if (fragment.type == kFull) {
          record->assign(payload);
          last_record_offset_ = fragment.offset;
          valid_end_ = fragment.offset + kHeaderSize + fragment.length;
          return Outcome::kRecord;
        }
        in_record = true;
        record_start = fragment.offset;
        record->assign(payload);
        break;

      case kMiddle:
      case kLast:
        if (!in_record) {
          damage_ = "a record fragment of type " + TypeName(fragment.type) + " " +
                    At(fragment.offset) + " without a first fragment";
          return Damaged(fragment.offset, fragment.offset + 1);
        }
        record->append(payload);
        if (fragment.type == kLast) {
          last_record_offset_ = record_start;
          valid_end_ = fragment.offset + kHeaderSize + fragment.length;
          return Outcome::kRecord;
        }
        break;

      default:  // NextFragment returns only types 1..4
        break;
    }
  }
}

}  // namespace memdb::wal
