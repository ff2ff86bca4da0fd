#include "aws/credentials_chain.h"

#include <gtest/gtest.h>

#include "testutil/fake_http_client.h"
#include "testutil/temp_dir.h"

namespace s3proc {
namespace {

// A provider that returns a fixed answer and counts calls and invalidations.
class StubProvider : public CredentialsProvider {
 public:
  explicit StubProvider(Result<Credentials> answer, int* calls, int* invalidations = nullptr)
      : answer_(std::move(answer)), calls_(calls), invalidations_(invalidations) {}
  Result<Credentials> GetCredentials() override {
    ++*calls_;
    return answer_;
  }
  void Invalidate() override {
    if (invalidations_ != nullptr) ++*invalidations_;
  }

 private:
  Result<Credentials> answer_;
  int* calls_;
  int* invalidations_;
};

Credentials Named(std::string id) {
  Credentials c;
  c.access_key_id = std::move(id);
  c.secret_access_key = "s";
  c.source = "stub";
  return c;
}

TEST(CredentialsChainTest, FirstFoundWins) {
  int a = 0, b = 0, c = 0;
  std::vector<std::unique_ptr<CredentialsProvider>> providers;
  providers.push_back(std::make_unique<StubProvider>(Status::NotFound("a: none"), &a));
  providers.push_back(std::make_unique<StubProvider>(Named("AKIAB"), &b));
  providers.push_back(std::make_unique<StubProvider>(Named("AKIAC"), &c));
  Result<Credentials> got = NewCredentialsChain(std::move(providers))->GetCredentials();
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->access_key_id, "AKIAB");
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, 1);
  EXPECT_EQ(c, 0);
}

TEST(CredentialsChainTest, OtherErrorsStopTheChain) {
  int a = 0, b = 0;
  std::vector<std::unique_ptr<CredentialsProvider>> providers;
  providers.push_back(std::make_unique<StubProvider>(Status::InvalidArgument("broken"), &a));
  providers.push_back(std::make_unique<StubProvider>(Named("AKIAB"), &b));
  Result<Credentials> got = NewCredentialsChain(std::move(providers))->GetCredentials();
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(got.status().message(), "broken");
  EXPECT_EQ(b, 0);
}

TEST(CredentialsChainTest, AllNotFoundListsWhatWasTried) {
  int a = 0, b = 0;
  std::vector<std::unique_ptr<CredentialsProvider>> providers;
  providers.push_back(std::make_unique<StubProvider>(Status::NotFound("first reason"), &a));
  providers.push_back(std::make_unique<StubProvider>(Status::NotFound("second reason"), &b));
  Result<Credentials> got = NewCredentialsChain(std::move(providers))->GetCredentials();
  ASSERT_FALSE(got.ok());
  EXPECT_TRUE(got.status().IsNotFound());
  const std::string& m = got.status().message();
  EXPECT_NE(m.find("first reason; second reason"), std::string::npos) << m;
  EXPECT_NE(m.find("AWS_ACCESS_KEY_ID"), std::string::npos);
  EXPECT_NE(m.find("instance profile"), std::string::npos);
}

TEST(CredentialsChainTest, InvalidateReachesEveryProvider) {
  int calls = 0, inv1 = 0, inv2 = 0;
  std::vector<std::unique_ptr<CredentialsProvider>> providers;
  providers.push_back(std::make_unique<StubProvider>(Named("A"), &calls, &inv1));
  providers.push_back(std::make_unique<StubProvider>(Named("B"), &calls, &inv2));
  NewCredentialsChain(std::move(providers))->Invalidate();
  EXPECT_EQ(inv1, 1);
  EXPECT_EQ(inv2, 1);
}

class DefaultChainTest : public ::testing::Test {
 protected:
  std::unique_ptr<CredentialsProvider> Chain(std::map<std::string, std::string, std::less<>> env,
                                             std::string profile = "") {
    env.emplace("HOME", home_.path().string());
    EnvLookup lookup = MapEnvLookup(env);
    ImdsOptions imds;
    imds.http = &http_;
    imds.env = lookup;
    imds.retry_delay = std::chrono::milliseconds(0);
    return NewDefaultCredentialsChain(
        {lookup, std::move(profile), std::make_shared<ImdsClient>(std::move(imds))});
  }

  testing::TempDir home_;
  int imds_calls_ = 0;
  testing::FakeHttpClient http_{[this](const HttpRequest&) -> Result<HttpResponse> {
    ++imds_calls_;
    return Status::Transient("connection refused");
  }};
};

TEST_F(DefaultChainTest, EnvironmentFirst) {
  home_.WriteFile(".aws/credentials",
                  "[default]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = s\n");
  Result<Credentials> c =
      Chain({{"AWS_ACCESS_KEY_ID", "AKIAENV"}, {"AWS_SECRET_ACCESS_KEY", "s"}})->GetCredentials();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "AKIAENV");
  EXPECT_EQ(imds_calls_, 0);
}

TEST_F(DefaultChainTest, ProfileFlagSkipsEnvironmentButAwsProfileDoesNot) {
  home_.WriteFile(".aws/credentials",
                  "[p]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = s\n");
  std::map<std::string, std::string, std::less<>> env = {{"AWS_ACCESS_KEY_ID", "AKIAENV"},
                                                         {"AWS_SECRET_ACCESS_KEY", "s"}};
  Result<Credentials> c = Chain(env, "p")->GetCredentials();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "AKIAPROFILE");
  env.emplace("AWS_PROFILE", "p");
  c = Chain(env)->GetCredentials();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "AKIAENV");
}

TEST_F(DefaultChainTest, ThenProfile) {
  home_.WriteFile(".aws/credentials",
                  "[default]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = s\n");
  Result<Credentials> c = Chain({})->GetCredentials();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "AKIAPROFILE");
  EXPECT_EQ(imds_calls_, 0);
}

TEST_F(DefaultChainTest, ThenImdsAndFinallyNotFound) {
  Result<Credentials> c = Chain({})->GetCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(c.status().IsNotFound());
  EXPECT_GT(imds_calls_, 0);
  const std::string& m = c.status().message();
  EXPECT_NE(m.find("environment"), std::string::npos) << m;
  EXPECT_NE(m.find("profile default"), std::string::npos) << m;
  EXPECT_NE(m.find("IMDSv2"), std::string::npos) << m;
}

TEST_F(DefaultChainTest, MissingExplicitProfileStopsBeforeImds) {
  Result<Credentials> c = Chain({{"AWS_PROFILE", "nope"}})->GetCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("The config profile (nope) could not be found"),
            std::string::npos);
  EXPECT_EQ(imds_calls_, 0);
}

TEST_F(DefaultChainTest, HalfSetEnvironmentStopsTheChain) {
  home_.WriteFile(".aws/credentials",
                  "[default]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = s\n");
  Result<Credentials> c = Chain({{"AWS_ACCESS_KEY_ID", "AKIAENV"}})->GetCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace s3proc
