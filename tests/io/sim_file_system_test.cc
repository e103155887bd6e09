// SimFileSystem's crash model: what survives Crash() and what does not, the damage helpers, and
// the counters. Behaviour shared with the POSIX file system is in file_system_test.cc.
#include "memdb/io/sim_file_system.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "memdb/testing/status_matchers.h"
#include "support/test_support.h"

namespace memdb {
namespace {

using ::memdb::testing::IsOk;
using ::memdb::testing::StatusIs;
using ::testing::HasSubstr;
using Code = Status::Code;
using UnsyncedWrite = SimFileSystem::UnsyncedWrite;

class SimFileSystemTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_THAT(fs_.CreateDir("db"), IsOk()); }

  std::unique_ptr<WritableFile> Open(const std::string& path) {
    Result<std::unique_ptr<WritableFile>> f = fs_.NewWritableFile(path);
    EXPECT_THAT(f.status(), IsOk());
    return f.ok() ? std::move(*f) : nullptr;
  }

  // Writes `data` to `path`, syncs it, and makes its directory entry durable.
  void WriteDurably(const std::string& path, std::string_view data) {
    std::unique_ptr<WritableFile> f = Open(path);
    ASSERT_NE(f, nullptr);
    ASSERT_THAT(f->Append(data), IsOk());
    ASSERT_THAT(f->Sync(), IsOk());
    ASSERT_THAT(f->Close(), IsOk());
    ASSERT_THAT(fs_.SyncDir(DirName(path)), IsOk());
  }

  // The contents of `path`, or "<missing>".
  std::string Read(const std::string& path) {
    std::string contents;
    Status s = fs_.ReadFile(path, &contents);
    if (s.IsNotFound()) return "<missing>";
    EXPECT_THAT(s, IsOk());
    return contents;
  }

  SimFileSystem fs_;
};

TEST_F(SimFileSystemTest, UnsyncedAppendIsLostOnCrash) {
  WriteDurably("db/f", "");
  std::unique_ptr<WritableFile> f = Open("db/f");
  ASSERT_THAT(f->Append("volatile"), IsOk());
  EXPECT_EQ(Read("db/f"), "volatile");
  fs_.Crash();
  EXPECT_EQ(Read("db/f"), "");
}

TEST_F(SimFileSystemTest, SyncedBytesSurviveCrashButLaterAppendsDoNot) {
  WriteDurably("db/f", "");
  Result<std::unique_ptr<WritableFile>> f = fs_.NewAppendableFile("db/f");
  ASSERT_THAT(f.status(), IsOk());
  ASSERT_THAT((*f)->Append("kept"), IsOk());
  ASSERT_THAT((*f)->Sync(), IsOk());
  ASSERT_THAT((*f)->Append("+lost"), IsOk());
  EXPECT_EQ(fs_.UnsyncedBytes("db/f"), 5u);
  fs_.Crash();
  EXPECT_EQ(Read("db/f"), "kept");
  EXPECT_EQ(fs_.UnsyncedBytes("db/f"), 0u);
}

TEST_F(SimFileSystemTest, SyncedFileWithoutDirSyncVanishesOnCrash) {
  std::unique_ptr<WritableFile> f = Open("db/f");
  ASSERT_THAT(f->Append("data"), IsOk());
  ASSERT_THAT(f->Sync(), IsOk());
  EXPECT_THAT(fs_.DurableContents("db/f").status(), StatusIs(Code::kNotFound));
  fs_.Crash();
  EXPECT_FALSE(fs_.FileExists("db/f"));
}

TEST_F(SimFileSystemTest, DirSyncedFileWithoutDataSyncSurvivesEmpty) {
  std::unique_ptr<WritableFile> f = Open("db/f");
  ASSERT_THAT(f->Append("data"), IsOk());
  ASSERT_THAT(fs_.SyncDir("db"), IsOk());
  fs_.Crash();
  EXPECT_EQ(Read("db/f"), "");
}

TEST_F(SimFileSystemTest, DataAndDirSyncedFileSurvivesCrash) {
  WriteDurably("db/f", "data");
  EXPECT_EQ(fs_.DurableContents("db/f").value_or("<none>"), "data");
  fs_.Crash();
  EXPECT_EQ(Read("db/f"), "data");
}

