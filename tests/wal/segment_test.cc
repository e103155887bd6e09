// Segment file names and listing.
#include "wal/segment.h"
#include "memdb/testing/status_matchers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "support/test_support.h"

namespace memdb::wal {
namespace {

using ::memdb::testing::StatusIs;
using ::testing::HasSubstr;

// A FileSystem that only lists directories (the rest is not needed by ListSegments).
class ListingFileSystem final : public FileSystem {
 public:
  std::map<std::string, std::vector<std::string>> dirs;

  Result<std::vector<std::string>> ListDir(const std::string& dir) override {
    auto it = dirs.find(dir);
    if (it == dirs.end()) return Status::NotFound(dir + ": no such directory");
    return it->second;
  }
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string&) override {
    return Unsupported();
  }
  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string&) override {
    return Unsupported();
  }
  Result<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string&) override {
    return Unsupported();
  }
  Status ReadFile(const std::string&, std::string*) override { return Unsupported(); }
  bool FileExists(const std::string&) override { return false; }
  Result<uint64_t> FileSize(const std::string&) override { return Unsupported(); }
  Status CreateDir(const std::string&) override { return Unsupported(); }
  Status Rename(const std::string&, const std::string&) override { return Unsupported(); }
  Status RemoveFile(const std::string&) override { return Unsupported(); }
  Status SyncDir(const std::string&) override { return Unsupported(); }
  Result<std::unique_ptr<FileLock>> LockFile(const std::string&) override { return Unsupported(); }

 private:
  static Status Unsupported() { return Status::NotSupported("not in this test"); }
};

TEST(SegmentTest, NamesAreZeroPaddedToSixDigits) {
  EXPECT_EQ(SegmentFileName(0), "wal-000000.log");
  EXPECT_EQ(SegmentFileName(1), "wal-000001.log");
  EXPECT_EQ(SegmentFileName(999999), "wal-999999.log");
  EXPECT_EQ(SegmentFileName(1000000), "wal-1000000.log");
  EXPECT_EQ(SegmentFileName(UINT64_MAX), "wal-18446744073709551615.log");
}

TEST(SegmentTest, ParsingInvertsNaming) {
  for (const uint64_t n : {uint64_t{0}, uint64_t{1}, uint64_t{42}, uint64_t{999999},
                           uint64_t{1000000}, uint64_t{123456789012}, UINT64_MAX}) {
    uint64_t parsed = 7;
    ASSERT_TRUE(ParseSegmentFileName(SegmentFileName(n), &parsed)) << n;
    EXPECT_EQ(parsed, n);
  }
}

TEST(SegmentTest, ParsingRejectsEverythingElse) {
  for (const char* name :
       {"wal-1.log", "wal-000001.log.tmp", "wal-abc.log", "wal-00000a.log", "wal-0000001.log",
        "wal-000001.LOG", "WAL-000001.log", "xwal-000001.log", "wal-000001", "wal-.log", "",
        "wal-+00001.log", "wal- 00001.log", "wal-000001.log ", "wal-18446744073709551616.log",
        "wal-99999999999999999999.log", "checkpoint-000001.ckpt"}) {
    uint64_t parsed = 7;
    EXPECT_FALSE(ParseSegmentFileName(name, &parsed)) << name;
    EXPECT_EQ(parsed, 7u) << name;
  }
}

TEST(SegmentTest, ListingReturnsSegmentNumbersAscending) {
  ListingFileSystem fs;
  fs.dirs["db"] = {"LOCK",           "wal-000010.log", "wal-000002.log.tmp", "wal-1000000.log",
                   "wal-000002.log", "wal-x.log",      "checkpoint-000003",  "wal-000009.log"};
  Result<std::vector<uint64_t>> segments = ListSegments(fs, "db");
  ASSERT_TRUE(segments.ok()) << segments.status();
  EXPECT_EQ(*segments, (std::vector<uint64_t>{2, 9, 10, 1000000}));

  fs.dirs["empty"] = {};
  segments = ListSegments(fs, "empty");
  ASSERT_TRUE(segments.ok());
  EXPECT_TRUE(segments->empty());
}

TEST(SegmentTest, ListingAMissingDirectoryIsNotFound) {
  ListingFileSystem fs;
  Result<std::vector<uint64_t>> segments = ListSegments(fs, "nowhere");
  EXPECT_THAT(segments.status(), StatusIs(Status::Code::kNotFound, HasSubstr("nowhere")));
}

}  // namespace
}  // namespace memdb::wal
