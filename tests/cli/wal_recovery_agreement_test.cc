// `memdb wal check` and Db::Open read a damaged log alike: both go through db::LogScanner, and
// this test holds them to it. Each seed writes a log over several segments, damages it -- a
// crash that keeps a seeded part of the unsynced bytes, or damage at rest (bit flips, a
// truncation, overwritten bytes) -- then runs the check (cli::InspectWal, what `wal check`
// runs) and recovers a copy of the disk under each RecoveryMode. What the check reports must
// predict what recovery does: nothing (intact), a torn tail discarded at the same file and
// offset, or corruption at the same file and offset (an error, or a point-in-time stop). A
// sample of the seeds also runs `memdb wal check` on a real copy of the files.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "cli/wal_inspector.h"
#include "cli_test_support.h"
#include "memdb/db/db.h"
#include "memdb/fault/crash_model.h"
#include "memdb/fault/fault_plan.h"
#include "memdb/fault/faulty_file_system.h"
#include "memdb/io/sim_file_system.h"
#include "memdb/util/random.h"
#include "memdb/testing/status_matchers.h"
#include "support/test_support.h"

namespace memdb::test {
namespace {

using ::memdb::testing::IsOk;

constexpr char kDir[] = "db";

Options SimOptions(std::shared_ptr<FileSystem> fs) {
  Options options;
  options.path = kDir;
  options.file_system = std::move(fs);
  return options;
}

// What recovery under `mode` must do with a log the check summarised as `segments`.
struct Expected {
  enum class Outcome { kIntact, kTornTail, kCorruption } outcome = Outcome::kIntact;
  std::string file;  // as the check names it: "db/wal-000002.log"
  uint64_t offset = 0;
  uint64_t torn_bytes = 0;
};

Expected Predict(const std::vector<cli::WalSegmentSummary>& segments, RecoveryMode mode) {
  Expected e;
  for (size_t i = 0; i < segments.size(); ++i) {
    if (segments[i].damages.empty()) continue;
    // Recovery stops at the first damage; it is a torn tail when it lies in the last segment
    // in bytes no later record says were synced, and recovery tolerates torn tails.
    const cli::WalDamage& d = segments[i].damages.front();
    e.file = d.file;
    const bool torn = d.kind == cli::WalDamage::Kind::kTornTail || d.in_unsynced_bytes;
    if (torn && mode != RecoveryMode::kAbsoluteConsistency) {
      e.outcome = Expected::Outcome::kTornTail;
      e.offset = d.valid_end;
      e.torn_bytes = segments[i].size - d.valid_end;
    } else {
      e.outcome = Expected::Outcome::kCorruption;
      e.offset = d.offset;
    }
    return e;
  }
  return e;
}

// Commits random small transactions; segments roll often so damage lands in any of them.
void WriteLog(const std::shared_ptr<FileSystem>& fs, Random& rng, SyncMode sync_mode) {
  Options options = SimOptions(fs);
  options.wal_segment_bytes = 256 + rng.Uniform(1024);
  options.checkpoint_log_bytes = 0;
  options.sync_mode = sync_mode;
  options.sync_interval_ms = 1000000;
  Result<Db> opened = Db::Open(options);
  if (!opened.ok()) return;  // a crash hit Open itself
  Db db = std::move(opened).value();
  for (int t = 0; t < 30; ++t) {
    const std::string key = "k" + std::to_string(rng.Uniform(12));
    const std::string value(1 + rng.Uniform(90), static_cast<char>('a' + rng.Uniform(26)));
    Status s = rng.Bernoulli(0.2) ? db.Delete(key) : db.Put(key, value);
    if (!s.ok()) return;  // the simulated machine is down
  }
}

// A crash at a random storage operation, keeping a seeded part of the unsynced bytes.
std::shared_ptr<SimFileSystem> CrashedDisk(Random& rng, std::string* how) {
  auto fs = std::make_shared<FaultyFileSystem>();
  fs->SetPlan(FaultPlan().CrashAtOp(StorageOp::kAny, 20 + rng.Uniform(150)));
  WriteLog(fs, rng, rng.Bernoulli(0.5) ? SyncMode::kAlways : SyncMode::kNone);
  CrashModel model;
  switch (rng.Uniform(4)) {
    case 0:
      model.kind = CrashModel::Kind::kIndependentSectors;
      break;
    case 1:
      model.kind = CrashModel::Kind::kTornLastWrite;
      model.keep = rng.Uniform(3);
      break;
    case 2:
      model.kind = CrashModel::Kind::kKeepUnsynced;
      break;
    default:
      model.kind = CrashModel::Kind::kReorderedWrites;
      model.random_subset = true;
  }
  model.sector_size = 64;
  model.fill = static_cast<CrashModel::Fill>(rng.Uniform(3));
  model.seed = rng.Next();
  *how = "crash, then " + model.Name();
  fs->Restart(model);
  return fs->shared_disk();
}

// Damage at rest in a random segment of an intact log.
std::shared_ptr<SimFileSystem> DamagedDisk(Random& rng, std::string* how) {
  auto sim = std::make_shared<SimFileSystem>();
  WriteLog(sim, rng, SyncMode::kAlways);
  std::vector<std::string> segments;
  for (const std::string& path : sim->AllFiles()) {
    if (path.ends_with(".log")) segments.push_back(path);
  }
  if (segments.empty()) return sim;
  const std::string victim = segments[rng.Uniform(segments.size())];
  const uint64_t size = sim->FileSize(victim).value();
  if (size == 0) return sim;
  switch (rng.Uniform(3)) {
    case 0: {
      const int flips = 1 + static_cast<int>(rng.Uniform(3));
      for (int f = 0; f < flips; ++f) sim->FlipBit(victim, rng.Uniform(size * 8)).IgnoreError();
      *how = std::to_string(flips) + " bit flip(s) in " + victim;
      break;
    }
    case 1: {
      const uint64_t keep = rng.Uniform(size);
      sim->TruncateFile(victim, keep).IgnoreError();
      *how = victim + " truncated to " + std::to_string(keep) + " bytes";
      break;
    }
    default: {
      // A run of one byte value: zeros (a lost sector) or anything else.
      const uint64_t at = rng.Uniform(size);
      const char fill = rng.Bernoulli(0.5) ? '\0' : static_cast<char>(rng.Next());
      const std::string run(std::min<uint64_t>(size - at, 1 + rng.Uniform(48)), fill);
      sim->WriteAt(victim, at, run).IgnoreError();
      *how = std::to_string(run.size()) + " bytes overwritten in " + victim + " at " +
             std::to_string(at);
    }
  }
  return sim;
}

// Recovers a copy of `disk` under `mode` and checks it against the prediction.
void ExpectRecoveryAgrees(const SimFileSystem& disk, RecoveryMode mode, const Expected& e) {
  SCOPED_TRACE("recovery mode " + std::string(RecoveryModeName(mode)));
  Options options = SimOptions(disk.Clone());
  options.recovery_mode = mode;
  Result<Db> db = Db::Open(options);
  const std::string where = e.file + " at offset " + std::to_string(e.offset) + ": ";
  switch (e.outcome) {
    case Expected::Outcome::kIntact:
      ASSERT_THAT(db.status(), IsOk());
      EXPECT_EQ(db->recovery_report().torn_tail_bytes, 0u);
      EXPECT_TRUE(db->recovery_report().damage.empty()) << db->recovery_report().ToString();
      return;
    case Expected::Outcome::kTornTail: {
      ASSERT_THAT(db.status(), IsOk());
      const RecoveryReport& report = db->recovery_report();
      EXPECT_EQ(JoinPath(kDir, report.torn_tail_file), e.file) << report.ToString();
      EXPECT_EQ(report.torn_tail_offset, e.offset) << report.ToString();
      EXPECT_EQ(report.torn_tail_bytes, e.torn_bytes) << report.ToString();
      EXPECT_TRUE(report.damage.empty()) << report.ToString();
      return;
    }
    case Expected::Outcome::kCorruption:
      if (mode == RecoveryMode::kPointInTime) {
        ASSERT_THAT(db.status(), IsOk());
        const RecoveryReport& report = db->recovery_report();
        ASSERT_EQ(report.damage.size(), 1u) << report.ToString();
        EXPECT_TRUE(report.damage[0].starts_with(where)) << report.ToString();
        EXPECT_EQ(report.torn_tail_bytes, 0u) << report.ToString();
      } else {
        ASSERT_TRUE(db.status().IsCorruption()) << db.status();
        EXPECT_TRUE(db.status().message().starts_with(where)) << db.status();
      }
      return;
  }
}

// `memdb wal check DIR` itself, on a copy of the disk's files in a real directory: the exit
// status of the verdict InspectWal gave, and the first damage at the same file and offset.
void ExpectCommandAgrees(SimFileSystem& disk, const std::vector<cli::WalSegmentSummary>& checked) {
  cli::test::ScratchDir scratch;
  const std::string dir = scratch.Join(kDir);
  std::filesystem::create_directories(dir);
  for (const std::string& path : disk.AllFiles()) {
    std::string bytes;
    ASSERT_THAT(disk.ReadFile(path, &bytes), IsOk());
    cli::test::WriteAll(JoinPath(scratch.path(), path), bytes);
  }
  const cli::test::CliRun run = cli::test::RunMemdb({"wal", "check", dir});
  switch (cli::OverallVerdict(checked)) {
    case cli::WalVerdict::kIntact:
      EXPECT_EQ(run.code, cli::kExitOk) << run.out << run.err;
      return;
    case cli::WalVerdict::kTornTail:
      EXPECT_EQ(run.code, cli::kExitTornTail) << run.out << run.err;
      break;
    case cli::WalVerdict::kCorrupt:
      EXPECT_EQ(run.code, cli::kExitFailed) << run.out << run.err;
      break;
  }
  for (const cli::WalSegmentSummary& segment : checked) {
    if (segment.damages.empty()) continue;
    const cli::WalDamage& d = segment.damages.front();
    const std::string line =
        (d.kind == cli::WalDamage::Kind::kTornTail ? "TORN TAIL" : "CORRUPTION") +
        std::string(" at offset ") + std::to_string(d.offset) + ": ";
    const size_t file_at = run.out.find(JoinPath(scratch.path(), segment.file) + ": ");
    ASSERT_NE(file_at, std::string::npos) << run.out;
    EXPECT_NE(run.out.find(line, file_at), std::string::npos) << line << "\n" << run.out;
    return;
  }
}

TEST(WalCheckAndRecovery, AgreeOnEveryDamagedLog) {
  const uint64_t base = TestSeed();
  // MEMDB_SEED replays exactly one seed; otherwise 400 consecutive ones.
  const int seeds = std::getenv("MEMDB_SEED") != nullptr ? 1 : 400;
  int torn = 0, corrupt = 0;
  for (int i = 0; i < seeds && !::testing::Test::HasFailure(); ++i) {
    const uint64_t seed = base + static_cast<uint64_t>(i);
    SCOPED_TRACE(SeedTrace(seed));
    Random rng(seed);
    std::string how;
    const std::shared_ptr<SimFileSystem> disk =
        rng.Bernoulli(0.5) ? CrashedDisk(rng, &how) : DamagedDisk(rng, &how);
    SCOPED_TRACE(how);
    Result<std::vector<std::string>> files = cli::WalFilesAt(*disk, kDir);
    if (!files.ok()) continue;  // the crash came before the first segment
    Result<std::vector<cli::WalSegmentSummary>> checked = cli::InspectWal(*disk, *files, {});
    ASSERT_THAT(checked.status(), IsOk());
    for (RecoveryMode mode : {RecoveryMode::kTolerateTornTail, RecoveryMode::kAbsoluteConsistency,
                              RecoveryMode::kPointInTime}) {
      const Expected e = Predict(*checked, mode);
      if (mode == RecoveryMode::kTolerateTornTail) {
        torn += e.outcome == Expected::Outcome::kTornTail;
        corrupt += e.outcome == Expected::Outcome::kCorruption;
      }
      ExpectRecoveryAgrees(*disk, mode, e);
    }
    // The command on real files too, for a sample of the seeds (it costs real I/O).
    if (i % 8 == 0) ExpectCommandAgrees(*disk, *checked);
  }
  // The campaign exercised both kinds of damage (it cannot pass vacuously on intact logs).
  if (seeds > 1) {
    EXPECT_GT(torn, 0);
    EXPECT_GT(corrupt, 0);
  }
}

}  // namespace
}  // namespace memdb::test
