// Crash models (docs/fault-model.md): the exact bytes each kind leaves of small hand-built files,
// names and their parsing, the variants an explorer enumerates, and crashing a real
// SimFileSystem under a model.
#include "memdb/fault/crash_model.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "memdb/testing/status_matchers.h"
#include "support/test_support.h"

namespace memdb {
namespace {

using ::memdb::test::Show;
using ::memdb::testing::IsOk;
using ::memdb::testing::StatusIs;
using ::testing::HasSubstr;
using Code = Status::Code;
using FileState = SimFileSystem::FileState;
using Kind = CrashModel::Kind;
using Fill = CrashModel::Fill;

// A file whose synced content is `durable`, then (after a NewWritableFile truncation when
// `truncated`) the unsynced `appends`, in order.
FileState Appended(const std::string& durable, const std::vector<std::string>& appends,
                   bool truncated = false) {
  FileState f;
  f.durable = durable;
  f.truncated = truncated;
  f.current = truncated ? "" : durable;
  for (const std::string& a : appends) {
    f.unsynced.push_back({f.current.size(), a.size()});
    f.current += a;
  }
  return f;
}

CrashModel Model(Kind kind, uint64_t keep = 0, uint32_t sector_size = 512, Fill fill = Fill::kZeros,
                 uint64_t seed = 0) {
  CrashModel m;
  m.kind = kind;
  m.keep = keep;
  m.sector_size = sector_size;
  m.fill = fill;
  m.seed = seed;
  return m;
}

std::string Z(size_t n) { return std::string(n, '\0'); }

// Durable "AAAA", then two unsynced appends: "BBBBBB" at 4 and "CCCCCC" at 10.
FileState TwoAppends() { return Appended("AAAA", {"BBBBBB", "CCCCCC"}); }

#define EXPECT_BYTES(actual, expected) EXPECT_EQ(Show(actual), Show(expected))

// ---- Each kind on hand-built files ---------------------------------------------------------

TEST(CrashModelTest, DropUnsyncedKeepsOnlyTheSyncedBytes) {
  EXPECT_BYTES(ApplyCrashModel(TwoAppends(), Model(Kind::kDropUnsynced)), "AAAA");
}

TEST(CrashModelTest, KeepUnsyncedKeepsEverythingWritten) {
  EXPECT_BYTES(ApplyCrashModel(TwoAppends(), Model(Kind::kKeepUnsynced)), "AAAABBBBBBCCCCCC");
}

TEST(CrashModelTest, BytePrefixKeepsUnsyncedBytesInWriteOrder) {
  const FileState f = TwoAppends();
  EXPECT_BYTES(ApplyCrashModel(f, Model(Kind::kBytePrefix, 0)), "AAAA");
  EXPECT_BYTES(ApplyCrashModel(f, Model(Kind::kBytePrefix, 3)), "AAAABBB");
  EXPECT_BYTES(ApplyCrashModel(f, Model(Kind::kBytePrefix, 6)), "AAAABBBBBB");
  EXPECT_BYTES(ApplyCrashModel(f, Model(Kind::kBytePrefix, 8)), "AAAABBBBBBCC");
}

TEST(CrashModelTest, KeepBeyondTheEndKeepsEverything) {
  const FileState f = TwoAppends();
  EXPECT_BYTES(ApplyCrashModel(f, Model(Kind::kBytePrefix, 1000)), f.current);
  EXPECT_BYTES(ApplyCrashModel(f, Model(Kind::kSectorPrefix, 1000, 4)), f.current);
  EXPECT_BYTES(ApplyCrashModel(f, Model(Kind::kTornLastWrite, 1000, 4)), f.current);
  CrashModel omit_none = Model(Kind::kReorderedWrites, 2);  // there are writes 0 and 1 only
  EXPECT_BYTES(ApplyCrashModel(f, omit_none), f.current);
}

TEST(CrashModelTest, SectorPrefixAlignsSectorsToTheFileOffsetNotTheWrite) {
  // The append starts mid-sector: with 4-byte sectors its first sector is bytes 4..7, of
  // which it wrote 6 and 7.
  const FileState f = Appended("AAAAAA", {"BBBBBBBB"});
  EXPECT_BYTES(ApplyCrashModel(f, Model(Kind::kSectorPrefix, 0, 4)), "AAAAAA");
  EXPECT_BYTES(ApplyCrashModel(f, Model(Kind::kSectorPrefix, 1, 4)), "AAAAAABB");
  EXPECT_BYTES(ApplyCrashModel(f, Model(Kind::kSectorPrefix, 2, 4)), "AAAAAABBBBBB");
  EXPECT_BYTES(ApplyCrashModel(f, Model(Kind::kSectorPrefix, 3, 4)), "AAAAAABBBBBBBB");
  // 8-byte sectors: bytes 0..7 and 8..15.
  EXPECT_BYTES(ApplyCrashModel(f, Model(Kind::kSectorPrefix, 1, 8)), "AAAAAABB");
}

TEST(CrashModelTest, SectorPrefixCountsASectorTwoWritesShareOnce) {
  // Both 2-byte appends fall in sector 1 (bytes 4..7).
  const FileState f = Appended("AAAA", {"BB", "bb", "CCCC"});
  EXPECT_BYTES(ApplyCrashModel(f, Model(Kind::kSectorPrefix, 1, 4)), "AAAABBbb");
  EXPECT_BYTES(ApplyCrashModel(f, Model(Kind::kSectorPrefix, 2, 4)), "AAAABBbbCCCC");
}

TEST(CrashModelTest, TornLastWriteKeepsEarlierWritesAndTearsOneSectorOfTheLast) {
  // The last write, "CCCCCC" at 10, touches sectors 10..11 and 12..15 of 4 bytes.
  const FileState f = TwoAppends();
  EXPECT_BYTES(ApplyCrashModel(f, Model(Kind::kTornLastWrite, 0, 4)), "AAAABBBBBB" + Z(2));
  EXPECT_BYTES(ApplyCrashModel(f, Model(Kind::kTornLastWrite, 1, 4)), "AAAABBBBBBCC" + Z(4));
  EXPECT_BYTES(ApplyCrashModel(f, Model(Kind::kTornLastWrite, 2, 4)), f.current);
}

TEST(CrashModelTest, TornSectorKeepsTheBytesBeforeTheWriteInThatSector) {
  // Powersafe overwrite: tearing sector 8..11 spoils only the last write's bytes 10 and 11.
  const FileState f = TwoAppends();
  EXPECT_BYTES(ApplyCrashModel(f, Model(Kind::kTornLastWrite, 0, 8)), "AAAABBBBBB" + Z(6));
}

TEST(CrashModelTest, StaleFillPastTheDurableBytesReadsAsZeros) {
  const FileState f = TwoAppends();
  EXPECT_BYTES(ApplyCrashModel(f, Model(Kind::kTornLastWrite, 1, 4, Fill::kStale)),
               "AAAABBBBBBCC" + Z(4));
}

TEST(CrashModelTest, GarbageFillIsNeitherZerosNorTheWrittenBytes) {
  const FileState f = TwoAppends();
  const std::string out = ApplyCrashModel(f, Model(Kind::kTornLastWrite, 1, 4, Fill::kGarbage, 7));
  ASSERT_EQ(out.size(), 16u) << Show(out);
  EXPECT_BYTES(out.substr(0, 12), "AAAABBBBBBCC");
  EXPECT_NE(out.substr(12), Z(4)) << Show(out);
  EXPECT_NE(out.substr(12), "CCCC") << Show(out);
}

TEST(CrashModelTest, TruncatedFileTornSectorReadsTheOldContentUnderStaleFill) {
  const FileState f = Appended("OLDOLDOLDOLD", {"NNNNNN"}, /*truncated=*/true);
  EXPECT_BYTES(ApplyCrashModel(f, Model(Kind::kTornLastWrite, 1, 4, Fill::kStale)), "NNNNLD");
  EXPECT_BYTES(ApplyCrashModel(f, Model(Kind::kTornLastWrite, 1, 4, Fill::kZeros)), "NNNN" + Z(2));
}

TEST(CrashModelTest, TruncationSurvivesOnlyWithSomethingWrittenAfterIt) {
  const FileState f = Appended("OLDOLDOLDOLD", {"NNNNNN"}, /*truncated=*/true);
  EXPECT_BYTES(ApplyCrashModel(f, Model(Kind::kDropUnsynced)), "OLDOLDOLDOLD");
  EXPECT_BYTES(ApplyCrashModel(f, Model(Kind::kBytePrefix, 0)), "OLDOLDOLDOLD");
  EXPECT_BYTES(ApplyCrashModel(f, Model(Kind::kReorderedWrites, 0)), "OLDOLDOLDOLD");
  EXPECT_BYTES(ApplyCrashModel(f, Model(Kind::kBytePrefix, 2)), "NN");
  EXPECT_BYTES(ApplyCrashModel(f, Model(Kind::kKeepUnsynced)), "NNNNNN");
}

TEST(CrashModelTest, BareTruncationSurvivesOnlyUnderKeepUnsynced) {
  const FileState f = Appended("OLD", {}, /*truncated=*/true);
  EXPECT_BYTES(ApplyCrashModel(f, Model(Kind::kKeepUnsynced)), "");
  EXPECT_BYTES(ApplyCrashModel(f, Model(Kind::kDropUnsynced)), "OLD");
  EXPECT_BYTES(ApplyCrashModel(f, Model(Kind::kBytePrefix, 5)), "OLD");
}

TEST(CrashModelTest, ReorderedWritesOmitOneLosesExactlyThatWrite) {
  const FileState f = Appended("AAAA", {"BB", "CC", "DD"});
  EXPECT_BYTES(ApplyCrashModel(f, Model(Kind::kReorderedWrites, 0)), "AAAA" + Z(2) + "CCDD");
  EXPECT_BYTES(ApplyCrashModel(f, Model(Kind::kReorderedWrites, 1)), "AAAABB" + Z(2) + "DD");
  EXPECT_BYTES(ApplyCrashModel(f, Model(Kind::kReorderedWrites, 2)), "AAAABBCC");
  EXPECT_BYTES(ApplyCrashModel(f, Model(Kind::kReorderedWrites, 0, 512, Fill::kStale)),
               "AAAA" + Z(2) + "CCDD");
}

TEST(CrashModelTest, HoleInATruncatedFileReadsTheOldContentUnderStaleFill) {
  const FileState f = Appended("XXXXXXXXXX", {"BB", "CC", "DD"}, /*truncated=*/true);
  EXPECT_BYTES(ApplyCrashModel(f, Model(Kind::kReorderedWrites, 0, 512, Fill::kStale)), "XXCCDD");
  EXPECT_BYTES(ApplyCrashModel(f, Model(Kind::kReorderedWrites, 1, 512, Fill::kZeros)),
               "BB" + Z(2) + "DD");
}

TEST(CrashModelTest, ReorderedRandomSubsetKeepsWholeWritesOrNothingOfThem) {
  const FileState f = Appended("", {"BBB", "CCC", "DDD", "EEE"});
  std::set<std::string> seen;
  for (uint64_t seed = 0; seed < 32; ++seed) {
    CrashModel m = Model(Kind::kReorderedWrites, 0, 512, Fill::kZeros, seed);
    m.random_subset = true;
    const std::string out = ApplyCrashModel(f, m);
    ASSERT_EQ(out.size() % 3, 0u) << Show(out);
    for (size_t w = 0; w * 3 < out.size(); ++w) {
      const std::string part = out.substr(w * 3, 3);
      EXPECT_TRUE(part == f.current.substr(w * 3, 3) || part == Z(3)) << Show(out);
    }
    seen.insert(out);
  }
  EXPECT_GE(seen.size(), 4u);  // 16 subsets possible; 32 seeds reach several of them
}

TEST(CrashModelTest, IndependentSectorsLeaveHolesThatReadPerFill) {
  // Four 4-byte sectors, none synced; the old content comes back in holes under stale fill.
  const FileState f = Appended("oooooooooooooooo", {"BBBBCCCCDDDDEEEE"}, /*truncated=*/true);
  for (Fill fill : {Fill::kZeros, Fill::kStale}) {
    bool hole = false;
    for (uint64_t seed = 0; seed < 64; ++seed) {
      const std::string out =
          ApplyCrashModel(f, Model(Kind::kIndependentSectors, 0, 4, fill, seed));
      if (out == f.durable) continue;  // no sector survived, so neither did the truncation
      ASSERT_EQ(out.size() % 4, 0u) << Show(out);
      bool lost_before = false;
      for (size_t s = 0; s * 4 < out.size(); ++s) {
        const std::string sector = out.substr(s * 4, 4);
        const std::string lost = fill == Fill::kZeros ? Z(4) : "oooo";
        if (sector == lost) {
          lost_before = true;
        } else {
          EXPECT_BYTES(sector, f.current.substr(s * 4, 4));
          hole = hole || lost_before;
        }
      }
      // The file ends with its last surviving sector.
      ASSERT_FALSE(out.empty());
      EXPECT_BYTES(out.substr(out.size() - 4), f.current.substr(out.size() - 4, 4));
    }
    EXPECT_TRUE(hole) << "no seed in 0..63 left a lost sector before a surviving one";
  }
}

TEST(CrashModelTest, SeededModelsAreDeterministicAndDependOnTheSeed) {
  const FileState f = Appended("AAAA", {std::string(40, 'B'), std::string(40, 'C'), "DDDD"});
  std::vector<CrashModel> models = {
      Model(Kind::kIndependentSectors, 0, 4),
      Model(Kind::kIndependentSectors, 0, 4, Fill::kGarbage),
      Model(Kind::kTornLastWrite, 0, 4, Fill::kGarbage),
      Model(Kind::kReorderedWrites, 1, 512, Fill::kGarbage),
  };
  models.push_back(Model(Kind::kReorderedWrites));
  models.back().random_subset = true;
  for (CrashModel m : models) {
    SCOPED_TRACE(m.Name());
    std::set<std::string> distinct;
    for (uint64_t seed = 1; seed <= 8; ++seed) {
      m.seed = seed;
      const std::string first = ApplyCrashModel(f, m);
      EXPECT_EQ(ApplyCrashModel(f, m), first);
      distinct.insert(first);
    }
    EXPECT_GE(distinct.size(), 2u);
  }
}

TEST(CrashModelTest, UnsyncedWritesPastTheCurrentBytesAreClipped) {
  FileState f = Appended("AAAA", {"BBBB"});
  f.unsynced.push_back({6, 100});  // claims bytes the file does not have
  f.unsynced.push_back({50, 10});
  EXPECT_BYTES(ApplyCrashModel(f, Model(Kind::kBytePrefix, 1000)), "AAAABBBB");
  EXPECT_LE(ApplyCrashModel(f, Model(Kind::kIndependentSectors, 0, 1, Fill::kZeros, 3)).size(), 8u);
}

// ---- Names ---------------------------------------------------------------------------------

TEST(CrashModelNameTest, NamesEveryKindStably) {
  CrashModel dirs = Model(Kind::kDropUnsynced);
  dirs.keep_directory_ops = true;
  CrashModel random = Model(Kind::kReorderedWrites, 0, 512, Fill::kZeros, 3);
  random.random_subset = true;
  const std::vector<std::pair<CrashModel, std::string>> cases = {
      {Model(Kind::kDropUnsynced), "drop-unsynced"},
      {dirs, "drop-unsynced(dirs=keep)"},
      {Model(Kind::kKeepUnsynced), "keep-unsynced"},
      {Model(Kind::kBytePrefix, 7), "byte-prefix(keep=7)"},
      {Model(Kind::kSectorPrefix, 3, 512), "sector-prefix(512,keep=3)"},
      {Model(Kind::kTornLastWrite, 1, 4096, Fill::kGarbage),
       "torn-last-write(4096,keep=1,fill=garbage)"},
      {Model(Kind::kTornLastWrite, 1, 4096, Fill::kGarbage, 9),
       "torn-last-write(4096,keep=1,fill=garbage,seed=9)"},
      {Model(Kind::kIndependentSectors, 0, 512, Fill::kStale, 5),
       "independent-sectors(512,fill=stale,seed=5)"},
      {Model(Kind::kIndependentSectors), "independent-sectors(512,seed=0)"},
      {Model(Kind::kReorderedWrites, 2), "reordered-writes(omit=2)"},
      {random, "reordered-writes(random-subset,seed=3)"},
  };
  for (const auto& [model, name] : cases) EXPECT_EQ(model.Name(), name);
}

TEST(CrashModelNameTest, NameLeavesOutFieldsTheKindDoesNotUse) {
  CrashModel m = Model(Kind::kDropUnsynced, 9, 4096, Fill::kGarbage, 11);
  m.random_subset = true;
  EXPECT_EQ(m.Name(), "drop-unsynced");
  EXPECT_EQ(Model(Kind::kTornLastWrite, 2, 512, Fill::kStale, 11).Name(),
            "torn-last-write(512,keep=2,fill=stale)");
}

TEST(CrashModelNameTest, ParseInvertsNameForEveryKind) {
  int checked = 0;
  for (Kind kind :
       {Kind::kDropUnsynced, Kind::kKeepUnsynced, Kind::kBytePrefix, Kind::kSectorPrefix,
        Kind::kTornLastWrite, Kind::kIndependentSectors, Kind::kReorderedWrites}) {
    for (Fill fill : {Fill::kZeros, Fill::kGarbage, Fill::kStale}) {
      for (bool dirs : {false, true}) {
        for (bool random : {false, true}) {
          CrashModel m;
          m.kind = kind;
          m.keep_directory_ops = dirs;
          const bool plain = kind == Kind::kDropUnsynced || kind == Kind::kKeepUnsynced;
          if (!plain) m.fill = fill;
          if (kind == Kind::kSectorPrefix || kind == Kind::kTornLastWrite ||
              kind == Kind::kIndependentSectors) {
            m.sector_size = 4096;
          }
          if (kind == Kind::kReorderedWrites) m.random_subset = random;
          if (kind == Kind::kBytePrefix || kind == Kind::kSectorPrefix ||
              kind == Kind::kTornLastWrite ||
              (kind == Kind::kReorderedWrites && !m.random_subset)) {
            m.keep = 18446744073709551615ULL;
          }
          if (kind == Kind::kIndependentSectors || m.random_subset || m.fill == Fill::kGarbage) {
            m.seed = 42;
          }
          Result<CrashModel> parsed = CrashModel::Parse(m.Name());
          ASSERT_THAT(parsed.status(), IsOk()) << m.Name();
          EXPECT_EQ(*parsed, m) << m.Name() << " parsed back as " << parsed->Name();
          ++checked;
        }
      }
    }
  }
  EXPECT_EQ(checked, 7 * 3 * 2 * 2);
}

TEST(CrashModelNameTest, ParseTakesFieldsInAnyOrderAndDefaultsTheRest) {
  Result<CrashModel> m = CrashModel::Parse("torn-last-write(seed=4,fill=garbage,keep=2)");
  ASSERT_THAT(m.status(), IsOk());
  EXPECT_EQ(*m, Model(Kind::kTornLastWrite, 2, 512, Fill::kGarbage, 4));
  m = CrashModel::Parse("sector-prefix");
  ASSERT_THAT(m.status(), IsOk());
  EXPECT_EQ(*m, Model(Kind::kSectorPrefix, 0, 512));
  m = CrashModel::Parse("byte-prefix(dirs=drop,keep=3)");
  ASSERT_THAT(m.status(), IsOk());
  EXPECT_EQ(*m, Model(Kind::kBytePrefix, 3));
  m = CrashModel::Parse("keep-unsynced(dirs=keep)");
  ASSERT_THAT(m.status(), IsOk());
  EXPECT_TRUE(m->keep_directory_ops);
  EXPECT_EQ(m->kind, Kind::kKeepUnsynced);
}

TEST(CrashModelNameTest, ParseRejectsBadNamesNamingThePosition) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "position 0: expected a crash model kind"},
      {"drop-unsynced-x", "position 0: unknown kind \"drop-unsynced-x\""},
      {"Drop-unsynced", "position 0: expected a crash model kind"},
      {"drop-unsynced x", "position 13: expected '(' or the end"},
      {"drop-unsynced()", "position 14: expected a field (dirs)"},
      {"drop-unsynced(keep=1)", "position 14: unknown field \"keep\" for drop-unsynced"},
      {"sector-prefix(500,keep=1)", "position 14: sector size 500 is not a power of two"},
      {"sector-prefix(0)", "position 14: sector size 0 is not a power of two"},
      {"sector-prefix(4294967296)", "position 14: sector size 4294967296"},
      {"sector-prefix(512,kep=3)", "position 18: unknown field \"kep\""},
      {"byte-prefix(512)", "position 12: unknown field \"512\" for byte-prefix"},
      {"byte-prefix(keep=1,keep=2)", "position 19: field \"keep\" given twice"},
      {"byte-prefix(keep=x)", "position 17: expected a decimal number"},
      {"byte-prefix(keep=-1)", "position 17: expected a decimal number"},
      {"byte-prefix(keep=18446744073709551616)", "position 17: expected a decimal number"},
      {"byte-prefix(keep)", "position 16: expected '=' after \"keep\""},
      {"torn-last-write(512,fill=pink)", "position 25: expected zeros, garbage or stale"},
      {"byte-prefix(dirs=yes)", "position 17: expected keep or drop"},
      {"byte-prefix(keep=1", "position 18: expected ',' or ')'"},
      {"byte-prefix(keep=1)x", "position 19: expected the end after ')'"},
      {"reordered-writes(omit=1,random-subset)", "position 24: omit and random-subset exclude"},
      {"reordered-writes(random-subset,random-subset)", "position 31: random-subset given twice"},
      {"reordered-writes(random-subset,omit=1)", "position 31: omit and random-subset exclude"},
      {"independent-sectors(512,random-subset)", "position 24: random-subset is only for"},
  };
  for (const auto& [name, message] : cases) {
    EXPECT_THAT(CrashModel::Parse(name).status(),
                StatusIs(Code::kInvalidArgument, HasSubstr(message)))
        << "parsing \"" << name << "\"";
  }
}

