// Checkpoint files. The byte format is specified in docs/checkpoint-format.md; the constants
// below are its tables.
//
// Why the reader is this careful: cereal 1.3.2 trusts every size it reads (a string or vector
// is resized to the stored length before its bytes are read, so a damaged length of 2^31
// zero-fills 2 GiB), and it loads flipped or appended bytes silently. So cereal only ever sees a
// chunk whose length was checked against the file, whose CRC matched, and whose layout we walked
// ourselves, every size field fitting in the bytes that remain.
#include "snapshot/checkpoint_file.h"

#include <bit>
#include <cereal/archives/binary.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/utility.hpp>
#include <cereal/types/vector.hpp>
#include <exception>
#include <istream>
#include <limits>
#include <new>
#include <ostream>
#include <streambuf>

#include "memdb/mvcc/txn.h"
#include "snapshot/archive_io.h"
#include "snapshot/checksummed_header.h"
#include "util/coding.h"
#include "util/crc32c.h"
#include "util/printable.h"

namespace memdb::snapshot {
namespace {

// cereal's binary archive writes integers in the host's byte order; the format says little
// endian, which the pre-walk decodes. A big-endian port needs cereal's portable archive.
static_assert(std::endian::native == std::endian::little,
              "checkpoint files are little endian; see docs/checkpoint-format.md");

constexpr char kMagic[8] = {'M', 'E', 'M', 'D', 'B', 'C', 'K', 'P'};

// Header (checksummed_header.h): magic | format version u32 | commit timestamp u64 |
// replay_from_segment u64 | masked crc32c of the 28 bytes before it.
constexpr size_t kHeaderSize = kChecksummedHeaderSize;

// Chunk: payload length u32 | masked crc32c of (type, payload) u32 | type u8 | payload.
constexpr size_t kChunkHeaderSize = 9;
constexpr uint8_t kDataChunk = 1;
constexpr uint8_t kTrailerChunk = 2;

// Trailer payload: key count u64 | data bytes u64 | data chunk count u64 | masked chain crc u32.
constexpr size_t kTrailerPayloadSize = 28;
constexpr size_t kTrailerSize = kChunkHeaderSize + kTrailerPayloadSize;

// A data chunk's payload is cereal's binary encoding of std::vector<std::pair<std::string,
// std::string>>: u64 entry count, then per entry u64 key size | key | u64 value size | value.
constexpr uint64_t kBatchCountSize = 8;
constexpr uint64_t kEntryOverhead = 16;

// The writer closes a batch once its payload reaches this size, so memory stays bounded on
// both sides; a single larger entry makes a larger chunk.
constexpr uint64_t kTargetChunkPayload = uint64_t{1} << 20;
constexpr uint64_t kMaxChunkPayload = std::numeric_limits<uint32_t>::max();
// The most key + value bytes one entry may have: it must fit a chunk of its own.
constexpr uint64_t kMaxEntryData = kMaxChunkPayload - kBatchCountSize - kEntryOverhead;

using Batch = std::vector<std::pair<std::string, std::string>>;

uint32_t ChunkCrc(uint8_t type, std::string_view payload) {
  const char t = static_cast<char>(type);
  return crc32c::Mask(crc32c::Extend(crc32c::Value(&t, 1), payload.data(), payload.size()));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Writer

CheckpointWriter::CheckpointWriter(WritableFile* file, uint64_t commit_timestamp,
                                   uint64_t replay_from_segment)
    : file_(file), commit_timestamp_(commit_timestamp), replay_from_segment_(replay_from_segment) {}

Status CheckpointWriter::Add(std::string_view key, std::string_view value) {
  if (!error_.ok()) return error_;
  if (finished_) {
    return Status::InvalidArgument("checkpoint " + file_->path() + ": Add after Finish");
  }
  // The previous key is the batch's last one, or the last one written before this batch.
  if (!batch_.empty() || has_last_key_) {
    const std::string_view previous = batch_.empty() ? last_key_ : batch_.back().first;
    if (key <= previous) {
      return Status::InvalidArgument("checkpoint " + file_->path() + ": key " + Printable(key) +
                                     " is not greater than the previous key " +
                                     Printable(previous) + " (keys must be strictly increasing)");
    }
  }
  if (key.size() > kMaxKeySize) {
    return Status::InvalidArgument("checkpoint " + file_->path() + ": a key of " +
                                   std::to_string(key.size()) + " bytes exceeds the key limit of " +
                                   std::to_string(kMaxKeySize) + " bytes");
  }
  if (key.size() > kMaxEntryData || value.size() > kMaxEntryData - key.size()) {
    return Status::InvalidArgument("checkpoint " + file_->path() + ": entry for key " +
                                   Printable(key) + " has " + std::to_string(value.size()) +
                                   " value bytes; key + value may be at most " +
                                   std::to_string(kMaxEntryData) + " bytes");
  }
  Status s = WriteHeaderOnce();
  if (!s.ok()) return s;

  const uint64_t entry_bytes = kEntryOverhead + key.size() + value.size();
  if (!batch_.empty() && kBatchCountSize + batch_bytes_ + entry_bytes > kTargetChunkPayload) {
    s = FlushBatch();
    if (!s.ok()) return s;
  }
  try {
    batch_.emplace_back(key, value);
  } catch (const std::exception& e) {
    // Not sticky: the entry was not added (emplace_back's strong guarantee).
    return Status::IOError("checkpoint " + file_->path() + ": copying the entry for key " +
                           Printable(key) + " failed: " + ExceptionText(e));
  }
  batch_bytes_ += entry_bytes;
  key_count_ += 1;
  data_bytes_ += key.size() + value.size();
  if (kBatchCountSize + batch_bytes_ >= kTargetChunkPayload) return FlushBatch();
  return Status::OK();
}

Status CheckpointWriter::Finish() {
  if (!error_.ok()) return error_;
  if (finished_) {
    return Status::InvalidArgument("checkpoint " + file_->path() + ": Finish called twice");
  }
  finished_ = true;
  Status s = WriteHeaderOnce();
  if (s.ok() && !batch_.empty()) s = FlushBatch();
  if (!s.ok()) return s;

  std::string trailer;
  PutFixed64(&trailer, key_count_);
  PutFixed64(&trailer, data_bytes_);
  PutFixed64(&trailer, chunk_count_);
  PutFixed32(&trailer, crc32c::Mask(chain_crc_));
  return AppendChunk(kTrailerChunk, trailer);
}

Status CheckpointWriter::WriteHeaderOnce() {
  if (header_written_) return Status::OK();
  header_written_ = true;
  std::string fields;
  PutFixed64(&fields, commit_timestamp_);
  PutFixed64(&fields, replay_from_segment_);
  const std::string header = EncodeChecksummedHeader(std::string_view(kMagic, sizeof(kMagic)),
                                                     kCheckpointFormatVersion, fields);
  error_ = file_->Append(header);
  if (!error_.ok()) return error_;
  bytes_written_ += header.size();
  chain_crc_ = crc32c::Value(header.data(), header.size());
  return Status::OK();
}

Status CheckpointWriter::FlushBatch() {
  chunk_.clear();
  try {
    chunk_.reserve(kBatchCountSize + batch_bytes_);
    StringSink sink(&chunk_);
    std::ostream stream(&sink);
    cereal::BinaryOutputArchive archive(stream);
    archive(batch_);
  } catch (const std::exception& e) {
    error_ =
        Status::IOError("checkpoint " + file_->path() + ": serializing a batch of " +
                        std::to_string(batch_.size()) + " entries failed: " + ExceptionText(e));
    return error_;
  }
  // The reader walks this layout byte by byte; a cereal whose encoding differs from the one
  // documented must fail here, not produce files that cannot be read back.
  if (chunk_.size() != kBatchCountSize + batch_bytes_) {
    error_ = Status::IOError("checkpoint " + file_->path() + ": cereal encoded a batch in " +
                             std::to_string(chunk_.size()) + " bytes, the format expects " +
                             std::to_string(kBatchCountSize + batch_bytes_));
    return error_;
  }
  Status s = AppendChunk(kDataChunk, chunk_);
  if (!s.ok()) return s;
  last_key_.swap(batch_.back().first);
  has_last_key_ = true;
  batch_.clear();
  batch_bytes_ = 0;
  return Status::OK();
}

Status CheckpointWriter::AppendChunk(uint8_t type, std::string_view payload) {
  char header[kChunkHeaderSize];
  EncodeFixed32(header, static_cast<uint32_t>(payload.size()));
  EncodeFixed32(header + 4, ChunkCrc(type, payload));
  header[8] = static_cast<char>(type);
  error_ = file_->Append(std::string_view(header, sizeof(header)));
  if (error_.ok()) error_ = file_->Append(payload);
  if (!error_.ok()) return error_;
  bytes_written_ += sizeof(header) + payload.size();
  if (type == kDataChunk) {
    chain_crc_ = crc32c::Extend(chain_crc_, header, sizeof(header));
    chunk_count_ += 1;
  }
  return Status::OK();
}

// ---------------------------------------------------------------------------------------------
// Reader

namespace {

// Reads one checkpoint file front to back, tracking the offset every error names.
class CheckpointReader {
 public:
  CheckpointReader(SequentialFile* file, uint64_t file_size) : file_(file), size_(file_size) {}

  uint64_t offset() const { return offset_; }

  Status Corrupt(uint64_t offset, std::string_view what) const {
    return Status::Corruption(file_->path() + ": corrupt checkpoint at offset " +
                              std::to_string(offset) + ": " + std::string(what));
  }

  // Reads and checks the header: magic, then CRC, then version (the header layout is the
  // same in every version, so damage is told apart from a genuinely newer file).
  Status ReadHeader(CheckpointInfo* info) {
    if (size_ < kHeaderSize) {
      return Corrupt(0, "truncated: the file has " + std::to_string(size_) +
                            " bytes, fewer than the " + std::to_string(kHeaderSize) +
                            "-byte header");
    }
    Status s = ReadExactly(kHeaderSize, &header_, "the header");
    if (!s.ok()) return s;
    if (std::string_view(header_.data(), sizeof(kMagic)) !=
        std::string_view(kMagic, sizeof(kMagic))) {
      return Corrupt(0, "bad magic " + Printable(std::string_view(header_.data(), sizeof(kMagic))) +
                            ", expected \"MEMDBCKP\" (not a memdb checkpoint)");
    }
    s = CheckChecksummedHeader(
        header_, file_->path(), "checkpoint", kCheckpointFormatVersion,
        [this](uint64_t offset, std::string_view what) { return Corrupt(offset, what); },
        &info->format_version);
    if (!s.ok()) return s;
    info->commit_timestamp = DecodeFixed64(header_.data() + kHeaderFieldsOffset);
    info->replay_from_segment = DecodeFixed64(header_.data() + kHeaderFieldsOffset + 8);
    chain_crc_ = crc32c::Value(header_.data(), kHeaderSize);
    return Status::OK();
  }

  // Reads every chunk and the trailer, visiting entries chunk by chunk.
  Status ReadBody(CheckpointInfo* info, const CheckpointVisitor& visit) {
    for (;;) {
      const uint64_t chunk_offset = offset_;
      uint32_t length = 0;
      uint8_t type = 0;
      Status s = ReadChunk(&length, &type);
      if (!s.ok()) return s;
      if (type == kTrailerChunk) return CheckTrailer(chunk_offset, info);
      s = ReadBatch(chunk_offset, visit);
      if (!s.ok()) return s;
    }
  }

  // For ReadCheckpointHeader: after the header, jumps to the fixed-size trailer at the end.
  Status ReadTrailerOnly(CheckpointInfo* info) {
    if (size_ < kHeaderSize + kTrailerSize) {
      return Corrupt(size_, "truncated: the file has " + std::to_string(size_) +
                                " bytes, fewer than a header and a trailer (" +
                                std::to_string(kHeaderSize + kTrailerSize) + ")");
    }
    const uint64_t trailer_offset = size_ - kTrailerSize;
    Status s = file_->Skip(trailer_offset - offset_);
    if (!s.ok()) return s;
    offset_ = trailer_offset;
    std::string trailer;
    s = ReadExactly(kTrailerSize, &trailer, "the trailer");
    if (!s.ok()) return s;
    const uint32_t length = DecodeFixed32(trailer.data());
    const uint32_t stored_crc = DecodeFixed32(trailer.data() + 4);
    const auto type = static_cast<uint8_t>(trailer[8]);
    payload_.assign(trailer, kChunkHeaderSize);
    if (length != kTrailerPayloadSize || type != kTrailerChunk ||
        stored_crc != ChunkCrc(type, payload_)) {
      return Corrupt(trailer_offset, "the last " + std::to_string(kTrailerSize) +
                                         " bytes are not an intact trailer (the file is "
                                         "truncated or damaged)");
    }
    const char* p = payload_.data();
    info->key_count = DecodeFixed64(p);
    info->data_bytes = DecodeFixed64(p + 8);
    return Status::OK();
  }

 private:
  // Reads `n` bytes (n <= bytes left, checked by the caller) into *out; a short read means the
  // file is shorter than the size we were given.
  Status ReadExactly(size_t n, std::string* out, std::string_view what) {
    Status s = file_->Read(n, out);
    if (!s.ok()) return s;
    if (out->size() != n) {
      return Corrupt(offset_ + out->size(), "truncated: the file ends inside " + std::string(what) +
                                                " (" + std::to_string(out->size()) + " of " +
                                                std::to_string(n) + " bytes)");
    }
    offset_ += n;
    return Status::OK();
  }

  // Reads one chunk into payload_ and checks its length (against the bytes left, before
  // allocating), its type and its CRC.
  Status ReadChunk(uint32_t* length, uint8_t* type) {
    const uint64_t chunk_offset = offset_;
    const uint64_t left = size_ - offset_;
    if (left == 0) {
      return Corrupt(offset_, "truncated: the file ends after " + std::to_string(chunk_count_) +
                                  " data chunks without a trailer");
    }
    if (left < kChunkHeaderSize) {
      return Corrupt(offset_, "truncated: " + std::to_string(left) +
                                  " bytes left, fewer than a chunk header (" +
                                  std::to_string(kChunkHeaderSize) + ")");
    }
    Status s = ReadExactly(kChunkHeaderSize, &chunk_header_, "a chunk header");
    if (!s.ok()) return s;
    *length = DecodeFixed32(chunk_header_.data());
    const uint32_t stored_crc = DecodeFixed32(chunk_header_.data() + 4);
    *type = static_cast<uint8_t>(chunk_header_[8]);
    if (*length > left - kChunkHeaderSize) {
      return Corrupt(chunk_offset, "chunk length " + std::to_string(*length) + " exceeds the " +
                                       std::to_string(left - kChunkHeaderSize) +
                                       " bytes left in the file (truncated or damaged)");
    }
    if (*type != kDataChunk && *type != kTrailerChunk) {
      return Corrupt(chunk_offset + 8, "unknown chunk type " + std::to_string(*type));
    }
    if (*type == kTrailerChunk && *length != kTrailerPayloadSize) {
      return Corrupt(chunk_offset, "trailer length " + std::to_string(*length) + ", expected " +
                                       std::to_string(kTrailerPayloadSize));
    }
    s = ReadExactly(*length, &payload_, "a chunk payload");
    if (!s.ok()) return s;
    const uint32_t actual_crc = ChunkCrc(*type, payload_);
    if (stored_crc != actual_crc) {
      return Corrupt(chunk_offset, "checksum mismatch in the " + std::to_string(*length) +
                                       "-byte chunk (stored " + Hex32(stored_crc) + ", computed " +
                                       Hex32(actual_crc) + ")");
    }
    return Status::OK();
  }

  // Checks that payload_ is exactly a cereal-encoded batch -- every size field fits in what
  // remains of the chunk, nothing follows the last entry -- so cereal cannot over-allocate.
  Status WalkBatch(uint64_t payload_offset, uint64_t* count) const {
    const std::string_view p = payload_;
    uint64_t pos = 0;
    auto read_size = [&](std::string_view what, uint64_t* out) -> Status {
      if (p.size() - pos < 8) {
        return Corrupt(payload_offset + pos,
                       "the chunk ends inside the size of " + std::string(what));
      }
      *out = DecodeFixed64(p.data() + pos);
      pos += 8;
      if (*out > p.size() - pos) {
        return Corrupt(payload_offset + pos - 8,
                       std::string(what) + " claims " + std::to_string(*out) + " bytes, but " +
                           std::to_string(p.size() - pos) + " are left in the chunk");
      }
      return Status::OK();
    };
    if (p.size() < kBatchCountSize) {
      return Corrupt(payload_offset, "a " + std::to_string(p.size()) +
                                         "-byte data chunk is too short for its entry count");
    }
    *count = DecodeFixed64(p.data());
    pos = kBatchCountSize;
    if (*count == 0) return Corrupt(payload_offset, "a data chunk with no entries");
    // Each entry takes at least kEntryOverhead bytes, which bounds the vector cereal resizes to.
    if (*count > (p.size() - pos) / kEntryOverhead) {
      return Corrupt(payload_offset, "entry count " + std::to_string(*count) + " cannot fit in " +
                                         std::to_string(p.size() - pos) + " bytes");
    }
    for (uint64_t i = 0; i < *count; ++i) {
      uint64_t n = 0;
      Status s = read_size("a key", &n);
      if (!s.ok()) return s;
      // No writer makes such a key (the engine refuses it), so it is damage or forgery; an
      // accepted one would reach a Db whose index cannot hold it.
      if (n > kMaxKeySize) {
        return Corrupt(payload_offset + pos - 8, "a key of " + std::to_string(n) +
                                                     " bytes exceeds the key limit of " +
                                                     std::to_string(kMaxKeySize) + " bytes");
      }
      pos += n;
      s = read_size("a value", &n);
      if (!s.ok()) return s;
      pos += n;
    }
    if (pos != p.size()) {
      return Corrupt(payload_offset + pos, std::to_string(p.size() - pos) +
                                               " bytes of junk after the last entry of the chunk");
    }
    return Status::OK();
  }

  Status ReadBatch(uint64_t chunk_offset, const CheckpointVisitor& visit) {
    const uint64_t payload_offset = chunk_offset + kChunkHeaderSize;
    uint64_t count = 0;
    Status s = WalkBatch(payload_offset, &count);
    if (!s.ok()) return s;
    try {
      ViewSource source(payload_);
      std::istream stream(&source);
      cereal::BinaryInputArchive archive(stream);
      archive(batch_);
      if (source.remaining() != 0 || batch_.size() != count) {
        return Corrupt(payload_offset, "cereal's reading of the chunk disagrees with its layout");
      }
    } catch (const cereal::Exception& e) {
      return Corrupt(payload_offset, std::string("cereal could not load the chunk: ") + e.what());
    }
    // Check the whole chunk before visiting any of it.
    uint64_t entry_offset = payload_offset + kBatchCountSize;
    for (size_t i = 0; i < batch_.size(); ++i) {
      const std::string& key = batch_[i].first;
      if (i > 0 || has_previous_key_) {
        const std::string& previous = i > 0 ? batch_[i - 1].first : previous_key_;
        if (key <= previous) {
          return Corrupt(entry_offset, "key " + Printable(key) +
                                           " is not greater than the previous key " +
                                           Printable(previous));
        }
      }
      entry_offset += kEntryOverhead + key.size() + batch_[i].second.size();
      data_bytes_ += key.size() + batch_[i].second.size();
    }
    key_count_ += batch_.size();
    chunk_count_ += 1;
    chain_crc_ = crc32c::Extend(chain_crc_, chunk_header_.data(), kChunkHeaderSize);
    previous_key_ = batch_.back().first;
    has_previous_key_ = true;
    for (const auto& [key, value] : batch_) {
      try {
        s = visit(key, value);
      } catch (const std::exception& e) {
        return Status::IOError(file_->path() + ": the checkpoint visitor threw at key " +
                               Printable(key) + ": " + ExceptionText(e));
      } catch (...) {
        return Status::IOError(file_->path() + ": the checkpoint visitor threw at key " +
                               Printable(key) + " (not a std::exception)");
      }
      if (!s.ok()) return s;
    }
    return Status::OK();
  }

  Status CheckTrailer(uint64_t trailer_offset, CheckpointInfo* info) {
    const char* p = payload_.data();
    const uint64_t key_count = DecodeFixed64(p);
    const uint64_t data_bytes = DecodeFixed64(p + 8);
    const uint64_t chunk_count = DecodeFixed64(p + 16);
    const uint32_t chain = crc32c::Unmask(DecodeFixed32(p + 24));
    const uint64_t fields = trailer_offset + kChunkHeaderSize;
    if (chunk_count != chunk_count_) {
      return Corrupt(fields + 16, "the trailer counts " + std::to_string(chunk_count) +
                                      " data chunks, the file has " + std::to_string(chunk_count_));
    }
    if (key_count != key_count_) {
      return Corrupt(fields, "the trailer counts " + std::to_string(key_count) +
                                 " keys, the chunks hold " + std::to_string(key_count_));
    }
    if (data_bytes != data_bytes_) {
      return Corrupt(fields + 8, "the trailer counts " + std::to_string(data_bytes) +
                                     " data bytes, the chunks hold " + std::to_string(data_bytes_));
    }
    if (chain != chain_crc_) {
      return Corrupt(fields + 24, "the trailer's chain checksum " + Hex32(chain) +
                                      " does not match the header and chunks (" +
                                      Hex32(chain_crc_) + ")");
    }
    if (offset_ != size_) {
      return Corrupt(offset_,
                     std::to_string(size_ - offset_) + " bytes of trailing junk after the trailer");
    }
    info->key_count = key_count;
    info->data_bytes = data_bytes;
    return Status::OK();
  }

  SequentialFile* const file_;
  const uint64_t size_;
  uint64_t offset_ = 0;

  std::string header_;
  std::string chunk_header_;
  std::string payload_;  // one chunk at a time, reused
  Batch batch_;          // reused: cereal resizes its strings in place

  std::string previous_key_;
  bool has_previous_key_ = false;
  uint64_t key_count_ = 0;
  uint64_t data_bytes_ = 0;
  uint64_t chunk_count_ = 0;
  uint32_t chain_crc_ = 0;
};

// Runs `body` with every exception turned into Corruption at the reader's current offset:
// after the checks above none is expected, but cereal and the standard library may still throw
// (std::bad_alloc on a genuinely huge chunk), and none may escape.
template <typename Body>
Status Guarded(CheckpointReader& reader, Body body) {
  try {
    return body();
  } catch (const std::exception& e) {
    return reader.Corrupt(reader.offset(), "reading failed: " + ExceptionText(e));
  } catch (...) {
    return reader.Corrupt(reader.offset(), "reading failed with an unknown exception");
  }
}

}  // namespace

Status ReadCheckpoint(SequentialFile* file, uint64_t file_size, CheckpointInfo* info,
                      const CheckpointVisitor& visit) {
  CheckpointReader reader(file, file_size);
  return Guarded(reader, [&] {
    *info = CheckpointInfo();
    Status s = reader.ReadHeader(info);
    if (!s.ok()) return s;
    return reader.ReadBody(info, visit);
  });
}

Status ReadCheckpointHeader(SequentialFile* file, uint64_t file_size, CheckpointInfo* info) {
  CheckpointReader reader(file, file_size);
  return Guarded(reader, [&] {
    *info = CheckpointInfo();
    Status s = reader.ReadHeader(info);
    if (!s.ok()) return s;
    return reader.ReadTrailerOnly(info);
  });
}

}  // namespace memdb::snapshot
