#include "aws/credentials_env.h"

#include <gtest/gtest.h>

namespace s3proc {
namespace {

Result<Credentials> FromEnv(std::map<std::string, std::string, std::less<>> vars) {
  return NewEnvCredentialsProvider(MapEnvLookup(std::move(vars)))->GetCredentials();
}

TEST(EnvCredentialsTest, KeyAndSecret) {
  Result<Credentials> c =
      FromEnv({{"AWS_ACCESS_KEY_ID", "AKIAEXAMPLE"}, {"AWS_SECRET_ACCESS_KEY", "s3cr3t"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "AKIAEXAMPLE");
  EXPECT_EQ(c->secret_access_key, "s3cr3t");
  EXPECT_EQ(c->session_token, "");
  EXPECT_FALSE(c->expiration.has_value());
  EXPECT_EQ(c->source, "environment");
}

TEST(EnvCredentialsTest, SessionToken) {
  Result<Credentials> c = FromEnv({{"AWS_ACCESS_KEY_ID", "ASIA1"},
                                   {"AWS_SECRET_ACCESS_KEY", "s"},
                                   {"AWS_SESSION_TOKEN", "tok"}});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->session_token, "tok");
}

TEST(EnvCredentialsTest, NothingSetIsNotFound) {
  Result<Credentials> c = FromEnv({{"AWS_REGION", "us-east-1"}});
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(c.status().IsNotFound());
}

TEST(EnvCredentialsTest, EmptyValuesCountAsUnset) {
  Result<Credentials> c = FromEnv({{"AWS_ACCESS_KEY_ID", ""}, {"AWS_SECRET_ACCESS_KEY", ""}});
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(c.status().IsNotFound());
}

TEST(EnvCredentialsTest, KeyWithoutSecretIsInvalid) {
  Result<Credentials> c = FromEnv({{"AWS_ACCESS_KEY_ID", "AKIAEXAMPLE"}});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("AWS_SECRET_ACCESS_KEY is not"), std::string::npos)
      << c.status().message();
}

TEST(EnvCredentialsTest, SecretWithoutKeyIsInvalidAndSecretNotShown) {
  Result<Credentials> c = FromEnv({{"AWS_SECRET_ACCESS_KEY", "TOPSECRETVALUE"}});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("AWS_ACCESS_KEY_ID is not"), std::string::npos);
  EXPECT_EQ(c.status().message().find("TOPSECRETVALUE"), std::string::npos);
}

TEST(EnvCredentialsTest, LegacyNames) {
  Result<Credentials> c = FromEnv({{"AWS_ACCESS_KEY", "AKIALEGACY"}, {"AWS_SECRET_KEY", "s"}});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "AKIALEGACY");
}

TEST(EnvCredentialsTest, ModernNamesWin) {
  Result<Credentials> c = FromEnv({{"AWS_ACCESS_KEY_ID", "AKIAMODERN"},
                                   {"AWS_SECRET_ACCESS_KEY", "s"},
                                   {"AWS_ACCESS_KEY", "AKIALEGACY"},
                                   {"AWS_SECRET_KEY", "s2"}});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "AKIAMODERN");
}

TEST(EnvCredentialsTest, ReadsTheEnvironmentOnEveryCall) {
  std::map<std::string, std::string, std::less<>> vars;
  auto provider =
      NewEnvCredentialsProvider([&vars](std::string_view name) -> std::optional<std::string> {
        auto it = vars.find(name);
        if (it == vars.end()) return std::nullopt;
        return it->second;
      });
  EXPECT_FALSE(provider->GetCredentials().ok());
  vars = {{"AWS_ACCESS_KEY_ID", "AKIA"}, {"AWS_SECRET_ACCESS_KEY", "s"}};
  EXPECT_TRUE(provider->GetCredentials().ok());
}

TEST(EnvLookupTest, ProcessEnvLookupReadsGetenv) {
  EnvLookup env = ProcessEnvLookup();
  EXPECT_EQ(env("S3PROC_SURELY_NOT_SET_4711"), std::nullopt);
  ASSERT_NE(std::getenv("PATH"), nullptr);
  EXPECT_EQ(env("PATH"), std::string(std::getenv("PATH")));
}

}  // namespace
}  // namespace s3proc
