// SimFileSystem's hooks for crash models: Clone, SetDurableContents, the pending directory
// entries (PendingDirEntries, MakeEntryDurable) and IsDurableName.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "io/sim_test_util.h"
#include "memdb/io/sim_file_system.h"
#include "memdb/testing/status_matchers.h"
#include "support/test_support.h"

namespace memdb {

// Failure messages show the entry, not its bytes.
static void PrintTo(const SimFileSystem::PendingDirEntry& e, std::ostream* os) {
  *os << "{" << e.dir << ", " << e.name << ", visible=" << e.visible << ", durable=" << e.durable
      << ", same_inode=" << e.same_inode << "}";
}

namespace {

using ::memdb::test::Describe;
using ::memdb::test::Write;
using ::memdb::testing::IsOk;
using ::memdb::testing::StatusIs;
using ::testing::HasSubstr;
using Code = Status::Code;
using Pending = SimFileSystem::PendingDirEntry;
using UnsyncedWrite = SimFileSystem::UnsyncedWrite;

// The contents of `path`, or "<missing>".
std::string Read(SimFileSystem& fs, const std::string& path) {
  std::string contents;
  Status s = fs.ReadFile(path, &contents);
  if (s.IsNotFound()) return "<missing>";
  EXPECT_THAT(s, IsOk());
  return contents;
}

class SimCloneTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_THAT(fs_.CreateDir("db"), IsOk()); }

  // Writes, syncs and dir-syncs `path` in fs_.
  void WriteDurably(const std::string& path, std::string_view data) {
    Write(fs_, path, data, /*sync=*/true);
    ASSERT_THAT(fs_.SyncDir(DirName(path)), IsOk());
  }

  SimFileSystem fs_;
};

TEST_F(SimCloneTest, ContentDigestTellsDiskImagesApart) {
  WriteDurably("db/a", "base");
  Write(fs_, "db/a", "+pending", /*sync=*/false, /*truncate=*/false);
  std::shared_ptr<SimFileSystem> clone = fs_.Clone();
  EXPECT_EQ(clone->ContentDigest(), fs_.ContentDigest());

  // The same image built independently has the same digest.
  SimFileSystem twin;
  ASSERT_THAT(twin.CreateDir("db"), IsOk());
  Write(twin, "db/a", "base", /*sync=*/true);
  ASSERT_THAT(twin.SyncDir("db"), IsOk());
  Write(twin, "db/a", "+pending", /*sync=*/false, /*truncate=*/false);
  EXPECT_EQ(twin.ContentDigest(), fs_.ContentDigest());

  // What reads see (one byte), what a crash keeps (one bit of durable bytes), a name that is
  // visible but not durable, and the boundary between a name and its bytes all count.
  std::shared_ptr<SimFileSystem> byte = fs_.Clone();
  Write(*byte, "db/a", "!", /*sync=*/false, /*truncate=*/false);
  EXPECT_NE(byte->ContentDigest(), fs_.ContentDigest());
  std::shared_ptr<SimFileSystem> crashed = fs_.Clone();
  crashed->Crash();
  EXPECT_NE(crashed->ContentDigest(), fs_.ContentDigest());
  std::shared_ptr<SimFileSystem> flipped = crashed->Clone();
  ASSERT_THAT(flipped->FlipBit("db/a", 3), IsOk());
  EXPECT_NE(flipped->ContentDigest(), crashed->ContentDigest());
  std::shared_ptr<SimFileSystem> renamed = crashed->Clone();
  ASSERT_THAT(renamed->Rename("db/a", "db/b"), IsOk());
  EXPECT_NE(renamed->ContentDigest(), crashed->ContentDigest());
  ASSERT_THAT(renamed->SyncDir("db"), IsOk());
  std::shared_ptr<SimFileSystem> renamed_back = renamed->Clone();
  ASSERT_THAT(renamed_back->Rename("db/b", "db/a"), IsOk());
  ASSERT_THAT(renamed_back->SyncDir("db"), IsOk());
  EXPECT_EQ(renamed_back->ContentDigest(), crashed->ContentDigest());
  SimFileSystem ab, a_b;
  Write(ab, "ab", "", /*sync=*/true);
  Write(a_b, "a", "b", /*sync=*/true);
  EXPECT_NE(ab.ContentDigest(), a_b.ContentDigest());
}

