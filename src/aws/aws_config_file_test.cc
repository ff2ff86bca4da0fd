#include "aws/aws_config_file.h"

#include <gtest/gtest.h>
#include <stdio.h>

#include <nlohmann/json.hpp>

#include "testutil/python_oracle.h"
#include "testutil/temp_dir.h"

namespace s3proc {
namespace {

TEST(AwsConfigFileTest, ParsesCredentialsFileSections) {
  Result<AwsConfigFile> file = ParseAwsConfigFile(
      "[default]\n"
      "aws_access_key_id = AKIADEFAULT\n"
      "aws_secret_access_key=secret/with+chars=\n"
      "\n"
      "[work]\n"
      "  aws_access_key_id   =   AKIAWORK  \n",
      AwsConfigFileKind::kCredentials, "creds");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->Get("default", "aws_access_key_id"), "AKIADEFAULT");
  EXPECT_EQ(file->Get("default", "aws_secret_access_key"), "secret/with+chars=");
  EXPECT_EQ(file->Get("work", "aws_access_key_id"), "AKIAWORK");
  EXPECT_EQ(file->Get("missing", "aws_access_key_id"), std::nullopt);
  EXPECT_EQ(file->Get("work", "aws_session_token"), std::nullopt);
}

TEST(AwsConfigFileTest, ConfigFileUsesProfilePrefix) {
  Result<AwsConfigFile> file = ParseAwsConfigFile(
      "[default]\nregion = us-east-1\n"
      "[profile dev]\nregion = eu-west-1\n"
      "[profile   spaced  ]\nregion = ap-south-1\n"
      "[bare]\nregion = nowhere-1\n"
      "[sso-session corp]\nsso_region = us-east-1\n"
      "[services local]\ns3 =\n  endpoint_url = http://localhost:9000\n",
      AwsConfigFileKind::kConfig, "config");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->Get("default", "region"), "us-east-1");
  EXPECT_EQ(file->Get("dev", "region"), "eu-west-1");
  EXPECT_EQ(file->Get("spaced", "region"), "ap-south-1");
  EXPECT_EQ(file->Find("bare"), nullptr);
  EXPECT_EQ(file->Find("corp"), nullptr);
  EXPECT_EQ(file->Find("sso-session corp"), nullptr);
  EXPECT_EQ(file->profiles.size(), 3u);
}

TEST(AwsConfigFileTest, CredentialsFileTakesProfilePrefixLiterally) {
  Result<AwsConfigFile> file =
      ParseAwsConfigFile("[profile dev]\nx = 1\n", AwsConfigFileKind::kCredentials, "creds");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->Get("profile dev", "x"), "1");
  EXPECT_EQ(file->Find("dev"), nullptr);
}

TEST(AwsConfigFileTest, ProfileDefaultInConfigIsDefault) {
  Result<AwsConfigFile> file = ParseAwsConfigFile("[profile default]\nregion = us-west-2\n",
                                                  AwsConfigFileKind::kConfig, "c");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->Get("default", "region"), "us-west-2");
}

// As in the AWS CLI: only whole lines are comments; a `#` or `;` later on a line is part of the
// value (botocore reads `region = us-east-1 # x` as "us-east-1 # x").
TEST(AwsConfigFileTest, Comments) {
  Result<AwsConfigFile> file = ParseAwsConfigFile(
      "# leading comment\n"
      "; another\n"
      "[default] # after a header\n"
      "   # indented comment\n"
      "region = us-east-1 # trailing comment\n"
      "output = json ; trailing\n"
      "secret = abc#def;ghi\n",
      AwsConfigFileKind::kConfig, "c");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->Get("default", "region"), "us-east-1 # trailing comment");
  EXPECT_EQ(file->Get("default", "output"), "json ; trailing");
  EXPECT_EQ(file->Get("default", "secret"), "abc#def;ghi");
}

TEST(AwsConfigFileTest, ValuesMayContainEquals) {
  Result<AwsConfigFile> file =
      ParseAwsConfigFile("[a]\ntoken = FQo=abc==\n", AwsConfigFileKind::kCredentials, "c");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->Get("a", "token"), "FQo=abc==");
}

