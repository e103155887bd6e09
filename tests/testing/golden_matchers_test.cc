// MatchesGolden and the golden workflow through it: a mismatch explains the key-level diff and
// how to accept it, missing goldens leave a pending file, update and CI modes come from the
// environment, redactions apply; plus MatchesSnapshot and PrintTo for memdb::Snapshot.
#include "memdb/testing/golden_matchers.h"

#include <gmock/gmock.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "golden_support.h"
#include "memdb/db/db.h"
#include "memdb/snapshot/golden.h"
#include "memdb/testing/db_matchers.h"
#include "memdb/testing/printers.h"

namespace memdb::test {
namespace {

using ::memdb::testing::GoldenOptions;
using ::memdb::testing::HasEntry;
using ::memdb::testing::KvState;
using ::memdb::testing::MatchesGolden;
using ::memdb::testing::MatchesSnapshot;
using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

class MatchesGoldenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(db_.Put("acct/a", "100").ok());
    ASSERT_TRUE(db_.Put("acct/b", "50").ok());
    golden_ = (dir_.path() / "golden" / "state.golden").string();
  }
  void WriteGolden(const KvState& entries) {
    fs::create_directories(fs::path(golden_).parent_path());
    std::ofstream(golden_)
        << SaveSnapshot(testing::SnapshotOf(entries), SnapshotFormat::kGolden).value();
  }

  TempDir dir_;
  std::string golden_;
  Db db_ = Db::Open({}).value();
};

TEST_F(MatchesGoldenTest, MatchingGoldenPassesForADbASnapshotAndAKvState) {
  WriteGolden({{"acct/a", "100"}, {"acct/b", "50"}});
  EXPECT_THAT(db_, MatchesGolden(golden_, Mode(GoldenMode::kCompare)));
  EXPECT_THAT(db_.ExportSnapshot().value(), MatchesGolden(golden_, Mode(GoldenMode::kCi)));
  EXPECT_THAT((KvState{{"acct/a", "100"}, {"acct/b", "50"}}),
              MatchesGolden(golden_, Mode(GoldenMode::kCompare)));
  EXPECT_FALSE(fs::exists(golden_ + ".new"));
}

TEST_F(MatchesGoldenTest, MismatchExplainsTheKeyLevelDiffAndHowToAccept) {
  WriteGolden({{"acct/a", "90"}, {"acct/c", "1"}});
  const std::string pending = golden_ + ".new";
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(db_, MatchesGolden(golden_, Mode(GoldenMode::kCompare))),
                          "3 keys differ (1 added, 1 removed, 1 changed):\n"
                          "  ~ \"acct/a\": \"90\" -> \"100\" (first difference at byte 0)\n"
                          "  + \"acct/b\" = \"50\"\n"
                          "  - \"acct/c\" = \"1\"\n");
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(db_, MatchesGolden(golden_, Mode(GoldenMode::kCompare))),
                          "The new state was written to " + pending);
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(db_, MatchesGolden(golden_, Mode(GoldenMode::kCompare))),
                          "or rerun with MEMDB_UPDATE_GOLDEN=1");
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(db_, MatchesGolden(golden_, Mode(GoldenMode::kCompare))),
                          "Expected: matches the golden file " + golden_);
  // The pending file is the actual state, ready to accept; the golden is untouched.
  EXPECT_EQ(ReadText(pending),
            "{\"memdb_golden\":1,\"entries\":2}\n"
            "{\"key\":\"acct/a\",\"value\":\"100\"}\n"
            "{\"key\":\"acct/b\",\"value\":\"50\"}\n");
  EXPECT_THAT(ReadText(golden_), HasSubstr("acct/c"));
}

TEST_F(MatchesGoldenTest, MissingGoldenFailsAndLeavesAPendingFile) {
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(db_, MatchesGolden(golden_, Mode(GoldenMode::kCompare))),
                          "golden file " + golden_ + " does not exist");
  EXPECT_TRUE(fs::exists(golden_ + ".new"));
  EXPECT_FALSE(fs::exists(golden_));
}

TEST_F(MatchesGoldenTest, DamagedGoldenIsAMismatchNamingTheParseError) {
  fs::create_directories(fs::path(golden_).parent_path());
  std::ofstream(golden_) << "{\"memdb_golden\":1,\"entries\":1}\n{\"key\":\"a\"}\n";
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(db_, MatchesGolden(golden_, Mode(GoldenMode::kCi))),
                          "cannot be read: " + golden_ + ":2:");
}

TEST_F(MatchesGoldenTest, UnreadableStoreIsAMismatchNotACrash) {
  Db closed = Db::Open({}).value();
  Db moved = std::move(closed);  // `closed` is moved from: ExportSnapshot reports it
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(closed, MatchesGolden(golden_, Mode(GoldenMode::kCi))),
                          "which could not be read: InvalidArgument");
}