TEST_F(SimCloneTest, WritingAndCrashingTheCloneLeavesTheOriginalAlone) {
  WriteDurably("db/a", "base");
  Write(fs_, "db/a", "+pending", /*sync=*/false, /*truncate=*/false);
  const std::string before = Describe(fs_);
  std::shared_ptr<SimFileSystem> clone = fs_.Clone();

  Write(*clone, "db/a", "+clone", /*sync=*/true, /*truncate=*/false);
  Write(*clone, "db/b", "new", /*sync=*/true);
  ASSERT_THAT(clone->SyncDir("db"), IsOk());
  ASSERT_THAT(clone->FlipBit("db/a", 0), IsOk());
  clone->Crash();

  EXPECT_EQ(Describe(fs_), before);
  EXPECT_EQ(Read(fs_, "db/a"), "base+pending");
  EXPECT_EQ(Read(fs_, "db/b"), "<missing>");
}

TEST_F(SimCloneTest, WritingAndCrashingTheOriginalLeavesTheCloneAlone) {
  WriteDurably("db/a", "base");
  Write(fs_, "db/new", "unsynced", /*sync=*/false);
  std::shared_ptr<SimFileSystem> clone = fs_.Clone();
  const std::string before = Describe(*clone);

  Write(fs_, "db/a", "+more", /*sync=*/true, /*truncate=*/false);
  ASSERT_THAT(fs_.RemoveFile("db/new"), IsOk());
  ASSERT_THAT(fs_.SyncDir("db"), IsOk());
  fs_.Crash();

  EXPECT_EQ(Describe(*clone), before);
  EXPECT_EQ(Read(*clone, "db/a"), "base");
  EXPECT_EQ(Read(*clone, "db/new"), "unsynced");
}

TEST_F(SimCloneTest, CrashOnTheCloneKeepsWhatCrashOnTheOriginalKeeps) {
  WriteDurably("db/log", "head");
  Write(fs_, "db/log", "+tail", /*sync=*/false, /*truncate=*/false);  // unsynced append
  WriteDurably("db/trunc", "old content");
  Write(fs_, "db/trunc", "new", /*sync=*/false);  // unsynced truncation
  WriteDurably("db/removed", "still durable");
  ASSERT_THAT(fs_.RemoveFile("db/removed"), IsOk());
  Write(fs_, "db/unnamed", "synced data", /*sync=*/true);       // entry never dir-synced
  ASSERT_THAT(fs_.SetDurableContents("db/log", "he"), IsOk());  // a crash model's choice

  std::shared_ptr<SimFileSystem> clone = fs_.Clone();
  EXPECT_EQ(Describe(*clone), Describe(fs_));
  EXPECT_EQ(clone->InspectFile("db/log")->unsynced, (std::vector<UnsyncedWrite>{{4, 5}}));
  EXPECT_TRUE(clone->InspectFile("db/trunc")->truncated);
  EXPECT_EQ(clone->stats().bytes_appended, fs_.stats().bytes_appended);
  EXPECT_EQ(clone->stats().removes, 1u);

  clone->Crash();
  fs_.Crash();
  EXPECT_EQ(Describe(*clone), Describe(fs_));
  EXPECT_EQ(clone->AllFiles(), (std::vector<std::string>{"db/log", "db/removed", "db/trunc"}));
  EXPECT_EQ(Read(*clone, "db/log"), "he");
  EXPECT_EQ(Read(*clone, "db/trunc"), "old content");
  EXPECT_EQ(Read(*clone, "db/removed"), "still durable");
}

