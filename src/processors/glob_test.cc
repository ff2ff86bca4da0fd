#include "processors/glob.h"

#include <gtest/gtest.h>

#include <string>

namespace s3proc {
namespace {

TEST(GlobTest, Literals) {
  EXPECT_TRUE(GlobMatch("a.json", "a.json"));
  EXPECT_FALSE(GlobMatch("a.json", "a.jsonx"));
  EXPECT_FALSE(GlobMatch("a.json", "xa.json"));
  EXPECT_TRUE(GlobMatch("", ""));
  EXPECT_FALSE(GlobMatch("", "a"));
  EXPECT_TRUE(GlobMatch("dir/ü.csv", "dir/ü.csv"));
}

TEST(GlobTest, StarDoesNotCrossSlash) {
  EXPECT_TRUE(GlobMatch("*.csv", "a.csv"));
  EXPECT_TRUE(GlobMatch("*.csv", ".csv"));
  EXPECT_FALSE(GlobMatch("*.csv", "dir/a.csv"));
  EXPECT_TRUE(GlobMatch("*/*.csv", "dir/a.csv"));
  EXPECT_FALSE(GlobMatch("*/*.csv", "a/b/c.csv"));
  EXPECT_TRUE(GlobMatch("a*b*c", "aXXbYYc"));
  EXPECT_TRUE(GlobMatch("a*b*c", "abc"));
  EXPECT_FALSE(GlobMatch("a*b*c", "aXXbYY"));
  EXPECT_TRUE(GlobMatch("*", "anything"));
  EXPECT_FALSE(GlobMatch("*", "a/b"));
  EXPECT_TRUE(GlobMatch("*", ""));
}

TEST(GlobTest, DoubleStarCrossesSlash) {
  EXPECT_TRUE(GlobMatch("logs/**.ndjson", "logs/a.ndjson"));
  EXPECT_TRUE(GlobMatch("logs/**.ndjson", "logs/2024/01/a.ndjson"));
  EXPECT_FALSE(GlobMatch("logs/**.ndjson", "other/a.ndjson"));
  EXPECT_FALSE(GlobMatch("logs/**.ndjson", "logs/a.json"));
  EXPECT_TRUE(GlobMatch("**", "a/b/c"));
  EXPECT_TRUE(GlobMatch("**", ""));
  EXPECT_TRUE(GlobMatch("**.csv", "x.csv"));
  EXPECT_TRUE(GlobMatch("**.csv", "a/b/x.csv"));
}

TEST(GlobTest, DoubleStarSlashMatchesZeroOrMoreDirectories) {
  EXPECT_TRUE(GlobMatch("logs/**/a.json", "logs/a.json"));
  EXPECT_TRUE(GlobMatch("logs/**/a.json", "logs/x/a.json"));
  EXPECT_TRUE(GlobMatch("logs/**/a.json", "logs/x/y/a.json"));
  EXPECT_FALSE(GlobMatch("logs/**/a.json", "logsa.json"));
  EXPECT_FALSE(GlobMatch("logs/**/a.json", "logs/xa.json"));
  EXPECT_TRUE(GlobMatch("**/*.csv", "a.csv"));
  EXPECT_TRUE(GlobMatch("**/*.csv", "d/e/a.csv"));
}

TEST(GlobTest, QuestionMark) {
  EXPECT_TRUE(GlobMatch("file?.txt", "file1.txt"));
  EXPECT_FALSE(GlobMatch("file?.txt", "file.txt"));
  EXPECT_FALSE(GlobMatch("file?.txt", "file12.txt"));
  EXPECT_FALSE(GlobMatch("a?b", "a/b"));
}

TEST(GlobTest, CharacterClasses) {
  EXPECT_TRUE(GlobMatch("[abc].csv", "b.csv"));
  EXPECT_FALSE(GlobMatch("[abc].csv", "d.csv"));
  EXPECT_TRUE(GlobMatch("[a-c0-9]x", "7x"));
  EXPECT_FALSE(GlobMatch("[a-c0-9]x", "Dx"));
  EXPECT_TRUE(GlobMatch("[!a-c]x", "dx"));
  EXPECT_FALSE(GlobMatch("[!a-c]x", "ax"));
  EXPECT_TRUE(GlobMatch("[^a-c]x", "dx"));
  EXPECT_TRUE(GlobMatch("[]]", "]"));
  EXPECT_TRUE(GlobMatch("[!]]", "a"));
  EXPECT_FALSE(GlobMatch("[!]]", "]"));
  EXPECT_TRUE(GlobMatch("[a-]", "-"));
  EXPECT_FALSE(GlobMatch("a[!x]b", "a/b"));  // a class never matches '/'
  EXPECT_TRUE(GlobMatch("[*?]", "*"));
}

TEST(GlobTest, Escapes) {
  EXPECT_TRUE(GlobMatch("a\\*b", "a*b"));
  EXPECT_FALSE(GlobMatch("a\\*b", "aXb"));
  EXPECT_TRUE(GlobMatch("\\[x\\]", "[x]"));
}

TEST(GlobTest, InvalidPatterns) {
  for (const char* bad : {"[abc", "[", "[]", "a\\", "[z-a]"}) {
    Result<Glob> glob = Glob::Compile(bad);
    EXPECT_FALSE(glob.ok()) << bad;
    if (!glob.ok()) {
      EXPECT_EQ(glob.status().code(), StatusCode::kInvalidArgument);
    }
    EXPECT_FALSE(GlobMatch(bad, bad));
  }
}

TEST(GlobTest, NoExponentialBacktracking) {
  std::string text(5000, 'a');
  EXPECT_FALSE(GlobMatch("**a**a**a**a**a**a**a**a**a**b", text));
  EXPECT_FALSE(GlobMatch("*a*a*a*a*a*a*a*a*a*a*a*b", text));
}

}  // namespace
}  // namespace s3proc