// ---- Enumeration ---------------------------------------------------------------------------

class CrashVariantsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_THAT(disk_.CreateDir("db"), IsOk()); }

  // Creates `path` durably with `synced`, then appends each of `appends` without a sync.
  void Write(const std::string& path, const std::string& synced,
             const std::vector<std::string>& appends) {
    Result<std::unique_ptr<WritableFile>> f = disk_.NewWritableFile(path);
    ASSERT_THAT(f.status(), IsOk());
    ASSERT_THAT((*f)->Append(synced), IsOk());
    ASSERT_THAT((*f)->Sync(), IsOk());
    ASSERT_THAT(disk_.SyncDir("db"), IsOk());
    for (const std::string& a : appends) ASSERT_THAT((*f)->Append(a), IsOk());
    files_.push_back(std::move(*f));
  }

  static std::vector<uint64_t> Keeps(const std::vector<CrashModel>& variants) {
    std::vector<uint64_t> keeps;
    for (const CrashModel& m : variants) keeps.push_back(m.keep);
    return keeps;
  }

  SimFileSystem disk_;
  std::vector<std::unique_ptr<WritableFile>> files_;
};

TEST_F(CrashVariantsTest, QuietDiskGivesAtLeastOneVariantOfEveryKind) {
  Write("db/a", "AAAA", {});
  for (Kind kind : {Kind::kDropUnsynced, Kind::kKeepUnsynced, Kind::kBytePrefix,
                    Kind::kSectorPrefix, Kind::kTornLastWrite, Kind::kReorderedWrites}) {
    const std::vector<CrashModel> variants = EnumerateCrashVariants(disk_, kind);
    ASSERT_EQ(variants.size(), 1u) << static_cast<int>(kind);
    EXPECT_EQ(variants[0].kind, kind);
    EXPECT_EQ(variants[0].keep, 0u);
  }
  EXPECT_EQ(EnumerateCrashVariants(disk_, Kind::kIndependentSectors).size(), 8u);
}