TEST_F(MatchesGoldenTest, RedactionsApplyToTheComparisonAndToWhatIsWritten) {
  ASSERT_TRUE(db_.Put("session/1", "x").ok());
  ASSERT_TRUE(db_.Put("acct/a", "100 at 2024-05-01T12:34:56Z").ok());
  GoldenOptions options = Mode(GoldenMode::kUpdate);
  ASSERT_TRUE(options.redactions.IgnoreKeys("session/*").ok());
  ASSERT_TRUE(options.redactions
                  .ReplaceValues(std::string(Redactions::kIsoTimestampPattern) + "Z", "[time]")
                  .ok());
  EXPECT_THAT(db_, MatchesGolden(golden_, options));
  EXPECT_EQ(ReadText(golden_),
            "{\"memdb_golden\":1,\"entries\":2}\n"
            "{\"key\":\"acct/a\",\"value\":\"100 at [time]\"}\n"
            "{\"key\":\"acct/b\",\"value\":\"50\"}\n");
  ASSERT_TRUE(db_.Put("acct/a", "100 at 2030-01-01T00:00:00Z").ok());
  options.settings->mode = GoldenMode::kCi;
  EXPECT_THAT(db_, MatchesGolden(golden_, options));
}

// The whole update workflow as a developer meets it, driven by the environment variables.
TEST_F(MatchesGoldenTest, UpdateWorkflowThroughTheEnvironment) {
  ScopedEnv ci("CI", nullptr);
  ScopedEnv update("MEMDB_UPDATE_GOLDEN", "1");
  ScopedEnv pending_dir("MEMDB_GOLDEN_PENDING_DIR", nullptr);
  ScopedEnv references("MEMDB_GOLDEN_REFERENCES_DIR", nullptr);

  // 1. Update mode creates the missing golden and passes.
  EXPECT_THAT(db_, MatchesGolden(golden_));
  ASSERT_TRUE(fs::exists(golden_));
  const std::string accepted = ReadText(golden_);

  // 2. Compare mode: the same state passes; a change fails and leaves a pending file (redirected
  //    here, as for a read-only source tree) while the golden stays as it was.
  update.Set(nullptr);
  EXPECT_THAT(db_, MatchesGolden(golden_));
  ASSERT_TRUE(db_.Put("acct/b", "51").ok());
  const fs::path pending_root = dir_.path() / "pending";
  pending_dir.Set(pending_root.c_str());
  const std::string pending = PendingGoldenPath(golden_, GoldenSettings::FromEnvironment());
  EXPECT_THAT(pending, HasSubstr(pending_root.string()));
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(db_, MatchesGolden(golden_)),
                          "~ \"acct/b\": \"50\" -> \"51\"");
  EXPECT_TRUE(fs::exists(pending));
  EXPECT_EQ(ReadText(golden_), accepted);

  // 3. CI: a mismatch fails and writes nothing, even with MEMDB_UPDATE_GOLDEN set.
  fs::remove(pending);
  ci.Set("1");
  update.Set("1");
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(db_, MatchesGolden(golden_)), "CI is set");
  EXPECT_FALSE(fs::exists(pending));
  EXPECT_EQ(ReadText(golden_), accepted);

  // 4. Accepting by rerunning in update mode rewrites the golden; compare passes afterwards.
  ci.Set(nullptr);
  EXPECT_THAT(db_, MatchesGolden(golden_));
  EXPECT_THAT(ReadText(golden_), HasSubstr("\"value\":\"51\""));
  update.Set(nullptr);
  EXPECT_THAT(db_, MatchesGolden(golden_));
}

TEST(MatchesSnapshotTest, AcceptsAMemdbSnapshotEitherSide) {
  Db db = Db::Open({}).value();
  ASSERT_TRUE(db.Put("a", "1").ok());
  const Snapshot before = db.ExportSnapshot().value();
  EXPECT_THAT(db, MatchesSnapshot(before));
  EXPECT_THAT(before, MatchesSnapshot(db));
  EXPECT_THAT(before, HasEntry("a", "1"));
  ASSERT_TRUE(db.Put("b", std::string("\x00", 1)).ok());
  // Metadata differs (timestamps); only entries count.
  EXPECT_THAT(db.ExportSnapshot().value(), MatchesSnapshot(KvState{{"a", "1"}, {"b", {"\0", 1}}}));
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(db, MatchesSnapshot(before)),
                          "differs at 1 key:\n  + \"b\": unexpected \"\\x00\"");
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(before, MatchesSnapshot(db)),
                          "  - \"b\": missing, expected \"\\x00\"");
  EXPECT_THAT(before, Not(MatchesSnapshot(db)));
}

TEST(SnapshotPrinterTest, PrintsABoundedEscapedListingWithTheTimestamp) {
  Snapshot snapshot;
  EXPECT_EQ(::testing::PrintToString(snapshot), "Snapshot with 0 keys {}");
  snapshot.metadata.commit_timestamp = 7;
  snapshot.entries["k\n"] = std::string("\x00\xff", 2);
  EXPECT_EQ(::testing::PrintToString(snapshot),
            "Snapshot at ts 7 with 1 key {\"k\\x0a\"=\"\\x00\\xff\"}");
  for (int i = 0; i < 40; ++i) snapshot.entries["k" + std::to_string(i + 10)] = "v";
  EXPECT_THAT(::testing::PrintToString(snapshot), HasSubstr(", ... 25 more}"));
  // A failing assertion shows it as the actual value.
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(snapshot, HasEntry("k10", "w")),
                          "Actual: Snapshot at ts 7 with 41 keys {");
}

}  // namespace
}  // namespace memdb::test
