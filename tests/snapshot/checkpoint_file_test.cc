#include "snapshot/checkpoint_file.h"
#include "memdb/testing/status_matchers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "memdb/mvcc/txn.h"
#include "memdb/util/random.h"
#include "support/allocation_counter.h"
#include "support/test_support.h"
#include "util/coding.h"
#include "util/crc32c.h"

namespace memdb::snapshot {
namespace {

using ::memdb::testing::IsOk;
using ::memdb::testing::StatusIs;
using test::AllocationCounter;
using ::testing::HasSubstr;
using Code = Status::Code;
using Entry = std::pair<std::string, std::string>;

constexpr char kPath[] = "mem/checkpoint-7.ckp";
constexpr size_t kHeaderSize = 32;
constexpr size_t kChunkHeaderSize = 9;
constexpr size_t kTrailerSize = 37;
constexpr uint8_t kDataChunk = 1;
constexpr uint8_t kTrailerChunk = 2;

// A WritableFile over a std::string, counting syncs; it can be told to fail an Append.
class StringWritableFile : public WritableFile {
 public:
  Status Append(std::string_view data) override {
    if (closed_) return Status::InvalidArgument("closed");
    if (appends_++ == fail_append_) return Status::IOError(std::string(kPath) + ": disk full");
    contents.append(data);
    return Status::OK();
  }
  Status Sync() override {
    ++syncs;
    return Status::OK();
  }
  Status Close() override {
    closed_ = true;
    return Status::OK();
  }
  uint64_t Size() const override { return contents.size(); }
  const std::string& path() const override { return path_; }

  void FailAppendNumber(int n) { fail_append_ = n; }

  std::string contents;
  int syncs = 0;

 private:
  std::string path_ = kPath;
  bool closed_ = false;
  int appends_ = 0;
  int fail_append_ = -1;
};

// A SequentialFile over bytes it does not own, counting what it reads and skips.
class StringSequentialFile : public SequentialFile {
 public:
  explicit StringSequentialFile(std::string_view data) : data_(data) {}
  // Sizes the buffer for `n` bytes before reading, as a POSIX read(2) into it would: a reader
  // that asks for a length it has not checked gets caught by the AllocationCounter.
  Status Read(size_t n, std::string* out) override {
    const size_t k = std::min(n, data_.size() - pos_);
    out->resize(n);
    out->replace(0, k, data_.data() + pos_, k);
    out->resize(k);
    pos_ += k;
    bytes_read += k;
    return Status::OK();
  }
  Status Skip(uint64_t n) override {
    pos_ += static_cast<size_t>(std::min<uint64_t>(n, data_.size() - pos_));
    return Status::OK();
  }
  const std::string& path() const override { return path_; }

  uint64_t bytes_read = 0;

