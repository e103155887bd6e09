// Durability on both file systems: reopen round trips, torn tails, corruption, checkpoints,
// recovery modes, sync failure.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include "db/durable_support.h"
#include "memdb/db/db.h"
#include "memdb/io/file_system.h"
#include "memdb/io/sim_file_system.h"
#include "memdb/testing/status_matchers.h"
#include "support/db_options.h"
#include "support/temp_dir.h"
#include "support/test_support.h"

namespace memdb::test {
namespace {

using ::memdb::testing::IsOk;
using ::memdb::testing::StatusIs;
using ::testing::HasSubstr;

enum class FsKind { kSim, kPosix };

std::string FsName(const ::testing::TestParamInfo<FsKind>& info) {
  return info.param == FsKind::kSim ? "Sim" : "Posix";
}

class DurabilityTest : public ::testing::TestWithParam<FsKind> {
 protected:
  void SetUp() override {
    if (GetParam() == FsKind::kSim) {
      sim_ = std::make_shared<SimFileSystem>();
      fs_ = sim_;
      dir_ = "db";
    } else {
      fs_ = PosixFileSystem();
      temp_.emplace();
      dir_ = temp_->Join("db");
    }
  }

  Options DurableOptions() const { return test::DurableOptions(fs_, dir_); }
  Db OpenOk(const Options& options) {
    Result<Db> db = Db::Open(options);
    EXPECT_THAT(db.status(), IsOk());
    return std::move(db).value();
  }
  std::string Segment(uint64_t n) const {
    char name[32];
    std::snprintf(name, sizeof(name), "wal-%06llu.log", static_cast<unsigned long long>(n));
    return JoinPath(dir_, name);
  }
  uint64_t Size(const std::string& path) { return fs_->FileSize(path).value(); }
  void Truncate(const std::string& path, uint64_t size) {
    if (sim_ != nullptr) {
      ASSERT_THAT(sim_->TruncateFile(path, size), IsOk());
    } else {
      std::filesystem::resize_file(path, size);
    }
  }
  void FlipBit(const std::string& path, uint64_t bit) {
    if (sim_ != nullptr) {
      ASSERT_THAT(sim_->FlipBit(path, bit), IsOk());
      return;
    }
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(static_cast<std::streamoff>(bit / 8));
    char c = 0;
    f.read(&c, 1);
    c = static_cast<char>(c ^ (1 << (bit % 8)));
    f.seekp(static_cast<std::streamoff>(bit / 8));
    f.write(&c, 1);
  }

