// SimFileSystem's crash model: what survives Crash() and what does not, the damage helpers, and
// the counters. Behaviour shared with the POSIX file system is in file_system_test.cc.
#include "memdb/io/sim_file_system.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "test_support.h"

namespace memdb {
namespace {

using ::memdb::test::HasCode;
using ::memdb::test::IsOk;
using Code = Status::Code;
using UnsyncedWrite = SimFileSystem::UnsyncedWrite;

class SimFileSystemTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(IsOk(fs_.CreateDir("db"))); }

  std::unique_ptr<WritableFile> Open(const std::string& path) {
    Result<std::unique_ptr<WritableFile>> f = fs_.NewWritableFile(path);
    EXPECT_TRUE(IsOk(f.status()));
    return f.ok() ? std::move(*f) : nullptr;
  }

  // Writes `data` to `path`, syncs it, and makes its directory entry durable.
  void WriteDurably(const std::string& path, std::string_view data) {
    std::unique_ptr<WritableFile> f = Open(path);
    ASSERT_NE(f, nullptr);
    ASSERT_TRUE(IsOk(f->Append(data)));
    ASSERT_TRUE(IsOk(f->Sync()));
    ASSERT_TRUE(IsOk(f->Close()));
    ASSERT_TRUE(IsOk(fs_.SyncDir(DirName(path))));
  }

  // The contents of `path`, or "<missing>".
  std::string Read(const std::string& path) {
    std::string contents;
    Status s = fs_.ReadFile(path, &contents);
    if (s.IsNotFound()) return "<missing>";
    EXPECT_TRUE(IsOk(s));
    return contents;
  }

  SimFileSystem fs_;
};

TEST_F(SimFileSystemTest, UnsyncedAppendIsLostOnCrash) {
  WriteDurably("db/f", "");
  std::unique_ptr<WritableFile> f = Open("db/f");
  ASSERT_TRUE(IsOk(f->Append("volatile")));
  EXPECT_EQ(Read("db/f"), "volatile");
  fs_.Crash();
  EXPECT_EQ(Read("db/f"), "");
}

TEST_F(SimFileSystemTest, SyncedBytesSurviveCrashButLaterAppendsDoNot) {
  WriteDurably("db/f", "");
  Result<std::unique_ptr<WritableFile>> f = fs_.NewAppendableFile("db/f");
  ASSERT_TRUE(IsOk(f.status()));
  ASSERT_TRUE(IsOk((*f)->Append("kept")));
  ASSERT_TRUE(IsOk((*f)->Sync()));
  ASSERT_TRUE(IsOk((*f)->Append("+lost")));
  EXPECT_EQ(fs_.UnsyncedBytes("db/f"), 5u);
  fs_.Crash();
  EXPECT_EQ(Read("db/f"), "kept");
  EXPECT_EQ(fs_.UnsyncedBytes("db/f"), 0u);
}

TEST_F(SimFileSystemTest, SyncedFileWithoutDirSyncVanishesOnCrash) {
  std::unique_ptr<WritableFile> f = Open("db/f");
  ASSERT_TRUE(IsOk(f->Append("data")));
  ASSERT_TRUE(IsOk(f->Sync()));
  EXPECT_TRUE(HasCode(fs_.DurableContents("db/f").status(), Code::kNotFound));
  fs_.Crash();
  EXPECT_FALSE(fs_.FileExists("db/f"));
}

TEST_F(SimFileSystemTest, DirSyncedFileWithoutDataSyncSurvivesEmpty) {
  std::unique_ptr<WritableFile> f = Open("db/f");
  ASSERT_TRUE(IsOk(f->Append("data")));
  ASSERT_TRUE(IsOk(fs_.SyncDir("db")));
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
  ASSERT_TRUE(IsOk(fs_.Rename("db/tmp", "db/target")));
  EXPECT_EQ(Read("db/target"), "new");
  EXPECT_EQ(fs_.DurableContents("db/target").value_or("<none>"), "old");
  fs_.Crash();
  EXPECT_EQ(Read("db/target"), "old");
  EXPECT_EQ(Read("db/tmp"), "new");
}

