#include "wal/log_writer.h"

#include <algorithm>

#include "util/coding.h"
#include "util/crc32c.h"
#include "wal/log_format.h"

namespace memdb::wal {
namespace {

// After a Flush, a pending buffer that grew past this for a large record is released rather
// than kept for the next group of (usually small) records.
constexpr size_t kMaxRetainedPendingBytes = 1 << 20;

}  // namespace

LogWriter::LogWriter(WritableFile* file, uint64_t file_size, const LogWriterOptions& options)
    : file_(file), options_(options), flushed_(file_size), block_offset_(file_size % kBlockSize) {
  for (uint8_t t = 0; t <= kMaxRecordType; ++t) {
    const char type = static_cast<char>(t);
    type_crc_[t] = crc32c::Value(&type, 1);
  }
}

void LogWriter::AddRecord(std::string_view payload) {
  if (!status_.ok()) return;
  const char* data = payload.data();
  size_t left = payload.size();
  bool first = true;
  // Reserve for the payload plus one header per block it can touch plus a trailer, so a large
  // record is framed without repeated reallocation.
  pending_.reserve(pending_.size() + left + (left / kMaxFragmentLength + 2) * kHeaderSize + 8);
  // One iteration per fragment; runs once for an empty payload (a kFull record of length 0).
  do {
    size_t room = kBlockSize - block_offset_;
    if (room < kHeaderSize) {
      // The trailer: too small for a header. Zeros read as "no record" (type kZero).
      pending_.append(room, '\0');
      block_offset_ = 0;
      room = kBlockSize;
    }
    const size_t length = std::min(left, room - kHeaderSize);
    const bool last = length == left;
    RecordType type;
    if (first && last) {
      type = RecordType::kFull;
    } else if (first) {
      type = RecordType::kFirst;
    } else if (last) {
      type = RecordType::kLast;
    } else {
      type = RecordType::kMiddle;
    }
    EmitPhysicalRecord(static_cast<uint8_t>(type), data, length);
    data += length;
    left -= length;
    first = false;
  } while (left > 0);
}

void LogWriter::EmitPhysicalRecord(uint8_t type, const char* data, size_t length) {
  char header[kHeaderSize];
  EncodeFixed32(header, crc32c::Mask(crc32c::Extend(type_crc_[type], data, length)));
  header[4] = static_cast<char>(length & 0xff);
  header[5] = static_cast<char>(length >> 8);
  header[6] = static_cast<char>(type);
  pending_.append(header, kHeaderSize);
  pending_.append(data, length);
  block_offset_ += kHeaderSize + length;
}

Status LogWriter::Flush() {
  if (!status_.ok()) return status_;
  if (pending_.empty()) return Status::OK();
  Status s = file_->Append(pending_);
  if (!s.ok()) {
    status_ = s;
    return s;
  }
  flushed_ += pending_.size();
  if (pending_.capacity() > kMaxRetainedPendingBytes) {
    std::string().swap(pending_);
  } else {
    pending_.clear();
  }
  return Status::OK();
}

Status LogWriter::Sync() {
  if (!status_.ok()) return status_;
  Status s = file_->Sync();
  // The deliberate bug: a second Sync "succeeds" although the first may have dropped data.
  if (!s.ok() && options_.retry_failed_sync && file_->Sync().ok()) return Status::OK();
  if (!s.ok()) status_ = s;
  return s;
}

}  // namespace memdb::wal
