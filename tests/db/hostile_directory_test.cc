// Recovery of directories that no crash produces but a hostile or careless hand can: segment
// names that cannot be followed, checkpoints whose claims contradict the directory, damaged
// checkpoints the log cannot stand in for, and files recovery discards. Recovery must refuse
// with Corruption naming the file (and field), or recover a prefix and set the damage aside --
// never lose acknowledged commits silently or open an empty database in their place.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "db/durable_support.h"
#include "memdb/db/db.h"
#include "memdb/io/file_system.h"
#include "memdb/io/file_system_wrapper.h"
#include "memdb/io/sim_file_system.h"
#include "memdb/testing/status_matchers.h"
#include "snapshot/checkpoint_file.h"
#include "support/db_options.h"
#include "support/temp_dir.h"

namespace memdb::test {
namespace {

using ::memdb::testing::IsOk;
using ::memdb::testing::StatusIs;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr uint64_t kMax = UINT64_MAX;

class HostileDirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs_ = std::make_shared<SimFileSystem>();
    ASSERT_THAT(fs_->CreateDir(dir_), IsOk());
  }

  Options OptionsFor(RecoveryMode mode) const {
    Options options = DurableOptions(fs_, dir_);
    options.recovery_mode = mode;
    return options;
  }
  Db OpenOk(RecoveryMode mode = RecoveryMode::kTolerateTornTail) {
    Result<Db> db = Db::Open(OptionsFor(mode));
    EXPECT_THAT(db.status(), IsOk());
    return std::move(db).value();
  }
  std::string Path(const std::string& name) const { return JoinPath(dir_, name); }
  // The directory's entries but LOCK (which every Open creates, even one that fails).
  std::vector<std::string> Names() {
    std::vector<std::string> names = fs_->ListDir(dir_).value();
    std::erase(names, "LOCK");
    std::sort(names.begin(), names.end());
    return names;
  }
  void WriteFile(const std::string& name, std::string_view bytes) {
    auto file = fs_->NewWritableFile(Path(name));
    ASSERT_THAT(file.status(), IsOk());
    ASSERT_THAT((*file)->Append(bytes), IsOk());
    ASSERT_THAT((*file)->Sync(), IsOk());
    ASSERT_THAT((*file)->Close(), IsOk());
    ASSERT_THAT(fs_->SyncDir(dir_), IsOk());
  }
  // A well-formed checkpoint (valid checksums) claiming `timestamp` and `replay_from`.
  void WriteCheckpoint(const std::string& name, uint64_t timestamp, uint64_t replay_from,
                       const State& entries) {
    auto file = fs_->NewWritableFile(Path(name));
    ASSERT_THAT(file.status(), IsOk());
    snapshot::CheckpointWriter writer(file->get(), timestamp, replay_from);
    for (const auto& [key, value] : entries) ASSERT_THAT(writer.Add(key, value), IsOk());
    ASSERT_THAT(writer.Finish(), IsOk());
    ASSERT_THAT((*file)->Sync(), IsOk());
    ASSERT_THAT((*file)->Close(), IsOk());
    ASSERT_THAT(fs_->SyncDir(dir_), IsOk());
  }
  static std::string CheckpointName(uint64_t timestamp) {
    char name[64];
    std::snprintf(name, sizeof(name), "checkpoint-%020llu.ckpt",
                  static_cast<unsigned long long>(timestamp));
    return name;
  }

  std::shared_ptr<SimFileSystem> fs_;
  const std::string dir_ = "db";
};

// Finding 1: the number after wal-18446744073709551615 wrapped to wal-000000, which sorts
// first, so commits logged there were refused or dropped by the next Open.
TEST_F(HostileDirectoryTest, SegmentNumberWithoutSuccessorIsRefusedAtOpenNamingTheFile) {
  for (const uint64_t number : {kMax, kMax - 1, kMax - 2}) {
    SCOPED_TRACE(number);
    const std::string name = "wal-" + std::to_string(number) + ".log";
    WriteFile(name, "");
    const std::vector<std::string> before = Names();
    for (RecoveryMode mode : {RecoveryMode::kTolerateTornTail, RecoveryMode::kAbsoluteConsistency,
                              RecoveryMode::kPointInTime}) {
      EXPECT_THAT(Db::Open(OptionsFor(mode)).status(),
                  StatusIs(Status::Code::kCorruption,
                           AllOf(HasSubstr(name), HasSubstr("no number for the segments after"))))
          << RecoveryModeName(mode);
    }
    EXPECT_EQ(Names(), before);  // a refused Open changes no file
    ASSERT_THAT(fs_->RemoveFile(Path(name)), IsOk());
  }
}

