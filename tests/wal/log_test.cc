// LogWriter and LogReader on intact logs: framing, fragmentation, block trailers, one Append
// per Flush, poisoning, and the read path's block-sized reads and throughput.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "memdb/testing/status_matchers.h"
#include "memdb/util/random.h"
#include "support/test_support.h"
#include "wal/log_format.h"
#include "wal/log_reader.h"
#include "wal/log_writer.h"
#include "wal/wal_test_util.h"

namespace memdb::wal {
namespace {

using memdb::test::SeedTrace;
using memdb::test::TestSeed;
using ::memdb::testing::IsOk;
using ::memdb::testing::StatusIs;
using test::RandomBytes;
using test::ReadAll;
using test::ReadLog;
using test::StringSequentialFile;
using test::StringWritableFile;
using test::WriteAll;
using test::WrittenLog;
using ::testing::HasSubstr;
using Outcome = LogReader::Outcome;

// Writes `records`, reads them back, and checks every record, offset and the clean end.
void ExpectRoundTrip(const std::vector<std::string>& records) {
  const WrittenLog written = WriteAll(records);
  const ReadLog read = ReadAll(written.contents);
  EXPECT_EQ(read.outcome, Outcome::kEnd) << read.damage;
  ASSERT_EQ(read.records.size(), records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    ASSERT_EQ(read.records[i].size(), records[i].size()) << "record " << i;
    ASSERT_TRUE(read.records[i] == records[i]) << "record " << i;
    EXPECT_EQ(read.offsets[i], written.starts[i]) << "record " << i;
  }
  EXPECT_EQ(read.valid_end, written.contents.size());
  EXPECT_EQ(read.torn_bytes, 0u);
  EXPECT_THAT(read.status, IsOk());
}

TEST(LogTest, EmptyFileReadsAsACleanEnd) {
  const ReadLog read = ReadAll("");
  EXPECT_EQ(read.outcome, Outcome::kEnd);
  EXPECT_TRUE(read.records.empty());
  EXPECT_EQ(read.valid_end, 0u);
}

TEST(LogTest, RecordHasTheDocumentedBytes) {
  // docs/wal-format.md, "Worked example".
  StringWritableFile file;
  LogWriter writer(&file);
  writer.AddRecord("hi");
  writer.AddRecord("");
  ASSERT_THAT(writer.Flush(), IsOk());
  const std::string expected(
      "\x8b\x6e\xac\xe0\x02\x00\x01"
      "hi"
      "\x05\x2b\x28\x43\x00\x00\x01",
      16);
  EXPECT_EQ(memdb::test::Show(file.contents), memdb::test::Show(expected));
}

TEST(LogTest, LongRecordIsFragmentedAsDocumented) {
  // docs/wal-format.md, "Fragmentation": 70,000 bytes written at offset 100.
  StringWritableFile file;
  file.contents.assign(100, 'p');
  LogWriter writer(&file, 100);
  writer.AddRecord(std::string(70000, 'r'));
  ASSERT_THAT(writer.Flush(), IsOk());
  ASSERT_EQ(file.contents.size(), 70121u);
  const auto length_at = [&](size_t offset) {
    return static_cast<uint8_t>(file.contents[offset + 4]) |
           static_cast<uint8_t>(file.contents[offset + 5]) << 8;
  };
  EXPECT_EQ(file.contents[100 + 6], static_cast<char>(RecordType::kFirst));
  EXPECT_EQ(length_at(100), 32661);
  EXPECT_EQ(file.contents[kBlockSize + 6], static_cast<char>(RecordType::kMiddle));
  EXPECT_EQ(length_at(kBlockSize), 32761);
  EXPECT_EQ(file.contents[2 * kBlockSize + 6], static_cast<char>(RecordType::kLast));
  EXPECT_EQ(length_at(2 * kBlockSize), 4578);
}

TEST(LogTest, EmptyRecordRoundTrips) { ExpectRoundTrip({"", "", "x", ""}); }

TEST(LogTest, RecordsAroundTheBlockSizeRoundTrip) {
  Random rng(1);
  for (size_t k = 0; k <= 16; ++k) {
    for (const size_t size : {kBlockSize - kHeaderSize - k, kBlockSize - kHeaderSize + k,
                              kBlockSize - k, kBlockSize + k, 2 * kBlockSize - 2 * kHeaderSize - k,
                              2 * kBlockSize - 2 * kHeaderSize + k}) {
      SCOPED_TRACE("size " + std::to_string(size));
      ExpectRoundTrip({RandomBytes(rng, size), RandomBytes(rng, size), "after"});
    }
  }
}

TEST(LogTest, BlockFillingRecordLeavesNoTrailer) {
  const WrittenLog written = WriteAll({std::string(kBlockSize - kHeaderSize, 'a'), "b"});
  EXPECT_EQ(written.ends[0], kBlockSize);
  EXPECT_EQ(written.starts[1], kBlockSize);
  EXPECT_EQ(written.contents.size(), kBlockSize + kHeaderSize + 1);
  ExpectRoundTrip({std::string(kBlockSize - kHeaderSize, 'a'), "b"});
}

TEST(LogTest, BlockTailShorterThanAHeaderIsZeroFilled) {
  for (size_t tail = 1; tail < kHeaderSize; ++tail) {
    SCOPED_TRACE("tail " + std::to_string(tail));
    const std::string first(kBlockSize - kHeaderSize - tail, 'a');
    const WrittenLog written = WriteAll({first, "next"});
    ASSERT_EQ(written.contents.size(), kBlockSize + kHeaderSize + 4);
    EXPECT_EQ(written.contents.substr(kBlockSize - tail, tail), std::string(tail, '\0'));
    EXPECT_EQ(written.starts[1], kBlockSize);
    EXPECT_EQ(written.contents[kBlockSize + 6], static_cast<char>(RecordType::kFull));
    ExpectRoundTrip({first, "next"});
  }
}

TEST(LogTest, BlockTailOfExactlyOneHeaderHoldsAnEmptyFirstFragment) {
  const std::string first(kBlockSize - 2 * kHeaderSize, 'a');
  const WrittenLog written = WriteAll({first, "spans"});
  // The second record's first fragment is a bare header in the last 7 bytes of block 0.
  EXPECT_EQ(written.starts[1], kBlockSize - kHeaderSize);
  EXPECT_EQ(written.contents[kBlockSize - 1], static_cast<char>(RecordType::kFirst));
  EXPECT_EQ(written.contents[kBlockSize + 6], static_cast<char>(RecordType::kLast));
  ExpectRoundTrip({first, "spans"});
}

TEST(LogTest, RecordsOfSeveralMiBRoundTrip) {
  const uint64_t seed = TestSeed();
  SCOPED_TRACE(SeedTrace(seed));
  Random rng(seed);
  ExpectRoundTrip({"small", RandomBytes(rng, 5 * 1024 * 1024 + 17), "between",
                   RandomBytes(rng, 3 * 1024 * 1024), ""});
}

TEST(LogTest, ManySmallRecordsRoundTrip) {
  const uint64_t seed = TestSeed();
  SCOPED_TRACE(SeedTrace(seed));
  Random rng(seed);
  std::vector<std::string> records;
  for (int i = 0; i < 20000; ++i) records.push_back(RandomBytes(rng, rng.Uniform(200)));
  ExpectRoundTrip(records);
}

TEST(LogTest, RandomlySizedRecordsRoundTrip) {
  const uint64_t seed = TestSeed();
  SCOPED_TRACE(SeedTrace(seed));
  Random rng(seed);
  for (int round = 0; round < 20; ++round) {
    std::vector<std::string> records;
    const int n = static_cast<int>(rng.Uniform(50));
    for (int i = 0; i < n; ++i) {
      const uint64_t scale = rng.Uniform(4);
      const uint64_t max = scale == 0 ? 16 : scale == 1 ? 1000 : scale == 2 ? kBlockSize : 200000;
      records.push_back(RandomBytes(rng, rng.Uniform(max + 1)));
    }
    ExpectRoundTrip(records);
  }
}

TEST(LogTest, FlushIssuesExactlyOneAppendForEverythingPending) {
  StringWritableFile file;
  LogWriter writer(&file);
  for (int i = 0; i < 100; ++i)
    writer.AddRecord(std::string(1000, static_cast<char>('a' + i % 26)));
  EXPECT_EQ(file.append_calls, 0);
  EXPECT_EQ(writer.pending_bytes(), writer.size());
  const uint64_t framed = writer.size();
  EXPECT_GT(framed, 100u * (1000 + kHeaderSize));  // includes block trailers
  ASSERT_THAT(writer.Flush(), IsOk());
  EXPECT_EQ(file.append_calls, 1);
  EXPECT_EQ(file.contents.size(), framed);
  EXPECT_EQ(writer.pending_bytes(), 0u);
  EXPECT_EQ(writer.size(), framed);

  // Nothing pending: no Append at all.
  ASSERT_THAT(writer.Flush(), IsOk());
  EXPECT_EQ(file.append_calls, 1);

  // A multi-block record is still one Append.
  writer.AddRecord(std::string(3 * kBlockSize, 'z'));
  writer.AddRecord("tail");
  ASSERT_THAT(writer.Flush(), IsOk());
  EXPECT_EQ(file.append_calls, 2);
  ASSERT_THAT(writer.Sync(), IsOk());
  EXPECT_EQ(file.sync_calls, 1);

  const ReadLog read = ReadAll(file.contents);
  EXPECT_EQ(read.outcome, Outcome::kEnd);
  EXPECT_EQ(read.records.size(), 102u);
}

TEST(LogTest, WriterReopenedAtTheFileSizeContinuesTheBlockLayout) {
  const uint64_t seed = TestSeed();
  SCOPED_TRACE(SeedTrace(seed));
  Random rng(seed);
  for (int round = 0; round < 50; ++round) {
    StringWritableFile file;
    std::vector<std::string> records;
    // Stop the first writer a few bytes short of a block end sometimes, so the second writer
    // starts in the trailer zone.
    const size_t first_size = round < 8 ? kBlockSize - kHeaderSize - round : rng.Uniform(100000);
    {
      LogWriter writer(&file);
      records.push_back(RandomBytes(rng, first_size));
      writer.AddRecord(records.back());
      ASSERT_THAT(writer.Flush(), IsOk());
    }
    LogWriter reopened(&file, file.contents.size());
    EXPECT_EQ(reopened.size(), file.contents.size());
    for (int i = 0; i < 3; ++i) {
      records.push_back(RandomBytes(rng, rng.Uniform(40000)));
      reopened.AddRecord(records.back());
    }
    ASSERT_THAT(reopened.Flush(), IsOk());
    EXPECT_EQ(reopened.size(), file.contents.size());
    const ReadLog read = ReadAll(file.contents);
    EXPECT_EQ(read.outcome, Outcome::kEnd) << read.damage;
    EXPECT_EQ(read.records, records);
  }
}

TEST(LogTest, FailedAppendPoisonsTheWriterWithTheSameError) {
  StringWritableFile file;
  LogWriter writer(&file);
  writer.AddRecord("one");
  ASSERT_THAT(writer.Flush(), IsOk());
  file.append_error = Status::IOError("mem/wal-000001.log: append: No space left on device");
  writer.AddRecord("two");
  const Status failed = writer.Flush();
  EXPECT_THAT(failed, StatusIs(Status::Code::kIOError, HasSubstr("No space left")));
  EXPECT_EQ(writer.status(), failed);

  // The file recovers, but the writer does not: its tail is unknown.
  file.append_error = Status::OK();
  const int appends = file.append_calls;
  writer.AddRecord("three");
  EXPECT_EQ(writer.Flush(), failed);
  EXPECT_EQ(writer.Sync(), failed);
  EXPECT_EQ(writer.Flush(), failed);
  EXPECT_EQ(file.append_calls, appends);
  EXPECT_EQ(file.sync_calls, 0);
}

TEST(LogTest, FailedSyncPoisonsTheWriter) {
  StringWritableFile file;
  LogWriter writer(&file);
  writer.AddRecord("one");
  ASSERT_THAT(writer.Flush(), IsOk());
  file.sync_error = Status::IOError("mem/wal-000001.log: fdatasync: Input/output error");
  const Status failed = writer.Sync();
  EXPECT_THAT(failed, StatusIs(Status::Code::kIOError, HasSubstr("fdatasync")));
  file.sync_error = Status::OK();
  writer.AddRecord("two");
  EXPECT_EQ(writer.Flush(), failed);
  EXPECT_EQ(writer.Sync(), failed);
  EXPECT_EQ(file.sync_calls, 1);
  EXPECT_EQ(file.append_calls, 1);
}

TEST(LogTest, ReaderReadsWholeBlocks) {
  const WrittenLog written = WriteAll({std::string(100000, 'x'), "y"});
  StringSequentialFile file(written.contents);
  LogReader reader(&file, written.contents.size());
  std::string record;
  while (reader.ReadRecord(&record) == Outcome::kRecord) {
  }
  ASSERT_FALSE(file.read_sizes.empty());
  for (size_t i = 0; i + 1 < file.read_sizes.size(); ++i) EXPECT_EQ(file.read_sizes[i], kBlockSize);
  EXPECT_EQ(file.read_sizes.back(), written.contents.size() % kBlockSize);
}

TEST(LogTest, FileShorterThanAnnouncedIsReadToItsRealEnd) {
  const WrittenLog written = WriteAll({"a", std::string(50000, 'b'), "c"});
  int corruptions = 0;
  const ReadLog read =
      ReadAll(written.contents, false, &corruptions, written.contents.size() + 5000);
  EXPECT_EQ(read.outcome, Outcome::kEnd);
  EXPECT_EQ(read.records.size(), 3u);
}

TEST(LogTest, FileLongerThanAnnouncedIsReadOnlyToTheAnnouncedSize) {
  const WrittenLog written = WriteAll({"a", "b", "c"});
  const ReadLog read = ReadAll(written.contents, false, nullptr, written.ends[1]);
  EXPECT_EQ(read.outcome, Outcome::kEnd);
  EXPECT_EQ(read.records, (std::vector<std::string>{"a", "b"}));
}

TEST(LogTest, ReadErrorEndsReadingWithTheFileStatus) {
  const WrittenLog written = WriteAll({std::string(40000, 'a'), std::string(40000, 'b')});
  StringSequentialFile file(written.contents);
  file.read_error = Status::IOError("mem/wal-000001.log: read: Input/output error");
  file.fail_reads_from = kBlockSize;
  LogReader reader(&file, written.contents.size());
  std::string record;
  EXPECT_EQ(reader.ReadRecord(&record), Outcome::kCorruption);
  EXPECT_THAT(reader.status(), StatusIs(Status::Code::kIOError, HasSubstr("Input/output")));
  EXPECT_NE(reader.damage().find("cannot read mem/wal-000001.log at offset 32768"),
            std::string::npos)
      << reader.damage();
  EXPECT_EQ(reader.ReadRecord(&record), Outcome::kCorruption);
  EXPECT_TRUE(record.empty());
}

TEST(LogTest, EndIsFinal) {
  const WrittenLog written = WriteAll({"a"});
  StringSequentialFile file(written.contents);
  LogReader reader(&file, written.contents.size());
  std::string record;
  EXPECT_EQ(reader.ReadRecord(&record), Outcome::kRecord);
  EXPECT_EQ(reader.ReadRecord(&record), Outcome::kEnd);
  EXPECT_EQ(reader.ReadRecord(&record), Outcome::kEnd);
}

}  // namespace
}  // namespace memdb::wal
