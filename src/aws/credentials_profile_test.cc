#include "aws/credentials_profile.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "aws/credentials_cache.h"
#include "aws/credentials_imds.h"
#include "testutil/temp_dir.h"

namespace s3proc {
namespace {

// Answers every AssumeRole with credentials named after the role, and records what it was
// asked and with which source key.
class FakeSts : public StsClient {
 public:
  struct Call {
    AssumeRoleRequest request;
    std::string source_key;
  };

  Result<Credentials> AssumeRole(const AssumeRoleRequest& request,
                                 const Credentials& source) override {
    calls.push_back({request, source.access_key_id});
    Credentials c;
    c.access_key_id = "ASIA-" + request.role_arn.substr(request.role_arn.rfind('/') + 1);
    c.secret_access_key = "role-secret";
    c.session_token = "role-token";
    c.expiration = std::chrono::system_clock::from_time_t(1764349446);
    return c;
  }
  Result<Credentials> AssumeRoleWithWebIdentity(const AssumeRoleRequest& request) override {
    calls.push_back({request, ""});
    Credentials c;
    c.access_key_id = "ASIA-WEB";
    c.secret_access_key = "web-secret";
    c.session_token = "web-token";
    c.expiration = std::chrono::system_clock::from_time_t(1764349446);
    return c;
  }

  std::vector<Call> calls;
};

class ProfileCredentialsTest : public ::testing::Test {
 protected:
  void WriteCredentials(std::string_view text) { dir_.WriteFile(".aws/credentials", text); }
  void WriteConfig(std::string_view text) { dir_.WriteFile(".aws/config", text); }

  Result<Credentials> Get(std::map<std::string, std::string, std::less<>> vars = {},
                          std::string profile_flag = "") {
    vars.emplace("HOME", dir_.path().string());
    ProfileCredentialsOptions options;
    options.env = MapEnvLookup(std::move(vars));
    options.profile = profile_flag;
    options.sts = sts_;
    options.now = [] { return std::chrono::system_clock::from_time_t(1764345846); };
    return NewProfileCredentialsProvider(std::move(options))->GetCredentials();
  }