TEST(AwsConfigFileTest, KeysAreLowerCased) {
  Result<AwsConfigFile> file =
      ParseAwsConfigFile("[a]\nAWS_Access_Key_ID = X\n", AwsConfigFileKind::kCredentials, "c");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->Get("a", "aws_access_key_id"), "X");
}

TEST(AwsConfigFileTest, SubSectionsAreStoredWithDottedKeys) {
  Result<AwsConfigFile> file = ParseAwsConfigFile(
      "[default]\n"
      "s3 =\n"
      "  addressing_style = path\n"
      "  max_concurrent_requests = 20\n"
      "region = us-east-1\n",
      AwsConfigFileKind::kConfig, "c");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->Get("default", "s3.addressing_style"), "path");
  EXPECT_EQ(file->Get("default", "s3.max_concurrent_requests"), "20");
  EXPECT_EQ(file->Get("default", "s3"), std::nullopt);  // empty value
  EXPECT_EQ(file->Get("default", "region"), "us-east-1");
}

TEST(AwsConfigFileTest, ContinuationLinesExtendAValue) {
  Result<AwsConfigFile> file =
      ParseAwsConfigFile("[a]\nlist = one\n  two\n", AwsConfigFileKind::kCredentials, "c");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->Get("a", "list"), "one\ntwo");
}

TEST(AwsConfigFileTest, UniformlyIndentedPropertiesAreNotContinuations) {
  Result<AwsConfigFile> file = ParseAwsConfigFile(
      "[default]\n  aws_access_key_id = AKIA\n  aws_secret_access_key = s\n"
      "\ts3 =\n\t  addressing_style = path\n\tregion = r\n",
      AwsConfigFileKind::kCredentials, "c");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->Get("default", "aws_access_key_id"), "AKIA");
  EXPECT_EQ(file->Get("default", "aws_secret_access_key"), "s");
  EXPECT_EQ(file->Get("default", "s3.addressing_style"), "path");
  EXPECT_EQ(file->Get("default", "region"), "r");
}

TEST(AwsConfigFileTest, CrLf) {
  Result<AwsConfigFile> file = ParseAwsConfigFile("[a]\r\nx = 1\r\ny = 2\r\n[b]\r\nz = 3\r\n",
                                                  AwsConfigFileKind::kCredentials, "c");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->Get("a", "x"), "1");
  EXPECT_EQ(file->Get("a", "y"), "2");
  EXPECT_EQ(file->Get("b", "z"), "3");
}

TEST(AwsConfigFileTest, ARepeatedSectionIsRefusedWithItsLine) {
  Result<AwsConfigFile> file = ParseAwsConfigFile("[a]\nx = 1\n[b]\nz = 3\n[a]\ny = 20\n",
                                                  AwsConfigFileKind::kCredentials, "creds");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().message(),
            "creds:5: the section [a] appears a second time; the AWS CLI refuses that too: merge "
            "the two");
}

TEST(AwsConfigFileTest, SsoSessionsAreKeptApart) {
  Result<AwsConfigFile> file = ParseAwsConfigFile(
      "[sso-session corp]\nsso_region = eu-west-1\n[profile dev]\nsso_session = corp\n",
      AwsConfigFileKind::kConfig, "c");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->sso_sessions.at("corp").at("sso_region"), "eu-west-1");
  EXPECT_EQ(file->Get("dev", "sso_session"), "corp");
  EXPECT_EQ(file->Find("corp"), nullptr);
}

TEST(AwsConfigFileTest, EmptyText) {
  Result<AwsConfigFile> file = ParseAwsConfigFile("", AwsConfigFileKind::kConfig, "c");
  ASSERT_TRUE(file.ok());
  EXPECT_TRUE(file->profiles.empty());
}

TEST(AwsConfigFileTest, ErrorsNameOriginAndLine) {
  Result<AwsConfigFile> file =
      ParseAwsConfigFile("[a]\nx = 1\nthis is not valid\n", AwsConfigFileKind::kCredentials,
                         "/home/u/.aws/credentials");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(file.status().message().find("/home/u/.aws/credentials:3"), std::string::npos)
      << file.status().message();
}

