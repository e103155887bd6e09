// Db and snapshots: export, preload, and golden bytes independent of the order of commits.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "memdb/db/db.h"
#include "memdb/io/sim_file_system.h"
#include "memdb/snapshot/snapshot.h"
#include "memdb/testing/status_matchers.h"
#include "snapshot_test_util.h"
#include "support/test_support.h"

namespace memdb {
namespace {

using ::memdb::testing::IsOk;
using ::memdb::testing::StatusIs;
using ::testing::HasSubstr;
using Code = Status::Code;

Db Build(const std::vector<std::pair<std::string, std::string>>& puts, size_t per_txn) {
  Db db = Db::Open({}).value();
  for (size_t i = 0; i < puts.size(); i += per_txn) {
    EXPECT_THAT(db.Update([&](KvTransaction& txn) {
      for (size_t j = i; j < std::min(puts.size(), i + per_txn); ++j) {
        if (Status s = txn.Put(puts[j].first, puts[j].second); !s.ok()) return s;
      }
      return Status::OK();
    }),
                IsOk());
  }
  return db;
}

TEST(DbSnapshotTest, EqualDatabasesBuiltInDifferentOrdersGiveIdenticalGoldenBytes) {
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE(test::SeedTrace(seed));
  Random rnd(seed);
  std::vector<std::pair<std::string, std::string>> puts;
  for (int i = 0; i < 300; ++i)
    puts.emplace_back(test::RandomBytes(rnd, false), test::RandomBytes(rnd));
  // The last write of a key wins; make the final state order-independent by deduplicating.
  std::sort(puts.begin(), puts.end());
  puts.erase(std::unique(puts.begin(), puts.end(),
                         [](const auto& a, const auto& b) { return a.first == b.first; }),
             puts.end());
  Db forward = Build(puts, 1);
  std::reverse(puts.begin(), puts.end());
  Db backward = Build(puts, 7);
  // A third database takes a detour: extra keys written and deleted again.
  Db detour = Build(puts, 50);
  ASSERT_THAT(detour.Put("zz-temporary", "x"), IsOk());
  ASSERT_THAT(detour.Delete("zz-temporary"), IsOk());

  const Snapshot a = forward.ExportSnapshot().value();
  const Snapshot b = backward.ExportSnapshot().value();
  const Snapshot c = detour.ExportSnapshot().value();
  EXPECT_NE(a.metadata.commit_timestamp, c.metadata.commit_timestamp);
  const std::string golden = SaveSnapshot(a, SnapshotFormat::kGolden).value();
  EXPECT_EQ(SaveSnapshot(b, SnapshotFormat::kGolden).value(), golden);
  EXPECT_EQ(SaveSnapshot(c, SnapshotFormat::kGolden).value(), golden);
  EXPECT_EQ(a.entries.size(), puts.size());
}

TEST(DbSnapshotTest, ExportRecordsTimestampOptionsAndVersion) {
  Options options;
  options.default_isolation = IsolationLevel::kSerializable;
  Db db = Db::Open(options).value();
  ASSERT_THAT(db.Put("k", "v"), IsOk());
  const Snapshot snap = db.ExportSnapshot().value();
  EXPECT_EQ(snap.metadata.commit_timestamp, db.GetStats().last_commit_timestamp);
  EXPECT_EQ(snap.metadata.key_count, 1u);
  EXPECT_EQ(snap.metadata.options.at("default_isolation"), "serializable");
  const Snapshot back =
      ParseSnapshot(SaveSnapshot(snap, SnapshotFormat::kBinary).value(), "x").value();
  EXPECT_FALSE(back.metadata.memdb_version.empty());
}

TEST(DbSnapshotTest, OpenFromSnapshotPreloadsEveryFormatAndAcceptsCommits) {
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE(test::SeedTrace(seed));
  Random rnd(seed);
  Snapshot snap = test::RandomSnapshot(rnd, 200);
  snap.entries["preloaded"] = std::string("\0\xff", 2);
  auto disk = std::make_shared<SimFileSystem>();
  Options options;
  options.file_system = disk;
  for (const SnapshotFormat format :
       {SnapshotFormat::kBinary, SnapshotFormat::kPortableBinary, SnapshotFormat::kJson,
        SnapshotFormat::kXml, SnapshotFormat::kGolden}) {
    SCOPED_TRACE(std::string(SnapshotFormatName(format)));
    const std::string path = "/fixtures/state." + std::string(SnapshotFormatName(format));
    ASSERT_THAT(disk->CreateDir("/fixtures"), IsOk());
    ASSERT_THAT(WriteSnapshotFile(*disk, path, snap, format), IsOk());
    Result<Db> db = Db::OpenFromSnapshot(path, options);
    ASSERT_TRUE(db.ok()) << db.status();
    const Snapshot loaded = db->ExportSnapshot().value();
    EXPECT_TRUE(loaded.SameEntries(snap));
    EXPECT_GE(loaded.metadata.commit_timestamp, 1u);
    // The preloaded state is committed: transactions read it and commit on top of it.
    EXPECT_EQ(db->Get("preloaded").value(), std::string("\0\xff", 2));
    ASSERT_THAT(db->Put("preloaded", "changed"), IsOk());
    EXPECT_EQ(db->Get("preloaded").value(), "changed");
  }
}

TEST(DbSnapshotTest, OpenFromSnapshotStreamAndEmptySnapshot) {
  Snapshot snap;
  snap.entries["a"] = "1";
  std::istringstream in(SaveSnapshot(snap, SnapshotFormat::kJson).value());
  Result<Db> db = Db::OpenFromSnapshot(in);
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_EQ(db->Get("a").value(), "1");
  Result<Db> empty = Db::OpenFromSnapshot(Snapshot{});
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->ExportSnapshot().value().entries.empty());
}

TEST(DbSnapshotTest, OpenFromSnapshotErrorsNameTheProblem) {
  Options durable;
  durable.path = "/db";
  EXPECT_THAT(Db::OpenFromSnapshot(Snapshot{}, durable).status(),
              StatusIs(Code::kInvalidArgument, HasSubstr("Options::path must be empty")));
  auto disk = std::make_shared<SimFileSystem>();
  Options options;
  options.file_system = disk;
  EXPECT_THAT(Db::OpenFromSnapshot(std::string("/missing.snap"), options).status(),
              StatusIs(Code::kNotFound));
  ASSERT_THAT(WriteFileAtomically(*disk, "/bad.golden", "{\"memdb_golden\":1,\"entries\":0}"),
              IsOk());
  EXPECT_THAT(Db::OpenFromSnapshot(std::string("/bad.golden"), options).status(),
              StatusIs(Code::kCorruption, HasSubstr("/bad.golden:1:31: missing newline")));
}

TEST(DbSnapshotTest, ExportOnMovedFromDbIsInvalidArgument) {
  Db db = Db::Open({}).value();
  Db other = std::move(db);
  EXPECT_THAT(db.ExportSnapshot().status(),
              StatusIs(Code::kInvalidArgument, HasSubstr("moved-from")));  // NOLINT
}

}  // namespace
}  // namespace memdb
