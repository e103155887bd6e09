#include "db/commit_record.h"
#include "memdb/testing/status_matchers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/test_support.h"

namespace memdb::test {
namespace {

using ::memdb::testing::IsOk;
using ::memdb::testing::StatusIs;
using ::testing::HasSubstr;

using mvcc::WriteBuffer;

TEST(CommitRecordTest, EncodingMatchesTheDocumentedExample) {
  WriteBuffer writes;
  writes.Write("a", "xy", false);
  writes.Write("b", "", true);
  std::string record;
  db::EncodeCommitRecord({5, 300}, writes, &record);
  const std::string expected(
      "\x05\0\0\0\0\0\0\0\xac\x02\x02\x01\x01"
      "a\x02xy\x02\x01"
      "b",
      20);
  EXPECT_EQ(Show(record), Show(expected)) << "docs/wal-format.md shows these bytes";
}

TEST(CommitRecordTest, RoundTripsPutsDeletesEmptyAndBinaryValues) {
  WriteBuffer writes;
  writes.Write(std::string("k\0ey", 4), std::string(70000, '\0'), false);
  writes.Write("empty", "", false);
  writes.Write("gone", "", true);
  std::string record;
  db::EncodeCommitRecord({1ull << 40, 1ull << 35}, writes, &record);
  db::CommitRecordHeader header;
  std::vector<WriteBuffer::Entry> decoded;
  ASSERT_THAT(db::DecodeCommitRecord(record, &header, &decoded), IsOk());
  EXPECT_EQ(header.timestamp, 1ull << 40);
  EXPECT_EQ(header.synced_before, 1ull << 35);
  ASSERT_EQ(decoded.size(), 3u);
  EXPECT_EQ(decoded[0].key, std::string_view("k\0ey", 4));
  EXPECT_EQ(decoded[0].value.size(), 70000u);
  EXPECT_EQ(decoded[1].key, "empty");
  EXPECT_FALSE(decoded[1].tombstone);
  EXPECT_TRUE(decoded[2].tombstone);
}

TEST(CommitRecordTest, EveryTruncationIsCorruptionNotACrash) {
  WriteBuffer writes;
  writes.Write("key", "value", false);
  writes.Write("other", "", true);
  std::string record;
  db::EncodeCommitRecord({7, 0}, writes, &record);
  std::vector<WriteBuffer::Entry> decoded;
  db::CommitRecordHeader header;
  for (size_t cut = 0; cut < record.size(); ++cut) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    EXPECT_THAT(db::DecodeCommitRecord(std::string_view(record).substr(0, cut), &header, &decoded),
                StatusIs(Status::Code::kCorruption, HasSubstr("transaction record")));
  }
  EXPECT_THAT(db::DecodeCommitRecord(record + "x", &header, &decoded),
              StatusIs(Status::Code::kCorruption, HasSubstr("trailing")));
}

TEST(CommitRecordTest, ImplausibleCountAndUnknownKindAreCorruption) {
  std::vector<WriteBuffer::Entry> decoded;
  db::CommitRecordHeader header;
  // A count of 2^28 writes in a 15-byte record: rejected before anything is reserved.
  const std::string huge_count("\x01\0\0\0\0\0\0\0\0\x80\x80\x80\x80\x01\x01", 15);
  EXPECT_THAT(db::DecodeCommitRecord(huge_count, &header, &decoded),
              StatusIs(Status::Code::kCorruption, HasSubstr("implausible write count")));
  const std::string bad_kind("\x01\0\0\0\0\0\0\0\0\x01\x09\x01k", 13);
  EXPECT_THAT(db::DecodeCommitRecord(bad_kind, &header, &decoded),
              StatusIs(Status::Code::kCorruption, HasSubstr("unknown write kind 9")));
  const std::string duplicate("\x01\0\0\0\0\0\0\0\0\x02\x02\x01k\x02\x01k", 16);
  EXPECT_THAT(db::DecodeCommitRecord(duplicate, &header, &decoded),
              StatusIs(Status::Code::kCorruption, HasSubstr("twice")));
}

}  // namespace
}  // namespace memdb::test
