// Round trips of every snapshot format, and the golden format's exact bytes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <string>

#include "memdb/snapshot/snapshot.h"
#include "memdb/testing/status_matchers.h"
#include "snapshot/text_encoding.h"
#include "snapshot_test_util.h"
#include "support/test_support.h"

namespace memdb {
namespace {

using ::memdb::testing::IsOk;
using ::memdb::testing::StatusIs;
using ::testing::HasSubstr;
using Code = Status::Code;

constexpr SnapshotFormat kAllFormats[] = {SnapshotFormat::kBinary, SnapshotFormat::kPortableBinary,
                                          SnapshotFormat::kJson, SnapshotFormat::kXml,
                                          SnapshotFormat::kGolden};

// Entries always round-trip; metadata too, except through the golden form, which keeps only
// the version and the entry count.
void ExpectRoundTrip(const Snapshot& snap, SnapshotFormat format) {
  SCOPED_TRACE(std::string(SnapshotFormatName(format)));
  Result<std::string> bytes = SaveSnapshot(snap, format);
  ASSERT_THAT(bytes.status(), IsOk());
  Result<SnapshotFormat> detected = DetectSnapshotFormat(*bytes, "x");
  ASSERT_TRUE(detected.ok()) << detected.status();
  EXPECT_EQ(*detected, format);
  Result<Snapshot> back = ParseSnapshot(*bytes, "round-trip");
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_EQ(back->entries.size(), snap.entries.size());
  EXPECT_TRUE(back->SameEntries(snap));
  EXPECT_EQ(back->metadata.key_count, snap.entries.size());
  EXPECT_EQ(back->metadata.format_version, kSnapshotFormatVersion);
  if (format != SnapshotFormat::kGolden) {
    EXPECT_EQ(back->metadata.commit_timestamp, snap.metadata.commit_timestamp);
    // An empty version is written as this build's.
    if (!snap.metadata.memdb_version.empty()) {
      EXPECT_EQ(back->metadata.memdb_version, snap.metadata.memdb_version);
    }
    EXPECT_EQ(back->metadata.options, snap.metadata.options);
  }
  // Saving what was loaded gives the same bytes: the forms are canonical.
  Result<std::string> again = SaveSnapshot(*back, format);
  ASSERT_TRUE(again.ok());
  if (format == SnapshotFormat::kGolden || format == SnapshotFormat::kBinary) {
    EXPECT_EQ(*again, *bytes);
  }
}

TEST(SnapshotFormatTest, EveryFormatRoundTripsRandomSnapshots) {
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE(test::SeedTrace(seed));
  Random rnd(seed);
  for (int i = 0; i < 40; ++i) {
    const Snapshot snap = test::RandomSnapshot(rnd, 60);
    for (const SnapshotFormat format : kAllFormats) ExpectRoundTrip(snap, format);
  }
}

TEST(SnapshotFormatTest, EmptySnapshotRoundTripsInEveryFormat) {
  for (const SnapshotFormat format : kAllFormats) ExpectRoundTrip(Snapshot{}, format);
}

TEST(SnapshotFormatTest, EveryByteValueAndLargeValuesRoundTrip) {
  Snapshot snap;
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  snap.entries[all] = all;
  snap.entries[std::string("\0", 1)] = "";
  snap.entries[""] = std::string(1, '\0');
  snap.entries["big"] = std::string(3 << 20, '\xff');
  snap.entries["text"] = std::string(1 << 20, 'x');
  snap.entries["trailing space "] = " leading and trailing ";
  snap.entries["<xml> & \"json\""] = "]]> </memdb_snapshot> \\u0000";
  for (const SnapshotFormat format : kAllFormats) ExpectRoundTrip(snap, format);
}

TEST(SnapshotFormatTest, SaveWritesThisBuildsVersionWhenMetadataHasNone) {
  Snapshot snap;
  snap.entries["k"] = "v";
  Result<Snapshot> back = ParseSnapshot(SaveSnapshot(snap, SnapshotFormat::kBinary).value(), "x");
  ASSERT_TRUE(back.ok());
  EXPECT_FALSE(back->metadata.memdb_version.empty());
}

TEST(SnapshotFormatTest, GoldenTextIsPinnedByteForByte) {
  // This example is the one in docs/golden-files.md.
  Snapshot snap;
  snap.entries["user:1"] = "{\"name\":\"Alice\"}";
  snap.entries["note"] = "line 1\nline 2\ttab";
  snap.entries[std::string("bin\0", 4)] = std::string("\x00\xff", 2);
  snap.entries["caf\xc3\xa9"] = "";
  const std::string expected =
      "{\"memdb_golden\":1,\"entries\":4}\n"
      "{\"key_hex\":\"62696e00\",\"value_hex\":\"00ff\"}\n"
      "{\"key\":\"caf\xc3\xa9\",\"value\":\"\"}\n"
      "{\"key\":\"note\",\"value\":\"line 1\\nline 2\\ttab\"}\n"
      "{\"key\":\"user:1\",\"value\":\"{\\\"name\\\":\\\"Alice\\\"}\"}\n";
  EXPECT_EQ(SaveSnapshot(snap, SnapshotFormat::kGolden).value(), expected);
}

TEST(SnapshotFormatTest, GoldenOfNulFfAndMultiLineValuesIsValidUtf8AndRoundTrips) {
  Snapshot snap;
  snap.entries[std::string("k\0ey", 4)] = std::string("v\0al\0", 5);
  snap.entries["ff"] = "\xff\xfe\x80";
  snap.entries["multi"] = "first line\nsecond line\r\nthird\n";
  snap.entries["utf8"] = "\xe2\x82\xac\xf0\x9f\x98\x80";
  snap.entries["lone-continuation"] = "ok\x80";
  const std::string text = SaveSnapshot(snap, SnapshotFormat::kGolden).value();
  EXPECT_TRUE(test::DecodesAsUtf8(text)) << test::Show(text);
  EXPECT_EQ(text.back(), '\n');
  // One line per entry plus the header: multi-line values stay on one line.
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 6);
  ExpectRoundTrip(snap, SnapshotFormat::kGolden);
}

TEST(SnapshotFormatTest, GoldenReaderAcceptsJsonEscapesAHumanMightWrite) {
  const std::string text =
      "{\"memdb_golden\":1,\"entries\":2}\n"
      "{\"key\":\"a\\u0000\\/\",\"value\":\"\\u00e9\\ud83d\\ude00\\b\\f\"}\n"
      "{\"key\":\"b\",\"value_hex\":\"\"}\n";
  Result<Snapshot> snap = ParseSnapshot(text, "hand.golden");
  ASSERT_TRUE(snap.ok()) << snap.status();
  EXPECT_EQ(snap->entries.at(std::string("a\0/", 3)), "\xc3\xa9\xf0\x9f\x98\x80\b\f");
  EXPECT_EQ(snap->entries.at("b"), "");
}

// Files checked in under fixtures/ were written by an earlier build: they must keep loading, and
// the golden one must keep its exact bytes (a format change bumps the version instead).
TEST(SnapshotFormatTest, CheckedInFixturesStillLoadWithTheSameBytes) {
  const char* dir = std::getenv("MEMDB_FIXTURES");
  ASSERT_NE(dir, nullptr) << "run through ctest, which sets MEMDB_FIXTURES";
  const std::string golden_path = std::string(dir) + "/golden/docs_example.golden";
  std::string text;
  ASSERT_THAT(PosixFileSystem()->ReadFile(golden_path, &text), IsOk());
  Result<Snapshot> golden = ReadSnapshotFile(*PosixFileSystem(), golden_path);
  ASSERT_TRUE(golden.ok()) << golden.status();
  EXPECT_EQ(SaveSnapshot(*golden, SnapshotFormat::kGolden).value(), text);
  const std::string corpus = std::string(dir) + "/corpus/snapshot_fuzzer/small.";
  for (const char* ext : {"bin", "pbin", "json", "xml", "golden"}) {
    SCOPED_TRACE(ext);
    Result<Snapshot> snap = ReadSnapshotFile(*PosixFileSystem(), corpus + ext);
    ASSERT_TRUE(snap.ok()) << snap.status();
    EXPECT_EQ(snap->entries.size(), 5u);
    EXPECT_EQ(snap->entries.at(std::string("bin\0", 4)), std::string("\0\xff", 2));
    EXPECT_EQ(snap->entries.at("note"), "line 1\nline 2\ttab");
  }
}

TEST(SnapshotFormatTest, JsonArchiveHoldsOnlyTaggedStrings) {
  Snapshot snap;
  snap.entries[std::string("\0", 1)] = "plain text";
  const std::string json = SaveSnapshot(snap, SnapshotFormat::kJson).value();
  EXPECT_NE(json.find("\"x:00\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"t:plain text\""), std::string::npos) << json;
  EXPECT_TRUE(test::DecodesAsUtf8(json));
  EXPECT_EQ(json.back(), '\n');
}

TEST(SnapshotFormatTest, ReadSnapshotFromStream) {
  Snapshot snap;
  snap.entries["a"] = "1";
  std::istringstream in(SaveSnapshot(snap, SnapshotFormat::kPortableBinary).value());
  Result<Snapshot> back = ReadSnapshot(in, "stream");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(back->SameEntries(snap));
}

TEST(SnapshotFormatTest, UnknownContentIsInvalidArgumentNamingTheInput) {
  EXPECT_THAT(ParseSnapshot("hello", "notes.txt").status(),
              StatusIs(Code::kInvalidArgument, HasSubstr("notes.txt: not a memdb snapshot")));
  EXPECT_THAT(ParseSnapshot("", "empty").status(),
              StatusIs(Code::kInvalidArgument, HasSubstr("empty")));
}

TEST(SnapshotFormatTest, TaggedEncodingRoundTripsAndRejectsMalformed) {
  std::string out;
  for (const std::string_view bytes :
       {std::string_view(""), std::string_view("x:ab"), std::string_view("a\0", 2),
        std::string_view("trail "), std::string_view("tab\t"), std::string_view("\xc3\xa9")}) {
    ASSERT_TRUE(snapshot::TaggedDecode(snapshot::TaggedEncode(bytes), &out));
    EXPECT_EQ(out, bytes);
  }
  EXPECT_FALSE(snapshot::TaggedDecode("plain", &out));
  EXPECT_FALSE(snapshot::TaggedDecode("x:abc", &out));
  EXPECT_FALSE(snapshot::TaggedDecode("x:AB", &out));
  EXPECT_FALSE(snapshot::TaggedDecode("t:\xff", &out));
}

TEST(SnapshotFormatTest, Utf8ValidatorAgreesWithAnIndependentDecoder) {
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE(test::SeedTrace(seed));
  Random rnd(seed);
  for (int i = 0; i < 20000; ++i) {
    std::string s(rnd.Uniform(6), '\0');
    for (char& c : s)
      c = static_cast<char>(rnd.Uniform(2) ? 0x80 + rnd.Uniform(0x80) : rnd.Uniform(256));
    EXPECT_EQ(snapshot::IsValidUtf8(s), test::DecodesAsUtf8(s)) << test::Show(s);
  }
  EXPECT_FALSE(snapshot::IsValidUtf8("\xc0\x80"));          // overlong NUL
  EXPECT_FALSE(snapshot::IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(snapshot::IsValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_TRUE(snapshot::IsValidUtf8("\xf4\x8f\xbf\xbf"));
}

}  // namespace
}  // namespace memdb