TEST_F(HostileDirectoryTest, ExhaustedSegmentNumbersRefuseTheNextOpenInsteadOfWrapping) {
  const uint64_t number = kMax - 3;  // the largest a directory may hold at Open
  WriteFile("wal-" + std::to_string(number) + ".log", "");
  {
    Db db = OpenOk();
    ASSERT_THAT(db.Put("k", "v"), IsOk());
  }
  const std::string last = "wal-" + std::to_string(number + 1) + ".log";
  EXPECT_THAT(Names(), AllOf(Contains(last), Not(Contains("wal-000000.log"))));
  // The next Open would have no successor for its own segment: refused, naming the file.
  EXPECT_THAT(Db::Open(OptionsFor(RecoveryMode::kTolerateTornTail)).status(),
              StatusIs(Status::Code::kCorruption, HasSubstr(last)));
  EXPECT_GT(fs_->FileSize(Path(last)).value(), 0u);  // the commit is still in the log
}

TEST_F(HostileDirectoryTest, SegmentNameThatDoesNotParseExactlyIsRefusedNamingTheFile) {
  for (const std::string name : {"wal-0000001.log", "wal-1.log", "wal-00001x.log",
                                 "wal-99999999999999999999.log", "wal-.log", "wal--00001.log"}) {
    SCOPED_TRACE(name);
    WriteFile(name, "");
    EXPECT_THAT(Db::Open(OptionsFor(RecoveryMode::kTolerateTornTail)).status(),
                StatusIs(Status::Code::kCorruption,
                         AllOf(HasSubstr(Path(name)), HasSubstr("not a log segment name"))));
    ASSERT_THAT(fs_->RemoveFile(Path(name)), IsOk());
  }
  // Names that are not segment-shaped stay ignored.
  WriteFile("wal-000001.log.damaged", "junk");
  WriteFile("notes.txt", "junk");
  EXPECT_THAT(Db::Open(OptionsFor(RecoveryMode::kAbsoluteConsistency)).status(), IsOk());
}

// Finding 2: a checkpoint whose replay position is 2^64-1 made every segment be ignored.
TEST_F(HostileDirectoryTest, CheckpointReplayPositionWithoutSuccessorIsCorruptionNamingTheField) {
  {
    Db db = OpenOk();
    ASSERT_THAT(db.Put("a", "1"), IsOk());
  }
  const std::string checkpoint = CheckpointName(1);
  WriteCheckpoint(checkpoint, 1, kMax, {{"a", "1"}});
  for (RecoveryMode mode : {RecoveryMode::kTolerateTornTail, RecoveryMode::kAbsoluteConsistency,
                            RecoveryMode::kPointInTime}) {
    EXPECT_THAT(Db::Open(OptionsFor(mode)).status(),
                StatusIs(Status::Code::kCorruption,
                         AllOf(HasSubstr(Path(checkpoint)), HasSubstr("replay_from_segment"))))
        << RecoveryModeName(mode);
  }
}

TEST_F(HostileDirectoryTest, CheckpointReplayPositionSkippingLoggedCommitsIsCorruption) {
  {
    Db db = OpenOk();
    ASSERT_THAT(db.Put("a", "1"), IsOk());
    ASSERT_THAT(db.Put("b", "2"), IsOk());  // transaction 2, in wal-000001.log
  }
  const std::string checkpoint = CheckpointName(1);
  WriteCheckpoint(checkpoint, 1, 7, {{"a", "1"}});
  for (RecoveryMode mode : {RecoveryMode::kTolerateTornTail, RecoveryMode::kAbsoluteConsistency,
                            RecoveryMode::kPointInTime}) {
    EXPECT_THAT(Db::Open(OptionsFor(mode)).status(),
                StatusIs(Status::Code::kCorruption,
                         AllOf(HasSubstr(Path(checkpoint)), HasSubstr("replay_from_segment"),
                               HasSubstr("transaction 2"))))
        << RecoveryModeName(mode);
  }
}

TEST_F(HostileDirectoryTest, CheckpointWhoseTimestampContradictsItsNameIsCorruption) {
  const std::string checkpoint = CheckpointName(1);
  WriteCheckpoint(checkpoint, 7, 1, {{"a", "1"}});
  EXPECT_THAT(Db::Open(OptionsFor(RecoveryMode::kPointInTime)).status(),
              StatusIs(Status::Code::kCorruption,
                       AllOf(HasSubstr(Path(checkpoint)), HasSubstr("commit_timestamp"))));
}

