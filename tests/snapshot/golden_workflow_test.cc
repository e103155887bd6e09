// The golden workflow on the real file system: the compare, update and CI modes, a redirected
// pending directory, accepting and rejecting, references merged across processes.
#include "memdb/snapshot/golden.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "memdb/testing/status_matchers.h"
#include "snapshot_test_util.h"
#include "support/temp_dir.h"
#include "support/test_support.h"

namespace memdb {
namespace {

using ::memdb::testing::IsOk;
using ::memdb::testing::StatusIs;
using test::MakeSnapshot;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

std::string Read(const std::string& path) {
  std::string text;
  EXPECT_THAT(PosixFileSystem()->ReadFile(path, &text), IsOk()) << path;
  return text;
}

std::vector<std::string> Tree(const fs::path& root) {
  std::vector<std::string> names;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    names.push_back(fs::relative(e.path(), root).string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class GoldenWorkflowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    golden_ = (root_ / "tests" / "state.golden").string();
    fs::create_directories(root_ / "tests");
  }

  static GoldenSettings Settings(GoldenMode mode) {
    GoldenSettings settings;
    settings.mode = mode;
    return settings;
  }

  test::TempDir temp_;
  const fs::path root_ = temp_.path();
  std::string golden_;
  const Snapshot state_ = MakeSnapshot({{"a", "1"}, {"b", std::string("\0", 1)}});
};

TEST_F(GoldenWorkflowTest, CompareModeMissingGoldenFailsAndWritesPending) {
  Result<GoldenResult> r = CheckGolden(state_, golden_, Settings(GoldenMode::kCompare));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->passed);
  EXPECT_EQ(r->outcome, GoldenOutcome::kMissing);
  EXPECT_EQ(r->pending_path, golden_ + ".new");
  EXPECT_FALSE(fs::exists(golden_));
  EXPECT_EQ(Read(r->pending_path), SaveSnapshot(state_, SnapshotFormat::kGolden).value());
  EXPECT_NE(r->message.find("does not exist"), std::string::npos) << r->message;
  EXPECT_NE(r->message.find("written to " + golden_ + ".new"), std::string::npos) << r->message;
  EXPECT_NE(r->message.find("MEMDB_UPDATE_GOLDEN=1"), std::string::npos) << r->message;
}

TEST_F(GoldenWorkflowTest, CompareModeMismatchShowsTheDiffAndLeavesTheGolden) {
  const std::string old_text =
      SaveSnapshot(MakeSnapshot({{"a", "0"}}), SnapshotFormat::kGolden).value();
  ASSERT_THAT(WriteFileAtomically(*PosixFileSystem(), golden_, old_text), IsOk());
  Result<GoldenResult> r = CheckGolden(state_, golden_, Settings(GoldenMode::kCompare));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->passed);
  EXPECT_EQ(r->outcome, GoldenOutcome::kMismatch);
  EXPECT_EQ(r->diff.changed, 1u);
  EXPECT_EQ(r->diff.added, 1u);
  EXPECT_NE(r->message.find("~ \"a\": \"0\" -> \"1\""), std::string::npos) << r->message;
  EXPECT_NE(r->message.find("+ \"b\" = hex:00"), std::string::npos) << r->message;
  EXPECT_EQ(Read(golden_), old_text);
  EXPECT_TRUE(fs::exists(golden_ + ".new"));
}

TEST_F(GoldenWorkflowTest, CompareModeMatchPassesAndRemovesAStalePendingFile) {
  ASSERT_THAT(WriteSnapshotFile(*PosixFileSystem(), golden_, state_, SnapshotFormat::kGolden),
              IsOk());
  ASSERT_THAT(WriteFileAtomically(*PosixFileSystem(), golden_ + ".new", "stale"), IsOk());
  Result<GoldenResult> r = CheckGolden(state_, golden_, Settings(GoldenMode::kCompare));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->passed);
  EXPECT_EQ(r->outcome, GoldenOutcome::kMatched);
  EXPECT_TRUE(r->message.empty());
  EXPECT_FALSE(fs::exists(golden_ + ".new"));
}

