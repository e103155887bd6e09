// Glob patterns of redactions (docs/golden-files.md, "Redactions"): the syntax as a table, and
// keys and values of legal sizes that std::regex crashed on or took minutes over.
#include "snapshot/glob.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fnmatch.h>

#include <string>

#include "memdb/snapshot/diff.h"
#include "memdb/testing/status_matchers.h"
#include "memdb/util/random.h"
#include "snapshot_test_util.h"
#include "support/test_support.h"

namespace memdb {
namespace {

using ::memdb::testing::IsOk;
using snapshot::GlobPattern;
using test::MakeSnapshot;

GlobPattern Compiled(std::string_view pattern) {
  GlobPattern glob;
  EXPECT_THAT(GlobPattern::Compile(pattern, &glob), IsOk()) << pattern;
  return glob;
}

struct MatchCase {
  const char* pattern;
  const char* text;
  bool matches;
};

TEST(GlobTest, MatchesTheWholeTextAsTheTableSays) {
  const MatchCase kCases[] = {
      {"", "", true},
      {"", "a", false},
      {"abc", "abc", true},
      {"abc", "abcd", false},
      {"abc", "ab", false},
      {"*", "", true},
      {"*", "anything at all", true},
      {"a*", "a", true},
      {"a*", "abc", true},
      {"a*", "ba", false},
      {"*x", "abcx", true},
      {"*x", "abcxy", false},
      {"a*b*c", "aXbYc", true},
      {"a*b*c", "abcbc", true},
      {"a*b*c", "acb", false},
      {"*a*a*a*b", "aaaaaaab", true},
      {"*a*a*a*b", "aaaaaaaa", false},
      {"?", "x", true},
      {"?", "", false},
      {"??", "x", false},
      {"a?c", "abc", true},
      {"[abc]", "b", true},
      {"[abc]", "d", false},
      {"[a-c]x", "bx", true},
      {"[a-c]x", "dx", false},
      {"[!a-c]", "d", true},
      {"[!a-c]", "a", false},
      {"[^0-9]", "7", false},
      {"[]]", "]", true},
      {"[!]]", "]", false},
      {"[a-]", "-", true},
      {"[\\]]", "]", true},
      {"\\*", "*", true},
      {"\\*", "x", false},
      {"\\?\\[", "?[", true},
      {"session:*", "session:42", true},
      {"session:*", "xsession:42", false},
      {"[0-9a-fA-F]", "F", true},
  };
  for (const MatchCase& c : kCases) {
    EXPECT_EQ(Compiled(c.pattern).Matches(c.text), c.matches)
        << "pattern \"" << c.pattern << "\" on \"" << c.text << "\"";
  }
}

TEST(GlobTest, BytesOutsideAsciiAndNulAreOrdinaryBytes) {
  EXPECT_TRUE(Compiled(std::string("a\0?", 3)).Matches(std::string("a\0\xff", 3)));
  EXPECT_TRUE(Compiled("[\x80-\xff]").Matches("\xc3"));
  EXPECT_FALSE(Compiled("[\x80-\xff]").Matches("c"));
}

TEST(GlobTest, OnlyStarsMatchTheEmptyString) {
  EXPECT_TRUE(Compiled("").MatchesEmpty());
  EXPECT_TRUE(Compiled("***").MatchesEmpty());
  EXPECT_FALSE(Compiled("*?*").MatchesEmpty());
  EXPECT_FALSE(Compiled("x*").MatchesEmpty());
}

struct FindCase {
  const char* pattern;
  const char* text;
  size_t from;
  bool found;
  size_t begin;
  size_t end;
};

TEST(GlobTest, FindsTheLeftmostThenShortestMatch) {
  const FindCase kCases[] = {
      {"b", "abcb", 0, true, 1, 2},
      {"b", "abcb", 2, true, 3, 4},
      {"b", "abcb", 4, false, 0, 0},
      {"x", "abc", 0, false, 0, 0},
      {"a*c", "xabcbc", 0, true, 1, 4},               // shortest: the first c
      {"\"*\"", "k=\"v1\" j=\"v2\"", 0, true, 2, 6},  // a quoted string, not up to the last quote
      {"*c", "abcc", 0, true, 0, 3},
      {"b*", "abbb", 0, true, 1, 2},  // a trailing star takes nothing
      {"[0-9][0-9]", "a1b23c456", 0, true, 3, 5},
      {"?b", "abab", 1, true, 2, 4},
      {"a?c*d", "aXcaYcd", 0, true, 0, 7},
  };
  for (const FindCase& c : kCases) {
    size_t begin = 0;
    size_t end = 0;
    const bool found = Compiled(c.pattern).Find(c.text, c.from, &begin, &end);
    EXPECT_EQ(found, c.found) << "pattern \"" << c.pattern << "\" in \"" << c.text << "\"";
    if (found && c.found) {
      EXPECT_EQ(begin, c.begin) << c.pattern << " in " << c.text;
      EXPECT_EQ(end, c.end) << c.pattern << " in " << c.text;
    }
  }
}

// Random patterns and texts over a small alphabet, checked against the C library's fnmatch(3)
// for whole matches and against a brute force over every substring for searches.
TEST(GlobTest, AgreesWithFnmatchAndWithABruteForceSearch) {
  const uint64_t seed = test::TestSeed();
  SCOPED_TRACE(test::SeedTrace(seed));
  Random random(seed);
  const char* const kTokens[] = {"a", "b", "?", "*", "[ab]", "[!a]", "\\*", "[a-b]"};
  const char kText[] = "ab*";
  int matched = 0;  // whole matches, so the comparison is known not to be one-sided
  int found_rounds = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string pattern;
    for (uint64_t n = random.Uniform(7); n > 0; --n) pattern += kTokens[random.Uniform(8)];
    std::string text;
    for (uint64_t n = random.Uniform(9); n > 0; --n) text += kText[random.Uniform(3)];
    const GlobPattern glob = Compiled(pattern);
    const bool expected = fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
    matched += expected ? 1 : 0;
    ASSERT_EQ(glob.Matches(text), expected)
        << "pattern \"" << pattern << "\" on \"" << text << "\"";
    // Leftmost start, then shortest end, by trying every substring in that order.
    bool found = false;
    size_t want_begin = 0;
    size_t want_end = 0;
    for (size_t b = 0; b <= text.size() && !found; ++b) {
      for (size_t e = b; e <= text.size() && !found; ++e) {
        if (glob.Matches(std::string_view(text).substr(b, e - b))) {
          found = true;
          want_begin = b;
          want_end = e;
        }
      }
    }
    size_t begin = 0;
    size_t end = 0;
    ASSERT_EQ(glob.Find(text, 0, &begin, &end), found)
        << "pattern \"" << pattern << "\" in \"" << text << "\"";
    if (found) {
      ++found_rounds;
      ASSERT_EQ(begin, want_begin) << "pattern \"" << pattern << "\" in \"" << text << "\"";
      ASSERT_EQ(end, want_end) << "pattern \"" << pattern << "\" in \"" << text << "\"";
    }
  }
  EXPECT_GT(matched, 100);
  EXPECT_LT(matched, 2900);
  EXPECT_GT(found_rounds, matched);
}

// The finding: `memdb snapshot diff --ignore-keys 'a*'` died with SIGSEGV inside std::regex on
// a golden holding a 40,000-byte key (legal: the limit is 65,535).
TEST(RedactionsTest, IgnoresAFortyThousandByteKeyWithoutCrashing) {
  Redactions redactions;
  ASSERT_THAT(redactions.IgnoreKeys("a*"), IsOk());
  const std::string long_a(40000, 'a');
  const std::string long_b(40000, 'b');
  const Snapshot out = redactions.Apply(MakeSnapshot({{long_a, "1"}, {long_b, "2"}}));
  EXPECT_EQ(out.entries.count(long_a), 0u);
  EXPECT_EQ(out.entries.count(long_b), 1u);
  EXPECT_EQ(out.metadata.key_count, 1u);
}

// '.*x' on a 20,000-byte key ran for more than 30 s under std::regex; its glob "*x" is one pass.
TEST(RedactionsTest, StarPatternsOnLongKeysAndValuesTakeOnePass) {
  Redactions redactions;
  ASSERT_THAT(redactions.IgnoreKeys("*x"), IsOk());
  ASSERT_THAT(redactions.ReplaceValues("*x", "[x]"), IsOk());
  ASSERT_THAT(redactions.ReplaceValues("*a*a*a*a*a*a*a*a*b", "[b]"), IsOk());
  const std::string no_x(20000, 'a');
  const std::string ends_in_x = no_x + "x";
  const std::string max_key(65535, 'a');
  const Snapshot out = redactions.Apply(MakeSnapshot(
      {{no_x, no_x + "x" + no_x}, {ends_in_x, "v"}, {max_key, std::string(1 << 18, 'a')}}));
  EXPECT_EQ(out.entries.count(ends_in_x), 0u);
  ASSERT_EQ(out.entries.count(no_x), 1u);
  EXPECT_EQ(out.entries.at(no_x), "[x]" + no_x);
  ASSERT_EQ(out.entries.count(max_key), 1u);
  EXPECT_EQ(out.entries.at(max_key), std::string(1 << 18, 'a'));  // no b: nothing replaced
}

TEST(RedactionsTest, ReplacesEveryNonOverlappingMatchInAValue) {
  Redactions redactions;
  ASSERT_THAT(redactions.ReplaceValues("id=*;", "id=?;", "order:*"), IsOk());
  const Snapshot out =
      redactions.Apply(MakeSnapshot({{"order:1", "id=12;id=345;rest"}, {"user:1", "id=12;"}}));
  EXPECT_EQ(out.entries.at("order:1"), "id=?;id=?;rest");
  EXPECT_EQ(out.entries.at("user:1"), "id=12;");
}

}  // namespace
}  // namespace memdb
