// Roles assumed through moto's real STS server (the moto_sqs fixture serves every moto service):
// a profile with role_arn and source_profile (AssumeRole, signed) and the environment's web
// identity (AssumeRoleWithWebIdentity), each behind the cache that refreshes them before they
// expire. Exit 77 (skip) when moto is not installed, unless CI=true, where that is a failure.

#include <gtest/gtest.h>
#include <stdio.h>

#include <cstdlib>
#include <fstream>

#include "aws/credentials_cache.h"
#include "aws/credentials_chain.h"
#include "aws/credentials_profile.h"
#include "aws/credentials_web_identity.h"
#include "aws/sts_client.h"
#include "http/curl_http_client.h"
#include "testutil/moto_fixture.h"
#include "testutil/temp_dir.h"

namespace s3proc {
namespace {

std::string g_endpoint;  // http://127.0.0.1:PORT

class StsMotoTest : public ::testing::Test {
 protected:
  std::shared_ptr<StsClient> Sts() {
    StsClientOptions options;
    options.http = http_.get();
    options.endpoint =
        ResolveStsEndpoint(MapEnvLookup({{"AWS_ENDPOINT_URL_STS", g_endpoint}}), "us-east-1");
    return NewStsClient(options);
  }

  std::unique_ptr<HttpClient> http_ = NewCurlHttpClient({});
  testing::TempDir dir_;
};

// The cache's clock, moved by the test: moto's credentials expire after duration_seconds.
struct Clock {
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
};

TEST_F(StsMotoTest, ProfileRoleIsAssumedAndRefreshedBeforeItExpires) {
  dir_.WriteFile(".aws/credentials",
                 "[base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
                 "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n");
  dir_.WriteFile(".aws/config",
                 "[profile reader]\nrole_arn = arn:aws:iam::123456789012:role/reader\n"
                 "source_profile = base\nexternal_id = ext-1\nrole_session_name = nightly\n"
                 "duration_seconds = 900\n");
  ProfileCredentialsOptions options;
  options.env = MapEnvLookup({{"HOME", dir_.path().string()}});
  options.profile = "reader";
  options.sts = Sts();
  Clock clock;
  CredentialsCacheOptions cache;
  cache.now = [&] { return clock.now; };
  auto provider = NewCachingCredentialsProvider(NewProfileCredentialsProvider(options), cache);

  Result<Credentials> first = provider->GetCredentials();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->access_key_id.starts_with("ASIA")) << first->Redacted();
  EXPECT_FALSE(first->session_token.empty());
  ASSERT_TRUE(first->expiration.has_value());
  auto life = *first->expiration - clock.now;
  EXPECT_GT(life, std::chrono::seconds(800));
  EXPECT_LE(life, std::chrono::seconds(960));
  EXPECT_EQ(first->source, "role arn:aws:iam::123456789012:role/reader (profile reader)");

  EXPECT_EQ(provider->GetCredentials()->access_key_id, first->access_key_id);  // cached
  clock.now = *first->expiration - std::chrono::seconds(200);  // inside the refresh window
  Result<Credentials> second = provider->GetCredentials();
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_NE(second->access_key_id, first->access_key_id);  // STS was asked again
}

TEST_F(StsMotoTest, WebIdentityFromTheEnvironment) {
  std::string token = dir_.WriteFile("token", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwb2QifQ.c2ln\n");
  auto env = MapEnvLookup({{"AWS_WEB_IDENTITY_TOKEN_FILE", token},
                           {"AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/pod"},
                           {"AWS_ROLE_SESSION_NAME", "pod-session"},
                           {"HOME", dir_.path().string()},
                           {"AWS_EC2_METADATA_DISABLED", "true"}});
  auto imds_http = NewCurlHttpClient({});
  ImdsOptions imds_options;
  imds_options.http = imds_http.get();
  imds_options.env = env;
  DefaultCredentialsChainOptions options;
  options.env = env;
  options.imds = std::make_shared<ImdsClient>(imds_options);
  options.sts = Sts();
  auto chain = NewDefaultCredentialsChain(std::move(options));
  Result<Credentials> c = chain->GetCredentials();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->expiration.has_value());
  EXPECT_FALSE(c->session_token.empty());
  EXPECT_EQ(c->source, "role arn:aws:iam::123456789012:role/pod (web identity)");
}

TEST_F(StsMotoTest, AProfileWithAWebIdentityTokenFile) {
  std::string token = dir_.WriteFile("token", "eyJ0b2tlbiI6MX0.e30.c2ln");
  dir_.WriteFile(".aws/config",
                 "[profile ci]\nrole_arn = arn:aws:iam::123456789012:role/ci\n"
                 "web_identity_token_file = " +
                     token + "\n");
  ProfileCredentialsOptions options;
  options.env = MapEnvLookup({{"HOME", dir_.path().string()}});
  options.profile = "ci";
  options.sts = Sts();
  Result<Credentials> c = NewProfileCredentialsProvider(options)->GetCredentials();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->expiration.has_value());
  EXPECT_EQ(c->source, "role arn:aws:iam::123456789012:role/ci (web identity)");
}

}  // namespace
}  // namespace s3proc

// Finds moto (the fixture's directory, or S3PROC_TEST_MOTO_ENDPOINT), or skips with 77.
int main(int argc, char** argv) {
  int exit_code = 0;
  auto moto = s3proc::testing::FindMotoFixture(&exit_code);
  if (!moto) return exit_code;
  s3proc::g_endpoint = moto->endpoint;
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