TEST_F(GoldenWorkflowTest, DamagedGoldenIsAMismatchNamingTheParseError) {
  ASSERT_THAT(WriteFileAtomically(*PosixFileSystem(), golden_, "not a golden\n"), IsOk());
  Result<GoldenResult> r = CheckGolden(state_, golden_, Settings(GoldenMode::kCompare));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->passed);
  EXPECT_EQ(r->outcome, GoldenOutcome::kMismatch);
  EXPECT_NE(r->message.find("cannot be read: " + golden_ + ":1:1: expected"), std::string::npos)
      << r->message;
}

TEST_F(GoldenWorkflowTest, UpdateModeCreatesAndRewritesGoldensInPlace) {
  Result<GoldenResult> r = CheckGolden(state_, golden_, Settings(GoldenMode::kUpdate));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->passed);
  EXPECT_EQ(r->outcome, GoldenOutcome::kCreated);
  EXPECT_EQ(Read(golden_), SaveSnapshot(state_, SnapshotFormat::kGolden).value());
  const Snapshot changed = MakeSnapshot({{"a", "2"}});
  r = CheckGolden(changed, golden_, Settings(GoldenMode::kUpdate));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->passed);
  EXPECT_EQ(r->outcome, GoldenOutcome::kUpdated);
  EXPECT_NE(r->message.find("wrote " + golden_), std::string::npos) << r->message;
  r = CheckGolden(changed, golden_, Settings(GoldenMode::kCompare));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->passed);
  EXPECT_EQ(Tree(root_), (std::vector<std::string>{"tests", "tests/state.golden"}));
}

TEST_F(GoldenWorkflowTest, CiModeNeverWritesAndFailsOnMissingOrMismatch) {
  Result<GoldenResult> r = CheckGolden(state_, golden_, Settings(GoldenMode::kCi));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->passed);
  EXPECT_EQ(r->outcome, GoldenOutcome::kMissing);
  EXPECT_TRUE(r->pending_path.empty());
  EXPECT_NE(r->message.find("CI is set, so nothing was written"), std::string::npos);
  EXPECT_EQ(Tree(root_), std::vector<std::string>{"tests"});

  ASSERT_THAT(WriteSnapshotFile(*PosixFileSystem(), golden_, MakeSnapshot({{"a", "0"}}),
                                SnapshotFormat::kGolden),
              IsOk());
  r = CheckGolden(state_, golden_, Settings(GoldenMode::kCi));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->passed);
  EXPECT_EQ(r->outcome, GoldenOutcome::kMismatch);
  EXPECT_EQ(Tree(root_), (std::vector<std::string>{"tests", "tests/state.golden"}));
  r = CheckGolden(MakeSnapshot({{"a", "0"}}), golden_, Settings(GoldenMode::kCi));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->passed);
}

TEST_F(GoldenWorkflowTest, SettingsFromEnvironmentCiWinsOverUpdate) {
  auto with_env = [](const char* update, const char* ci) {
    update != nullptr ? ::setenv("MEMDB_UPDATE_GOLDEN", update, 1)
                      : ::unsetenv("MEMDB_UPDATE_GOLDEN");
    ci != nullptr ? ::setenv("CI", ci, 1) : ::unsetenv("CI");
    return GoldenSettings::FromEnvironment().mode;
  };
  const char* saved_ci = std::getenv("CI");
  const std::string ci_value = saved_ci != nullptr ? saved_ci : "";
  EXPECT_EQ(with_env(nullptr, nullptr), GoldenMode::kCompare);
  EXPECT_EQ(with_env("1", nullptr), GoldenMode::kUpdate);
  EXPECT_EQ(with_env("0", "false"), GoldenMode::kCompare);
  EXPECT_EQ(with_env("1", "true"), GoldenMode::kCi);
  EXPECT_EQ(with_env(nullptr, "1"), GoldenMode::kCi);
  ::unsetenv("MEMDB_UPDATE_GOLDEN");
  saved_ci != nullptr ? ::setenv("CI", ci_value.c_str(), 1) : ::unsetenv("CI");
  ::setenv("MEMDB_GOLDEN_PENDING_DIR", "/p", 1);
  EXPECT_EQ(GoldenSettings::FromEnvironment().pending_dir, "/p");
  ::unsetenv("MEMDB_GOLDEN_PENDING_DIR");
}