TEST_F(CrashVariantsTest, SmallPendingStateGetsEveryKeepValue) {
  Write("db/a", "AAAA", {std::string(10, 'B'), std::string(20, 'C')});  // bytes 4..13, 14..33
  Write("db/b", "", {"x", "y", "z"});

  EXPECT_EQ(Keeps(EnumerateCrashVariants(disk_, Kind::kBytePrefix, 16)),
            std::vector<uint64_t>({0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15,
                                   16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30}));
  // 16-byte sectors: db/a touches 0..15, 16..31, 32..47.
  EXPECT_EQ(Keeps(EnumerateCrashVariants(disk_, Kind::kSectorPrefix, 16)),
            std::vector<uint64_t>({0, 1, 2, 3}));
  EXPECT_EQ(Keeps(EnumerateCrashVariants(disk_, Kind::kSectorPrefix, 512)),
            std::vector<uint64_t>({0, 1}));
  // db/a's last write touches three 16-byte sectors; each with the three fills.
  const std::vector<CrashModel> torn = EnumerateCrashVariants(disk_, Kind::kTornLastWrite, 16);
  ASSERT_EQ(torn.size(), 9u);
  for (size_t i = 0; i < torn.size(); ++i) {
    EXPECT_EQ(torn[i].keep, i / 3);
    const Fill fills[] = {Fill::kZeros, Fill::kGarbage, Fill::kStale};
    EXPECT_EQ(torn[i].fill, fills[i % 3]);
    EXPECT_EQ(torn[i].sector_size, 16u);
  }
  // db/b has the most writes: three.
  EXPECT_EQ(Keeps(EnumerateCrashVariants(disk_, Kind::kReorderedWrites)),
            std::vector<uint64_t>({0, 1, 2}));
  const std::vector<CrashModel> independent =
      EnumerateCrashVariants(disk_, Kind::kIndependentSectors, 16);
  ASSERT_EQ(independent.size(), 8u);
  std::set<uint64_t> seeds;
  for (const CrashModel& m : independent) seeds.insert(m.seed);
  EXPECT_EQ(seeds.size(), 8u);
}