TEST_F(SimCloneTest, AnInodeWithTwoEntriesStaysOneInodeInTheClone) {
  WriteDurably("db/a", "data");
  // Visible entry "b" and durable entry "a" now name the same inode.
  ASSERT_THAT(fs_.Rename("db/a", "db/b"), IsOk());
  std::shared_ptr<SimFileSystem> clone = fs_.Clone();

  // Damage through the visible name shows through the durable one.
  ASSERT_THAT(clone->WriteAt("db/b", 0, "D"), IsOk());
  EXPECT_EQ(clone->DurableContents("db/a").value(), "Data");
  ASSERT_THAT(clone->SetDurableContents("db/b", "chosen"), IsOk());
  EXPECT_EQ(clone->DurableContents("db/a").value(), "chosen");
  clone->Crash();
  EXPECT_EQ(Read(*clone, "db/a"), "chosen");
  // The original's inode is untouched.
  EXPECT_EQ(fs_.DurableContents("db/a").value(), "data");
}

TEST_F(SimCloneTest, CloneHasNoLocksOrHandlesOfTheOriginal) {
  Result<std::unique_ptr<FileLock>> lock = fs_.LockFile("db/LOCK");
  ASSERT_THAT(lock.status(), IsOk());
  Result<std::unique_ptr<WritableFile>> f = fs_.NewWritableFile("db/a");
  ASSERT_THAT(f.status(), IsOk());
  std::shared_ptr<SimFileSystem> clone = fs_.Clone();

  EXPECT_THAT(clone->LockFile("db/LOCK").status(), IsOk());
  EXPECT_THAT(fs_.LockFile("db/LOCK").status(), StatusIs(Code::kBusy));
  // The original's handle writes to the original's inode only.
  ASSERT_THAT((*f)->Append("x"), IsOk());
  EXPECT_EQ(Read(fs_, "db/a"), "x");
  EXPECT_EQ(Read(*clone, "db/a"), "");
}

TEST(SimCloneConcurrencyTest, CloneWhileAnotherThreadWrites) {
  SimFileSystem fs;
  constexpr int kAppends = 2000;
  std::thread writer([&fs] {
    Result<std::unique_ptr<WritableFile>> f = fs.NewWritableFile("log");
    ASSERT_THAT(f.status(), IsOk());
    for (int i = 0; i < kAppends; ++i) {
      ASSERT_THAT((*f)->Append("abc"), IsOk());
      if (i % 5 == 0) {
        ASSERT_THAT((*f)->Sync(), IsOk());
      }
    }
  });
  for (int i = 0; i < 300; ++i) {
    std::shared_ptr<SimFileSystem> clone = fs.Clone();
    Result<SimFileSystem::FileState> st = clone->InspectFile("log");
    if (!st.ok()) continue;  // not created yet
    ASSERT_EQ(st->current.size() % 3, 0u);
    ASSERT_EQ(st->current.compare(0, st->durable.size(), st->durable), 0);
    clone->Crash();  // the entry was never dir-synced
    ASSERT_FALSE(clone->FileExists("log"));
  }
  writer.join();
  EXPECT_EQ(fs.FileSize("log").value(), 3u * kAppends);
}

TEST_F(SimCloneTest, SetDurableContentsChangesWhatCrashKeepsButNotReads) {
  WriteDurably("db/a", "abc");
  Write(fs_, "db/a", "def", /*sync=*/false, /*truncate=*/false);
  ASSERT_THAT(fs_.SetDurableContents("db/a", "abcd"), IsOk());

  EXPECT_EQ(Read(fs_, "db/a"), "abcdef");
  Result<SimFileSystem::FileState> st = fs_.InspectFile("db/a");
  ASSERT_THAT(st.status(), IsOk());
  EXPECT_EQ(st->durable, "abcd");
  EXPECT_EQ(st->unsynced, (std::vector<UnsyncedWrite>{{3, 3}}));
  EXPECT_EQ(fs_.DurableContents("db/a").value(), "abcd");
  fs_.Crash();
  EXPECT_EQ(Read(fs_, "db/a"), "abcd");
}

