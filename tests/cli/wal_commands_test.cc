// `memdb wal dump|check` on logs written by a real Db and then damaged by the test. Record
// offsets come from the segment's size after each synced commit, not from the WAL reader the
// CLI uses, so a wrong offset in the CLI cannot agree with a wrong expectation.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "cli_test_support.h"
#include "memdb/db/db.h"

namespace memdb::cli::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A database in a scratch directory with `commits` synced transactions; ends[i] is the
// segment's size after commit i (so record i spans [ends[i-1], ends[i])).
class WalCommandsTest : public ::testing::Test {
 protected:
  void Write(int commits) {
    Options options;
    options.path = dir_.Join("db");
    options.sync_mode = SyncMode::kAlways;
    Db db = Db::Open(options).value();
    segment_ = FindSegment();
    ends_.push_back(std::filesystem::file_size(segment_));
    for (int i = 0; i < commits; ++i) {
      Txn txn = db.Begin();
      ASSERT_TRUE(txn.Put("acct:" + std::to_string(i), std::string(20 + i, 'v')).ok());
      if (i == 1) {
        ASSERT_TRUE(txn.Delete("gone").ok());
      }
      if (i == 2) {
        ASSERT_TRUE(txn.Put(std::string("bin\0\xff", 5), "x").ok());
      }
      ASSERT_TRUE(txn.Commit().ok());
      ends_.push_back(std::filesystem::file_size(segment_));
    }
  }

  std::string FindSegment() const {
    for (const auto& e : std::filesystem::directory_iterator(dir_.Join("db"))) {
      const std::string name = e.path().filename().string();
      if (name.starts_with("wal-") && name.ends_with(".log")) return e.path().string();
    }
    ADD_FAILURE() << "no WAL segment in " << dir_.Join("db");
    return "";
  }

  // Start of record i (0-based): the size before commit i.
  uint64_t RecordStart(int i) const { return ends_[static_cast<size_t>(i)]; }

  ScratchDir dir_;
  std::string segment_;
  std::vector<uint64_t> ends_;
};

TEST_F(WalCommandsTest, IntactLogDumpsEveryRecordAndChecksClean) {
  Write(4);
  CliRun dump = RunMemdb({"wal", "dump", segment_});
  EXPECT_EQ(dump.code, kExitOk) << dump.err;
  for (int i = 0; i < 4; ++i) {
    EXPECT_THAT(dump.out, HasSubstr("@" + std::to_string(RecordStart(i)) + " "));
  }
  EXPECT_THAT(dump.out, HasSubstr("put    \"acct:0\" = \"vvvv"));
  EXPECT_THAT(dump.out, HasSubstr("delete \"gone\""));
  EXPECT_THAT(dump.out, HasSubstr("put    hex:62696e00ff = \"x\""));
  EXPECT_THAT(dump.out, HasSubstr("4 records"));
  EXPECT_THAT(dump.out, HasSubstr(": intact"));

  CliRun check = RunMemdb({"wal", "check", segment_});
  EXPECT_EQ(check.code, kExitOk);
  EXPECT_THAT(check.out, HasSubstr("intact"));
  // A directory checks its segments.
  EXPECT_EQ(RunMemdb({"wal", "check", dir_.Join("db")}).code, kExitOk);
}

TEST_F(WalCommandsTest, FlippedByteInAMiddleRecordIsCorruptionAtThatRecordsOffset) {
  Write(4);
  std::string bytes = ReadAll(segment_);
  const uint64_t damaged = RecordStart(1);
  bytes[damaged + 12] ^= 0x10;  // inside record 1's payload
  WriteAll(segment_, bytes);

  CliRun dump = RunMemdb({"wal", "dump", segment_});
  EXPECT_EQ(dump.code, kExitFailed) << dump.out;
  EXPECT_THAT(dump.out, HasSubstr("CORRUPTION at offset " + std::to_string(damaged) + ":"));
  EXPECT_THAT(dump.out, HasSubstr("checksum mismatch"));
  // The records before and after the damage are still shown.
  EXPECT_THAT(dump.out, HasSubstr("@" + std::to_string(RecordStart(0)) + " "));
  EXPECT_THAT(dump.out, HasSubstr("@" + std::to_string(RecordStart(2)) + " "));
  EXPECT_THAT(dump.out, Not(HasSubstr("@" + std::to_string(RecordStart(1)) + " ")));

  CliRun check = RunMemdb({"wal", "check", "--json", segment_});
  EXPECT_EQ(check.code, kExitFailed);
  EXPECT_THAT(check.out, HasSubstr("\"verdict\":\"corrupt\""));
  EXPECT_THAT(check.out, HasSubstr("\"kind\":\"corruption\",\"file\":\"" + segment_ +
                                   "\",\"offset\":" + std::to_string(damaged) + ","));
}

TEST_F(WalCommandsTest, TruncatedLastRecordIsATornTailAtItsOffset) {
  Write(3);
  const uint64_t last = RecordStart(2);
  std::filesystem::resize_file(segment_, last + 9);  // header and two payload bytes survive

  CliRun dump = RunMemdb({"wal", "dump", segment_});
  EXPECT_EQ(dump.code, kExitTornTail) << dump.out;
  EXPECT_THAT(dump.out, HasSubstr("TORN TAIL at offset " + std::to_string(last) + ":"));
  EXPECT_THAT(dump.out, HasSubstr("9 bytes discarded"));
  EXPECT_THAT(dump.out, HasSubstr("valid to offset " + std::to_string(last) + " of " +
                                  std::to_string(last + 9)));
  EXPECT_EQ(RunMemdb({"wal", "check", "--allow-torn-tail", segment_}).code, kExitOk);
  CliRun check = RunMemdb({"wal", "check", "--json", segment_});
  EXPECT_EQ(check.code, kExitTornTail);
  EXPECT_THAT(check.out, HasSubstr("\"torn_bytes\":9"));
}

TEST_F(WalCommandsTest, DumpJsonCarriesEveryWriteInFull) {
  Write(3);
  CliRun dump = RunMemdb({"wal", "dump", "--json", segment_});
  ASSERT_EQ(dump.code, kExitOk) << dump.err;
  EXPECT_THAT(dump.out, HasSubstr("{\"offset\":" + std::to_string(RecordStart(1)) +
                                  ",\"end\":" + std::to_string(RecordStart(2)) + ","));
  EXPECT_THAT(dump.out, HasSubstr("{\"op\":\"delete\",\"key\":\"gone\"}"));
  EXPECT_THAT(dump.out, HasSubstr("{\"op\":\"put\",\"key_hex\":\"62696e00ff\",\"value\":\"x\"}"));
  EXPECT_THAT(dump.out, HasSubstr("\"verdict\":\"intact\"}\n"));
}

TEST_F(WalCommandsTest, MissingFileIsAnIoErrorNamingIt) {
  CliRun run = RunMemdb({"wal", "check", dir_.Join("nope.log")});
  EXPECT_EQ(run.code, kExitError);
  EXPECT_THAT(run.err, HasSubstr(dir_.Join("nope.log")));
  CliRun empty_dir = RunMemdb({"wal", "dump", dir_.path()});
  EXPECT_EQ(empty_dir.code, kExitError);
  EXPECT_THAT(empty_dir.err, HasSubstr("no WAL segment"));
}

}  // namespace
}  // namespace memdb::cli::test