TEST_F(CrashVariantsTest, LargeBytePrefixSpreadsCutPointsAndHitsEveryBoundary) {
  // 830 unsynced bytes after 10 synced: writes end at kept counts 100, 800, 830, and the
  // 512-byte sector boundary falls at kept count 502.
  Write("db/log", std::string(10, 'a'),
        {std::string(100, 'b'), std::string(700, 'c'), std::string(30, 'd')});
  const std::vector<uint64_t> keeps = Keeps(EnumerateCrashVariants(disk_, Kind::kBytePrefix));
  // 0, 830, 63 evenly spread (830 * i / 64), and the boundaries 100, 502, 800.
  EXPECT_EQ(keeps.size(), 68u);
  EXPECT_TRUE(std::is_sorted(keeps.begin(), keeps.end()));
  const std::set<uint64_t> set(keeps.begin(), keeps.end());
  EXPECT_EQ(set.size(), keeps.size());
  for (uint64_t k : {0, 12, 25, 100, 502, 800, 817, 830}) EXPECT_EQ(set.count(k), 1u) << k;
}

TEST_F(CrashVariantsTest, VariantsStayWithinTheirBoundsOnABusyDisk) {
  Write("db/big", "", {std::string(1 << 20, 'b')});  // one write of 2048 sectors
  std::vector<std::string> small(300, "sss");
  Write("db/many", "", small);
  const std::vector<std::pair<Kind, size_t>> bounds = {
      {Kind::kDropUnsynced, 1},     {Kind::kKeepUnsynced, 1},    {Kind::kBytePrefix, 321},
      {Kind::kSectorPrefix, 257},   {Kind::kTornLastWrite, 192}, {Kind::kIndependentSectors, 8},
      {Kind::kReorderedWrites, 64},
  };
  for (const auto& [kind, bound] : bounds) {
    const std::vector<CrashModel> variants = EnumerateCrashVariants(disk_, kind);
    SCOPED_TRACE(variants.front().Name());
    EXPECT_LE(variants.size(), bound);
    if (kind == Kind::kBytePrefix) {
      EXPECT_GE(variants.size(), 256u);
      EXPECT_EQ(variants.back().keep, 1u << 20);
    } else {
      EXPECT_EQ(variants.size(), bound);  // every kind but byte-prefix reaches its cap here
    }
    if (kind == Kind::kSectorPrefix) {
      EXPECT_EQ(variants.back().keep, 2048u);
    }
    if (kind == Kind::kReorderedWrites) {
      EXPECT_EQ(variants.back().keep, 299u);
    }
    for (const CrashModel& m : variants) {
      Result<CrashModel> parsed = CrashModel::Parse(m.Name());
      ASSERT_THAT(parsed.status(), IsOk());
      EXPECT_EQ(*parsed, m);
    }
  }
}

