#include "processors/jq_version.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "s3proc_version.h"

namespace s3proc {
namespace {

// No regex matchers here: Debian's libonig.so.5 exports a POSIX regcomp/regexec of its own,
// which takes the place of glibc's (and GoogleTest's regex matchers') in any program linking it.
TEST(JqVersion, NamesTheLinkedLibjqAndItsRegexEngine) {
  std::string version = JqLibraryVersion();
  std::string prefix = std::string("jq ") + S3PROC_JQ_VERSION + " with Oniguruma ";
  ASSERT_EQ(version.substr(0, prefix.size()), prefix);
  std::string onig = version.substr(prefix.size());
  EXPECT_EQ(onig.find_first_not_of("0123456789."), std::string::npos) << version;
  EXPECT_EQ(std::count(onig.begin(), onig.end(), '.'), 2) << version;
}

TEST(JqVersion, KnowsWhichLibjqIsLinked) {
  EXPECT_STRNE(S3PROC_JQ_VERSION, "unknown");
  EXPECT_STRNE(S3PROC_JQ_VERSION, "");
}

}  // namespace
}  // namespace s3proc
