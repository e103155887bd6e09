// LogReader on damaged logs: torn tails (cut, zeroed, garbage) versus corruption before the
// tail, bad length fields, fragments out of sequence, and bounded memory on garbage.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "memdb/util/random.h"
#include "support/allocation_counter.h"
#include "support/test_support.h"
#include "wal/log_format.h"
#include "wal/log_reader.h"
#include "wal/wal_test_util.h"

namespace memdb::wal {
namespace {

using ::memdb::test::AllocationCounter;
using ::memdb::test::AllocationStats;
using memdb::test::SeedTrace;
using memdb::test::TestSeed;
using test::PhysicalRecord;
using test::RandomBytes;
using test::ReadAll;
using test::ReadLog;
using test::StringSequentialFile;
using test::WriteAll;
using test::WrittenLog;
using Outcome = LogReader::Outcome;

std::vector<std::string> Prefix(const std::vector<std::string>& records, size_t n) {
  return {records.begin(), records.begin() + static_cast<ptrdiff_t>(n)};
}

// Truncates the log at every offset in [from, to] and checks: the records that end at or before
// the cut come back, then kEnd when the cut is exactly at a record's end, else kTornTail with
// every byte after the last whole record counted as torn.
void ExpectTornAtEveryCut(const std::vector<std::string>& records, uint64_t from, uint64_t to) {
  const WrittenLog written = WriteAll(records);
  to = std::min<uint64_t>(to, written.contents.size());
  for (uint64_t cut = from; cut <= to; ++cut) {
    size_t whole = 0;
    while (whole < records.size() && written.ends[whole] <= cut) ++whole;
    const uint64_t valid_end = whole == 0 ? 0 : written.ends[whole - 1];
    const ReadLog read = ReadAll(written.contents.substr(0, cut));
    ASSERT_EQ(read.records.size(), whole) << "cut at " << cut;
    ASSERT_TRUE(read.records == Prefix(records, whole)) << "cut at " << cut;
    ASSERT_EQ(read.valid_end, valid_end) << "cut at " << cut;
    if (cut == valid_end) {
      ASSERT_EQ(read.outcome, Outcome::kEnd) << "cut at " << cut << ": " << read.damage;
    } else {
      ASSERT_EQ(read.outcome, Outcome::kTornTail) << "cut at " << cut << ": " << read.damage;
      ASSERT_EQ(read.torn_bytes, cut - valid_end) << "cut at " << cut;
      // The damaged record is the one cut short (or, for a cut inside the trailer before it,
      // the position of the trailer).
      const uint64_t expected_damage =
          cut > written.starts[whole] ? written.starts[whole] : valid_end;
      ASSERT_EQ(read.damage_offset, expected_damage) << "cut at " << cut << ": " << read.damage;
    }
  }
}

TEST(LogDamageTest, CutAtEveryByteOfTheLastRecordIsATornTail) {
  Random rng(11);
  ExpectTornAtEveryCut({"first", RandomBytes(rng, 300), RandomBytes(rng, 1000)}, 0, 1350);
}

TEST(LogDamageTest, CutAtEveryByteOfALastRecordSpanningABlockBoundaryIsATornTail) {
  Random rng(12);
  // The last record starts 1000 bytes before the end of block 0 and ends 2000 bytes into
  // block 1: a kFirst and a kLast fragment.
  const std::vector<std::string> records = {RandomBytes(rng, kBlockSize - 1000 - 2 * kHeaderSize),
                                            RandomBytes(rng, 3000 - kHeaderSize)};
  const WrittenLog written = WriteAll(records);
  ExpectTornAtEveryCut(records, written.starts[1], written.ends[1]);
}

TEST(LogDamageTest, CutAtEveryByteAfterABlockTrailerIsATornTail) {
  Random rng(13);
  // Record 0 leaves a 3-byte trailer; record 1 starts at the next block.
  const std::vector<std::string> records = {RandomBytes(rng, kBlockSize - kHeaderSize - 3),
                                            RandomBytes(rng, 500)};
  const WrittenLog written = WriteAll(records);
  ASSERT_EQ(written.starts[1], kBlockSize);
  ExpectTornAtEveryCut(records, written.ends[0], written.ends[1]);
}

TEST(LogDamageTest, CutInsideAMultiBlockLastRecordIsATornTail) {
  const uint64_t seed = TestSeed();
  SCOPED_TRACE(SeedTrace(seed));
  Random rng(seed);
  const std::vector<std::string> records = {"a", RandomBytes(rng, 5 * kBlockSize)};
  const WrittenLog written = WriteAll(records);
  // Every byte around each fragment boundary, and random cuts elsewhere.
  for (uint64_t block = 1; block <= 5; ++block) {
    ExpectTornAtEveryCut(records, block * kBlockSize - 20, block * kBlockSize + 20);
  }
  for (int i = 0; i < 100; ++i) {
    const uint64_t cut = written.starts[1] + 1 + rng.Uniform(written.ends[1] - written.starts[1]);
    ExpectTornAtEveryCut(records, cut, cut);
  }
}

// Writes random logs and overwrites each from a random point inside its last record through
// some bytes past the end with `overwrite(contents, from, rng)`; the reader must return every
// earlier record and report the rest as a torn tail.
template <typename Overwrite>
void ExpectTornTailAfterOverwritingTheLastRecord(Overwrite overwrite) {
  const uint64_t seed = TestSeed();
  SCOPED_TRACE(SeedTrace(seed));
  Random rng(seed);
  for (int round = 0; round < 200; ++round) {
    std::vector<std::string> records;
    const int n = 1 + static_cast<int>(rng.Uniform(20));
    for (int i = 0; i < n; ++i) records.push_back(RandomBytes(rng, rng.Uniform(20000)));
    records.back() += 'x';  // so zeroing any suffix of the last record changes it
    const WrittenLog written = WriteAll(records);
    const uint64_t last_start = written.starts.back();
    const uint64_t from = last_start + rng.Uniform(written.ends.back() - last_start);
    std::string contents = written.contents.substr(0, from);
    overwrite(written.contents, from, rng, &contents);
    const ReadLog read = ReadAll(contents);
    const size_t whole = static_cast<size_t>(n - 1);
    ASSERT_EQ(read.outcome, Outcome::kTornTail) << read.damage;
    ASSERT_TRUE(read.records == Prefix(records, whole));
    ASSERT_EQ(read.valid_end, whole == 0 ? 0 : written.ends[whole - 1]);
    ASSERT_EQ(read.torn_bytes, contents.size() - read.valid_end);
  }
}

TEST(LogDamageTest, ZerosOverTheTailAreATornTail) {
  // As a preallocated or half-written tail reads.
  ExpectTornTailAfterOverwritingTheLastRecord(
      [](const std::string&, uint64_t, Random& rng, std::string* contents) {
        contents->append(rng.Uniform(3 * kBlockSize) + 1, '\0');
      });
}

TEST(LogDamageTest, ZeroFilledRemainderAfterTheLastRecordIsATornTail) {
  const WrittenLog written = WriteAll({"a", "b"});
  const ReadLog read = ReadAll(written.contents + std::string(100000, '\0'));
  EXPECT_EQ(read.outcome, Outcome::kTornTail);
  EXPECT_EQ(read.records.size(), 2u);
  EXPECT_EQ(read.torn_bytes, 100000u);
  EXPECT_EQ(read.damage_offset, written.contents.size());
  EXPECT_NE(read.damage.find("zero-filled bytes instead of a record header at offset 16"),
            std::string::npos)
      << read.damage;
}

TEST(LogDamageTest, GarbageOverTheTailIsATornTail) {
  ExpectTornTailAfterOverwritingTheLastRecord(
      [](const std::string& original, uint64_t from, Random& rng, std::string* contents) {
        *contents += RandomBytes(rng, rng.Uniform(3 * kBlockSize) + 1);
        (*contents)[from] = static_cast<char>(original[from] ^ 0x5a);  // differs
      });
}

TEST(LogDamageTest, TrailerWithoutTheRecordAfterItIsATornTail) {
  const WrittenLog written = WriteAll({std::string(kBlockSize - kHeaderSize - 4, 'a'), "b"});
  const std::string cut = written.contents.substr(0, kBlockSize);  // record 0 + 4 zero bytes
  const ReadLog read = ReadAll(cut);
  EXPECT_EQ(read.outcome, Outcome::kTornTail);
  EXPECT_EQ(read.records.size(), 1u);
  EXPECT_EQ(read.torn_bytes, 4u);
}

TEST(LogDamageTest, FlippedBitInAnEarlierRecordIsCorruptionAtThatRecord) {
  const uint64_t seed = TestSeed();
  SCOPED_TRACE(SeedTrace(seed));
  Random rng(seed);
  for (int round = 0; round < 300; ++round) {
    std::vector<std::string> records;
    const int n = 3 + static_cast<int>(rng.Uniform(30));
    for (int i = 0; i < n; ++i) {
      records.push_back(RandomBytes(rng, rng.Uniform(rng.Bernoulli(0.2) ? 100000 : 3000)));
    }
    const WrittenLog written = WriteAll(records);
    // Any record but the last two, any bit of its header or payload.
    const size_t victim = rng.Uniform(static_cast<uint64_t>(n - 2));
    // [start, end) of a record holds its headers and payload only: the writer pads a block
    // trailer only before a record's first fragment.
    const uint64_t byte =
        written.starts[victim] + rng.Uniform(written.ends[victim] - written.starts[victim]);
    std::string contents = written.contents;
    contents[byte] = static_cast<char>(contents[byte] ^ (1 << rng.Uniform(8)));

    int corruptions = 0;
    const ReadLog first_damage = ReadAll(contents);
    ASSERT_EQ(first_damage.outcome, Outcome::kCorruption)
        << "byte " << byte << " of record " << victim << ": " << first_damage.damage;
    ASSERT_TRUE(first_damage.records == Prefix(records, victim));
    ASSERT_EQ(first_damage.damage_offset, written.starts[victim]) << first_damage.damage;
    ASSERT_EQ(first_damage.valid_end, victim == 0 ? 0 : written.ends[victim - 1]);

    // Reading on resumes at the next record and loses only the damaged one.
    const ReadLog resumed = ReadAll(contents, /*resume=*/true, &corruptions);
    EXPECT_EQ(corruptions, 1);
    EXPECT_EQ(resumed.outcome, Outcome::kEnd) << resumed.damage;
    std::vector<std::string> expected = records;
    expected.erase(expected.begin() + static_cast<ptrdiff_t>(victim));
    ASSERT_TRUE(resumed.records == expected) << "byte " << byte << " of record " << victim;
  }
}

TEST(LogDamageTest, ChecksumMismatchNamesTheRecord) {
  WrittenLog written = WriteAll({"a", std::string(100, 'b'), "c"});
  written.contents[written.starts[1] + kHeaderSize + 50] ^= 0x10;
  const ReadLog read = ReadAll(written.contents);
  EXPECT_EQ(read.outcome, Outcome::kCorruption);
  EXPECT_EQ(read.damage,
            "checksum mismatch in the record at offset 8 (type 1 (full), length 100); an intact "
            "record follows at offset 115");
}

TEST(LogDamageTest, ZeroedBlockBeforeIntactRecordsIsCorruption) {
  Random rng(3);
  std::vector<std::string> records;
  for (int i = 0; i < 200; ++i) records.push_back(RandomBytes(rng, 1000));
  WrittenLog written = WriteAll(records);
  std::fill(written.contents.begin() + kBlockSize, written.contents.begin() + 2 * kBlockSize, '\0');
  const ReadLog read = ReadAll(written.contents);
  EXPECT_EQ(read.outcome, Outcome::kCorruption);
  EXPECT_NE(read.damage.find("zero-filled bytes instead of a record header"), std::string::npos)
      << read.damage;
}

TEST(LogDamageTest, LengthRunningPastTheBlockEndIsAnError) {
  WrittenLog written = WriteAll({"a", "b", "c"});
  // The last record claims 0xffff bytes: nothing intact follows, so a torn tail.
  std::string last = written.contents;
  last[written.starts[2] + 4] = '\xff';
  last[written.starts[2] + 5] = '\xff';
  ReadLog read = ReadAll(last);
  EXPECT_EQ(read.outcome, Outcome::kTornTail);
  EXPECT_EQ(read.records.size(), 2u);
  EXPECT_NE(read.damage.find("length 65535 in the record header at offset 16 runs past the block "
                             "end (32745 bytes left in the block)"),
            std::string::npos)
      << read.damage;

  // The middle record claims it: "c" follows intact, so corruption.
  std::string middle = written.contents;
  middle[written.starts[1] + 4] = '\xff';
  middle[written.starts[1] + 5] = '\xff';
  read = ReadAll(middle);
  EXPECT_EQ(read.outcome, Outcome::kCorruption);
  EXPECT_EQ(read.damage_offset, written.starts[1]);
}

TEST(LogDamageTest, LengthRunningPastTheFileEndIsAnError) {
  WrittenLog written = WriteAll({"a", "b", "c"});
  // Record 1 claims 1000 bytes: within the block, beyond the file.
  std::string contents = written.contents;
  contents[written.starts[1] + 4] = static_cast<char>(1000 & 0xff);
  contents[written.starts[1] + 5] = static_cast<char>(1000 >> 8);
  ReadLog read = ReadAll(contents);
  // "c" is intact after the damage: corruption, although the length reaches past the end.
  EXPECT_EQ(read.outcome, Outcome::kCorruption);
  EXPECT_NE(read.damage.find("the file ends inside the record at offset 8"), std::string::npos)
      << read.damage;
  // The last one claiming it is a torn tail.
  contents = written.contents;
  contents[written.starts[2] + 4] = static_cast<char>(1000 & 0xff);
  contents[written.starts[2] + 5] = static_cast<char>(1000 >> 8);
  read = ReadAll(contents);
  EXPECT_EQ(read.outcome, Outcome::kTornTail);
  EXPECT_EQ(read.torn_bytes, 8u);
}

TEST(LogDamageTest, UnknownRecordTypeIsDamage) {
  std::string contents = PhysicalRecord(RecordType::kFull, "a");
  contents += PhysicalRecord(static_cast<RecordType>(9), "b");
  ReadLog read = ReadAll(contents);
  EXPECT_EQ(read.outcome, Outcome::kTornTail);
  EXPECT_NE(read.damage.find("unknown record type 9 in the record header at offset 8"),
            std::string::npos)
      << read.damage;
  contents += PhysicalRecord(RecordType::kFull, "c");
  read = ReadAll(contents);
  EXPECT_EQ(read.outcome, Outcome::kCorruption);
}

TEST(LogDamageTest, MiddleFragmentWithoutAFirstFragmentIsDamage) {
  std::string contents = PhysicalRecord(RecordType::kFull, "a");
  contents += PhysicalRecord(RecordType::kMiddle, "orphan");
  ReadLog read = ReadAll(contents);
  EXPECT_EQ(read.outcome, Outcome::kTornTail);
  EXPECT_EQ(read.damage_offset, 8u);
  EXPECT_EQ(read.torn_bytes, kHeaderSize + 6);

  contents += PhysicalRecord(RecordType::kFull, "z");
  read = ReadAll(contents);
  EXPECT_EQ(read.outcome, Outcome::kCorruption);
  EXPECT_EQ(read.damage,
            "a record fragment of type 3 (middle) at offset 8 without a first fragment; an "
            "intact record follows at offset 21");
  int corruptions = 0;
  read = ReadAll(contents, /*resume=*/true, &corruptions);
  EXPECT_EQ(read.records, (std::vector<std::string>{"a", "z"}));
  EXPECT_EQ(corruptions, 1);
}

TEST(LogDamageTest, LastFragmentWithoutAFirstFragmentIsDamage) {
  std::string contents = PhysicalRecord(RecordType::kLast, "orphan");
  contents += PhysicalRecord(RecordType::kFull, "z");
  const ReadLog read = ReadAll(contents);
  EXPECT_EQ(read.outcome, Outcome::kCorruption);
  EXPECT_EQ(read.damage_offset, 0u);
  EXPECT_NE(read.damage.find("type 4 (last) at offset 0 without a first fragment"),
            std::string::npos)
      << read.damage;
}

TEST(LogDamageTest, NewRecordInsideAFragmentedRecordIsCorruption) {
  std::string contents = PhysicalRecord(RecordType::kFirst, "begun");
  contents += PhysicalRecord(RecordType::kMiddle, "more");
  contents += PhysicalRecord(RecordType::kFull, "new");
  int corruptions = 0;
  ReadLog read = ReadAll(contents);
  EXPECT_EQ(read.outcome, Outcome::kCorruption);
  EXPECT_EQ(read.damage_offset, 0u);
  EXPECT_EQ(read.damage,
            "the record at offset 0 has no last fragment: a new record (type 1 (full)) begins at "
            "offset 23; an intact record follows at offset 23");
  read = ReadAll(contents, /*resume=*/true, &corruptions);
  EXPECT_EQ(read.records, (std::vector<std::string>{"new"}));
  EXPECT_EQ(read.outcome, Outcome::kEnd);
}

TEST(LogDamageTest, FileEndingAfterAFirstFragmentIsATornTail) {
  std::string contents = PhysicalRecord(RecordType::kFull, "a");
  contents += PhysicalRecord(RecordType::kFirst, "begun");
  const ReadLog read = ReadAll(contents);
  EXPECT_EQ(read.outcome, Outcome::kTornTail);
  EXPECT_EQ(read.damage_offset, 8u);
  EXPECT_EQ(read.torn_bytes, kHeaderSize + 5);
  EXPECT_NE(read.damage.find("the file ends inside the record at offset 8 after 12 bytes"),
            std::string::npos)
      << read.damage;
}

TEST(LogDamageTest, DamageAtABlockStartWithTheTailOfALargeRecordAfterItIsFound) {
  // The search walks a later block's chain past a kLast fragment to the kFull after it.
  Random rng(5);
  const std::vector<std::string> records = {"a", RandomBytes(rng, kBlockSize * 2), "b", "c"};
  WrittenLog written = WriteAll(records);
  // Damage the kMiddle fragment at the start of block 1 (record 1 spans blocks 0..2).
  written.contents[kBlockSize + 3] ^= 1;
  int corruptions = 0;
  const ReadLog read = ReadAll(written.contents, /*resume=*/true, &corruptions);
  EXPECT_EQ(corruptions, 1);
  EXPECT_EQ(read.records, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(read.outcome, Outcome::kEnd);
}

TEST(LogDamageTest, TornTailIsFinal) {
  const WrittenLog written = WriteAll({"a", "bb"});
  StringSequentialFile file(written.contents.substr(0, written.contents.size() - 1));
  LogReader reader(&file, written.contents.size() - 1);
  std::string record;
  EXPECT_EQ(reader.ReadRecord(&record), Outcome::kRecord);
  EXPECT_EQ(reader.ReadRecord(&record), Outcome::kTornTail);
  EXPECT_EQ(reader.ReadRecord(&record), Outcome::kTornTail);
  EXPECT_TRUE(record.empty());
  EXPECT_EQ(reader.torn_bytes(), kHeaderSize + 1);
}

TEST(LogDamageTest, RandomGarbageFileNeitherCrashesNorAllocatesPastABlock) {
  const uint64_t seed = TestSeed();
  SCOPED_TRACE(SeedTrace(seed));
  Random rng(seed);
  for (int round = 0; round < 3; ++round) {
    // Round 1 sprinkles plausible headers (type kFirst, length 0xffff or small) into the
    // garbage so the search checksums many candidates.
    std::string garbage = RandomBytes(rng, (4 << 20) + rng.Uniform(kBlockSize));
    if (round == 1) {
      for (size_t i = 6; i < garbage.size(); i += 7) garbage[i] = 2;
    }
    if (round == 2) garbage.insert(0, PhysicalRecord(RecordType::kFirst, "a real first fragment"));
    StringSequentialFile file(garbage);
    LogReader reader(&file, garbage.size());
    std::string record;
    const AllocationCounter counter;
    Outcome outcome;
    int results = 0;
    while ((outcome = reader.ReadRecord(&record)) == Outcome::kRecord ||
           (outcome == Outcome::kCorruption && ++results < 1000)) {
    }
    const AllocationStats allocations = counter.Stats();
    EXPECT_EQ(outcome, Outcome::kTornTail) << reader.damage();
    EXPECT_EQ(reader.valid_end(), 0u);
    EXPECT_EQ(reader.torn_bytes(), garbage.size());
    EXPECT_LE(allocations.largest, kBlockSize + 64);
    EXPECT_LE(allocations.total, 4 * kBlockSize);
  }
}

}  // namespace
}  // namespace memdb::wal