// ---- CrashWithModel on a real SimFileSystem -------------------------------------------------

class CrashWithModelTest : public CrashVariantsTest {
 protected:
  std::string Read(const std::string& path) {
    std::string contents;
    Status s = disk_.ReadFile(path, &contents);
    if (s.IsNotFound()) return "<missing>";
    EXPECT_THAT(s, IsOk());
    return contents;
  }

  // A file created, written and synced, and its directory synced.
  void Durable(const std::string& path, const std::string& data) {
    Write(path, data, {});
    files_.pop_back();
  }
};

TEST_F(CrashWithModelTest, DropUnsyncedLosesUnsyncedAppends) {
  Write("db/log", "AAAA", {"BBBB"});
  CrashWithModel(disk_, Model(Kind::kDropUnsynced));
  EXPECT_EQ(Read("db/log"), "AAAA");
}

TEST_F(CrashWithModelTest, KeepUnsyncedKeepsUnsyncedAppends) {
  Write("db/log", "AAAA", {"BB", "CC"});
  CrashWithModel(disk_, Model(Kind::kKeepUnsynced));
  EXPECT_EQ(Read("db/log"), "AAAABBCC");
}

TEST_F(CrashWithModelTest, AppliesTheModelToEveryFileAndCrashes) {
  Write("db/a", "AAAA", {"BBBB"});
  Write("db/b", "", {"xyz", "w"});
  CrashWithModel(disk_, Model(Kind::kBytePrefix, 2));
  EXPECT_EQ(Read("db/a"), "AAAABB");
  EXPECT_EQ(Read("db/b"), "xy");
  EXPECT_THAT(files_[0]->Append("more"), StatusIs(Code::kIOError, HasSubstr("stale handle")));
  EXPECT_EQ(disk_.UnsyncedBytes("db/a"), 0u);
}