TEST(AwsConfigFileTest, PropertyBeforeSectionIsAnError) {
  Result<AwsConfigFile> file =
      ParseAwsConfigFile("x = 1\n[a]\n", AwsConfigFileKind::kCredentials, "c");
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.status().message().find("c:1"), std::string::npos);
}

TEST(AwsConfigFileTest, UnclosedSectionIsAnError) {
  Result<AwsConfigFile> file = ParseAwsConfigFile("[a\n", AwsConfigFileKind::kCredentials, "c");
  EXPECT_FALSE(file.ok());
}

TEST(AwsConfigFileTest, ErrorsNeverContainValues) {
  Result<AwsConfigFile> file = ParseAwsConfigFile(
      "[a]\naws_secret_access_key = SUPERSECRET\ns3 =\n  garbage-without-equals\n",
      AwsConfigFileKind::kCredentials, "c");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().message().find("SUPERSECRET"), std::string::npos);
}

TEST(AwsConfigFileTest, LoadFromPath) {
  testing::TempDir dir;
  std::string path = dir.WriteFile("credentials", "[default]\naws_access_key_id = AKIA\n");
  Result<AwsConfigFile> file = LoadAwsConfigFile(path, AwsConfigFileKind::kCredentials);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->Get("default", "aws_access_key_id"), "AKIA");

  Result<AwsConfigFile> missing =
      LoadAwsConfigFile((dir.path() / "nope").string(), AwsConfigFileKind::kCredentials);
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.status().IsNotFound());

  std::string bad = dir.WriteFile("bad", "[default\n");
  Result<AwsConfigFile> broken = LoadAwsConfigFile(bad, AwsConfigFileKind::kCredentials);
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find(bad + ":1"), std::string::npos);
}

// The oracle: botocore reads the corpus of tricky files in testutil/botocore_config_oracle.py
// (inline comments, repeated sections, continuation lines, `[profile x]` against `[x]`, ...);
// s3proc must refuse what botocore refuses and read the same sections and profiles from the rest.
nlohmann::json RunOracle() { return testing::RunPythonOracle("botocore_config_oracle.py"); }

nlohmann::json SectionsJson(const std::vector<AwsConfigSection>& sections) {
  nlohmann::json out = nlohmann::json::array();
  for (const AwsConfigSection& section : sections) {
    out.push_back({section.name, section.properties});
  }
  return out;
}

TEST(AwsConfigFileBotocore, ReadsTheCorpusAsBotocoreDoes) {
  nlohmann::json corpus = RunOracle();
  ASSERT_TRUE(corpus.is_array()) << "the botocore oracle did not run (python3-botocore missing?)";
  ASSERT_GE(corpus.size(), 20u);
  for (const auto& c : corpus) {
    SCOPED_TRACE(c["name"].get<std::string>());
    const std::string text = c["text"];
    auto sections = ParseAwsConfigSections(text, "corpus");
    auto config = ParseAwsConfigFile(text, AwsConfigFileKind::kConfig, "corpus");
    auto credentials = ParseAwsConfigFile(text, AwsConfigFileKind::kCredentials, "corpus");
    if (c["error"].get<bool>()) {
      EXPECT_FALSE(sections.ok());
      EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
      EXPECT_EQ(credentials.status().code(), StatusCode::kInvalidArgument);
      continue;
    }
    ASSERT_TRUE(sections.ok()) << sections.status().ToString();
    EXPECT_EQ(SectionsJson(*sections), c["sections"]);
    ASSERT_TRUE(config.ok());
    EXPECT_EQ(nlohmann::json(config->profiles), c["config_profiles"]);
    EXPECT_EQ(nlohmann::json(config->sso_sessions), c["config_sso_sessions"]);
    // The credentials file: every section is a profile, named as written.
    ASSERT_TRUE(credentials.ok());
    nlohmann::json by_name = nlohmann::json::object();
    for (const auto& section : c["sections"]) by_name[section[0].get<std::string>()] = section[1];
    EXPECT_EQ(nlohmann::json(credentials->profiles), by_name);
  }
}

}  // namespace
}  // namespace s3proc