TEST_F(HostileDirectoryTest, CheckpointTheLogDoesNotContinueIsCorruptionInEveryMode) {
  {
    Db db = OpenOk();
    ASSERT_THAT(db.Put("a", "1"), IsOk());
    ASSERT_THAT(db.Put("b", "2"), IsOk());
  }
  // Claims the log after it starts in segment 1, which begins with transaction 1, not 2.
  const std::string checkpoint = CheckpointName(1);
  WriteCheckpoint(checkpoint, 1, 1, {{"a", "1"}});
  const std::vector<std::string> before = Names();
  for (RecoveryMode mode : {RecoveryMode::kTolerateTornTail, RecoveryMode::kAbsoluteConsistency,
                            RecoveryMode::kPointInTime}) {
    EXPECT_THAT(Db::Open(OptionsFor(mode)).status(),
                StatusIs(Status::Code::kCorruption,
                         AllOf(HasSubstr(Path(checkpoint)), HasSubstr("commit_timestamp"))))
        << RecoveryModeName(mode);
  }
  EXPECT_EQ(Names(), before);
}

// A checkpoint written just before its replay segment was created (recovery's re-basing one,
// with a crash before the segment): new segments must continue after its replay position.
TEST_F(HostileDirectoryTest, CheckpointPastEverySegmentIsContinuedAfterItsReplayPosition) {
  WriteCheckpoint(CheckpointName(3), 3, 9, {{"a", "1"}, {"b", "2"}});
  {
    Db db = OpenOk();
    ASSERT_THAT(db.Put("c", "3"), IsOk());
  }
  Db db = OpenOk(RecoveryMode::kAbsoluteConsistency);
  EXPECT_EQ(db.recovery_report().last_timestamp, 4u);
  EXPECT_TRUE(Dump(db) == (State{{"a", "1"}, {"b", "2"}, {"c", "3"}}));
}

// Finding 3: point-in-time recovery opened an empty database (and set the log aside) when the
// only checkpoint was damaged and the log no longer reached back to transaction 1.
TEST_F(HostileDirectoryTest, PointInTimeRefusesWhenTheOnlyCheckpointIsDamagedAndTheLogIsShort) {
  for (const bool commit_after_checkpoint : {false, true}) {
    SCOPED_TRACE(commit_after_checkpoint);
    for (const std::string& name : Names()) ASSERT_THAT(fs_->RemoveFile(Path(name)), IsOk());
    {
      Db db = OpenOk();
      ASSERT_THAT(db.Put("a", std::string(100, 'a')), IsOk());
      ASSERT_THAT(db.Checkpoint(), IsOk());
      if (commit_after_checkpoint) {
        ASSERT_THAT(db.Put("b", "2"), IsOk());
      }
    }
    const std::string checkpoint = Path(CheckpointName(1));
    ASSERT_THAT(fs_->FlipBit(checkpoint, (fs_->FileSize(checkpoint).value() - 20) * 8), IsOk());
    const std::vector<std::string> before = Names();
    EXPECT_THAT(Db::Open(OptionsFor(RecoveryMode::kPointInTime)).status(),
                StatusIs(Status::Code::kCorruption, HasSubstr(checkpoint)));
    EXPECT_EQ(Names(), before);
  }
}

// Finding 4: a damaged checkpoint newer than the recovered state stayed in place, so every
// later Open read it again and kAbsoluteConsistency could never open the database again.
TEST_F(HostileDirectoryTest, DamagedCheckpointIsSetAsideOnceRecoveryRebasedTheLog) {
  std::vector<uint64_t> ends;  // the size of wal-000001.log after each commit
  {
    Db db = OpenOk();
    for (int i = 1; i <= 5; ++i) {
      ASSERT_THAT(db.Put("k" + std::to_string(i), std::string(50, 'v')), IsOk());
      ends.push_back(fs_->FileSize(Path("wal-000001.log")).value());
    }
  }
  // Transaction 3's record is damaged (synced bytes: corruption before the tail), and a
  // checkpoint at 5 is garbage.
  ASSERT_THAT(fs_->FlipBit(Path("wal-000001.log"), (ends[1] + ends[2]) / 2 * 8), IsOk());
  const std::string checkpoint = CheckpointName(5);
  WriteFile(checkpoint, "not a checkpoint at all");
  const std::vector<std::string> before = Names();
  EXPECT_THAT(Db::Open(OptionsFor(RecoveryMode::kTolerateTornTail)).status(),
              StatusIs(Status::Code::kCorruption));
  EXPECT_EQ(Names(), before);  // an Open that fails changes no file
  {
    Db db = OpenOk(RecoveryMode::kPointInTime);
    EXPECT_EQ(db.recovery_report().last_timestamp, 2u);
    EXPECT_THAT(db.recovery_report().damage, Contains(HasSubstr(checkpoint)));
  }
  EXPECT_THAT(Names(), AllOf(Contains(checkpoint + ".damaged"), Not(Contains(checkpoint)),
                             Contains("wal-000001.log.damaged")));
  Db db = OpenOk(RecoveryMode::kAbsoluteConsistency);
  EXPECT_EQ(db.recovery_report().last_timestamp, 2u);
  EXPECT_TRUE(db.recovery_report().damage.empty());
  EXPECT_TRUE(Dump(db) == (State{{"k1", std::string(50, 'v')}, {"k2", std::string(50, 'v')}}));
}