TEST_F(CrashWithModelTest, TruncatedFileRevertsOrKeepsTheTruncation) {
  Durable("db/f", "OLD-CONTENT");
  Result<std::unique_ptr<WritableFile>> f = disk_.NewWritableFile("db/f");
  ASSERT_THAT(f.status(), IsOk());
  ASSERT_THAT((*f)->Append("NEW"), IsOk());
  {
    std::shared_ptr<SimFileSystem> copy = disk_.Clone();
    CrashWithModel(*copy, Model(Kind::kDropUnsynced));
    std::string contents;
    ASSERT_THAT(copy->ReadFile("db/f", &contents), IsOk());
    EXPECT_EQ(contents, "OLD-CONTENT");
  }
  {
    std::shared_ptr<SimFileSystem> copy = disk_.Clone();
    CrashWithModel(*copy, Model(Kind::kTornLastWrite, 1, 2, Fill::kStale));
    std::string contents;
    ASSERT_THAT(copy->ReadFile("db/f", &contents), IsOk());
    EXPECT_EQ(contents, "NED");  // sector 0..1 survives; byte 2 is torn and reads the old "D"
  }
  CrashWithModel(disk_, Model(Kind::kKeepUnsynced));
  EXPECT_EQ(Read("db/f"), "NEW");
}

