#include "aws/credentials_profile.h"

#include <gtest/gtest.h>

#include "testutil/temp_dir.h"

namespace s3proc {
namespace {

class ProfileCredentialsTest : public ::testing::Test {
 protected:
  void WriteCredentials(std::string_view text) { dir_.WriteFile(".aws/credentials", text); }
  void WriteConfig(std::string_view text) { dir_.WriteFile(".aws/config", text); }

  Result<Credentials> Get(std::map<std::string, std::string, std::less<>> vars = {},
                          std::string profile_flag = "") {
    vars.emplace("HOME", dir_.path().string());
    return NewProfileCredentialsProvider({MapEnvLookup(std::move(vars)), profile_flag})
        ->GetCredentials();
  }

  testing::TempDir dir_;
};

TEST_F(ProfileCredentialsTest, DefaultProfileFromCredentialsFile) {
  WriteCredentials("[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = s\n");
  Result<Credentials> c = Get();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "AKIADEFAULT");
  EXPECT_EQ(c->secret_access_key, "s");
  EXPECT_FALSE(c->expiration.has_value());
  EXPECT_NE(c->source.find("profile default"), std::string::npos);
}

TEST_F(ProfileCredentialsTest, AwsProfileSelectsProfileWithSessionToken) {
  WriteCredentials(
      "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = s\n"
      "[dev]\naws_access_key_id = ASIADEV\naws_secret_access_key = s2\n"
      "aws_session_token = tok\n");
  Result<Credentials> c = Get({{"AWS_PROFILE", "dev"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "ASIADEV");
  EXPECT_EQ(c->session_token, "tok");
}

TEST_F(ProfileCredentialsTest, FlagBeatsAwsProfile) {
  WriteCredentials(
      "[a]\naws_access_key_id = AKIAA\naws_secret_access_key = s\n"
      "[b]\naws_access_key_id = AKIAB\naws_secret_access_key = s\n");
  Result<Credentials> c = Get({{"AWS_PROFILE", "a"}}, "b");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "AKIAB");
}

TEST_F(ProfileCredentialsTest, ConfigFileUsedWhenCredentialsFileLacksProfile) {
  WriteConfig(
      "[profile dev]\nregion = eu-west-1\naws_access_key_id = AKIACONFIG\n"
      "aws_secret_access_key = s\n");
  Result<Credentials> c = Get({{"AWS_PROFILE", "dev"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "AKIACONFIG");
  EXPECT_NE(c->source.find("config"), std::string::npos);
}

TEST_F(ProfileCredentialsTest, CredentialsFileWinsOverConfigFile) {
  WriteCredentials("[default]\naws_access_key_id = AKIACREDS\naws_secret_access_key = s\n");
  WriteConfig(
      "[default]\naws_access_key_id = AKIACONFIG\naws_secret_access_key = s\n"
      "aws_session_token = config-token\n");
  Result<Credentials> c = Get();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "AKIACREDS");
  EXPECT_EQ(c->session_token, "");  // never mixed from the other file
}

TEST_F(ProfileCredentialsTest, EnvironmentOverridesFilePaths) {
  std::string creds = dir_.WriteFile("elsewhere/creds",
                                     "[default]\naws_access_key_id = AKIAX\n"
                                     "aws_secret_access_key = s\n");
  WriteCredentials("[default]\naws_access_key_id = AKIAHOME\naws_secret_access_key = s\n");
  Result<Credentials> c = Get({{"AWS_SHARED_CREDENTIALS_FILE", creds}});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "AKIAX");

  std::string config = dir_.WriteFile("elsewhere/config",
                                      "[profile p]\naws_access_key_id = AKIAC\n"
                                      "aws_secret_access_key = s\n");
  c = Get({{"AWS_CONFIG_FILE", config}, {"AWS_PROFILE", "p"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "AKIAC");
}

TEST_F(ProfileCredentialsTest, TildeInPathIsExpanded) {
  dir_.WriteFile("x/creds",
                 "[default]\naws_access_key_id = AKIATILDE\naws_secret_access_key = s\n");
  Result<Credentials> c = Get({{"AWS_SHARED_CREDENTIALS_FILE", "~/x/creds"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "AKIATILDE");
}

TEST_F(ProfileCredentialsTest, NoFilesIsNotFound) {
  Result<Credentials> c = Get();
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(c.status().IsNotFound()) << c.status().ToString();
}

TEST_F(ProfileCredentialsTest, MissingDefaultProfileIsNotFound) {
  WriteCredentials("[other]\naws_access_key_id = AKIA\naws_secret_access_key = s\n");
  Result<Credentials> c = Get();
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(c.status().IsNotFound());
}

TEST_F(ProfileCredentialsTest, MissingExplicitProfileIsAnError) {
  WriteCredentials("[default]\naws_access_key_id = AKIA\naws_secret_access_key = s\n");
  Result<Credentials> c = Get({{"AWS_PROFILE", "typo"}});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("The config profile (typo) could not be found"),
            std::string::npos)
      << c.status().message();
}

TEST_F(ProfileCredentialsTest, MissingFlagProfileIsAnErrorEvenWithoutFiles) {
  Result<Credentials> c = Get({}, "ghost");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ProfileCredentialsTest, ProfileWithoutKeysIsNotFound) {
  WriteConfig("[default]\nregion = us-east-1\n");
  Result<Credentials> c = Get();
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(c.status().IsNotFound());
}

TEST_F(ProfileCredentialsTest, KeyWithoutSecretIsInvalid) {
  WriteCredentials("[default]\naws_access_key_id = AKIA\n");
  Result<Credentials> c = Get();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("no aws_secret_access_key"), std::string::npos);
}

TEST_F(ProfileCredentialsTest, UnsupportedRoleProfileIsInvalid) {
  WriteConfig("[profile admin]\nrole_arn = arn:aws:iam::123:role/x\nsource_profile = default\n");
  Result<Credentials> c = Get({{"AWS_PROFILE", "admin"}});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("role_arn"), std::string::npos);
  EXPECT_NE(c.status().message().find("export-credentials"), std::string::npos);
}

TEST_F(ProfileCredentialsTest, ParseErrorStopsWithoutLeakingSecrets) {
  WriteCredentials("[default]\naws_secret_access_key = VERYSECRET\n[broken\n");
  Result<Credentials> c = Get();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(c.status().message().find("VERYSECRET"), std::string::npos);
}

TEST_F(ProfileCredentialsTest, FilesAreReadOnEveryCall) {
  auto provider =
      NewProfileCredentialsProvider({MapEnvLookup({{"HOME", dir_.path().string()}}), ""});
  EXPECT_FALSE(provider->GetCredentials().ok());
  WriteCredentials("[default]\naws_access_key_id = AKIALATER\naws_secret_access_key = s\n");
  Result<Credentials> c = provider->GetCredentials();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "AKIALATER");
}

TEST(ResolveAwsSharedFilesTest, Defaults) {
  AwsSharedFiles files = ResolveAwsSharedFiles(MapEnvLookup({{"HOME", "/home/u"}}));
  EXPECT_EQ(files.profile, "default");
  EXPECT_FALSE(files.profile_explicit);
  EXPECT_EQ(files.credentials_path, "/home/u/.aws/credentials");
  EXPECT_EQ(files.config_path, "/home/u/.aws/config");
}

TEST(ResolveAwsSharedFilesTest, NoHome) {
  AwsSharedFiles files = ResolveAwsSharedFiles(MapEnvLookup({}));
  EXPECT_EQ(files.credentials_path, "");
  EXPECT_EQ(files.config_path, "");
}

TEST(LoadConfigProfileTest, FindsSection) {
  testing::TempDir dir;
  dir.WriteFile(".aws/config", "[profile p]\nregion = eu-north-1\n");
  AwsSharedFiles files = ResolveAwsSharedFiles(MapEnvLookup({{"HOME", dir.path().string()}}), "p");
  Result<AwsProfile> profile = LoadConfigProfile(files);
  ASSERT_TRUE(profile.ok()) << profile.status().ToString();
  EXPECT_EQ(profile->at("region"), "eu-north-1");
  files.profile = "q";
  EXPECT_TRUE(LoadConfigProfile(files).status().IsNotFound());
}

}  // namespace
}  // namespace s3proc