TEST_F(SimFileSystemTest, RenameNotDirSyncedRevertsOnCrash) {
  WriteDurably("db/target", "old");
  WriteDurably("db/tmp", "new");
  ASSERT_THAT(fs_.Rename("db/tmp", "db/target"), IsOk());
  EXPECT_EQ(Read("db/target"), "new");
  EXPECT_EQ(fs_.DurableContents("db/target").value_or("<none>"), "old");
  fs_.Crash();
  EXPECT_EQ(Read("db/target"), "old");
  EXPECT_EQ(Read("db/tmp"), "new");
}

TEST_F(SimFileSystemTest, DirSyncedRenameSurvivesCrash) {
  WriteDurably("db/target", "old");
  WriteDurably("db/tmp", "new");
  ASSERT_THAT(fs_.Rename("db/tmp", "db/target"), IsOk());
  ASSERT_THAT(fs_.SyncDir("db"), IsOk());
  fs_.Crash();
  EXPECT_EQ(Read("db/target"), "new");
  EXPECT_EQ(Read("db/tmp"), "<missing>");
}

TEST_F(SimFileSystemTest, RenameAcrossDirectoriesIsDurablePerDirectory) {
  ASSERT_THAT(fs_.CreateDir("db/archive"), IsOk());
  WriteDurably("db/f", "x");
  ASSERT_THAT(fs_.Rename("db/f", "db/archive/f"), IsOk());
  ASSERT_THAT(fs_.SyncDir("db"), IsOk());  // the removal from db/ is durable, the arrival not yet
  fs_.Crash();
  EXPECT_EQ(Read("db/f"), "<missing>");
  EXPECT_EQ(Read("db/archive/f"), "<missing>");
}

TEST_F(SimFileSystemTest, RemoveNotDirSyncedIsUndoneByCrash) {
  WriteDurably("db/f", "still here");
  ASSERT_THAT(fs_.RemoveFile("db/f"), IsOk());
  EXPECT_FALSE(fs_.FileExists("db/f"));
  fs_.Crash();
  EXPECT_EQ(Read("db/f"), "still here");
}

TEST_F(SimFileSystemTest, DirSyncedRemoveSurvivesCrash) {
  WriteDurably("db/f", "x");
  ASSERT_THAT(fs_.RemoveFile("db/f"), IsOk());
  ASSERT_THAT(fs_.SyncDir("db"), IsOk());
  fs_.Crash();
  EXPECT_FALSE(fs_.FileExists("db/f"));
}

TEST_F(SimFileSystemTest, UnsyncedTruncationRevertsToOldDurableContent) {
  WriteDurably("db/f", "old durable");
  std::unique_ptr<WritableFile> f = Open("db/f");  // truncates
  ASSERT_THAT(f->Append("new"), IsOk());
  Result<SimFileSystem::FileState> state = fs_.InspectFile("db/f");
  ASSERT_THAT(state.status(), IsOk());
  EXPECT_TRUE(state->truncated);
  EXPECT_EQ(state->current, "new");
  EXPECT_EQ(state->durable, "old durable");
  fs_.Crash();
  EXPECT_EQ(Read("db/f"), "old durable");
}

TEST_F(SimFileSystemTest, SyncedTruncationSurvivesCrash) {
  WriteDurably("db/f", "old durable");
  std::unique_ptr<WritableFile> f = Open("db/f");
  ASSERT_THAT(f->Append("new"), IsOk());
  ASSERT_THAT(f->Sync(), IsOk());
  fs_.Crash();
  EXPECT_EQ(Read("db/f"), "new");
}

TEST_F(SimFileSystemTest, HandlesOpenedBeforeCrashAreStale) {
  WriteDurably("db/f", "abc");
  std::unique_ptr<WritableFile> w = Open("db/g");
  Result<std::unique_ptr<SequentialFile>> r = fs_.NewSequentialFile("db/f");
  ASSERT_THAT(r.status(), IsOk());
  fs_.Crash();
  const char* kStale = "stale handle: the simulated machine crashed";
  EXPECT_THAT(w->Append("x"), StatusIs(Code::kIOError, HasSubstr(kStale)));
  EXPECT_THAT(w->Sync(), StatusIs(Code::kIOError, HasSubstr(kStale)));
  EXPECT_THAT(w->Close(), StatusIs(Code::kIOError, HasSubstr(kStale)));
  std::string out;
  EXPECT_THAT((*r)->Read(1, &out), StatusIs(Code::kIOError, HasSubstr(kStale)));
  EXPECT_THAT((*r)->Skip(1), StatusIs(Code::kIOError, HasSubstr(kStale)));
  // Handles opened after the crash work.
  Result<std::unique_ptr<SequentialFile>> fresh = fs_.NewSequentialFile("db/f");
  ASSERT_THAT(fresh.status(), IsOk());
  ASSERT_THAT((*fresh)->Read(3, &out), IsOk());
  EXPECT_EQ(out, "abc");
}