  testing::TempDir dir_;
  std::shared_ptr<FakeSts> sts_ = std::make_shared<FakeSts>();
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

// ---- roles -------------------------------------------------------------------------------------

TEST_F(ProfileCredentialsTest, RoleIsAssumedWithTheSourceProfilesKeys) {
  WriteCredentials("[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = s\n");
  WriteConfig(
      "[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = base\n"
      "external_id = ext-1\nrole_session_name = nightly\nduration_seconds = 1800\n");
  Result<Credentials> c = Get({{"AWS_PROFILE", "admin"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "ASIA-admin");
  EXPECT_EQ(c->source, "role arn:aws:iam::123456789012:role/admin (profile admin)");
  ASSERT_EQ(sts_->calls.size(), 1u);
  EXPECT_EQ(sts_->calls[0].source_key, "AKIABASE");
  EXPECT_EQ(sts_->calls[0].request.external_id, "ext-1");
  EXPECT_EQ(sts_->calls[0].request.role_session_name, "nightly");
  EXPECT_EQ(sts_->calls[0].request.duration_seconds, 1800);
}

TEST_F(ProfileCredentialsTest, DefaultSessionNameSaysWhoAssumedTheRole) {
  WriteCredentials("[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = s\n");
  WriteConfig("[profile admin]\nrole_arn = arn:aws:iam::1:role/admin\nsource_profile = base\n");
  ASSERT_TRUE(Get({{"AWS_PROFILE", "admin"}}).ok());
  EXPECT_EQ(sts_->calls[0].request.role_session_name, "s3proc-1764345846");
  EXPECT_FALSE(sts_->calls[0].request.duration_seconds.has_value());
}

TEST_F(ProfileCredentialsTest, ChainsOfRolesAreFollowed) {
  WriteCredentials("[root]\naws_access_key_id = AKIAROOT\naws_secret_access_key = s\n");
  WriteConfig(
      "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n"
      "[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = root\n");
  Result<Credentials> c = Get({{"AWS_PROFILE", "a"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "ASIA-a");
  ASSERT_EQ(sts_->calls.size(), 2u);
  EXPECT_EQ(sts_->calls[0].request.role_arn, "arn:aws:iam::1:role/b");
  EXPECT_EQ(sts_->calls[0].source_key, "AKIAROOT");
  EXPECT_EQ(sts_->calls[1].request.role_arn, "arn:aws:iam::1:role/a");
  EXPECT_EQ(sts_->calls[1].source_key, "ASIA-b");
}

TEST_F(ProfileCredentialsTest, ALoopOfSourceProfilesIsRefusedClearly) {
  WriteConfig(
      "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n"
      "[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = c\n"
      "[profile c]\nrole_arn = arn:aws:iam::1:role/c\nsource_profile = a\n");
  Result<Credentials> c = Get({{"AWS_PROFILE", "a"}});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(c.status().message(),
            "the profiles' source_profile settings form a loop (a -> b -> c -> a): end the chain "
            "at a profile with credentials of its own");
  EXPECT_TRUE(sts_->calls.empty());
}

TEST_F(ProfileCredentialsTest, AProfileMaySourceItsOwnStaticKeys) {
  WriteCredentials(
      "[self]\naws_access_key_id = AKIASELF\naws_secret_access_key = s\n"
      "role_arn = arn:aws:iam::1:role/self\nsource_profile = self\n");
  Result<Credentials> c = Get({{"AWS_PROFILE", "self"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "ASIA-self");
  EXPECT_EQ(sts_->calls[0].source_key, "AKIASELF");
}

TEST_F(ProfileCredentialsTest, MfaSerialIsRefusedInANonInteractiveRun) {
  WriteCredentials("[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = s\n");
  WriteConfig(
      "[profile admin]\nrole_arn = arn:aws:iam::1:role/admin\nsource_profile = base\n"
      "mfa_serial = arn:aws:iam::1:mfa/me\n");
  Result<Credentials> c = Get({{"AWS_PROFILE", "admin"}});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(),
            "profile admin has mfa_serial: its role needs an MFA code, which nobody can type into "
            "a non-interactive run: export temporary credentials with `eval \"$(aws configure "
            "export-credentials --profile admin --format env)\"`, or use a role without MFA");
  EXPECT_TRUE(sts_->calls.empty());
}

TEST_F(ProfileCredentialsTest, CredentialSourceEnvironment) {
  WriteConfig("[profile r]\nrole_arn = arn:aws:iam::1:role/r\ncredential_source = Environment\n");
  Result<Credentials> c =
      Get({{"AWS_PROFILE", "r"}, {"AWS_ACCESS_KEY_ID", "AKIAENV"}, {"AWS_SECRET_ACCESS_KEY", "s"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(sts_->calls[0].source_key, "AKIAENV");

  Result<Credentials> none = Get({{"AWS_PROFILE", "r"}});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(none.status().message().find("credential_source = Environment, which has no"),
            std::string::npos)
      << none.status().message();
}

TEST_F(ProfileCredentialsTest, UnsupportedCredentialSourceAndMissingSourcesAreRefused) {
  WriteConfig(
      "[profile ecs]\nrole_arn = arn:aws:iam::1:role/r\ncredential_source = EcsContainer\n"
      "[profile lone]\nrole_arn = arn:aws:iam::1:role/r\n"
      "[profile gone]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = nowhere\n"
      "[profile long]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = lone\n"
      "duration_seconds = 1h\n");
  EXPECT_EQ(Get({}, "ecs").status().message(),
            "profile ecs has credential_source = EcsContainer, which s3proc does not support: use "
            "Environment or Ec2InstanceMetadata");
  EXPECT_EQ(Get({}, "lone").status().message(),
            "profile lone has role_arn but neither source_profile nor credential_source: add one "
            "to say what assumes the role");
  EXPECT_NE(Get({}, "gone").status().message().find("source_profile = nowhere, which is not in"),
            std::string::npos);
  EXPECT_EQ(Get({}, "long").status().message(),
            "profile long: duration_seconds '1h' is not a whole number of seconds from 900 to "
            "43200");
  EXPECT_TRUE(sts_->calls.empty());
}

TEST_F(ProfileCredentialsTest, SsoProfilesAreRefusedWithAdvice) {
  WriteConfig("[profile dev]\nsso_session = corp\nsso_account_id = 1\n");
  Result<Credentials> c = Get({{"AWS_PROFILE", "dev"}});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("export-credentials --profile dev"), std::string::npos);
}

// ---- credential_process ------------------------------------------------------------------------

class CredentialProcessTest : public ProfileCredentialsTest {
 protected:
  // A script printing `output` (and a secret on stderr), exiting with `status`.
  std::string Script(std::string_view name, std::string_view output, int status = 0) {
    std::string path = dir_.WriteFile(
        name, "#!/bin/sh\necho 'SECRET-ON-STDERR' >&2\ncat <<'EOF'\n" + std::string(output) +
                  "\nEOF\nexit " + std::to_string(status) + "\n");
    std::filesystem::permissions(path, std::filesystem::perms::owner_all);
    return path;
  }
};

TEST_F(CredentialProcessTest, ReadsTheDocumentTheCommandPrints) {
  std::string script = Script("creds helper", R"({"Version": 1, "AccessKeyId": "ASIAPROC",
      "SecretAccessKey": "proc-secret", "SessionToken": "proc-token",
      "Expiration": "2026-11-28T17:00:00Z"})");
  // Split as a shell would: the quoted path with a space is one word, the rest are arguments.
  WriteConfig("[profile p]\ncredential_process = \"" + script + "\" --profile 'x y'\n");
  Result<Credentials> c = Get({{"AWS_PROFILE", "p"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "ASIAPROC");
  EXPECT_EQ(c->secret_access_key, "proc-secret");
  EXPECT_EQ(c->session_token, "proc-token");
  EXPECT_EQ(c->expiration, ParseIso8601Utc("2026-11-28T17:00:00Z"));
  EXPECT_EQ(c->source, "profile p (credential_process)");
}

// s3proc keeps HOME out of its own environment (see cli.cc); the command still gets the one
// s3proc was started with, where tools such as aws-vault keep their files.
TEST_F(CredentialProcessTest, TheCommandGetsTheHomeS3procWasStartedWith) {
  std::string path = dir_.WriteFile(
      "home-helper", "#!/bin/sh\n[ \"$HOME\" = \"" + dir_.path().string() +
                         "\" ] || exit 9\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIAHOME\", "
                         "\"SecretAccessKey\": \"s\"}'\n");
  std::filesystem::permissions(path, std::filesystem::perms::owner_all);
  WriteConfig("[default]\ncredential_process = " + path + "\n");
  Result<Credentials> c = Get();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "AKIAHOME");
}

TEST_F(CredentialProcessTest, WithoutExpirationTheCredentialsAreLongTerm) {
  std::string script =
      Script("h", R"({"Version": 1, "AccessKeyId": "AKIA1", "SecretAccessKey": "s"})");
  WriteConfig("[default]\ncredential_process = " + script + "\n");
  Result<Credentials> c = Get();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_FALSE(c->expiration.has_value());
  EXPECT_EQ(c->session_token, "");
}

TEST_F(CredentialProcessTest, FailuresAreClearAndShowNoSecret) {
  std::string ok_doc = R"({"Version": 1, "AccessKeyId": "AKIA1", "SecretAccessKey": "s3cr3t"})";
  WriteConfig("[profile fails]\ncredential_process = " + Script("fails", ok_doc, 3) +
              "\n[profile junk]\ncredential_process = " + Script("junk", "not json s3cr3t") +
              "\n[profile v2]\ncredential_process = " +
              Script("v2", R"({"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "s3cr3t"})") +
              "\n[profile nokey]\ncredential_process = " +
              Script("nokey", R"({"Version": 1, "SecretAccessKey": "s3cr3t"})") +
              "\n[profile missing]\ncredential_process = /nonexistent/helper --flag\n");
  const std::string fails = dir_.path().string() + "/fails";
  EXPECT_EQ(Get({}, "fails").status().message(),
            "profile fails (credential_process): credential_process " + fails +
                " exited with status 3 (its standard error is not shown, as it may hold secrets: "
                "run the command yourself to see why)");
  EXPECT_EQ(Get({}, "junk").status().message(),
            "profile junk (credential_process): credential_process " + dir_.path().string() +
                "/junk printed something that is not a JSON object");
  EXPECT_NE(Get({}, "v2").status().message().find("without \"Version\": 1"), std::string::npos);
  EXPECT_NE(Get({}, "nokey").status().message().find("without AccessKeyId"), std::string::npos);
  EXPECT_NE(Get({}, "missing").status().message().find("/nonexistent/helper could not be started"),
            std::string::npos);
  for (const char* profile : {"fails", "junk", "v2", "nokey", "missing"}) {
    Result<Credentials> c = Get({}, profile);
    EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument) << profile;
    EXPECT_EQ(c.status().message().find("s3cr3t"), std::string::npos) << profile;
    EXPECT_EQ(c.status().message().find("SECRET-ON-STDERR"), std::string::npos) << profile;
  }
}

TEST_F(CredentialProcessTest, StaticKeysInTheCredentialsFileComeFirst) {
  WriteCredentials("[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = s\n");
  WriteConfig("[default]\ncredential_process = /nonexistent/helper\n");
  Result<Credentials> c = Get();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "AKIAFILE");
}

// The command is run again once its credentials come near their Expiration (the cache in front
// of every provider refreshes them five minutes before).
TEST_F(CredentialProcessTest, ExpiringCredentialsAreRefreshedBeforeTheyExpire) {
  std::string counter = (dir_.path() / "count").string();
  std::string script = dir_.WriteFile(
      "counting", "#!/bin/sh\nn=$(cat '" + counter + "' 2>/dev/null || echo 0)\nn=$((n+1))\n" +
                      "echo $n > '" + counter + "'\n" +
                      "printf '{\"Version\":1,\"AccessKeyId\":\"ASIA%s\",\"SecretAccessKey\":"
                      "\"s\",\"SessionToken\":\"t\",\"Expiration\":\"2026-11-28T17:00:00Z\"}' "
                      "$n\n");
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  WriteConfig("[default]\ncredential_process = " + script + "\n");

  auto now = *ParseIso8601Utc("2026-11-28T16:00:00Z");
  ProfileCredentialsOptions options;
  options.env = MapEnvLookup({{"HOME", dir_.path().string()}});
  CredentialsCacheOptions cache_options;
  cache_options.now = [&] { return now; };
  auto provider =
      NewCachingCredentialsProvider(NewProfileCredentialsProvider(options), cache_options);
  EXPECT_EQ(provider->GetCredentials()->access_key_id, "ASIA1");
  now = *ParseIso8601Utc("2026-11-28T16:50:00Z");
  EXPECT_EQ(provider->GetCredentials()->access_key_id, "ASIA1");  // ten minutes left: kept
  now = *ParseIso8601Utc("2026-11-28T16:56:00Z");
  EXPECT_EQ(provider->GetCredentials()->access_key_id, "ASIA2");  // four left: run again
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
