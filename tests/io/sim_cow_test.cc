// SimFileSystem::Clone shares file bytes copy-on-write: a clone and its original must stay
// independent under every mutation, in both directions, and Clone must not copy file bytes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "io/sim_test_util.h"
#include "memdb/io/sim_file_system.h"
#include "memdb/testing/status_matchers.h"
#include "support/test_support.h"

namespace memdb {
namespace {

using ::memdb::test::Append;
using ::memdb::test::Describe;
using ::memdb::testing::IsOk;

// A disk whose files cover the interesting sharing states of an inode: synced (current and
// durable one string), synced then appended, truncated by NewWritableFile, durable replaced by
// SetDurableContents, never synced, and a synced file renamed (two entries, one inode).
void Populate(SimFileSystem& fs) {
  ASSERT_THAT(fs.CreateDir("db"), IsOk());
  Append(fs, "db/synced", "synced-bytes", /*sync=*/true);
  Append(fs, "db/tail", "head", /*sync=*/true);
  Append(fs, "db/tail", "+tail", /*sync=*/false);
  Append(fs, "db/trunc", "old content", /*sync=*/true);
  ASSERT_THAT(fs.SyncDir("db"), IsOk());
  {
    Result<std::unique_ptr<WritableFile>> f = fs.NewWritableFile("db/trunc");
    ASSERT_THAT(f.status(), IsOk());
    ASSERT_THAT((*f)->Append("new"), IsOk());
  }
  Append(fs, "db/replaced", "abcdef", /*sync=*/true);
  ASSERT_THAT(fs.SyncDir("db"), IsOk());
  Append(fs, "db/replaced", "ghi", /*sync=*/false);
  ASSERT_THAT(fs.SetDurableContents("db/replaced", "abXY"), IsOk());
  Append(fs, "db/unsynced", "volatile", /*sync=*/false);
  Append(fs, "db/moved", "moved-bytes", /*sync=*/true);
  ASSERT_THAT(fs.SyncDir("db"), IsOk());
  ASSERT_THAT(fs.Rename("db/moved", "db/moved2"), IsOk());
}

const std::vector<std::string> kFiles = {"db/synced",   "db/tail",     "db/trunc",
                                         "db/replaced", "db/unsynced", "db/moved2"};

struct Mutation {
  std::string name;
  std::function<void(SimFileSystem&, const std::string&)> apply;
};

std::vector<Mutation> Mutations() {
  return {
      {"Append",
       [](SimFileSystem& fs, const std::string& p) { Append(fs, p, "+app", /*sync=*/false); }},
      {"AppendAndSync",
       [](SimFileSystem& fs, const std::string& p) { Append(fs, p, "+sync", /*sync=*/true); }},
      {"Sync", [](SimFileSystem& fs, const std::string& p) { Append(fs, p, "", true); }},
      {"WriteAt0",
       [](SimFileSystem& fs, const std::string& p) { ASSERT_THAT(fs.WriteAt(p, 0, "W"), IsOk()); }},
      {"WriteAtEnd",
       [](SimFileSystem& fs, const std::string& p) {
         ASSERT_THAT(fs.WriteAt(p, fs.FileSize(p).value(), "END"), IsOk());
       }},
      {"FlipBit",
       [](SimFileSystem& fs, const std::string& p) { ASSERT_THAT(fs.FlipBit(p, 9), IsOk()); }},
      {"TruncateFile",
       [](SimFileSystem& fs, const std::string& p) { ASSERT_THAT(fs.TruncateFile(p, 2), IsOk()); }},
      {"TruncateThenAppend",
       [](SimFileSystem& fs, const std::string& p) {
         ASSERT_THAT(fs.TruncateFile(p, 1), IsOk());
         Append(fs, p, "zz", /*sync=*/false);
       }},
      {"NewWritableFile",
       [](SimFileSystem& fs, const std::string& p) {
         Result<std::unique_ptr<WritableFile>> f = fs.NewWritableFile(p);
         ASSERT_THAT(f.status(), IsOk());
         ASSERT_THAT((*f)->Append("fresh"), IsOk());
       }},
      {"SetDurableContents",
       [](SimFileSystem& fs, const std::string& p) {
         ASSERT_THAT(fs.SetDurableContents(p, "chosen"), IsOk());
       }},
      {"Crash", [](SimFileSystem& fs, const std::string&) { fs.Crash(); }},
      {"CrashThenAppend",
       [](SimFileSystem& fs, const std::string& p) {
         fs.Crash();
         if (fs.FileExists(p)) Append(fs, p, "+after", /*sync=*/false);
       }},
  };
}

TEST(SimCowTest, CloneAndOriginalStayIndependentUnderEveryMutation) {
  for (const Mutation& m : Mutations()) {
    for (const std::string& path : kFiles) {
      for (bool mutate_clone : {true, false}) {
        SCOPED_TRACE(m.name + " on " + path +
                     (mutate_clone ? " in the clone" : " in the original"));
        SimFileSystem original;
        Populate(original);
        std::shared_ptr<SimFileSystem> clone = original.Clone();
        const std::string before = Describe(original);
        ASSERT_EQ(Describe(*clone), before);

        SimFileSystem& mutated = mutate_clone ? *clone : original;
        SimFileSystem& other = mutate_clone ? original : *clone;
        m.apply(mutated, path);
        EXPECT_EQ(Describe(other), before);
        // And the same mutation on a fresh, never-cloned disk gives the same result: sharing
        // bytes does not change what a mutation does.
        SimFileSystem reference;
        Populate(reference);
        m.apply(reference, path);
        EXPECT_EQ(Describe(mutated), Describe(reference));
        // The untouched disk still takes its own writes without disturbing the mutated one.
        const std::string mutated_state = Describe(mutated);
        Append(other, path, "+other", /*sync=*/true);
        ASSERT_THAT(other.FlipBit(path, 0), IsOk());
        other.Crash();
        EXPECT_EQ(Describe(mutated), mutated_state);
      }
    }
  }
}

TEST(SimCowTest, ClonesOfClonesAndSequentialReadsStayIndependent) {
  SimFileSystem fs;
  Populate(fs);
  std::shared_ptr<SimFileSystem> a = fs.Clone();
  std::shared_ptr<SimFileSystem> b = a->Clone();
  const std::string before = Describe(fs);

  // A reader opened on the original keeps reading the original's bytes while clones write.
  Result<std::unique_ptr<SequentialFile>> reader = fs.NewSequentialFile("db/tail");
  ASSERT_THAT(reader.status(), IsOk());
  std::string chunk;
  ASSERT_THAT((*reader)->Read(4, &chunk), IsOk());
  EXPECT_EQ(chunk, "head");
  ASSERT_THAT(a->WriteAt("db/tail", 4, "#####"), IsOk());
  Append(*b, "db/tail", "+b", /*sync=*/true);
  ASSERT_THAT((*reader)->Read(100, &chunk), IsOk());
  EXPECT_EQ(chunk, "+tail");

  b->Crash();
  a->Crash();
  EXPECT_EQ(Describe(fs), before);
  // WriteAt is damage at rest: it reached `durable` too (which ended at its offset).
  EXPECT_EQ(a->DurableContents("db/tail").value(), "head#####");
  EXPECT_EQ(b->DurableContents("db/tail").value(), "head+tail+b");
  std::string read;
  ASSERT_THAT(a->ReadFile("db/tail", &read), IsOk());
  EXPECT_EQ(read, "head#####");
}

// "r<i>;" (built by appends: GCC 12 -O3 warns falsely about "r" + std::to_string(i)).
std::string Record(int i) {
  std::string record = "r";
  record += std::to_string(i);
  record += ';';
  return record;
}

TEST(SimCowTest, SyncedAppendsInterleavedWithClonesKeepEveryCloneAsItWas) {
  SimFileSystem fs;
  Result<std::unique_ptr<WritableFile>> f = fs.NewWritableFile("log");
  ASSERT_THAT(f.status(), IsOk());
  ASSERT_THAT(fs.SyncDir("."), IsOk());
  std::vector<std::shared_ptr<SimFileSystem>> clones;
  std::string expected;
  for (int i = 0; i < 50; ++i) {
    const std::string record = Record(i);
    ASSERT_THAT((*f)->Append(record), IsOk());
    if (i % 3 != 0) {
      ASSERT_THAT((*f)->Sync(), IsOk());
    }
    expected += record;
    clones.push_back(fs.Clone());
  }
  std::string prefix;
  for (int i = 0; i < 50; ++i) {
    prefix += Record(i);
    std::string read;
    ASSERT_THAT(clones[i]->ReadFile("log", &read), IsOk());
    EXPECT_EQ(read, prefix);
  }
  std::string read;
  ASSERT_THAT(fs.ReadFile("log", &read), IsOk());
  EXPECT_EQ(read, expected);
}

}  // namespace
}  // namespace memdb