TEST_F(SimFileSystemTest, CrashReleasesLocksAndStaleLocksDoNotReleaseNewOnes) {
  Result<std::unique_ptr<FileLock>> before = fs_.LockFile("db/LOCK");
  ASSERT_THAT(before.status(), IsOk());
  fs_.Crash();
  Result<std::unique_ptr<FileLock>> after = fs_.LockFile("db/LOCK");
  ASSERT_THAT(after.status(), IsOk());
  before = Status::Busy("dropped");  // destroys the stale lock
  EXPECT_THAT(fs_.LockFile("db/LOCK").status(), StatusIs(Code::kBusy, HasSubstr("db/LOCK")));
}

TEST_F(SimFileSystemTest, FlipBitDamagesDurableBytes) {
  WriteDurably("db/f", "abc");
  ASSERT_THAT(fs_.FlipBit("db/f", 8 + 1), IsOk());  // 'b' (0x62) -> '`' (0x60)
  EXPECT_EQ(Read("db/f"), "a`c");
  fs_.Crash();
  EXPECT_EQ(Read("db/f"), "a`c");
  EXPECT_THAT(fs_.FlipBit("db/f", 24), StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(fs_.FlipBit("db/missing", 0), StatusIs(Code::kNotFound));
}

TEST_F(SimFileSystemTest, TruncateFileCutsDurableBytesAndUnsyncedRecords) {
  WriteDurably("db/f", "0123456789");
  Result<std::unique_ptr<WritableFile>> f = fs_.NewAppendableFile("db/f");
  ASSERT_THAT(f.status(), IsOk());
  ASSERT_THAT((*f)->Append("abc"), IsOk());
  ASSERT_THAT(fs_.TruncateFile("db/f", 11), IsOk());
  EXPECT_EQ(Read("db/f"), "0123456789a");
  EXPECT_EQ(fs_.UnsyncedBytes("db/f"), 1u);
  ASSERT_THAT(fs_.TruncateFile("db/f", 4), IsOk());
  EXPECT_EQ(fs_.UnsyncedBytes("db/f"), 0u);
  EXPECT_EQ(fs_.DurableContents("db/f").value_or("<none>"), "0123");
  fs_.Crash();
  EXPECT_EQ(Read("db/f"), "0123");
  EXPECT_THAT(fs_.TruncateFile("db/f", 5), StatusIs(Code::kInvalidArgument));
}

TEST_F(SimFileSystemTest, WriteAtOverwritesDurableBytes) {
  WriteDurably("db/f", "0123456789");
  ASSERT_THAT(fs_.WriteAt("db/f", 8, "XYZ"), IsOk());
  EXPECT_EQ(Read("db/f"), "01234567XYZ");
  fs_.Crash();
  EXPECT_EQ(Read("db/f"), "01234567XYZ");
  EXPECT_THAT(fs_.WriteAt("db/f", 12, "x"), StatusIs(Code::kInvalidArgument));
}

TEST_F(SimFileSystemTest, InspectFileListsUnsyncedWritesInOrder) {
  WriteDurably("db/f", "ab");
  Result<std::unique_ptr<WritableFile>> f = fs_.NewAppendableFile("db/f");
  ASSERT_THAT(f.status(), IsOk());
  ASSERT_THAT((*f)->Append("cde"), IsOk());
  ASSERT_THAT((*f)->Append("f"), IsOk());
  Result<SimFileSystem::FileState> state = fs_.InspectFile("db/f");
  ASSERT_THAT(state.status(), IsOk());
  EXPECT_EQ(state->current, "abcdef");
  EXPECT_EQ(state->durable, "ab");
  EXPECT_FALSE(state->truncated);
  EXPECT_EQ(state->unsynced, (std::vector<UnsyncedWrite>{{2, 3}, {5, 1}}));
  EXPECT_EQ(fs_.UnsyncedBytes("db/f"), 4u);
  ASSERT_THAT((*f)->Sync(), IsOk());
  EXPECT_EQ(fs_.UnsyncedBytes("db/f"), 0u);
  EXPECT_EQ(fs_.DurableContents("db/f").value_or("<none>"), "abcdef");
}

TEST_F(SimFileSystemTest, StatsCountSuccessfulCalls) {
  std::unique_ptr<WritableFile> f = Open("db/a");
  ASSERT_THAT(f->Append("12345"), IsOk());
  ASSERT_THAT(f->Sync(), IsOk());
  ASSERT_THAT(fs_.SyncDir("db"), IsOk());
  ASSERT_THAT(fs_.Rename("db/a", "db/b"), IsOk());
  ASSERT_THAT(fs_.RemoveFile("db/b"), IsOk());
  EXPECT_THAT(fs_.RemoveFile("db/b"), StatusIs(Code::kNotFound));
  std::unique_ptr<WritableFile> again = Open("db/c");
  const SimFileSystem::Stats stats = fs_.stats();
  EXPECT_EQ(stats.files_created, 2u);
  EXPECT_EQ(stats.bytes_appended, 5u);
  EXPECT_EQ(stats.syncs, 1u);
  EXPECT_EQ(stats.dir_syncs, 1u);
  EXPECT_EQ(stats.renames, 1u);
  EXPECT_EQ(stats.removes, 1u);
}

TEST_F(SimFileSystemTest, PathsAreNormalised) {
  WriteDurably("./db//f/", "x");
  EXPECT_EQ(Read("db/f"), "x");
  EXPECT_EQ(Read("./db/f"), "x");
  WriteDurably("top", "y");  // lives in "."
  EXPECT_EQ(Read("./top"), "y");
  EXPECT_EQ(fs_.AllFiles(), (std::vector<std::string>{"db/f", "top"}));
  Result<std::vector<std::string>> root = fs_.ListDir(".");
  ASSERT_THAT(root.status(), IsOk());
  EXPECT_EQ(*root, (std::vector<std::string>{"db", "top"}));
  fs_.Crash();
  EXPECT_EQ(fs_.AllFiles(), (std::vector<std::string>{"db/f", "top"}));
}

TEST_F(SimFileSystemTest, CreatedDirectoriesAreDurableAtOnce) {
  ASSERT_THAT(fs_.CreateDir("/abs/path"), IsOk());
  fs_.Crash();
  EXPECT_TRUE(fs_.FileExists("/abs/path"));
  EXPECT_TRUE(fs_.FileExists("db"));
  EXPECT_THAT(fs_.NewWritableFile("/abs/path/f").status(), IsOk());
  EXPECT_EQ(fs_.AllFiles(), std::vector<std::string>{"/abs/path/f"});
}

TEST_F(SimFileSystemTest, NewFileInAMissingDirectorySaysSo) {
  EXPECT_THAT(fs_.NewWritableFile("nodir/f").status(),
              StatusIs(Code::kNotFound, HasSubstr("directory nodir does not exist")));
}

TEST(SimFileSystemLifetimeTest, HandlesOutliveTheFileSystem) {
  std::unique_ptr<WritableFile> f;
  {
    SimFileSystem fs;
    f = std::move(fs.NewWritableFile("f")).value();
  }
  EXPECT_THAT(f->Append("x"), IsOk());
  EXPECT_EQ(f->Size(), 1u);
}

TEST(SimFileSystemConcurrencyTest, AppendsFromTwoThreadsToDifferentFiles) {
  SimFileSystem fs;
  constexpr int kAppends = 2000;
  auto writer = [&fs](const std::string& path, char byte) {
    Result<std::unique_ptr<WritableFile>> f = fs.NewWritableFile(path);
    ASSERT_THAT(f.status(), IsOk());
    for (int i = 0; i < kAppends; ++i) {
      ASSERT_THAT((*f)->Append(std::string(3, byte)), IsOk());
      if (i % 7 == 0) {
        ASSERT_THAT((*f)->Sync(), IsOk());
      }
    }
    ASSERT_THAT((*f)->Sync(), IsOk());
  };
  std::thread a(writer, "a", 'a');
  std::thread b(writer, "b", 'b');
  // A reader polling the disk-wide calls at the same time.
  for (int i = 0; i < 200; ++i) {
    (void)fs.AllFiles();
    (void)fs.stats();
    (void)fs.UnsyncedBytes("a");
  }
  a.join();
  b.join();
  ASSERT_THAT(fs.SyncDir("."), IsOk());
  fs.Crash();
  std::string contents;
  ASSERT_THAT(fs.ReadFile("a", &contents), IsOk());
  EXPECT_EQ(contents, std::string(3 * kAppends, 'a'));
  ASSERT_THAT(fs.ReadFile("b", &contents), IsOk());
  EXPECT_EQ(contents, std::string(3 * kAppends, 'b'));
  EXPECT_EQ(fs.stats().bytes_appended, 2u * 3 * kAppends);
}

}  // namespace
}  // namespace memdb