TEST_F(SimFileSystemTest, DirSyncedRenameSurvivesCrash) {
  WriteDurably("db/target", "old");
  WriteDurably("db/tmp", "new");
  ASSERT_TRUE(IsOk(fs_.Rename("db/tmp", "db/target")));
  ASSERT_TRUE(IsOk(fs_.SyncDir("db")));
  fs_.Crash();
  EXPECT_EQ(Read("db/target"), "new");
  EXPECT_EQ(Read("db/tmp"), "<missing>");
}

TEST_F(SimFileSystemTest, RenameAcrossDirectoriesIsDurablePerDirectory) {
  ASSERT_TRUE(IsOk(fs_.CreateDir("db/archive")));
  WriteDurably("db/f", "x");
  ASSERT_TRUE(IsOk(fs_.Rename("db/f", "db/archive/f")));
  ASSERT_TRUE(IsOk(fs_.SyncDir("db")));  // the removal from db/ is durable, the arrival not yet
  fs_.Crash();
  EXPECT_EQ(Read("db/f"), "<missing>");
  EXPECT_EQ(Read("db/archive/f"), "<missing>");
}

TEST_F(SimFileSystemTest, RemoveNotDirSyncedIsUndoneByCrash) {
  WriteDurably("db/f", "still here");
  ASSERT_TRUE(IsOk(fs_.RemoveFile("db/f")));
  EXPECT_FALSE(fs_.FileExists("db/f"));
  fs_.Crash();
  EXPECT_EQ(Read("db/f"), "still here");
}

TEST_F(SimFileSystemTest, DirSyncedRemoveSurvivesCrash) {
  WriteDurably("db/f", "x");
  ASSERT_TRUE(IsOk(fs_.RemoveFile("db/f")));
  ASSERT_TRUE(IsOk(fs_.SyncDir("db")));
  fs_.Crash();
  EXPECT_FALSE(fs_.FileExists("db/f"));
}

TEST_F(SimFileSystemTest, UnsyncedTruncationRevertsToOldDurableContent) {
  WriteDurably("db/f", "old durable");
  std::unique_ptr<WritableFile> f = Open("db/f");  // truncates
  ASSERT_TRUE(IsOk(f->Append("new")));
  Result<SimFileSystem::FileState> state = fs_.InspectFile("db/f");
  ASSERT_TRUE(IsOk(state.status()));
  EXPECT_TRUE(state->truncated);
  EXPECT_EQ(state->current, "new");
  EXPECT_EQ(state->durable, "old durable");
  fs_.Crash();
  EXPECT_EQ(Read("db/f"), "old durable");
}

TEST_F(SimFileSystemTest, SyncedTruncationSurvivesCrash) {
  WriteDurably("db/f", "old durable");
  std::unique_ptr<WritableFile> f = Open("db/f");
  ASSERT_TRUE(IsOk(f->Append("new")));
  ASSERT_TRUE(IsOk(f->Sync()));
  fs_.Crash();
  EXPECT_EQ(Read("db/f"), "new");
}

TEST_F(SimFileSystemTest, HandlesOpenedBeforeCrashAreStale) {
  WriteDurably("db/f", "abc");
  std::unique_ptr<WritableFile> w = Open("db/g");
  Result<std::unique_ptr<SequentialFile>> r = fs_.NewSequentialFile("db/f");
  ASSERT_TRUE(IsOk(r.status()));
  fs_.Crash();
  const char* kStale = "stale handle: the simulated machine crashed";
  EXPECT_TRUE(HasCode(w->Append("x"), Code::kIOError, kStale));
  EXPECT_TRUE(HasCode(w->Sync(), Code::kIOError, kStale));
  EXPECT_TRUE(HasCode(w->Close(), Code::kIOError, kStale));
  std::string out;
  EXPECT_TRUE(HasCode((*r)->Read(1, &out), Code::kIOError, kStale));
  EXPECT_TRUE(HasCode((*r)->Skip(1), Code::kIOError, kStale));
  // Handles opened after the crash work.
  Result<std::unique_ptr<SequentialFile>> fresh = fs_.NewSequentialFile("db/f");
  ASSERT_TRUE(IsOk(fresh.status()));
  ASSERT_TRUE(IsOk((*fresh)->Read(3, &out)));
  EXPECT_EQ(out, "abc");
}

