// Semantic diffs and redactions.
#include "memdb/snapshot/diff.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "memdb/testing/status_matchers.h"
#include "snapshot_test_util.h"
#include "support/test_support.h"

namespace memdb {
namespace {

using ::memdb::testing::IsOk;
using ::memdb::testing::StatusIs;
using test::MakeSnapshot;
using ::testing::HasSubstr;
using Code = Status::Code;

TEST(SnapshotDiffTest, ReportsAddedRemovedAndChangedKeysInKeyOrder) {
  const Snapshot expected = MakeSnapshot({{"user:1", "{\"balance\":100}"}, {"user:2", "bob"}});
  const Snapshot actual = MakeSnapshot({{"user:1", "{\"balance\":90}"}, {"user:3", "carol"}});
  const SnapshotDiff diff = DiffSnapshots(expected, actual);
  ASSERT_EQ(diff.differences.size(), 3u);
  EXPECT_EQ(diff.added, 1u);
  EXPECT_EQ(diff.removed, 1u);
  EXPECT_EQ(diff.changed, 1u);
  EXPECT_EQ(diff.Describe(),
            "3 keys differ (1 added, 1 removed, 1 changed):\n"
            "  ~ \"user:1\": \"{\\\"balance\\\":100}\" -> \"{\\\"balance\\\":90}\" (first "
            "difference at byte 11)\n"
            "  - \"user:2\" = \"bob\"\n"
            "  + \"user:3\" = \"carol\"\n");
}

TEST(SnapshotDiffTest, EqualSnapshotsHaveNoDifferencesWhateverTheirMetadata) {
  Snapshot a = MakeSnapshot({{"k", "v"}});
  Snapshot b = a;
  b.metadata.commit_timestamp = 99;
  EXPECT_TRUE(DiffSnapshots(a, b).empty());
  EXPECT_EQ(DiffSnapshots(a, b).Describe(), "no differences");
}

TEST(SnapshotDiffTest, BinaryAndLongValuesAreEscapedAndAbbreviated) {
  const Snapshot expected = MakeSnapshot({{std::string("k\0", 2), std::string(1000, 'a')}});
  const Snapshot actual = MakeSnapshot({{std::string("k\0", 2), std::string(500, 'a') + "\xff"}});
  const std::string text = DiffSnapshots(expected, actual).Describe(20, 10);
  EXPECT_NE(text.find("hex:6b00"), std::string::npos) << text;
  EXPECT_NE(text.find("\"aaaaaaaaaa...\"(1000 bytes)"), std::string::npos) << text;
  EXPECT_NE(text.find("hex:6161616161...(501 bytes)"), std::string::npos) << text;
  EXPECT_NE(text.find("first difference at byte 500"), std::string::npos) << text;
}

TEST(SnapshotDiffTest, DescribeCapsTheNumberOfLines) {
  Snapshot actual;
  for (int i = 0; i < 30; ++i) actual.entries["k" + std::to_string(100 + i)] = "v";
  const std::string text = DiffSnapshots(Snapshot{}, actual).Describe(5);
  EXPECT_NE(text.find("30 keys differ (30 added)"), std::string::npos);
  EXPECT_NE(text.find("  ... and 25 more\n"), std::string::npos) << text;
}

TEST(RedactionsTest, IgnoredKeysAndReplacedValuesDoNotCountAsDifferences) {
  Redactions redactions;
  ASSERT_THAT(redactions.IgnoreKeys("session:*"), IsOk());
  ASSERT_THAT(redactions.ReplaceValues(Redactions::kUuidPattern, "[uuid]"), IsOk());
  // The two timestamp forms of the audit log, longest first.
  const std::string iso(Redactions::kIsoTimestampPattern);
  ASSERT_THAT(redactions.ReplaceValues(iso + ".[0-9][0-9][0-9]Z", "[time]", "audit:*"), IsOk());
  ASSERT_THAT(redactions.ReplaceValues(iso + "[+-][0-9][0-9]:[0-9][0-9]", "[time]", "audit:*"),
              IsOk());
  const Snapshot run1 =
      MakeSnapshot({{"session:1", "abc"},
                    {"order:1", "id=123e4567-e89b-12d3-a456-426614174000 total=5"},
                    {"audit:1", "at 2024-05-01T12:34:56.789Z by alice"},
                    {"note", "2024-05-01T12:34:56Z stays: not an audit key"}});
  const Snapshot run2 =
      MakeSnapshot({{"session:9", "xyz"},
                    {"order:1", "id=00000000-0000-0000-0000-000000000001 total=5"},
                    {"audit:1", "at 2025-01-02T03:04:05+02:00 by alice"},
                    {"note", "2024-05-01T12:34:56Z stays: not an audit key"}});
  EXPECT_FALSE(DiffSnapshots(run1, run2).empty());
  const Snapshot r1 = redactions.Apply(run1);
  EXPECT_TRUE(DiffSnapshots(r1, redactions.Apply(run2)).empty());
  EXPECT_EQ(r1.entries.count("session:1"), 0u);
  EXPECT_EQ(r1.entries.at("order:1"), "id=[uuid] total=5");
  EXPECT_EQ(r1.entries.at("audit:1"), "at [time] by alice");
  EXPECT_EQ(r1.metadata.key_count, 3u);
  // A real change still shows.
  Snapshot run3 = run2;
  run3.entries["order:1"] = "id=00000000-0000-0000-0000-000000000001 total=6";
  EXPECT_EQ(DiffSnapshots(r1, redactions.Apply(run3)).changed, 1u);
}

TEST(RedactionsTest, PlaceholderIsLiteralText) {
  Redactions redactions;
  ASSERT_THAT(redactions.ReplaceValues("[0-9][0-9]", "$1 $& $$ \\ *"), IsOk());
  EXPECT_EQ(redactions.Apply(MakeSnapshot({{"k", "a12b"}})).entries.at("k"), "a$1 $& $$ \\ *b");
}

TEST(RedactionsTest, BadPatternsAreInvalidArgument) {
  Redactions redactions;
  EXPECT_THAT(redactions.IgnoreKeys("[unclosed"),
              StatusIs(Code::kInvalidArgument,
                       HasSubstr("invalid pattern \"[unclosed\": unterminated '[' at byte 0")));
  EXPECT_THAT(redactions.IgnoreKeys("k[z-a]"),
              StatusIs(Code::kInvalidArgument, HasSubstr("reversed range in '[...]' at byte 1")));
  EXPECT_THAT(redactions.IgnoreKeys("k\\"),
              StatusIs(Code::kInvalidArgument, HasSubstr("'\\' escapes nothing at byte 1")));
  EXPECT_THAT(redactions.ReplaceValues("**", "[x]"),
              StatusIs(Code::kInvalidArgument, HasSubstr("matches the empty string")));
  EXPECT_THAT(redactions.ReplaceValues("x", "[x]", "[bad"),
              StatusIs(Code::kInvalidArgument, HasSubstr("unterminated '['")));
  EXPECT_TRUE(redactions.empty());
}

}  // namespace
}  // namespace memdb
