#include "aws/sts_client.h"

#include <gtest/gtest.h>
#include <stdio.h>

#include <nlohmann/json.hpp>
#include <string>

#include "aws/credentials_imds.h"
#include "testutil/fake_http_client.h"
#include "testutil/python_oracle.h"

namespace s3proc {
namespace {

using testing::FakeHttpClient;
using testing::MakeHttpResponse;

constexpr char kAnswer[] =
    "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>"
    "<Credentials><AccessKeyId>ASIAROLE</AccessKeyId><SecretAccessKey>role-secret"
    "</SecretAccessKey><SessionToken>role-token</SessionToken>"
    "<Expiration>2026-11-28T17:04:06Z</Expiration></Credentials></AssumeRoleResult>"
    "</AssumeRoleResponse>";

// The oracle: botocore's own STS client builds the calls in testutil/botocore_sts_oracle.py;
// StsClient, with its clock at botocore's X-Amz-Date, must send the same body and signature.
nlohmann::json RunOracle() { return testing::RunPythonOracle("botocore_sts_oracle.py"); }

TEST(StsClientBotocore, SendsWhatBotocoreSends) {
  nlohmann::json corpus = RunOracle();
  ASSERT_TRUE(corpus.is_array()) << "the botocore oracle did not run (python3-botocore missing?)";
  ASSERT_GE(corpus.size(), 4u);
  for (const auto& c : corpus) {
    SCOPED_TRACE(c["name"].get<std::string>());
    std::string body;
    HttpHeaders headers;
    std::string url;
    FakeHttpClient http([&](const HttpRequest& request) -> Result<HttpResponse> {
      body = std::string(request.body.data);
      headers = request.headers;
      url = request.url;
      return MakeHttpResponse(500, "");  // nothing to read: the request is what is checked
    });
    StsClientOptions options;
    options.http = &http;
    options.region = c["region"];
    options.endpoint = c["endpoint"];
    options.retry.max_attempts = 1;
    std::string amz_date = c["amz_date"];
    auto now =
        ParseIso8601Utc(amz_date.empty() ? "2026-11-28T16:04:06Z"
                                         : amz_date.substr(0, 4) + "-" + amz_date.substr(4, 2) +
                                               "-" + amz_date.substr(6, 5) + ":" +
                                               amz_date.substr(11, 2) + ":" + amz_date.substr(13));
    ASSERT_TRUE(now.has_value());
    options.now = [&] { return *now; };
    auto sts = NewStsClient(options);

    const auto& p = c["params"];
    AssumeRoleRequest request;
    request.role_arn = p["RoleArn"];
    request.role_session_name = p["RoleSessionName"];
    request.external_id = p.value("ExternalId", "");
    if (p.contains("DurationSeconds")) request.duration_seconds = p["DurationSeconds"].get<int>();
    Credentials source;
    source.access_key_id = c["access_key"];
    source.secret_access_key = c["secret_key"];
    source.session_token = c["token"];
    if (c["operation"] == "AssumeRole") {
      (void)sts->AssumeRole(request, source);
    } else {
      request.web_identity_token = p["WebIdentityToken"];
      (void)sts->AssumeRoleWithWebIdentity(request);
    }
    auto header = [&](std::string_view name) {
      for (const auto& [n, v] : headers) {
        if (strcasecmp(n.c_str(), std::string(name).c_str()) == 0) return v;
      }
      return std::string();
    };
    EXPECT_EQ(url, c["url"].get<std::string>());
    EXPECT_EQ(body, c["body"].get<std::string>());
    EXPECT_EQ(header("content-type"), c["content_type"].get<std::string>());
    EXPECT_EQ(header("x-amz-date"), amz_date);
    EXPECT_EQ(header("authorization"), c["authorization"].get<std::string>());
  }
}

TEST(StsClient, ReadsTheCredentials) {
  FakeHttpClient http([](const HttpRequest&) { return MakeHttpResponse(200, kAnswer); });
  auto sts = NewStsClient({.http = &http, .endpoint = "https://sts.us-east-1.amazonaws.com"});
  Credentials source{"AKIASOURCE", "source-secret"};
  Result<Credentials> c =
      sts->AssumeRole({.role_arn = "arn:aws:iam::1:role/r", .role_session_name = "s"}, source);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "ASIAROLE");
  EXPECT_EQ(c->secret_access_key, "role-secret");
  EXPECT_EQ(c->session_token, "role-token");
  EXPECT_EQ(c->expiration, ParseIso8601Utc("2026-11-28T17:04:06Z"));
}

TEST(StsClient, RefusalsNameTheRoleAndStsReasonButNoSecret) {
  FakeHttpClient http([](const HttpRequest&) {
    return MakeHttpResponse(
        403,
        "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: "
        "arn:aws:iam::1:user/u is not authorized to perform: sts:AssumeRole</Message></Error>"
        "</ErrorResponse>");
  });
  auto sts = NewStsClient({.http = &http, .endpoint = "https://sts.us-east-1.amazonaws.com"});
  Credentials source{"AKIASOURCE", "source-secret", "source-token"};
  Result<Credentials> c =
      sts->AssumeRole({.role_arn = "arn:aws:iam::1:role/r", .role_session_name = "s"}, source);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kAccessDenied);
  EXPECT_EQ(c.status().message(),
            "STS AssumeRole arn:aws:iam::1:role/r: HTTP 403 AccessDenied: User: "
            "arn:aws:iam::1:user/u is not authorized to perform: sts:AssumeRole: check the "
            "role's trust policy and the profile's settings");
  EXPECT_EQ(http.request_count(), 1u);
}

TEST(StsClient, AnAnswerWithoutCredentialsIsInternal) {
  FakeHttpClient http([](const HttpRequest&) { return MakeHttpResponse(200, "<html/>"); });
  auto sts = NewStsClient({.http = &http, .endpoint = "http://127.0.0.1:1"});
  Result<Credentials> c = sts->AssumeRoleWithWebIdentity({.role_arn = "arn:aws:iam::1:role/r",
                                                          .role_session_name = "s",
                                                          .web_identity_token = "TOKEN-SECRET"});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInternal);
  EXPECT_EQ(c.status().message().find("TOKEN-SECRET"), std::string::npos);
}

TEST(StsClient, EndpointFollowsTheEnvironmentThenTheRegion) {
  EXPECT_EQ(ResolveStsEndpoint(MapEnvLookup({}), "eu-west-3"),
            "https://sts.eu-west-3.amazonaws.com");
  EXPECT_EQ(ResolveStsEndpoint(MapEnvLookup({}), "cn-north-1"),
            "https://sts.cn-north-1.amazonaws.com.cn");
  EXPECT_EQ(ResolveStsEndpoint(MapEnvLookup({{"AWS_ENDPOINT_URL", "http://a"}}), "r"), "http://a");
  EXPECT_EQ(ResolveStsEndpoint(MapEnvLookup({{"AWS_ENDPOINT_URL", "http://a"},
                                             {"AWS_ENDPOINT_URL_STS", "http://s"}}),
                               "r"),
            "http://s");
}

}  // namespace
}  // namespace s3proc