TEST_F(SimFileSystemTest, CrashReleasesLocksAndStaleLocksDoNotReleaseNewOnes) {
  Result<std::unique_ptr<FileLock>> before = fs_.LockFile("db/LOCK");
  ASSERT_TRUE(IsOk(before.status()));
  fs_.Crash();
  Result<std::unique_ptr<FileLock>> after = fs_.LockFile("db/LOCK");
  ASSERT_TRUE(IsOk(after.status()));
  before = Status::Busy("dropped");  // destroys the stale lock
  EXPECT_TRUE(HasCode(fs_.LockFile("db/LOCK").status(), Code::kBusy, "db/LOCK"));
}

TEST_F(SimFileSystemTest, FlipBitDamagesDurableBytes) {
  WriteDurably("db/f", "abc");
  ASSERT_TRUE(IsOk(fs_.FlipBit("db/f", 8 + 1)));  // 'b' (0x62) -> '`' (0x60)
  EXPECT_EQ(Read("db/f"), "a`c");
  fs_.Crash();
  EXPECT_EQ(Read("db/f"), "a`c");
  EXPECT_TRUE(HasCode(fs_.FlipBit("db/f", 24), Code::kInvalidArgument));
  EXPECT_TRUE(HasCode(fs_.FlipBit("db/missing", 0), Code::kNotFound));
}

TEST_F(SimFileSystemTest, TruncateFileCutsDurableBytesAndUnsyncedRecords) {
  WriteDurably("db/f", "0123456789");
  Result<std::unique_ptr<WritableFile>> f = fs_.NewAppendableFile("db/f");
  ASSERT_TRUE(IsOk(f.status()));
  ASSERT_TRUE(IsOk((*f)->Append("abc")));
  ASSERT_TRUE(IsOk(fs_.TruncateFile("db/f", 11)));
  EXPECT_EQ(Read("db/f"), "0123456789a");
  EXPECT_EQ(fs_.UnsyncedBytes("db/f"), 1u);
  ASSERT_TRUE(IsOk(fs_.TruncateFile("db/f", 4)));
  EXPECT_EQ(fs_.UnsyncedBytes("db/f"), 0u);
  EXPECT_EQ(fs_.DurableContents("db/f").value_or("<none>"), "0123");
  fs_.Crash();
  EXPECT_EQ(Read("db/f"), "0123");
  EXPECT_TRUE(HasCode(fs_.TruncateFile("db/f", 5), Code::kInvalidArgument));
}

TEST_F(SimFileSystemTest, WriteAtOverwritesDurableBytes) {
  WriteDurably("db/f", "0123456789");
  ASSERT_TRUE(IsOk(fs_.WriteAt("db/f", 8, "XYZ")));
  EXPECT_EQ(Read("db/f"), "01234567XYZ");
  fs_.Crash();
  EXPECT_EQ(Read("db/f"), "01234567XYZ");
  EXPECT_TRUE(HasCode(fs_.WriteAt("db/f", 12, "x"), Code::kInvalidArgument));
}

TEST_F(SimFileSystemTest, InspectFileListsUnsyncedWritesInOrder) {
  WriteDurably("db/f", "ab");
  Result<std::unique_ptr<WritableFile>> f = fs_.NewAppendableFile("db/f");
  ASSERT_TRUE(IsOk(f.status()));
  ASSERT_TRUE(IsOk((*f)->Append("cde")));
  ASSERT_TRUE(IsOk((*f)->Append("f")));
  Result<SimFileSystem::FileState> state = fs_.InspectFile("db/f");
  ASSERT_TRUE(IsOk(state.status()));
  EXPECT_EQ(state->current, "abcdef");
  EXPECT_EQ(state->durable, "ab");
  EXPECT_FALSE(state->truncated);
  EXPECT_EQ(state->unsynced, (std::vector<UnsyncedWrite>{{2, 3}, {5, 1}}));
  EXPECT_EQ(fs_.UnsyncedBytes("db/f"), 4u);
  ASSERT_TRUE(IsOk((*f)->Sync()));
  EXPECT_EQ(fs_.UnsyncedBytes("db/f"), 0u);
  EXPECT_EQ(fs_.DurableContents("db/f").value_or("<none>"), "abcdef");
}