TEST_F(HostileDirectoryTest, DamagedCheckpointTheLogCoversIsSetAsideNotDeleted) {
  {
    Db db = OpenOk();
    for (int i = 1; i <= 5; ++i) ASSERT_THAT(db.Put("k" + std::to_string(i), "v"), IsOk());
  }
  const std::string checkpoint = CheckpointName(2);
  WriteFile(checkpoint, "not a checkpoint at all");
  {
    Db db = OpenOk();
    EXPECT_EQ(db.recovery_report().last_timestamp, 5u);
    EXPECT_THAT(db.recovery_report().damage, Contains(HasSubstr(checkpoint)));
  }
  EXPECT_THAT(Names(), AllOf(Contains(checkpoint + ".damaged"), Not(Contains(checkpoint))));
  Db db = OpenOk(RecoveryMode::kAbsoluteConsistency);
  EXPECT_EQ(db.recovery_report().last_timestamp, 5u);
}

// A damaged checkpoint names transactions the log no longer has, and the log is intact: no
// damage explains the loss, so no mode opens (before: the default mode opened without them).
TEST_F(HostileDirectoryTest, DamagedCheckpointNewerThanAnIntactLogIsCorruptionInEveryMode) {
  {
    Db db = OpenOk();
    ASSERT_THAT(db.Put("a", "1"), IsOk());
  }
  const std::string checkpoint = CheckpointName(9);
  WriteFile(checkpoint, "not a checkpoint at all");
  for (RecoveryMode mode : {RecoveryMode::kTolerateTornTail, RecoveryMode::kAbsoluteConsistency,
                            RecoveryMode::kPointInTime}) {
    EXPECT_THAT(Db::Open(OptionsFor(mode)).status(),
                StatusIs(Status::Code::kCorruption, HasSubstr(Path(checkpoint))))
        << RecoveryModeName(mode);
  }
}

// Missing or shortened log segments: each segment after the first starts with a link naming
// the segment before it and its synced size, so losing synced commits at the end of a segment
// is detected even when no transaction follows (before: recovered silently without them).
TEST_F(HostileDirectoryTest, MissingSegmentIsDetectedByTheLinkOfTheSegmentAfterIt) {
  {
    Db db = OpenOk();
    ASSERT_THAT(db.Put("a", "1"), IsOk());
    ASSERT_THAT(db.Put("b", "2"), IsOk());
  }
  { Db db = OpenOk(); }  // starts wal-000002.log, linked to wal-000001.log; no commit in it
  ASSERT_THAT(fs_->RemoveFile(Path("wal-000001.log")), IsOk());
  const std::vector<std::string> before = Names();
  for (RecoveryMode mode : {RecoveryMode::kAbsoluteConsistency, RecoveryMode::kTolerateTornTail}) {
    EXPECT_THAT(Db::Open(OptionsFor(mode)).status(),
                StatusIs(Status::Code::kCorruption, AllOf(HasSubstr(Path("wal-000002.log")),
                                                          HasSubstr("wal-000001.log is missing"))))
        << RecoveryModeName(mode);
  }
  EXPECT_EQ(Names(), before);
  Db db = OpenOk(RecoveryMode::kPointInTime);
  EXPECT_THAT(db.recovery_report().damage, Contains(HasSubstr("wal-000001.log is missing")));
}