 private:
  std::string_view data_;
  size_t pos_ = 0;
  std::string path_ = kPath;
};

std::string WriteCheckpoint(const std::vector<Entry>& entries, uint64_t commit_timestamp = 7,
                            uint64_t replay_from_segment = 3) {
  StringWritableFile file;
  CheckpointWriter writer(&file, commit_timestamp, replay_from_segment);
  for (const auto& [key, value] : entries) {
    Status s = writer.Add(key, value);
    if (!s.ok()) {
      ADD_FAILURE() << "Add: " << s;
      return {};
    }
  }
  Status s = writer.Finish();
  if (!s.ok()) ADD_FAILURE() << "Finish: " << s;
  EXPECT_EQ(writer.bytes_written(), file.contents.size());
  return file.contents;
}

struct ReadOutcome {
  Status status;
  CheckpointInfo info;
  std::vector<Entry> entries;
};

// Reads `bytes` as a file of `file_size` bytes (its real size unless told otherwise).
ReadOutcome Read(std::string_view bytes, uint64_t file_size) {
  StringSequentialFile file(bytes);
  ReadOutcome out;
  out.status =
      ReadCheckpoint(&file, file_size, &out.info, [&](std::string_view k, std::string_view v) {
        out.entries.emplace_back(k, v);
        return Status::OK();
      });
  return out;
}
ReadOutcome Read(std::string_view bytes) { return Read(bytes, bytes.size()); }

// Only the verdict, for tests that damage files: the visitor keeps nothing.
Status Verdict(std::string_view bytes, uint64_t file_size) {
  StringSequentialFile file(bytes);
  CheckpointInfo info;
  return ReadCheckpoint(&file, file_size, &info,
                        [](std::string_view, std::string_view) { return Status::OK(); });
}
Status Verdict(std::string_view bytes) { return Verdict(bytes, bytes.size()); }

Status ReadHeader(std::string_view bytes, CheckpointInfo* info) {
  StringSequentialFile file(bytes);
  return ReadCheckpointHeader(&file, bytes.size(), info);
}

// Compares entry lists without printing megabytes on failure.
::testing::AssertionResult SameEntries(const std::vector<Entry>& expected,
                                       const std::vector<Entry>& actual) {
  if (expected.size() != actual.size()) {
    return ::testing::AssertionFailure()
           << "expected " << expected.size() << " entries, got " << actual.size();
  }
  for (size_t i = 0; i < expected.size(); ++i) {
    if (expected[i] != actual[i]) {
      return ::testing::AssertionFailure()
             << "entry " << i << ": expected " << Printable(expected[i].first) << " => "
             << Printable(expected[i].second) << ", got " << Printable(actual[i].first) << " => "
             << Printable(actual[i].second);
    }
  }
  return ::testing::AssertionSuccess();
}

// The offsets of every chunk (data chunks and the trailer), walking the framing of a file the
// writer produced.
std::vector<uint64_t> ChunkOffsets(std::string_view file) {
  std::vector<uint64_t> offsets;
  uint64_t pos = kHeaderSize;
  while (pos + kChunkHeaderSize <= file.size()) {
    offsets.push_back(pos);
    pos += kChunkHeaderSize + DecodeFixed32(file.data() + pos);
  }
  EXPECT_EQ(pos, file.size()) << "the chunk framing does not end at the end of the file";
  return offsets;
}

// Builds checkpoint files straight from docs/checkpoint-format.md, independently of the
// writer, so tests can craft damage that still carries valid checksums.
class CraftedFile {
 public:
  explicit CraftedFile(uint32_t version = kCheckpointFormatVersion, uint64_t commit_timestamp = 7,
                       uint64_t replay_from_segment = 3) {
    bytes = "MEMDBCKP";
    PutFixed32(&bytes, version);
    PutFixed64(&bytes, commit_timestamp);
    PutFixed64(&bytes, replay_from_segment);
    PutFixed32(&bytes, crc32c::Mask(crc32c::Value(bytes.data(), bytes.size())));
    chain_ = crc32c::Value(bytes.data(), bytes.size());
  }

  // The cereal binary layout of a batch, written by hand.
  static std::string Batch(const std::vector<Entry>& entries) {
    std::string p;
    PutFixed64(&p, entries.size());
    for (const auto& [key, value] : entries) {
      PutFixed64(&p, key.size());
      p += key;
      PutFixed64(&p, value.size());
      p += value;
    }
    return p;
  }

  // A chunk with a valid CRC; a data chunk joins the chain and the chunk count.
  CraftedFile& Chunk(uint8_t type, std::string_view payload) {
    const char t = static_cast<char>(type);
    const uint32_t crc =
        crc32c::Mask(crc32c::Extend(crc32c::Value(&t, 1), payload.data(), payload.size()));
    std::string header;
    PutFixed32(&header, static_cast<uint32_t>(payload.size()));
    PutFixed32(&header, crc);
    header += t;
    if (type == kDataChunk) {
      chain_ = crc32c::Extend(chain_, header.data(), header.size());
      ++chunks_;
    }
    bytes += header;
    bytes += payload;
    return *this;
  }
  CraftedFile& Data(const std::vector<Entry>& entries) { return Chunk(kDataChunk, Batch(entries)); }

  // A trailer with the given counts and this file's chunk count and chain.
  CraftedFile& Trailer(uint64_t key_count, uint64_t data_bytes) {
    return Trailer(key_count, data_bytes, chunks_, chain_);
  }
  CraftedFile& Trailer(uint64_t key_count, uint64_t data_bytes, uint64_t chunk_count,
                       uint32_t chain) {
    std::string payload;
    PutFixed64(&payload, key_count);
    PutFixed64(&payload, data_bytes);
    PutFixed64(&payload, chunk_count);
    PutFixed32(&payload, crc32c::Mask(chain));
    return Chunk(kTrailerChunk, payload);
  }

  uint32_t chain() const { return chain_; }

  std::string bytes;