TEST_F(SimFileSystemTest, StatsCountSuccessfulCalls) {
  std::unique_ptr<WritableFile> f = Open("db/a");
  ASSERT_TRUE(IsOk(f->Append("12345")));
  ASSERT_TRUE(IsOk(f->Sync()));
  ASSERT_TRUE(IsOk(fs_.SyncDir("db")));
  ASSERT_TRUE(IsOk(fs_.Rename("db/a", "db/b")));
  ASSERT_TRUE(IsOk(fs_.RemoveFile("db/b")));
  EXPECT_TRUE(HasCode(fs_.RemoveFile("db/b"), Code::kNotFound));
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
  ASSERT_TRUE(IsOk(root.status()));
  EXPECT_EQ(*root, (std::vector<std::string>{"db", "top"}));
  fs_.Crash();
  EXPECT_EQ(fs_.AllFiles(), (std::vector<std::string>{"db/f", "top"}));
}

TEST_F(SimFileSystemTest, CreatedDirectoriesAreDurableAtOnce) {
  ASSERT_TRUE(IsOk(fs_.CreateDir("/abs/path")));
  fs_.Crash();
  EXPECT_TRUE(fs_.FileExists("/abs/path"));
  EXPECT_TRUE(fs_.FileExists("db"));
  EXPECT_TRUE(IsOk(fs_.NewWritableFile("/abs/path/f").status()));
  EXPECT_EQ(fs_.AllFiles(), std::vector<std::string>{"/abs/path/f"});
}

TEST_F(SimFileSystemTest, NewFileInAMissingDirectorySaysSo) {
  EXPECT_TRUE(HasCode(fs_.NewWritableFile("nodir/f").status(), Code::kNotFound,
                      "directory nodir does not exist"));
}

TEST(SimFileSystemLifetimeTest, HandlesOutliveTheFileSystem) {
  std::unique_ptr<WritableFile> f;
  {
    SimFileSystem fs;
    f = std::move(fs.NewWritableFile("f")).value();
  }
  EXPECT_TRUE(IsOk(f->Append("x")));
  EXPECT_EQ(f->Size(), 1u);
}

TEST(SimFileSystemConcurrencyTest, AppendsFromTwoThreadsToDifferentFiles) {
  SimFileSystem fs;
  constexpr int kAppends = 2000;
  auto writer = [&fs](const std::string& path, char byte) {
    Result<std::unique_ptr<WritableFile>> f = fs.NewWritableFile(path);
    ASSERT_TRUE(IsOk(f.status()));
    for (int i = 0; i < kAppends; ++i) {
      ASSERT_TRUE(IsOk((*f)->Append(std::string(3, byte))));
      if (i % 7 == 0) {
        ASSERT_TRUE(IsOk((*f)->Sync()));
      }
    }
    ASSERT_TRUE(IsOk((*f)->Sync()));
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
  ASSERT_TRUE(IsOk(fs.SyncDir(".")));
  fs.Crash();
  std::string contents;
  ASSERT_TRUE(IsOk(fs.ReadFile("a", &contents)));
  EXPECT_EQ(contents, std::string(3 * kAppends, 'a'));
  ASSERT_TRUE(IsOk(fs.ReadFile("b", &contents)));
  EXPECT_EQ(contents, std::string(3 * kAppends, 'b'));
  EXPECT_EQ(fs.stats().bytes_appended, 2u * 3 * kAppends);
}

}  // namespace
}  // namespace memdb