TEST_F(GoldenWorkflowTest, RedirectedPendingDirectoryListAcceptAndReject) {
  GoldenSettings settings = Settings(GoldenMode::kCompare);
  settings.pending_dir = (root_ / "pending").string();
  const std::string other = (root_ / "tests" / "sub" / "other.golden").string();
  ASSERT_TRUE(CheckGolden(state_, golden_, settings).ok());
  ASSERT_TRUE(CheckGolden(MakeSnapshot({{"x", "y"}}), other, settings).ok());
  // Nothing beside the goldens: the source tree stays read-only.
  EXPECT_FALSE(fs::exists(golden_ + ".new"));
  EXPECT_EQ(PendingGoldenPath(golden_, settings), settings.pending_dir + golden_ + ".new");

  Result<std::vector<PendingGolden>> pending = ListPendingGoldens("", settings);
  ASSERT_TRUE(pending.ok()) << pending.status();
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[0].golden_path, golden_);
  EXPECT_EQ((*pending)[1].golden_path, other);
  ASSERT_THAT(AcceptPendingGolden((*pending)[0], settings), IsOk());
  ASSERT_THAT(RejectPendingGolden((*pending)[1], settings), IsOk());
  EXPECT_EQ(Read(golden_), SaveSnapshot(state_, SnapshotFormat::kGolden).value());
  EXPECT_FALSE(fs::exists(other));
  EXPECT_TRUE(ListPendingGoldens("", settings)->empty());
  EXPECT_TRUE(CheckGolden(state_, golden_, settings)->passed);
}

TEST_F(GoldenWorkflowTest, PendingBesideGoldensIsListedFromTheSourceRoot) {
  ASSERT_TRUE(CheckGolden(state_, golden_, Settings(GoldenMode::kCompare)).ok());
  ASSERT_THAT(WriteFileAtomically(*PosixFileSystem(), (root_ / "tests" / "x.txt.new").string(),
                                  "not a pending golden"),
              IsOk());
  Result<std::vector<PendingGolden>> pending =
      ListPendingGoldens(root_.string(), Settings(GoldenMode::kCompare));
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].golden_path, golden_);
  // A damaged pending file is never accepted.
  ASSERT_THAT(WriteFileAtomically(*PosixFileSystem(), golden_ + ".new", "garbage\n"), IsOk());
  EXPECT_THAT(AcceptPendingGolden((*pending)[0], Settings(GoldenMode::kCompare)),
              StatusIs(Status::Code::kCorruption));
  EXPECT_FALSE(fs::exists(golden_));
}

TEST_F(GoldenWorkflowTest, RedactedStateIsWhatTheGoldenHolds) {
  Redactions redactions;
  ASSERT_THAT(redactions.ReplaceValues(Redactions::kUuidPattern, "[uuid]"), IsOk());
  ASSERT_THAT(redactions.IgnoreKeys("tmp:*"), IsOk());
  const Snapshot run1 =
      MakeSnapshot({{"id", "123e4567-e89b-12d3-a456-426614174000"}, {"tmp:1", "x"}});
  const Snapshot run2 = MakeSnapshot({{"id", "00000000-0000-0000-0000-000000000000"}});
  ASSERT_TRUE(CheckGolden(run1, golden_, Settings(GoldenMode::kUpdate), redactions).ok());
  EXPECT_EQ(Read(golden_),
            "{\"memdb_golden\":1,\"entries\":1}\n{\"key\":\"id\",\"value\":\"[uuid]\"}\n");
  EXPECT_TRUE(CheckGolden(run2, golden_, Settings(GoldenMode::kCompare), redactions)->passed);
}