TEST_F(SimCloneTest, SyncAfterSetDurableContentsMakesDurableEqualCurrent) {
  WriteDurably("db/a", "abc");
  Result<std::unique_ptr<WritableFile>> f = fs_.NewAppendableFile("db/a");
  ASSERT_THAT(f.status(), IsOk());
  ASSERT_THAT((*f)->Append("de"), IsOk());
  ASSERT_THAT(fs_.SetDurableContents("db/a", "XYZW"), IsOk());
  ASSERT_THAT((*f)->Sync(), IsOk());
  EXPECT_EQ(fs_.DurableContents("db/a").value(), "abcde");
  fs_.Crash();
  EXPECT_EQ(Read(fs_, "db/a"), "abcde");
}

TEST_F(SimCloneTest, SetDurableContentsOfAMissingFileIsNotFound) {
  EXPECT_THAT(fs_.SetDurableContents("db/none", "x"), StatusIs(Code::kNotFound));
  WriteDurably("db/gone", "x");
  ASSERT_THAT(fs_.RemoveFile("db/gone"), IsOk());  // durable but not visible
  EXPECT_THAT(fs_.SetDurableContents("db/gone", "y"), StatusIs(Code::kNotFound));
  EXPECT_EQ(fs_.DurableContents("db/gone").value(), "x");
}

TEST_F(SimCloneTest, PendingDirEntriesListsCreateRemoveAndRenameOver) {
  WriteDurably("db/keep", "k");
  WriteDurably("db/gone", "g");
  WriteDurably("db/old", "old");
  WriteDurably("db/new", "new");
  EXPECT_EQ(fs_.PendingDirEntries(), std::vector<Pending>{});

  Write(fs_, "db/fresh", "f", /*sync=*/true);
  ASSERT_THAT(fs_.RemoveFile("db/gone"), IsOk());
  ASSERT_THAT(fs_.Rename("db/new", "db/old"), IsOk());
  Write(fs_, "top", "t", /*sync=*/false);
  Write(fs_, "db/keep", "rewritten", /*sync=*/false);  // same inode: not a directory change

  EXPECT_EQ(fs_.PendingDirEntries(), (std::vector<Pending>{
                                         {".", "top", true, false, false},
                                         {"db", "fresh", true, false, false},
                                         {"db", "gone", false, true, false},
                                         {"db", "new", false, true, false},
                                         {"db", "old", true, true, false},
                                     }));
  ASSERT_THAT(fs_.SyncDir("db"), IsOk());
  EXPECT_EQ(fs_.PendingDirEntries(), (std::vector<Pending>{{".", "top", true, false, false}}));
}

TEST_F(SimCloneTest, PendingRemoveThenRecreateIsADifferentInode) {
  WriteDurably("db/a", "v1");
  ASSERT_THAT(fs_.RemoveFile("db/a"), IsOk());
  Write(fs_, "db/a", "v2", /*sync=*/true);
  EXPECT_EQ(fs_.PendingDirEntries(), (std::vector<Pending>{{"db", "a", true, true, false}}));
}

TEST_F(SimCloneTest, MakeEntryDurableOfOneOfTwoCreatesKeepsOnlyThatOneAcrossCrash) {
  Write(fs_, "db/a", "A", /*sync=*/true);
  Write(fs_, "db/b", "B", /*sync=*/true);
  const uint64_t dir_syncs = fs_.stats().dir_syncs;

  ASSERT_THAT(fs_.MakeEntryDurable("db", "a"), IsOk());
  EXPECT_EQ(fs_.PendingDirEntries(), (std::vector<Pending>{{"db", "b", true, false, false}}));
  EXPECT_TRUE(fs_.IsDurableName("db/a"));
  EXPECT_FALSE(fs_.IsDurableName("db/b"));
  EXPECT_EQ(fs_.stats().dir_syncs, dir_syncs);
  fs_.Crash();
  EXPECT_EQ(Read(fs_, "db/a"), "A");
  EXPECT_EQ(Read(fs_, "db/b"), "<missing>");
}