TEST_F(HostileDirectoryTest, ShortenedSegmentIsDetectedByTheLinkOfTheSegmentAfterIt) {
  uint64_t after_two = 0;
  {
    Db db = OpenOk();
    ASSERT_THAT(db.Put("a", "1"), IsOk());
    ASSERT_THAT(db.Put("b", "2"), IsOk());
    after_two = fs_->FileSize(Path("wal-000001.log")).value();
    ASSERT_THAT(db.Put("c", "3"), IsOk());
  }
  { Db db = OpenOk(); }
  // Cut at a record boundary: what is left is an intact log of transactions 1 and 2.
  ASSERT_THAT(fs_->TruncateFile(Path("wal-000001.log"), after_two), IsOk());
  for (RecoveryMode mode : {RecoveryMode::kAbsoluteConsistency, RecoveryMode::kTolerateTornTail}) {
    EXPECT_THAT(Db::Open(OptionsFor(mode)).status(),
                StatusIs(Status::Code::kCorruption,
                         AllOf(HasSubstr(Path("wal-000002.log")), HasSubstr("(shortened)"))))
        << RecoveryModeName(mode);
  }
  {
    Db db = OpenOk(RecoveryMode::kPointInTime);
    EXPECT_EQ(db.recovery_report().last_timestamp, 2u);
    EXPECT_THAT(db.recovery_report().damage, Contains(HasSubstr("(shortened)")));
  }
  // The evidence was set aside with the re-based log: later Opens find an intact database.
  Db db = OpenOk(RecoveryMode::kAbsoluteConsistency);
  EXPECT_TRUE(Dump(db) == (State{{"a", "1"}, {"b", "2"}}));
}

// Finding 9a.
TEST_F(HostileDirectoryTest, OutOfRangeEnumOptionIsInvalidArgumentNamingTheField) {
  for (const bool durable : {false, true}) {
    SCOPED_TRACE(durable);
    Options base = durable ? OptionsFor(RecoveryMode::kTolerateTornTail) : Options{};
    Options options = base;
    options.sync_mode = static_cast<SyncMode>(7);
    EXPECT_THAT(Db::Open(options).status(),
                StatusIs(Status::Code::kInvalidArgument, HasSubstr("Options::sync_mode")));
    options = base;
    options.recovery_mode = static_cast<RecoveryMode>(-1);
    EXPECT_THAT(Db::Open(options).status(),
                StatusIs(Status::Code::kInvalidArgument, HasSubstr("Options::recovery_mode")));
    options = base;
    options.default_isolation = static_cast<IsolationLevel>(2);
    EXPECT_THAT(Db::Open(options).status(),
                StatusIs(Status::Code::kInvalidArgument, HasSubstr("Options::default_isolation")));
  }
}

// A directory whose existing files stay usable but in which no file can be created, as a
// chmod 0555 directory behaves: creating a file fails as the POSIX file system reports EACCES.
class ReadOnlyDirectory final : public FileSystemWrapper {
 public:
  using FileSystemWrapper::FileSystemWrapper;
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override {
    if (target().FileExists(path)) return target().NewWritableFile(path);
    return Status::IOError("open " + path + ": Permission denied");
  }
};

// Finding 9c: a directory that cannot be written is not "a failed write to its log".
TEST_F(HostileDirectoryTest, DirectoryThatCannotBeWrittenSaysSoNotALogWriteFailure) {
  {
    Db db = OpenOk();
    ASSERT_THAT(db.Put("a", "1"), IsOk());
  }
  Options options = OptionsFor(RecoveryMode::kTolerateTornTail);
  options.file_system = std::make_shared<ReadOnlyDirectory>(fs_);
  EXPECT_THAT(
      Db::Open(options).status(),
      StatusIs(Status::Code::kIOError,
               AllOf(HasSubstr("cannot open database " + dir_ + " for writing"),
                     HasSubstr("Permission denied"), Not(HasSubstr("failed write to its log")))));
}

TEST(HostileDirectoryPosixTest, ReadOnlyDirectorySaysItCannotBeWritten) {
  TempDir temp;
  Options options = DurableOptions(PosixFileSystem(), temp.Join("db"));
  {
    Result<Db> db = Db::Open(options);
    ASSERT_THAT(db.status(), IsOk());
    ASSERT_THAT(db->Put("a", "1"), IsOk());
  }
  ASSERT_EQ(::chmod(options.path.c_str(), 0555), 0);
  if (::access(options.path.c_str(), W_OK) == 0) {
    ::chmod(options.path.c_str(), 0755);
    GTEST_SKIP() << "the directory stays writable after chmod 0555 (running as root?)";
  }
  Result<Db> db = Db::Open(options);
  ::chmod(options.path.c_str(), 0755);
  EXPECT_THAT(
      db.status(),
      StatusIs(Status::Code::kIOError,
               AllOf(HasSubstr("cannot open database " + options.path + " for writing"),
                     HasSubstr("ermission denied"), Not(HasSubstr("failed write to its log")))));
}

}  // namespace
}  // namespace memdb::test