// Two processes check different goldens at once, sharing one pending directory and one
// references directory, as gtest_discover_tests shards do.
TEST_F(GoldenWorkflowTest, TwoProcessesWritePendingFilesAndReferencesAtOnce) {
  GoldenSettings settings = Settings(GoldenMode::kCompare);
  settings.pending_dir = (root_ / "pending").string();
  settings.references_dir = (root_ / "refs").string();
  constexpr int kGoldensPerProcess = 25;
  int start[2];
  ASSERT_EQ(::pipe(start), 0);
  std::vector<pid_t> children;
  for (const char* name : {"alpha", "beta"}) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      char go;
      ::close(start[1]);
      if (::read(start[0], &go, 1) != 0) ::_exit(3);  // EOF once the parent closes: both go
      int failures = 0;
      for (int i = 0; i < kGoldensPerProcess; ++i) {
        const std::string id = std::string(name) + "-" + std::to_string(i);
        const std::string path = (root_ / "tests" / (id + ".golden")).string();
        Result<GoldenResult> r = CheckGolden(MakeSnapshot({{"test", id}}), path, settings);
        if (!r.ok() || r->passed || r->outcome != GoldenOutcome::kMissing) ++failures;
      }
      ::_exit(failures == 0 ? 0 : 1);
    }
    children.push_back(pid);
  }
  ::close(start[0]);
  ::close(start[1]);
  for (const pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
  }
  Result<std::vector<PendingGolden>> pending = ListPendingGoldens("", settings);
  ASSERT_TRUE(pending.ok()) << pending.status();
  ASSERT_EQ(pending->size(), 2u * kGoldensPerProcess);
  for (const PendingGolden& p : *pending) {
    const std::string id = fs::path(p.golden_path).stem().string();
    Result<Snapshot> snap = ReadSnapshotFile(*PosixFileSystem(), p.pending_path);
    ASSERT_TRUE(snap.ok()) << snap.status();
    EXPECT_EQ(snap->entries.at("test"), id);
    ASSERT_THAT(AcceptPendingGolden(p, settings), IsOk());
  }
  // Both processes' reference lists are merged; a golden nobody used is obsolete.
  Result<std::vector<std::string>> refs = ReadGoldenReferences(settings);
  ASSERT_TRUE(refs.ok()) << refs.status();
  EXPECT_EQ(refs->size(), 2u * kGoldensPerProcess);
  EXPECT_EQ(fs::directory_entry(root_ / "refs").exists(), true);
  EXPECT_EQ(std::distance(fs::directory_iterator(root_ / "refs"), fs::directory_iterator()), 2);
  const std::string unused = (root_ / "tests" / "old" / "unused.golden").string();
  fs::create_directories(root_ / "tests" / "old");
  ASSERT_THAT(WriteSnapshotFile(*PosixFileSystem(), unused, state_, SnapshotFormat::kGolden),
              IsOk());
  Result<std::vector<std::string>> obsolete = FindObsoleteGoldens(root_.string(), settings);
  ASSERT_TRUE(obsolete.ok()) << obsolete.status();
  EXPECT_EQ(*obsolete, std::vector<std::string>{unused});
}

TEST_F(GoldenWorkflowTest, ReferencesNeedADirectory) {
  EXPECT_THAT(ReadGoldenReferences(Settings(GoldenMode::kCompare)).status(),
              StatusIs(Status::Code::kInvalidArgument, HasSubstr("MEMDB_GOLDEN_REFERENCES_DIR")));
  EXPECT_THAT(CheckGolden(state_, "", Settings(GoldenMode::kCompare)).status(),
              StatusIs(Status::Code::kInvalidArgument, HasSubstr("empty golden path")));
}

}  // namespace
}  // namespace memdb