TEST_F(CrashWithModelTest, BareTruncationSurvivesUnderKeepUnsynced) {
  Durable("db/f", "OLD");
  ASSERT_THAT(disk_.NewWritableFile("db/f").status(), IsOk());
  CrashWithModel(disk_, Model(Kind::kKeepUnsynced));
  EXPECT_EQ(Read("db/f"), "");
}

TEST_F(CrashWithModelTest, UnsyncedDirectoryOpsAreLostUnlessTheModelKeepsThem) {
  Durable("db/target", "old-target");
  Durable("db/tmp", "new-target");
  Durable("db/gone", "removed");
  ASSERT_THAT(disk_.Rename("db/tmp", "db/target"), IsOk());
  ASSERT_THAT(disk_.RemoveFile("db/gone"), IsOk());
  Result<std::unique_ptr<WritableFile>> created = disk_.NewWritableFile("db/new");
  ASSERT_THAT(created.status(), IsOk());
  ASSERT_THAT((*created)->Append("fresh"), IsOk());
  ASSERT_THAT((*created)->Sync(), IsOk());

  std::shared_ptr<SimFileSystem> dropped = disk_.Clone();
  CrashWithModel(*dropped, Model(Kind::kKeepUnsynced));
  std::string contents;
  ASSERT_THAT(dropped->ReadFile("db/target", &contents), IsOk());
  EXPECT_EQ(contents, "old-target");  // the rename over it is undone
  ASSERT_THAT(dropped->ReadFile("db/tmp", &contents), IsOk());
  EXPECT_EQ(contents, "new-target");
  EXPECT_TRUE(dropped->FileExists("db/gone"));
  EXPECT_FALSE(dropped->FileExists("db/new"));

  CrashModel keep_dirs = Model(Kind::kDropUnsynced);
  keep_dirs.keep_directory_ops = true;
  CrashWithModel(disk_, keep_dirs);
  EXPECT_EQ(Read("db/target"), "new-target");
  EXPECT_EQ(Read("db/tmp"), "<missing>");
  EXPECT_EQ(Read("db/gone"), "<missing>");
  EXPECT_EQ(Read("db/new"), "fresh");
}

}  // namespace
}  // namespace memdb