TEST_F(SimCloneTest, RenameOverKeptByMakeEntryDurableSurvivesWithTheNewContent) {
  WriteDurably("db/CURRENT", "old");
  Write(fs_, "db/CURRENT.tmp", "new", /*sync=*/true);
  ASSERT_THAT(fs_.Rename("db/CURRENT.tmp", "db/CURRENT"), IsOk());
  std::shared_ptr<SimFileSystem> lost = fs_.Clone();

  ASSERT_THAT(fs_.MakeEntryDurable("db", "CURRENT"), IsOk());
  EXPECT_EQ(fs_.PendingDirEntries(), std::vector<Pending>{});  // the tmp name was never durable
  fs_.Crash();
  EXPECT_EQ(Read(fs_, "db/CURRENT"), "new");
  EXPECT_EQ(fs_.AllFiles(), std::vector<std::string>{"db/CURRENT"});

  lost->Crash();  // the same disk without the entry kept
  EXPECT_EQ(Read(*lost, "db/CURRENT"), "old");
}

TEST_F(SimCloneTest, MakeEntryDurableOfARemoveKeepsTheRemoval) {
  WriteDurably("db/a", "a");
  WriteDurably("db/b", "b");
  ASSERT_THAT(fs_.RemoveFile("db/a"), IsOk());
  ASSERT_THAT(fs_.RemoveFile("db/b"), IsOk());
  ASSERT_THAT(fs_.MakeEntryDurable("db", "a"), IsOk());
  EXPECT_FALSE(fs_.IsDurableName("db/a"));
  fs_.Crash();
  EXPECT_EQ(Read(fs_, "db/a"), "<missing>");
  EXPECT_EQ(Read(fs_, "db/b"), "b");
}

TEST_F(SimCloneTest, MakeEntryDurableErrorsAndNoOps) {
  EXPECT_THAT(fs_.MakeEntryDurable("nodir", "a"),
              StatusIs(Code::kNotFound, HasSubstr("does not exist")));
  WriteDurably("db/file", "x");
  EXPECT_THAT(fs_.MakeEntryDurable("db/file", "a"),
              StatusIs(Code::kIOError, HasSubstr("not a directory")));
  EXPECT_THAT(fs_.MakeEntryDurable("db", "x/y"), StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(fs_.MakeEntryDurable("db", ""), StatusIs(Code::kInvalidArgument));
  // Nothing pending: no change.
  EXPECT_THAT(fs_.MakeEntryDurable("db", "file"), IsOk());
  EXPECT_THAT(fs_.MakeEntryDurable("db", "absent"), IsOk());
  EXPECT_TRUE(fs_.IsDurableName("db/file"));
  EXPECT_FALSE(fs_.IsDurableName("db/absent"));
  // The directory path is normalised.
  Write(fs_, "db/n", "n", /*sync=*/true);
  EXPECT_THAT(fs_.MakeEntryDurable("./db/", "n"), IsOk());
  EXPECT_TRUE(fs_.IsDurableName("db/n"));
}

TEST_F(SimCloneTest, IsDurableNameFollowsDirectorySyncs) {
  Write(fs_, "db/a", "a", /*sync=*/true);
  EXPECT_FALSE(fs_.IsDurableName("db/a"));
  ASSERT_THAT(fs_.SyncDir("db"), IsOk());
  EXPECT_TRUE(fs_.IsDurableName("./db//a"));
  ASSERT_THAT(fs_.RemoveFile("db/a"), IsOk());
  EXPECT_TRUE(fs_.IsDurableName("db/a"));  // the removal is not durable yet
  EXPECT_FALSE(fs_.IsDurableName("db"));   // directories are not entries
  EXPECT_FALSE(fs_.IsDurableName("nodir/a"));
}

}  // namespace
}  // namespace memdb