 private:
  uint32_t chain_ = 0;
  uint64_t chunks_ = 0;
};

std::vector<Entry> SmallEntries() {
  return {{"", "the empty key"},
          {std::string("a\0b", 3), std::string("\0\0\0", 3)},
          {"apple", ""},
          {"apple\xff", std::string(1, '\0')},
          {"banana", "yellow"}};
}

// 100k small entries (about 6 MB in the file): several chunks. Built once per run.
const std::vector<Entry>& ManyEntries() {
  static const std::vector<Entry>* entries = [] {
    auto* v = new std::vector<Entry>;
    Random rnd(42);
    for (int i = 0; i < 100000; ++i) {
      char key[16];
      std::snprintf(key, sizeof(key), "key%08d", i);
      v->emplace_back(key, rnd.AlphaNumeric(rnd.Uniform(60)));
    }
    return v;
  }();
  return *entries;
}

const std::string& ManyEntriesFile() {
  static const std::string* file = new std::string(WriteCheckpoint(ManyEntries(), 99, 12));
  return *file;
}

// ---------------------------------------------------------------------------------------------
// Round trips

TEST(CheckpointFileTest, EmptyCheckpointRoundTrips) {
  const std::string file = WriteCheckpoint({}, 123, 45);
  EXPECT_EQ(file.size(), kHeaderSize + kTrailerSize);
  ReadOutcome r = Read(file);
  ASSERT_THAT(r.status, IsOk());
  EXPECT_TRUE(r.entries.empty());
  EXPECT_EQ(r.info.format_version, kCheckpointFormatVersion);
  EXPECT_EQ(r.info.commit_timestamp, 123u);
  EXPECT_EQ(r.info.replay_from_segment, 45u);
  EXPECT_EQ(r.info.key_count, 0u);
  EXPECT_EQ(r.info.data_bytes, 0u);
}

TEST(CheckpointFileTest, BinaryKeysAndEmptyValuesRoundTrip) {
  const std::vector<Entry> entries = SmallEntries();
  ReadOutcome r = Read(WriteCheckpoint(entries));
  ASSERT_THAT(r.status, IsOk());
  EXPECT_TRUE(SameEntries(entries, r.entries));
  EXPECT_EQ(r.info.key_count, entries.size());
  uint64_t data_bytes = 0;
  for (const auto& [k, v] : entries) data_bytes += k.size() + v.size();
  EXPECT_EQ(r.info.data_bytes, data_bytes);
}

TEST(CheckpointFileTest, MultiMebibyteValueRoundTrips) {
  Random rnd(7);
  std::string big = rnd.AlphaNumeric(5 << 20);
  big[12345] = '\0';
  const std::vector<Entry> entries = {
      {"a", "small"}, {"big", big}, {"c", rnd.AlphaNumeric(900000)}};
  const std::string file = WriteCheckpoint(entries);
  ReadOutcome r = Read(file);
  ASSERT_THAT(r.status, IsOk());
  EXPECT_TRUE(SameEntries(entries, r.entries));
  // The big value makes one chunk larger than the ~1 MiB target rather than being split.
  EXPECT_GE(ChunkOffsets(file).size(), 2u);
}

TEST(CheckpointFileTest, HundredThousandEntriesSpanManyBoundedChunks) {
  const std::string& file = ManyEntriesFile();
  ReadOutcome r = Read(file);
  ASSERT_THAT(r.status, IsOk());
  EXPECT_TRUE(SameEntries(ManyEntries(), r.entries));
  EXPECT_EQ(r.info.key_count, 100000u);
  EXPECT_EQ(r.info.commit_timestamp, 99u);
  EXPECT_EQ(r.info.replay_from_segment, 12u);
  const std::vector<uint64_t> chunks = ChunkOffsets(file);
  EXPECT_GE(chunks.size(), 5u);  // at least four data chunks and the trailer
  for (uint64_t offset : chunks) {
    EXPECT_LE(DecodeFixed32(file.data() + offset), uint32_t{1} << 20) << "chunk at " << offset;
  }
}

TEST(CheckpointFileTest, WriterOutputMatchesTheDocumentedFormat) {
  const std::vector<Entry> entries = {{"a", "1"}, {std::string("b\0", 2), ""}};
  CraftedFile expected(kCheckpointFormatVersion, 7, 3);
  expected.Data(entries).Trailer(2, 4);
  EXPECT_EQ(test::Show(WriteCheckpoint(entries, 7, 3)), test::Show(expected.bytes));
}

// The example of docs/checkpoint-format.md, byte for byte: a change here is a format change
// (bump kCheckpointFormatVersion and keep reading the old one).
TEST(CheckpointFileTest, WriterOutputMatchesTheDocumentedExampleBytes) {
  const std::string expected_hex =
      "4d454d4442434b500100000007000000"
      "00000000030000000000000096fcb708"
      "2c000000e6d656e80102000000000000"
      "00010000000000000061010000000000"
      "00003102000000000000006200000000"
      "00000000001c00000040730db6020200"
      "00000000000004000000000000000100"
      "0000000000005859da76";
  const std::string file = WriteCheckpoint({{"a", "1"}, {std::string("b\0", 2), ""}}, 7, 3);
  std::string hex;
  for (unsigned char c : file) {
    static constexpr char kDigits[] = "0123456789abcdef";
    hex += kDigits[c >> 4];
    hex += kDigits[c & 15];
  }
  EXPECT_EQ(hex, expected_hex);
}

TEST(CheckpointFileTest, ReaderAcceptsIndependentlyCraftedFile) {
  CraftedFile crafted;
  crafted.Data({{"a", "1"}, {"b", "2"}}).Data({{"c", ""}}).Trailer(3, 5);
  ReadOutcome r = Read(crafted.bytes);
  ASSERT_THAT(r.status, IsOk());
  EXPECT_TRUE(SameEntries({{"a", "1"}, {"b", "2"}, {"c", ""}}, r.entries));
}

// ---------------------------------------------------------------------------------------------
// Header-only reads

TEST(CheckpointFileTest, HeaderReadFillsInfoFromHeaderAndTrailerOnly) {
  const std::string& file = ManyEntriesFile();
  StringSequentialFile seq(file);
  CheckpointInfo info;
  ASSERT_THAT(ReadCheckpointHeader(&seq, file.size(), &info), IsOk());
  EXPECT_EQ(info.format_version, kCheckpointFormatVersion);
  EXPECT_EQ(info.commit_timestamp, 99u);
  EXPECT_EQ(info.replay_from_segment, 12u);
  EXPECT_EQ(info.key_count, 100000u);
  uint64_t data_bytes = 0;
  for (const auto& [k, v] : ManyEntries()) data_bytes += k.size() + v.size();
  EXPECT_EQ(info.data_bytes, data_bytes);
  EXPECT_EQ(seq.bytes_read, kHeaderSize + kTrailerSize);
}

TEST(CheckpointFileTest, HeaderReadRejectsFileWithoutTrailer) {
  const std::string& file = ManyEntriesFile();
  const std::vector<uint64_t> chunks = ChunkOffsets(file);
  CheckpointInfo info;
  EXPECT_THAT(ReadHeader(std::string_view(file).substr(0, chunks.back()), &info),
              StatusIs(Code::kCorruption, HasSubstr("not an intact trailer")));
  EXPECT_THAT(ReadHeader(std::string_view(file).substr(0, kHeaderSize), &info),
              StatusIs(Code::kCorruption, HasSubstr("fewer than a header and a trailer")));
}

// ---------------------------------------------------------------------------------------------
// Truncation

TEST(CheckpointFileTest, TruncationAtEveryOffsetOfSmallCheckpointIsCorruption) {
  const std::string file = WriteCheckpoint(SmallEntries());
  for (size_t n = 0; n < file.size(); ++n) {
    SCOPED_TRACE("truncated to " + std::to_string(n) + " of " + std::to_string(file.size()));
    const std::string_view cut = std::string_view(file).substr(0, n);
    EXPECT_THAT(Verdict(cut), StatusIs(Code::kCorruption));
    // The file shrank after its size was taken: reads come up short.
    EXPECT_THAT(Verdict(cut, file.size()), StatusIs(Code::kCorruption, HasSubstr("truncated")));
    CheckpointInfo info;
    EXPECT_THAT(ReadHeader(cut, &info), StatusIs(Code::kCorruption));
  }
}

TEST(CheckpointFileTest, TruncationAtEveryChunkBoundaryIsCorruption) {
  const std::string& file = ManyEntriesFile();
  for (uint64_t offset : ChunkOffsets(file)) {
    SCOPED_TRACE("truncated at chunk boundary " + std::to_string(offset));
    EXPECT_THAT(Verdict(std::string_view(file).substr(0, offset)),
                StatusIs(Code::kCorruption, HasSubstr("without a trailer")));
  }
}

TEST(CheckpointFileTest, TruncationAtRandomOffsetsOfLargeCheckpointIsCorruption) {
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE(test::SeedTrace(seed));
  Random rnd(seed);
  const std::string& file = ManyEntriesFile();
  for (int i = 0; i < 16; ++i) {
    const size_t n = rnd.Uniform(file.size());
    SCOPED_TRACE("truncated to " + std::to_string(n));
    EXPECT_THAT(Verdict(std::string_view(file).substr(0, n)), StatusIs(Code::kCorruption));
  }
}

// ---------------------------------------------------------------------------------------------
// Damage

TEST(CheckpointFileTest, EveryFlippedBitOfSmallCheckpointIsDetected) {
  const std::string original = WriteCheckpoint(SmallEntries());
  CheckpointInfo original_info;
  ASSERT_THAT(ReadHeader(original, &original_info), IsOk());
  for (size_t bit = 0; bit < original.size() * 8; ++bit) {
    SCOPED_TRACE("flipped bit " + std::to_string(bit % 8) + " of byte " + std::to_string(bit / 8));
    std::string file = original;
    file[bit / 8] = static_cast<char>(file[bit / 8] ^ (1 << (bit % 8)));
    const Status s = Verdict(file);
    EXPECT_TRUE(s.IsCorruption() || s.IsNotSupported()) << s;
    CheckpointInfo info;
    const Status h = ReadHeader(file, &info);
    if (h.ok()) {  // the flip is between header and trailer: whatever it reports is unchanged
      EXPECT_EQ(info.commit_timestamp, original_info.commit_timestamp);
      EXPECT_EQ(info.replay_from_segment, original_info.replay_from_segment);
      EXPECT_EQ(info.key_count, original_info.key_count);
      EXPECT_EQ(info.data_bytes, original_info.data_bytes);
    } else {
      EXPECT_TRUE(h.IsCorruption() || h.IsNotSupported()) << h;
    }
  }
}

TEST(CheckpointFileTest, RandomFlippedBitsOfLargeCheckpointAreDetected) {
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE(test::SeedTrace(seed));
  Random rnd(seed);
  const std::string& original = ManyEntriesFile();
  for (int i = 0; i < 10; ++i) {
    std::string file = original;
    const size_t byte = rnd.Uniform(file.size());
    const int bit = static_cast<int>(rnd.Uniform(8));
    SCOPED_TRACE("flipped bit " + std::to_string(bit) + " of byte " + std::to_string(byte));
    file[byte] = static_cast<char>(file[byte] ^ (1 << bit));
    const Status s = Verdict(file);
    EXPECT_TRUE(s.IsCorruption() || s.IsNotSupported()) << s;
  }
}

TEST(CheckpointFileTest, CorruptionNamesPathOffsetAndDamage) {
  std::string file = WriteCheckpoint(SmallEntries());
  file[kHeaderSize + kChunkHeaderSize + 20] ^= 0x40;  // inside the first chunk's payload
  EXPECT_THAT(Verdict(file),
              StatusIs(Code::kCorruption,
                       HasSubstr(std::string(kPath) +
                                 ": corrupt checkpoint at offset 32: checksum mismatch")));
}

TEST(CheckpointFileTest, BadMagicIsCorruption) {
  std::string file = WriteCheckpoint(SmallEntries());
  file[3] = 'X';
  EXPECT_THAT(Verdict(file), StatusIs(Code::kCorruption, HasSubstr("at offset 0: bad magic")));
}

TEST(CheckpointFileTest, HeaderChecksumMismatchIsCorruption) {
  std::string file = WriteCheckpoint(SmallEntries());
  file[14] ^= 1;  // the commit timestamp
  EXPECT_THAT(Verdict(file), StatusIs(Code::kCorruption, HasSubstr("header checksum mismatch")));
}

TEST(CheckpointFileTest, NewerFormatVersionIsNotSupported) {
  CraftedFile crafted(kCheckpointFormatVersion + 1);
  crafted.Chunk(7, "a chunk type from the future").Trailer(0, 0);
  EXPECT_THAT(Verdict(crafted.bytes),
              StatusIs(Code::kNotSupported, HasSubstr("written by a newer memdb")));
  CheckpointInfo info;
  EXPECT_THAT(ReadHeader(crafted.bytes, &info),
              StatusIs(Code::kNotSupported, HasSubstr("written by a newer memdb")));
}

TEST(CheckpointFileTest, FormatVersionZeroIsCorruption) {
  CraftedFile crafted(0);
  crafted.Trailer(0, 0);
  EXPECT_THAT(Verdict(crafted.bytes), StatusIs(Code::kCorruption, HasSubstr("format version 0")));
}

TEST(CheckpointFileTest, TrailingJunkIsCorruption) {
  const std::string file = WriteCheckpoint(SmallEntries()) + "junk";
  EXPECT_THAT(Verdict(file), StatusIs(Code::kCorruption, HasSubstr("4 bytes of trailing junk")));
}

TEST(CheckpointFileTest, RemovedMiddleChunkIsCorruption) {
  const std::string& file = ManyEntriesFile();
  const std::vector<uint64_t> chunks = ChunkOffsets(file);
  ASSERT_GE(chunks.size(), 4u);
  const std::string without_second =
      file.substr(0, chunks[1]) + file.substr(chunks[2], std::string::npos);
  EXPECT_THAT(Verdict(without_second), StatusIs(Code::kCorruption, HasSubstr("data chunks")));
}

TEST(CheckpointFileTest, SwappedChunksAreCorruption) {
  const std::string& file = ManyEntriesFile();
  const std::vector<uint64_t> chunks = ChunkOffsets(file);
  ASSERT_GE(chunks.size(), 4u);
  const std::string swapped =
      file.substr(0, chunks[0]) + file.substr(chunks[1], chunks[2] - chunks[1]) +
      file.substr(chunks[0], chunks[1] - chunks[0]) + file.substr(chunks[2], std::string::npos);
  EXPECT_THAT(Verdict(swapped), StatusIs(Code::kCorruption, HasSubstr("is not greater than")));
}

TEST(CheckpointFileTest, KeysNotIncreasingWithinChunkAreCorruption) {
  CraftedFile crafted;
  crafted.Data({{"b", "1"}, {"a", "2"}}).Trailer(2, 4);
  EXPECT_THAT(
      Verdict(crafted.bytes),
      StatusIs(Code::kCorruption,
               HasSubstr("at offset 67: key \"a\" is not greater than the previous key \"b\"")));
}

TEST(CheckpointFileTest, DuplicateKeyAcrossChunksIsCorruption) {
  CraftedFile crafted;
  crafted.Data({{"a", "1"}, {"b", "2"}}).Data({{"b", "3"}}).Trailer(3, 6);
  EXPECT_THAT(Verdict(crafted.bytes),
              StatusIs(Code::kCorruption,
                       HasSubstr("key \"b\" is not greater than the previous key \"b\"")));
}

TEST(CheckpointFileTest, TrailerCountsThatDisagreeAreCorruption) {
  const std::vector<Entry> entries = {{"a", "1"}, {"b", "2"}};
  {
    CraftedFile crafted;
    crafted.Data(entries).Trailer(3, 4);
    EXPECT_THAT(
        Verdict(crafted.bytes),
        StatusIs(Code::kCorruption, HasSubstr("the trailer counts 3 keys, the chunks hold 2")));
  }
  {
    CraftedFile crafted;
    crafted.Data(entries).Trailer(2, 5);
    EXPECT_THAT(Verdict(crafted.bytes),
                StatusIs(Code::kCorruption,
                         HasSubstr("the trailer counts 5 data bytes, the chunks hold 4")));
  }
  {
    CraftedFile crafted;
    crafted.Data(entries);
    crafted.Trailer(2, 4, 2, crafted.chain());
    EXPECT_THAT(
        Verdict(crafted.bytes),
        StatusIs(Code::kCorruption, HasSubstr("the trailer counts 2 data chunks, the file has 1")));
  }
  {
    CraftedFile crafted;
    crafted.Data(entries);
    crafted.Trailer(2, 4, 1, crafted.chain() ^ 1);
    EXPECT_THAT(Verdict(crafted.bytes), StatusIs(Code::kCorruption, HasSubstr("chain checksum")));
  }
}

TEST(CheckpointFileTest, MalformedButChecksummedChunksAreCorruption) {
  {
    CraftedFile crafted;
    crafted.Chunk(kDataChunk, CraftedFile::Batch({})).Trailer(0, 0);
    EXPECT_THAT(Verdict(crafted.bytes), StatusIs(Code::kCorruption, HasSubstr("no entries")));
  }
  {
    CraftedFile crafted;
    crafted.Chunk(kDataChunk, CraftedFile::Batch({{"a", "1"}}) + "x").Trailer(1, 2);
    EXPECT_THAT(Verdict(crafted.bytes),
                StatusIs(Code::kCorruption, HasSubstr("1 bytes of junk after the last entry")));
  }
  {
    CraftedFile crafted;
    crafted.Chunk(kDataChunk, "short").Trailer(0, 0);
    EXPECT_THAT(Verdict(crafted.bytes), StatusIs(Code::kCorruption, HasSubstr("too short")));
  }
  {
    CraftedFile crafted;
    crafted.Chunk(9, "whatever").Trailer(0, 0);
    EXPECT_THAT(Verdict(crafted.bytes),
                StatusIs(Code::kCorruption, HasSubstr("unknown chunk type 9")));
  }
  {
    CraftedFile crafted;
    crafted.Chunk(kTrailerChunk, "a trailer of the wrong length");
    EXPECT_THAT(Verdict(crafted.bytes), StatusIs(Code::kCorruption, HasSubstr("trailer length")));
  }
}

// Issue 14: a checkpoint with valid checksums could carry a key longer than any Db holds.
TEST(CheckpointFileTest, KeyOverTheKeyLimitIsCorruptionNamingFileOffsetAndLength) {
  const std::string too_long(kMaxKeySize + 1, 'k');
  CraftedFile crafted;
  crafted.Data({{too_long, "v"}}).Trailer(1, too_long.size() + 1);
  EXPECT_THAT(Verdict(crafted.bytes),
              StatusIs(Code::kCorruption,
                       HasSubstr(std::string(kPath) + ": corrupt checkpoint at offset " +
                                 std::to_string(kHeaderSize + kChunkHeaderSize + 8) +
                                 ": a key of 65536 bytes exceeds the key limit of 65535 bytes")));
}

TEST(CheckpointFileTest, KeyOfExactlyTheKeyLimitRoundTrips) {
  const std::string longest(kMaxKeySize, 'k');
  ReadOutcome r = Read(WriteCheckpoint({{longest, "v"}}));
  ASSERT_THAT(r.status, IsOk());
  EXPECT_TRUE(SameEntries({{longest, "v"}}, r.entries));
}

TEST(CheckpointFileTest, WriterRejectsAKeyOverTheKeyLimit) {
  StringWritableFile file;
  CheckpointWriter writer(&file, 7, 3);
  EXPECT_THAT(writer.Add(std::string(kMaxKeySize + 1, 'k'), "v"),
              StatusIs(Code::kInvalidArgument,
                       HasSubstr(": a key of 65536 bytes exceeds the key limit of 65535 bytes")));
}

// ---------------------------------------------------------------------------------------------
// Lengths that lie: rejected before anything is allocated on their word

TEST(CheckpointFileTest, AllocationCounterSeesLargeAllocations) {
  AllocationCounter watch;
  std::string big(8 << 20, 'x');
  EXPECT_GE(watch.Largest(), big.size());
}

TEST(CheckpointFileTest, ChunkLengthBeyondFileIsCorruptionWithoutAllocating) {
  for (uint32_t length : {uint32_t{1} << 31, uint32_t{0xffffffff}}) {
    SCOPED_TRACE("chunk length " + std::to_string(length));
    CraftedFile crafted;
    std::string chunk_header;
    PutFixed32(&chunk_header, length);
    PutFixed32(&chunk_header, 0);
    chunk_header += static_cast<char>(kDataChunk);
    const std::string file = crafted.bytes + chunk_header + "tiny";
    AllocationCounter watch;
    EXPECT_THAT(Verdict(file), StatusIs(Code::kCorruption, HasSubstr("at offset 32: chunk length " +
                                                                     std::to_string(length) +
                                                                     " exceeds the 4 bytes left")));
    EXPECT_LT(watch.Largest(), size_t{1} << 20);
  }
}

TEST(CheckpointFileTest, ValidCrcChunkWithHugeCerealLengthIsCorruptionWithoutAllocating) {
  struct Case {
    std::string name;
    std::string payload;
    std::string expected;
  };
  std::vector<Case> cases;
  for (uint64_t claim : {uint64_t{1} << 31, uint64_t{1} << 40, ~uint64_t{0}}) {
    std::string key_claim;  // one entry whose key size lies
    PutFixed64(&key_claim, 1);
    PutFixed64(&key_claim, claim);
    key_claim += std::string(32, 'z');
    cases.push_back({"key size " + std::to_string(claim), key_claim,
                     "a key claims " + std::to_string(claim) + " bytes"});

    std::string value_claim;  // an honest key, then a value size that lies
    PutFixed64(&value_claim, 1);
    PutFixed64(&value_claim, 1);
    value_claim += "k";
    PutFixed64(&value_claim, claim);
    value_claim += std::string(32, 'z');
    cases.push_back({"value size " + std::to_string(claim), value_claim,
                     "a value claims " + std::to_string(claim) + " bytes"});

    std::string count_claim;  // cereal would resize the vector to this many pairs
    PutFixed64(&count_claim, claim);
    PutFixed64(&count_claim, 1);
    count_claim += "k";
    PutFixed64(&count_claim, 1);
    count_claim += "v";
    cases.push_back({"entry count " + std::to_string(claim), count_claim,
                     "entry count " + std::to_string(claim) + " cannot fit"});
  }
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    CraftedFile crafted;
    crafted.Chunk(kDataChunk, c.payload).Trailer(1, 4);
    AllocationCounter watch;
    EXPECT_THAT(Verdict(crafted.bytes), StatusIs(Code::kCorruption, HasSubstr(c.expected)));
    EXPECT_LT(watch.Largest(), size_t{1} << 20);
  }
}

// ---------------------------------------------------------------------------------------------
// Writer contract

TEST(CheckpointFileTest, WriterRejectsKeysThatDoNotIncrease) {
  StringWritableFile file;
  CheckpointWriter writer(&file, 1, 0);
  ASSERT_THAT(writer.Add("b", "1"), IsOk());
  EXPECT_THAT(writer.Add("b", "2"),
              StatusIs(Code::kInvalidArgument, HasSubstr("strictly increasing")));
  EXPECT_THAT(writer.Add("a", "3"),
              StatusIs(Code::kInvalidArgument, HasSubstr("strictly increasing")));
  ASSERT_THAT(writer.Add("c", "4"), IsOk());  // a rejected entry leaves the writer usable
  ASSERT_THAT(writer.Finish(), IsOk());
  ReadOutcome r = Read(file.contents);
  ASSERT_THAT(r.status, IsOk());
  EXPECT_TRUE(SameEntries({{"b", "1"}, {"c", "4"}}, r.entries));
}

TEST(CheckpointFileTest, WriterRejectsKeysThatDoNotIncreaseAcrossChunks) {
  StringWritableFile file;
  CheckpointWriter writer(&file, 1, 0);
  ASSERT_THAT(writer.Add("m", std::string(2 << 20, 'v')), IsOk());  // fills and flushes a chunk
  ASSERT_GT(file.contents.size(), size_t{2} << 20);
  EXPECT_THAT(writer.Add("m", ""),
              StatusIs(Code::kInvalidArgument, HasSubstr("strictly increasing")));
  EXPECT_THAT(writer.Add("a", ""),
              StatusIs(Code::kInvalidArgument, HasSubstr("strictly increasing")));
  EXPECT_THAT(writer.Add("n", ""), IsOk());
}

TEST(CheckpointFileTest, WriterMisuseAfterFinishIsInvalidArgument) {
  StringWritableFile file;
  CheckpointWriter writer(&file, 1, 0);
  ASSERT_THAT(writer.Finish(), IsOk());
  EXPECT_THAT(writer.Add("a", "1"), StatusIs(Code::kInvalidArgument, HasSubstr("after Finish")));
  EXPECT_THAT(writer.Finish(), StatusIs(Code::kInvalidArgument, HasSubstr("twice")));
}

TEST(CheckpointFileTest, FinishDoesNotSyncAndBytesWrittenIsTheFileSize) {
  StringWritableFile file;
  CheckpointWriter writer(&file, 1, 0);
  EXPECT_EQ(writer.bytes_written(), 0u);
  ASSERT_THAT(writer.Add("a", "1"), IsOk());
  ASSERT_THAT(writer.Finish(), IsOk());
  EXPECT_EQ(file.syncs, 0);
  EXPECT_EQ(writer.bytes_written(), file.contents.size());
  EXPECT_EQ(file.contents.size(), kHeaderSize + kChunkHeaderSize + 8 + 16 + 2 + kTrailerSize);
}

TEST(CheckpointFileTest, WriteErrorIsSticky) {
  StringWritableFile file;
  file.FailAppendNumber(1);  // the header goes through; the first chunk does not
  CheckpointWriter writer(&file, 1, 0);
  ASSERT_THAT(writer.Add("a", "1"), IsOk());
  EXPECT_THAT(writer.Finish(), StatusIs(Code::kIOError, HasSubstr("disk full")));
  EXPECT_THAT(writer.Add("b", "2"), StatusIs(Code::kIOError, HasSubstr("disk full")));
  EXPECT_THAT(writer.Finish(), StatusIs(Code::kIOError, HasSubstr("disk full")));
}

// ---------------------------------------------------------------------------------------------
// Visitor contract

TEST(CheckpointFileTest, VisitorErrorStopsReadingAndIsReturned) {
  const std::string file = WriteCheckpoint(SmallEntries());
  StringSequentialFile seq(file);
  CheckpointInfo info;
  int visits = 0;
  const Status s =
      ReadCheckpoint(&seq, file.size(), &info, [&](std::string_view, std::string_view) {
        return ++visits == 3 ? Status::Busy("visitor says stop") : Status::OK();
      });
  EXPECT_EQ(s, Status::Busy("visitor says stop"));
  EXPECT_EQ(visits, 3);
}

TEST(CheckpointFileTest, VisitorExceptionBecomesIOError) {
  const std::string file = WriteCheckpoint(SmallEntries());
  StringSequentialFile seq(file);
  CheckpointInfo info;
  const Status s =
      ReadCheckpoint(&seq, file.size(), &info, [](std::string_view, std::string_view) -> Status {
        throw std::runtime_error("visitor blew up");
      });
  EXPECT_THAT(s, StatusIs(Code::kIOError, HasSubstr("visitor blew up")));
}

}  // namespace
}  // namespace memdb::snapshot
