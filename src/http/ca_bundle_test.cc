#include "http/ca_bundle.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

namespace s3proc {
namespace {

using ::testing::HasSubstr;

// A file system that holds exactly `files`.
std::function<bool(const std::string&)> Holding(std::set<std::string> files) {
  return [files = std::move(files)](const std::string& path) { return files.count(path) > 0; };
}

TEST(CaBundleTest, TriesTheWellKnownPathsInGosOrder) {
  std::vector<std::string> expected = {"/etc/ssl/certs/ca-certificates.crt",
                                       "/etc/pki/tls/certs/ca-bundle.crt",
                                       "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
                                       "/etc/ssl/ca-bundle.pem", "/etc/ssl/cert.pem"};
  std::vector<std::string> tried;
  auto none = FindCaBundle(nullptr, [&](const std::string& p) {
    tried.push_back(p);
    return false;
  });
  EXPECT_FALSE(none.ok());
  EXPECT_EQ(tried, expected);
}

TEST(CaBundleTest, DebianPathWins) {
  auto found = FindCaBundle(
      nullptr, Holding({"/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt"}));
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(*found, "/etc/ssl/certs/ca-certificates.crt");
}

TEST(CaBundleTest, AmazonLinuxPathFound) {
  auto found = FindCaBundle(nullptr, Holding({"/etc/pki/tls/certs/ca-bundle.crt"}));
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(*found, "/etc/pki/tls/certs/ca-bundle.crt");
}

TEST(CaBundleTest, LastResortPathFound) {
  auto found = FindCaBundle(nullptr, Holding({"/etc/ssl/cert.pem"}));
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(*found, "/etc/ssl/cert.pem");
}

TEST(CaBundleTest, NoneFoundNamesEveryPathAndTheFix) {
  auto none = FindCaBundle(nullptr, Holding({}));
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), StatusCode::kInvalidArgument);
  for (std::string_view path : WellKnownCaBundles()) {
    EXPECT_THAT(none.status().message(), HasSubstr(std::string(path)));
  }
  EXPECT_THAT(none.status().message(), HasSubstr("AWS_CA_BUNDLE"));
}

TEST(CaBundleTest, AwsCaBundleOverridesTheSearch) {
  std::string mine = "/opt/corp/ca.pem";
  auto found = FindCaBundle(&mine, Holding({mine, "/etc/ssl/certs/ca-certificates.crt"}));
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(*found, mine);
}

TEST(CaBundleTest, MissingAwsCaBundleIsAnErrorNotAFallback) {
  // A typo in AWS_CA_BUNDLE must not silently fall back to another trust store.
  std::string mine = "/opt/corp/missing.pem";
  auto found = FindCaBundle(&mine, Holding({"/etc/ssl/certs/ca-certificates.crt"}));
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(found.status().message(), HasSubstr("AWS_CA_BUNDLE=/opt/corp/missing.pem"));
}

TEST(CaBundleTest, IsReadableFileOnTheRealFileSystem) {
  EXPECT_FALSE(IsReadableFile("/nonexistent/ca.pem"));
  EXPECT_FALSE(IsReadableFile("/"));  // a directory is not a bundle
  EXPECT_TRUE(IsReadableFile("/proc/self/status"));
}

}  // namespace
}  // namespace s3proc
