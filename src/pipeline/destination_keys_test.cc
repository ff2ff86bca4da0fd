#include "pipeline/destination_keys.h"

#include <gtest/gtest.h>

namespace s3proc {
namespace {

TEST(DestinationsFor, MapsUnderTheSameRelativeKey) {
  RunConfig c;
  DestinationKeys d = DestinationsFor(c, "input/a/b c+d.json");
  EXPECT_EQ(d.relative, "a/b c+d.json");
  EXPECT_EQ(d.output_key, "output/a/b c+d.json");
  EXPECT_EQ(d.error_key, "errors/a/b c+d.json");
  EXPECT_EQ(d.reason_key, "errors/a/b c+d.json.error.json");
}

TEST(DestinationsFor, MaximalKeysThatCannotFitHaveNoOutputAndAShortenedErrorKey) {
  RunConfig c;
  std::string rel(1018, 'k');
  DestinationKeys d = DestinationsFor(c, "input/" + rel);  // 1024 bytes: legal
  EXPECT_TRUE(d.output_key.empty());                       // "output/" + 1018 = 1025
  EXPECT_LE(d.error_key.size(), kMaxKeyBytes);
  EXPECT_LE(d.reason_key.size(), kMaxKeyBytes);
  EXPECT_TRUE(d.reason_key.ends_with(".error.json"));
  EXPECT_NE(d.error_key, DestinationsFor(c, "input/" + std::string(1017, 'k') + "j").error_key);
}

TEST(AlternativeErrorNames, AddTwelveHexOfTheEtag) {
  RunConfig c;
  ErrorNames n = AlternativeErrorNames(c, "y.json", "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(n.copy_key, "errors/y.json.0123456789ab");
  EXPECT_EQ(n.reason_key, "errors/y.json.0123456789ab.error.json");
}

TEST(AlternativeErrorNames, FitS3sLimit) {
  RunConfig c;
  ErrorNames n = AlternativeErrorNames(c, std::string(1018, 'k'), "0123456789abcdef");
  EXPECT_LE(n.copy_key.size(), kMaxKeyBytes);
  EXPECT_LE(n.reason_key.size(), kMaxKeyBytes);
  EXPECT_TRUE(n.copy_key.ends_with(".0123456789ab"));
  EXPECT_TRUE(n.reason_key.ends_with(".0123456789ab.error.json"));
}

TEST(EtagTag, IsTwelveHexDigitsWhateverTheEtag) {
  EXPECT_EQ(EtagTag("0123456789abcdef-3"), "0123456789ab");
  for (std::string odd : {"", "short", "0123456789AB", "\"quoted\"", "0123456789a/"}) {
    std::string tag = EtagTag(odd);
    EXPECT_EQ(tag.size(), 12u) << odd;
    EXPECT_EQ(tag.find_first_not_of("0123456789abcdef"), std::string::npos) << odd;
  }
}

TEST(RenamedFrom, UndoesTheAlternativeName) {
  EXPECT_EQ(RenamedFrom("y.json.0123456789ab"), "y.json");
  EXPECT_EQ(RenamedFrom("a/y.json.error.json.0123456789ab"), "a/y.json.error.json");
  EXPECT_EQ(RenamedFrom("y.json"), std::nullopt);
  EXPECT_EQ(RenamedFrom(".0123456789ab"), std::nullopt);
  EXPECT_EQ(RenamedFrom("y.json.0123456789AB"), std::nullopt);
  EXPECT_EQ(RenamedFrom("y.json-0123456789ab"), std::nullopt);
}

TEST(FitKey, NeverSplitsAUtf8Sequence) {
  std::string rel;
  while (rel.size() < 1100) rel += "é";  // two bytes each
  std::string key = FitKey("errors/", rel, "");
  ASSERT_LE(key.size(), kMaxKeyBytes);
  size_t tilde = key.rfind('~');
  std::string kept = key.substr(7, tilde - 7);
  EXPECT_EQ(kept.size() % 2, 0u);
}

}  // namespace
}  // namespace s3proc