  std::shared_ptr<SimFileSystem> sim_;
  std::shared_ptr<FileSystem> fs_;
  std::optional<TempDir> temp_;  // the real file system's directory, removed at the end
  std::string dir_;
};

TEST_P(DurabilityTest, NewDatabaseReportsNothingRecovered) {
  Db db = OpenOk(DurableOptions());
  EXPECT_FALSE(db.recovery_report().existing);
  EXPECT_THAT(db.Put("k", "v"), IsOk());
  EXPECT_THAT(db.WriteStatus(), IsOk());
}

TEST_P(DurabilityTest, ReopenRecoversRandomWorkload) {
  const uint64_t seed = TestSeed();
  SCOPED_TRACE(SeedTrace(seed));
  Random rng(seed);
  Options options = DurableOptions();
  options.wal_segment_bytes = 256 << 10;  // several segments
  State model;
  {
    Db db = OpenOk(options);
    for (int i = 0; i < 150; ++i) {
      TxnWrites txn = RandomTxn(rng, 300, 300, /*big_value=*/3 << 20);
      ASSERT_THAT(Commit(db, txn), IsOk());
      ApplyTo(txn, &model);
    }
    // One large transaction: many writes, and one value of several MiB.
    TxnWrites big;
    for (int i = 0; i < 3000; ++i) {
      big.writes.emplace_back("bulk" + std::to_string(100000 + i), std::string(i % 50, 'b'));
    }
    big.writes.emplace_back("huge", std::string(6 << 20, 'h'));
    ASSERT_THAT(Commit(db, big), IsOk());
    ApplyTo(big, &model);
    ASSERT_THAT(db.Delete("bulk100007"), IsOk());
    model.erase("bulk100007");
  }
  Db db = OpenOk(options);
  EXPECT_TRUE(db.recovery_report().existing);
  EXPECT_EQ(db.recovery_report().records_replayed, 152u) << db.recovery_report().ToString();
  EXPECT_GT(db.recovery_report().segments_replayed, 1u);
  EXPECT_EQ(db.recovery_report().torn_tail_bytes, 0u);
  EXPECT_TRUE(Dump(db) == model) << "recovered state differs from the committed one";
  // The recovered database keeps working and recovers again.
  ASSERT_THAT(db.Put("after", "reopen"), IsOk());
  model["after"] = "reopen";
  db = Db::Open({}).value();  // close before reopening: the directory is locked while open
  db = OpenOk(options);
  EXPECT_TRUE(Dump(db) == model);
}

TEST_P(DurabilityTest, TornTailAtEveryOffsetOfLastRecordIsDiscarded) {
  // The same deterministic workload, cut at each byte of its last record.
  auto run_workload = [&](uint64_t* last_start, uint64_t* last_end) {
    Db db = OpenOk(DurableOptions());
    for (int i = 0; i < 5; ++i) {
      ASSERT_THAT(db.Put("key" + std::to_string(i), std::string(10 + i, 'v')), IsOk());
    }
    *last_start = Size(Segment(1));
    ASSERT_THAT(db.Update([](KvTransaction& txn) {
      Status s = txn.Put("last-a", std::string(40, 'x'));
      return s.ok() ? txn.Delete("key0") : s;
    }),
                IsOk());
    *last_end = Size(Segment(1));
  };
  uint64_t start = 0;
  uint64_t end = 0;
  run_workload(&start, &end);
  ASSERT_GT(end, start);
  for (uint64_t cut = start; cut < end; ++cut) {
    SCOPED_TRACE("log cut at offset " + std::to_string(cut) + " (last record spans [" +
                 std::to_string(start) + ", " + std::to_string(end) + "))");
    if (GetParam() == FsKind::kSim) {
      sim_ = std::make_shared<SimFileSystem>();
      fs_ = sim_;
    } else {
      std::filesystem::remove_all(dir_);
    }
    uint64_t s = 0;
    uint64_t e = 0;
    run_workload(&s, &e);
    Truncate(Segment(1), cut);
    Db db = OpenOk(DurableOptions());
    const RecoveryReport& report = db.recovery_report();
    EXPECT_EQ(report.records_replayed, 5u) << report.ToString();
    EXPECT_EQ(report.torn_tail_bytes, cut - start) << report.ToString();
    EXPECT_TRUE(report.damage.empty()) << report.ToString();
    State expected;
    for (int i = 0; i < 5; ++i) expected["key" + std::to_string(i)] = std::string(10 + i, 'v');
    EXPECT_TRUE(Dump(db) == expected);
    // The torn bytes are never read again: a second recovery is clean.
    ASSERT_THAT(db.Put("more", "data"), IsOk());
    db = Db::Open({}).value();
    db = OpenOk(DurableOptions());
    EXPECT_EQ(db.recovery_report().torn_tail_bytes, 0u) << db.recovery_report().ToString();
    expected["more"] = "data";
    EXPECT_TRUE(Dump(db) == expected);
  }
}

TEST_P(DurabilityTest, FlippedBitBeforeTailIsCorruptionNamingFileAndOffset) {
  std::vector<uint64_t> starts;
  {
    Db db = OpenOk(DurableOptions());
    for (int i = 0; i < 10; ++i) {
      starts.push_back(Size(Segment(1)));
      ASSERT_THAT(db.Put("key" + std::to_string(i), "value" + std::to_string(i)), IsOk());
    }
  }
  FlipBit(Segment(1), (starts[3] + 12) * 8 + 5);  // inside the payload of record 3
  const std::string where = "wal-000001.log at offset " + std::to_string(starts[3]);
  for (RecoveryMode mode : {RecoveryMode::kTolerateTornTail, RecoveryMode::kAbsoluteConsistency}) {
    Options options = DurableOptions();
    options.recovery_mode = mode;
    Result<Db> db = Db::Open(options);
    EXPECT_THAT(db.status(), StatusIs(Status::Code::kCorruption, HasSubstr(where)));
  }
  // Point-in-time keeps the prefix before the damage.
  Options options = DurableOptions();
  options.recovery_mode = RecoveryMode::kPointInTime;
  Db db = OpenOk(options);
  State expected;
  for (int i = 0; i < 3; ++i) expected["key" + std::to_string(i)] = "value" + std::to_string(i);
  EXPECT_TRUE(Dump(db) == expected);
  ASSERT_EQ(db.recovery_report().damage.size(), 1u);
  EXPECT_NE(db.recovery_report().damage[0].find(where), std::string::npos)
      << db.recovery_report().damage[0];
  EXPECT_TRUE(fs_->FileExists(Segment(1) + ".damaged"));
  // New commits after a point-in-time recovery survive the next one.
  ASSERT_THAT(db.Put("new", "1"), IsOk());
  expected["new"] = "1";
  db = Db::Open({}).value();
  db = OpenOk(DurableOptions());
  EXPECT_TRUE(Dump(db) == expected);
}

TEST_P(DurabilityTest, DamageInRecordsNeverSyncedIsATornTailEvenWithIntactRecordsAfter) {
  // A crash may lose or reorder writes that were never synced, leaving a hole before intact
  // records. Records carry how much of the segment was synced when they were appended, so
  // recovery tells such a hole (a tail) from damage to synced bytes (corruption).
  Options options = DurableOptions();
  options.sync_mode = SyncMode::kInterval;
  options.sync_interval_ms = 3600 * 1000;  // no sync until Close
  std::vector<uint64_t> starts;
  {
    Db db = OpenOk(options);
    for (int i = 0; i < 6; ++i) {
      starts.push_back(Size(Segment(1)));
      ASSERT_THAT(db.Put("key" + std::to_string(i), "value" + std::to_string(i)), IsOk());
    }
  }
  FlipBit(Segment(1), (starts[2] + 12) * 8);
  Db db = OpenOk(DurableOptions());
  const RecoveryReport& report = db.recovery_report();
  EXPECT_TRUE(report.damage.empty()) << report.ToString();
  EXPECT_EQ(report.torn_tail_offset, starts[2]) << report.ToString();
  EXPECT_EQ(report.records_replayed, 2u) << report.ToString();
  EXPECT_TRUE(Dump(db) == (State{{"key0", "value0"}, {"key1", "value1"}}));
}

TEST_P(DurabilityTest, TornTailIsCorruptionUnderAbsoluteConsistency) {
  uint64_t end = 0;
  {
    Db db = OpenOk(DurableOptions());
    ASSERT_THAT(db.Put("a", "1"), IsOk());
    ASSERT_THAT(db.Put("b", "2"), IsOk());
    end = Size(Segment(1));
  }
  Truncate(Segment(1), end - 3);
  Options options = DurableOptions();
  options.recovery_mode = RecoveryMode::kAbsoluteConsistency;
  EXPECT_THAT(Db::Open(options).status(),
              StatusIs(Status::Code::kCorruption, HasSubstr("wal-000001.log")));
  // Nothing was changed: the default mode still recovers the prefix.
  Db db = OpenOk(DurableOptions());
  EXPECT_TRUE(Dump(db) == (State{{"a", "1"}}));
}

TEST_P(DurabilityTest, CheckpointPlusLogReplayEqualsCommittedState) {
  const uint64_t seed = TestSeed();
  SCOPED_TRACE(SeedTrace(seed));
  Random rng(seed);
  State model;
  {
    Db db = OpenOk(DurableOptions());
    for (int i = 0; i < 60; ++i) {
      TxnWrites txn = RandomTxn(rng, 100, 100, 0);
      ASSERT_THAT(Commit(db, txn), IsOk());
      ApplyTo(txn, &model);
    }
    ASSERT_THAT(db.Checkpoint(), IsOk());
    for (int i = 0; i < 25; ++i) {
      TxnWrites txn = RandomTxn(rng, 100, 100, 0);
      ASSERT_THAT(Commit(db, txn), IsOk());
      ApplyTo(txn, &model);
    }
    EXPECT_EQ(db.GetStats().checkpoints, 1u);
    EXPECT_FALSE(fs_->FileExists(Segment(1))) << "the checkpoint should have removed segment 1";
    if (sim_ != nullptr) sim_->Crash();  // the removal may be undone: recovery ignores it
  }
  Db db = OpenOk(DurableOptions());
  const RecoveryReport& report = db.recovery_report();
  EXPECT_EQ(report.checkpoint_timestamp, 60u) << report.ToString();
  EXPECT_EQ(report.records_replayed, 25u) << report.ToString();
  EXPECT_TRUE(Dump(db) == model);
}

TEST_P(DurabilityTest, AutomaticCheckpointsBoundTheLog) {
  Options options = DurableOptions();
  options.checkpoint_log_bytes = 32 << 10;
  options.wal_segment_bytes = 16 << 10;
  State model;
  {
    Db db = OpenOk(options);
    for (int i = 0; i < 400; ++i) {
      const std::string key = "key" + std::to_string(i % 50);
      const std::string value(200, static_cast<char>('a' + i % 26));
      ASSERT_THAT(db.Put(key, value), IsOk());
      model[key] = value;
    }
    EXPECT_GE(db.GetStats().checkpoints, 2u);
    size_t segments = 0;
    const std::vector<std::string> names = fs_->ListDir(dir_).value();
    for (const std::string& name : names) {
      segments += name.ends_with(".log");
    }
    EXPECT_LE(segments, 5u);
  }
  Db db = OpenOk(options);
  EXPECT_FALSE(db.recovery_report().checkpoint.empty());
  EXPECT_TRUE(Dump(db) == model);
}

TEST_P(DurabilityTest, DamagedCheckpointIsAnErrorWhenTheLogNoLongerReachesBack) {
  {
    Db db = OpenOk(DurableOptions());
    ASSERT_THAT(db.Put("a", std::string(100, 'a')), IsOk());
    ASSERT_THAT(db.Checkpoint(), IsOk());
    ASSERT_THAT(db.Put("b", "2"), IsOk());
  }
  std::string checkpoint;
  const std::vector<std::string> names = fs_->ListDir(dir_).value();
  for (const std::string& name : names) {
    if (name.ends_with(".ckpt")) checkpoint = JoinPath(dir_, name);
  }
  ASSERT_FALSE(checkpoint.empty());
  FlipBit(checkpoint, (Size(checkpoint) - 20) * 8);
  Result<Db> db = Db::Open(DurableOptions());
  EXPECT_THAT(db.status(), StatusIs(Status::Code::kCorruption, HasSubstr("checkpoint-")));
}

TEST_P(DurabilityTest, SecondOpenOfTheSameDirectoryIsBusy) {
  Db db = OpenOk(DurableOptions());
  EXPECT_THAT(Db::Open(DurableOptions()).status(),
              StatusIs(Status::Code::kBusy, HasSubstr("locked")));
}

TEST_P(DurabilityTest, MissingDirectoryWithoutCreateIsNotFound) {
  Options options = DurableOptions();
  options.create_if_missing = false;
  EXPECT_THAT(Db::Open(options).status(), StatusIs(Status::Code::kNotFound, HasSubstr(dir_)));
}

TEST_P(DurabilityTest, InMemoryDatabaseCannotCheckpoint) {
  Db db = Db::Open({}).value();
  EXPECT_THAT(db.Checkpoint(), StatusIs(Status::Code::kNotSupported, HasSubstr("Options::path")));
  EXPECT_THAT(db.SyncLog(), IsOk());
}

INSTANTIATE_TEST_SUITE_P(FileSystems, DurabilityTest,
                         ::testing::Values(FsKind::kSim, FsKind::kPosix), FsName);

}  // namespace
}  // namespace memdb::test
